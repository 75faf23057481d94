"""The explorer template: the kernel computes, the browser draws.

A :class:`SceneExplorer` is an ``ipywidgets.VBox``: a caption saying what to try, rows of
kernel controls (dropdowns, sliders whose change needs new numbers), the
:class:`~gdviz.widgets.scene.Scene` (the main slider, the panels, Play, Step, Reset,
Save picture and the status line, all drawn in the browser) and a message area.
A subclass fills in three things:

- **the scene**: its matplotlib figures, built from the state with
  :meth:`SceneExplorer.set_panels` (the artists that move are named there: they are
  left out of the PNG the browser draws on, and drawn only in the static picture), and
  the scene's ``tracks`` (what the browser draws from the series);
- **the controls**: :meth:`SceneExplorer.add_control` for kernel controls,
  :meth:`SceneExplorer.add_scene_control` for the main slider and
  :meth:`SceneExplorer.add_frame_control` for the step shown;
- **the update**: set ``scene.family`` (every stop of the main slider, packed with
  :func:`~gdviz.widgets.scene.pack_family`) when the numbers change; answer
  :meth:`SceneExplorer.show` (a value: its stop, or ``extra`` computed for it, through
  :meth:`SceneExplorer.show_on_scene`), :meth:`SceneExplorer.set_value` (from code),
  :meth:`SceneExplorer.nearest_stop`, :meth:`SceneExplorer.typed`,
  :meth:`SceneExplorer.reset` and, if a click means something, :meth:`SceneExplorer.clicked`;
  compute the first state with :meth:`SceneExplorer.begin`.

What the template does: errors in a callback are shown in the message area (and kept in
:attr:`SceneExplorer.last_error`), a note stays until the end of the next change, the
scene's traits changed by one callback reach the browser in one message, and displaying
the explorer adds a PNG of what it shows and the ``text/plain`` of
:meth:`SceneExplorer.summary` for GitHub, nbviewer and nbval.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as widgets
import numpy as np
from PIL import Image as PILImage

from .. import plotting
from ..validation import check_whole
from .controls import (
    SceneControl,
    TypedEntry,
    _format_number,
    _ReportsClamping,
    control_rows,
    parse_number,
)
from .scene import Scene

PICTURE_WIDTH = 940
"""The widest row of panels in :meth:`SceneExplorer.png`, in pixels: about the page's output
area at 1366×768 with JupyterLab's file browser open (934 px), where panels wrap likewise."""

_ERROR_COLOUR = "#D55E00"  # Okabe–Ito vermillion
_NOTE_COLOUR = "#0072B2"  # Okabe–Ito blue


class Line:
    """A line of text the browser shows, kept in the kernel too (for code and tests)."""

    def __init__(self, value: str = "") -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Line({self.value!r})"


class SceneExplorer(widgets.VBox):
    """An explorer drawn in the browser from its state; subclass it (see the module docstring).

    Parameters
    ----------
    caption : str
        One line saying what to try.
    slider : dict
        The scene's main slider: ``{"name": "step_size", "label": "step size"}``.
    download_name : str
        The file name of the picture the "Save picture" button downloads.

    Attributes
    ----------
    controls, entries : dict
        The controls by name, and the text entries of numeric ones.
    scene : Scene
    result
        What the current settings produce (set by subclasses).
    status : Line
        The status line, as the browser shows it.
    caption, message : ipywidgets.HTML
    last_error : Exception or None
    """

    def __init__(self, *, caption: str, slider: dict, download_name: str) -> None:
        self.scene = Scene(slider=slider, download_name=download_name)
        self.controls: dict = {}
        self.entries: dict = {}
        self.result = None
        self.last_error: Exception | None = None
        self.status = Line()
        self.caption = widgets.HTML(f"<b>Try this:</b> {html.escape(caption)}")
        self.message = widgets.HTML()
        self._figures: list[tuple[object, list]] = []
        self._static_only: list = []
        self._depth = 0
        self._failed = False
        self._message_is_new = False
        self.scene.on_msg(self._on_message)
        super().__init__(layout=widgets.Layout(max_width="100%"))
        self.add_class("gdviz-explorer")

    # building ---------------------------------------------------------------------

    def set_panels(self, *panels: tuple[object, Sequence, Sequence]) -> None:
        """The matplotlib figures the browser shows as PNGs and draws on, in order.

        Each panel is ``(figure, moving, static_only)``: ``moving`` artists are left out of
        the PNG (the browser draws them from the state); ``static_only`` ones too, and they
        are drawn in :meth:`png` only (say, a box repeating the status line). Build the
        figures anew from the state rather than changing old ones: then no earlier state
        can show through (a removed colour bar, a widened axis).
        """
        self._figures = [(figure, [*moving, *static]) for figure, moving, static in panels]
        self._static_only = [artist for _, _, static in panels for artist in static]
        for artist in self._static_only:
            artist.set_visible(False)

    def publish_panels(self, only: Sequence[int] | None = None) -> None:
        """Render the static layers (those in ``only``, else all) and send what changed."""
        panels = []
        for index, (figure, hidden) in enumerate(self._figures):
            if only is not None and index not in only and index < len(self.scene.panels):
                panels.append(self.scene.panels[index])
                continue
            png = plotting.render_png(figure, hidden)
            width, height = (round(v) for v in figure.bbox.size)
            axes = plotting.axes_geometry(figure.axes[0])
            panels.append(
                {"png": png, "width": width, "height": height, "axes": axes, "name": str(index)}
            )
        if panels != self.scene.panels:
            self.scene.panels = panels

    def add_control(self, name: str, control):
        """Register a kernel control as ``controls[name]``; return it.

        A slider from :mod:`gdviz.widgets.controls` reports a clamped value in the message
        area and gets a text entry (``entries[name]``). In the page the control has the
        class ``gdviz-control-NAME`` and its entry ``gdviz-entry-NAME``.
        """
        if name in self.controls:
            raise ValueError(f"a control named {name!r} already exists")
        self.controls[name] = control
        css_name = re.sub(r"[^A-Za-z0-9_-]", "-", name)
        if isinstance(control, widgets.DOMWidget):
            control.add_class(f"gdviz-control-{css_name}")
        if isinstance(control, _ReportsClamping):

            def clamped(requested, used) -> None:
                low, high = control.bounds()
                self.notify(
                    f"{control.description}: {_format_number(requested)} is outside "
                    f"[{_format_number(low)}, {_format_number(high)}]; "
                    f"clamped to {_format_number(used)}.",
                    error=True,
                )
                self._message_is_new = True  # it is about the change that runs next

            control.on_clamp = clamped
            box = self._entry_for(control)
            box.add_class(f"gdviz-entry-{css_name}")
            self.entries[name] = box
        return control

    def _entry_for(self, slider) -> widgets.Text:
        box = widgets.Text(
            value=_format_number(slider.value),
            continuous_update=False,
            layout=widgets.Layout(width="6.5em"),
        )

        def typed(change) -> None:
            text = change["new"].strip()
            if text == _format_number(slider.value):
                return
            whole = isinstance(slider, widgets.IntSlider)
            number = parse_number(text, whole=whole)
            if number is None:
                kind = "a whole number" if whole else "a number"
                self.notify(
                    f"{slider.description}: {text!r} is not {kind}; it stays "
                    f"{_format_number(slider.value)}.",
                    error=True,
                )
                box.value = _format_number(slider.value)
                return
            slider.value = number

        box.observe(typed, "value")
        slider.observe(lambda change: setattr(box, "value", _format_number(change["new"])), "value")
        return box

    def add_scene_control(
        self,
        name: str,
        description: str,
        limits: Callable[[], tuple[float, float, float]],
        *,
        whole: bool = False,
        positive: bool = False,
    ) -> SceneControl:
        """The main slider, drawn by the browser, as ``controls[name]`` and ``entries[name]``.

        Setting it from code calls :meth:`set_value`; text typed into its entry calls
        :meth:`typed`; a value the browser moved it to calls :meth:`show`. ``limits()``
        gives ``(min, max, step)`` as a slider would (a log slider's in exponents of 10).
        With ``whole``, its values are whole numbers (the scene's value is a float); with
        ``positive``, a typed number must be > 0 (a step size, a log slider's value).
        """
        self._whole, self._positive, self._description = whole, positive, description
        self.controls[name] = SceneControl(
            description,
            lambda: round(self.scene.value) if whole else self.scene.value,
            lambda value: self.run(lambda: self.set_value(value)),
            lambda handler: self.scene.observe(handler, "value"),
            limits,
        )
        self.entries[name] = TypedEntry(
            self.entry_text, lambda text: self.run(lambda: self.typed(text))
        )
        self.scene.observe(self._value_from_browser, "value")
        return self.controls[name]

    def add_frame_control(
        self, last: Callable[[], int], *, names: Sequence[str] = ("frame", "play")
    ) -> SceneControl:
        """The step shown (Play, Step, the frame slider), as ``controls[name]`` for each name.

        Setting it from code takes a whole number and clamps it to ``[0, last()]``, saying so.
        """
        description = names[0]

        def set_frame(value) -> None:
            value = check_whole(description, value)
            used = self.clamp(description, value, 0, last())
            self.scene.frame = used

        control = SceneControl(
            description,
            lambda: self.scene.frame,
            lambda value: self.run(lambda: set_frame(value)),
            lambda handler: self.scene.observe(handler, "frame"),
            lambda: (0, last(), 1),
        )
        for name in names:
            self.controls[name] = control
        return control

    def watch(self, names: Sequence[str], callback: Callable[[], None]) -> None:
        """Run ``callback()`` (errors shown) whenever one of these kernel controls changes,
        except inside :meth:`quietly`."""

        def changed(_change) -> None:
            if not self._quiet:
                self.run(callback)

        for name in names:
            self.controls[name].observe(changed, "value")

    @contextmanager
    def quietly(self) -> Iterator[None]:
        """Set kernel controls without their callbacks: a reset sets several, then computes
        once, rather than once per control with the others half set."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    _quiet = False

    def arrange(self, *rows: Sequence[str | widgets.Widget]) -> None:
        """Lay out: caption, one wrapping line per row of controls, the scene, the messages."""
        lines = [self.caption, *control_rows(self.controls, self.entries, rows)]
        self.children = [*lines, self.scene, self.message]

    # running ------------------------------------------------------------------------

    def run(self, callback: Callable[[], None]) -> None:
        """Run ``callback()``: an error is shown, not raised; the scene changes go out at once.

        Nested runs (a callback set a control) belong to the outermost one: its traits
        reach the browser in one message, and messages are cleared once, at its end.
        """
        self._depth += 1
        try:
            with self.scene.hold_sync():
                callback()
        except Exception as error:  # shown to the student, who can act on it
            self.report_error(error)
        finally:
            self._depth -= 1
        if self._depth == 0:
            if not self._failed:
                self.last_error = None
                if not self._message_is_new:
                    self.message.value = ""  # it was about an earlier change
            self._failed = False
            self._message_is_new = False

    def begin(self, callback: Callable[[], None]) -> None:
        """Compute the first state, as :meth:`run` does, but raise its error: an explorer
        that cannot show its first state has nothing to show (a constructor's bad value)."""
        self.run(callback)
        if self.last_error is not None:
            raise self.last_error

    def _on_message(self, _widget, content: dict, _buffers) -> None:
        event = content.get("event")
        if event == "typed":
            self.run(lambda: self.typed(str(content.get("text", ""))))
            self.scene.send({"event": "refresh"})  # the entry shows the state again
        elif event == "reset":
            self.run(self.reset)
        elif event == "click":
            self.run(lambda: self.clicked(int(content["panel"]), content["x"], content["y"]))

    def show_on_scene(self, *, value: float, stop: int, extra: dict, frame: int) -> None:
        """Show ``value`` (the stop ``stop``, or ``extra`` computed for it) at ``frame``.

        The scene's traits are set without taking the new value for one the browser sent.
        """
        self._showing = True
        try:
            self.scene.extra = extra
            self.scene.stop = stop
            self.scene.value = value
            self.scene.frame = frame
        finally:
            self._showing = False

    _showing = False
    _whole = _positive = False

    def show_first(self, *, panels: bool = False) -> None:
        """Send what is shown now, before the change ends: for a kernel control whose change
        computes the shown stop first (as :meth:`show_on_scene`'s ``extra``) and the
        slider's other stops after it, so that the student sees the new run sooner.
        With ``panels``, the static layers and tracks too (they changed)."""
        keys = ["extra", "value", "stop", "frame"]
        self.scene.send_state(keys + (["panels", "tracks"] if panels else []))

    def _value_from_browser(self, change) -> None:
        if not self._showing:
            value = round(change["new"]) if self._whole else change["new"]
            self.run(lambda: self.show(value))

    def clamp(self, description: str, value: float, low: float, high: float) -> float:
        """``value`` clamped to ``[low, high]``; a value outside is named in the message area."""
        used = min(max(value, low), high)
        if used != value:
            self.notify(
                f"{description}: {_format_number(value)} is outside "
                f"[{_format_number(low)}, {_format_number(high)}]; clamped to {_format_number(used)}.",
                error=True,
            )
        return used

    def show(self, value: float) -> None:
        """Show the main slider at ``value``: a stop's results, or ones computed for it."""
        raise NotImplementedError(f"{type(self).__name__} must say how it shows a value")

    def set_value(self, value) -> None:
        """The main slider set from code: check ``value``, clamp it, :meth:`show` it."""
        raise NotImplementedError(f"{type(self).__name__} must say which values it takes")

    def nearest_stop(self, value: float) -> tuple[int, bool]:
        """The stop whose handle position is nearest to ``value``, and whether it is ``value``."""
        raise NotImplementedError(f"{type(self).__name__} must say where its stops are")

    def entry_text(self) -> str:
        """The main slider's value as its entry shows it: 3 digits at a stop, 6 between."""
        _, on_stop = self.nearest_stop(self.scene.value)
        return f"{self.scene.value:.3g}" if on_stop else f"{self.scene.value:.6g}"

    def typed(self, text: str) -> None:
        """Text typed into the main slider's entry, then Enter: a number goes to
        :meth:`set_value`; other text is refused in the message area, and nothing changes."""
        number = parse_number(text, whole=self._whole)
        if number is None or (self._positive and number <= 0):
            kind = "a whole number" if self._whole else "a number"
            kind += " > 0" if self._positive else ""
            self.notify(
                f"{self._description}: {text.strip()!r} is not {kind}; "
                f"it stays {self.entry_text()}.",
                error=True,
            )
            return
        self.set_value(number)

    def reset(self) -> None:
        """Back to the explorer's initial state (subclasses answer)."""

    def clicked(self, panel: int, x: float, y: float) -> None:
        """A click in a panel, in data coordinates (subclasses may answer)."""

    # messages ---------------------------------------------------------------------

    def notify(self, text: str, *, error: bool = False) -> None:
        """Show a note (or, with ``error=True``, a warning) in the message area."""
        colour = _ERROR_COLOUR if error else _NOTE_COLOUR
        sign = "⚠ " if error else ""
        self.message.value = f'<span style="color: {colour}">{sign}{html.escape(text)}</span>'
        # a note made inside a change stays until the end of the next one; one made outside
        # any change (a refused entry) goes at the end of the next change
        self._message_is_new = self._depth > 0

    def report_error(self, error: Exception) -> None:
        """Show an exception raised by a callback; keep it in :attr:`last_error`."""
        self.last_error = error
        self._failed = True
        self.notify(f"Could not update: {type(error).__name__}: {error}", error=True)

    # pictures -----------------------------------------------------------------------

    def draw_static_picture(self) -> None:
        """Put the current state on the figures' moving artists (subclasses do)."""

    def _picture(self) -> PILImage.Image:
        self.draw_static_picture()
        for artist in self._static_only:
            artist.set_visible(True)
        try:
            images = [
                PILImage.open(io.BytesIO(plotting.render_png(figure))).convert("RGB")
                for figure, _ in self._figures
            ]
        finally:
            for artist in self._static_only:
                artist.set_visible(False)
        # side by side, a new row where the next would pass PICTURE_WIDTH: as the page wraps them
        places, left, top, row_height = [], 0, 0, 0
        for image in images:
            if left and left + image.width > PICTURE_WIDTH:
                left, top, row_height = 0, top + row_height, 0
            places.append((left, top))
            left += image.width
            row_height = max(row_height, image.height)
        width = max(x + image.width for (x, _), image in zip(places, images, strict=True))
        picture = PILImage.new("RGB", (width, top + row_height), "white")
        for image, place in zip(images, places, strict=True):
            picture.paste(image, place)
        return picture

    def png(self) -> bytes:
        """A PNG of what the explorer shows, rendered by matplotlib: panels side by side,
        wrapped into rows at :data:`PICTURE_WIDTH` pixels as the page wraps them."""
        with io.BytesIO() as out:
            self._picture().save(out, format="png")
            return out.getvalue()

    def save_gif(self, path, *, fps: int = 10, max_frames: int = 150) -> Path:
        """Save the animation as an animated GIF, for slides (see :func:`.template.write_gif`)."""
        return write_gif(self, self._picture, path, fps=fps, max_frames=max_frames)

    # static viewers -----------------------------------------------------------------

    def summary(self) -> str:
        """A one-line, deterministic description of the current state (the ``text/plain``)."""
        return f"{type(self).__name__}: {self.result!r}"

    def __repr__(self) -> str:
        return self.summary()

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.summary()
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
        return bundle


def write_gif(explorer, picture: Callable[[], PILImage.Image], path, *, fps: int, max_frames: int):
    """Save an explorer's animation, from the first frame to the last, as an animated GIF.

    Steps the explorer's ``"frame"`` control through its range and keeps ``picture()`` of
    each frame. Pillow writes the GIF, no ffmpeg needed. At most ``max_frames`` frames,
    evenly spaced, are kept; the explorer is left on the frame it showed.

    Parameters
    ----------
    explorer
        An explorer with a ``"frame"`` control.
    picture : callable
        Returns the explorer's current picture as a PIL image.
    path : str or Path
        Where to write, usually ending in ``.gif``.
    fps : int
        Frames per second when the GIF plays.
    max_frames : int
        The longest GIF to write, in frames.

    Returns
    -------
    Path
        The file written.
    """
    if "frame" not in explorer.controls:
        raise ValueError(f"{type(explorer).__name__} has no animation (no 'frame' control) to save")
    fps, max_frames = check_whole("fps", fps, low=1), check_whole("max_frames", max_frames, low=1)
    path = Path(path)
    frame = explorer.controls["frame"]
    shown = frame.value
    frames = np.unique(np.linspace(0, frame.max, min(max_frames, frame.max + 1)).round())
    try:
        images = []
        for k in frames:
            frame.value = int(k)
            images.append(picture())
    finally:
        frame.value = shown
    images[0].save(
        path, save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0
    )
    return path
