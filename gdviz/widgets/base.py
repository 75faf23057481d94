"""What every explorer shares: controls, a figure redrawn in place, messages, a static picture.

An explorer is an :class:`Explorer` (an ``ipywidgets.VBox``): a one-line caption saying
what to try, rows of controls, the figure, a status line and a message area. Build one
in five steps::

    class MyExplorer(Explorer):
        def __init__(self, backend=None):
            with projector_style():                        # 1. the figure, once
                figure = Figure(figsize=(7, 4.5), layout="constrained")
                ax = figure.subplots()
                (self._line,) = ax.plot([], [])
            super().__init__(figure, caption="Drag the slider.", backend=backend)
            self.view.animate(self._line)                  # 2. artists that move
            self.add_control("h", log_slider("h", 1e-3, 1e-8, 1.0))   # 3. controls
            self.watch(["h"], self._update)                # 4. what a change does
            self.arrange(["h"])                            # 5. the layout
            self.run(self._update, redraw=True)            #    and the first result

        def _update(self):
            self.result = compute(self.controls["h"].value)   # numerics only
            self._line.set_data(...)                          # then artists, in place
            self.show_status(f"h = {self.controls['h'].value:.2g}")

        def summary(self):                                 # stable text for static viewers
            return f"MyExplorer: h = {self.controls['h'].value:.2g}"

What the base does for you:

- **Redraws.** After each watched callback the figure is refreshed: by blitting
  (restore the background, draw the artists given to :meth:`FigureView.animate`, send
  the changed region) unless the callback was registered with ``redraw=True`` or called
  :meth:`FigureView.invalidate` (the static parts changed: a new surface, new axis
  limits), which makes the refresh a full draw. Animated artists are left out of the
  background, so never change a static artist without invalidating.
- **Errors.** An exception in a callback (or a click handler) is shown in the message
  area, kept in :attr:`Explorer.last_error`, and does not reach the log.
- **Bad input.** Sliders made with :func:`log_slider`, :func:`float_slider` and
  :func:`int_slider` get a text entry (their readout). A typed value outside the range is
  clamped and the message area says so; text that is not a number is refused. A value
  set from code outside the range is clamped and reported the same way.
- **Batches of changes.** Inside ``with explorer.holding():`` callbacks are queued and
  each runs once at the end (set several controls, pay for one update). Callbacks a
  callback triggers (it set another control) are queued the same way and run after it;
  the figure is refreshed once per change. For slow updates (a full redraw) make the
  slider with ``continuous_update=False``: the kernel hears of a drag when it ends.
- **Messages.** :meth:`Explorer.show_status` says what the result is; :meth:`Explorer.notify`
  writes a note that stays until the end of the next change.
- **Animation.** :meth:`Explorer.add_animation` adds a ``"play"`` button linked (in the
  browser, by ``jslink``) to a ``"frame"`` slider; watch ``"frame"``.
- **Clicks.** :meth:`FigureView.on_click` calls you with the axes and data coordinates
  of a left click (ipympl only; the static fallback cannot be clicked).
- **Static viewers.** Displaying the explorer adds a PNG of the figure and the
  ``text/plain`` of :meth:`Explorer.summary` next to the live widget, so GitHub,
  nbviewer and nbconvert show a picture and nbval compares a stable text (when the
  notebook is saved without widget state, as JupyterLab and ``tools/execute_notebooks.py``
  do; with saved state nbconvert tries to render the live widget instead). Artists given
  to :meth:`FigureView.show_in_static_picture_only` (a caption repeating the status line)
  are drawn in that PNG but not live, where text would slow every blit.

The canvas is an ipympl canvas made for this figure only (the user's matplotlib backend
is left alone) when ipympl can be imported; otherwise, or with ``backend="inline"`` or
the environment variable ``GDVIZ_BACKEND=inline``, a PNG image re-rendered on each change.

Examples
--------
>>> from gdviz.widgets.base import Explorer, log_slider
>>> from matplotlib.figure import Figure
>>> class Echo(Explorer):
...     def __init__(self):
...         figure = Figure(figsize=(3, 2))
...         (self.line,) = figure.subplots().plot([], [])
...         super().__init__(figure, caption="Move the slider.", backend="inline")
...         self.view.animate(self.line)
...         self.add_control("h", log_slider("h", 0.1, 1e-3, 1.0))
...         self.watch(["h"], self.update)
...         self.arrange(["h"])
...         self.run(self.update, redraw=True)
...
...     def update(self):
...         self.result = self.controls["h"].value
...         self.line.set_data([0, 1], [0, self.result])
...
...     def summary(self):
...         return f"Echo: h = {self.result:g}"
>>> echo = Echo()
>>> echo.controls["h"].value = 0.5
>>> echo.result, echo.line.get_ydata()[-1]
(0.5, 0.5)
>>> echo.controls["h"].value = 50.0
>>> echo.result, "clamped" in echo.message.value
(1.0, True)
"""

from __future__ import annotations

import base64
import html
import importlib
import io
import math
import os
import re
import struct
import sys
import warnings
import zlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from ..plotting import CORNERS as CORNERS
from ..plotting import move_to_emptiest_corner as move_to_emptiest_corner

# the sliders moved to .controls; imported from here by the explorers not yet ported
from .controls import ClampingFloatLogSlider as ClampingFloatLogSlider
from .controls import ClampingFloatSlider as ClampingFloatSlider
from .controls import ClampingIntSlider as ClampingIntSlider
from .controls import _format_number, _ReportsClamping, control_rows, int_slider
from .controls import float_slider as float_slider
from .controls import log_slider as log_slider
from .template import write_gif

BACKENDS = ("ipympl", "inline")
"""The two ways to show an explorer's figure: a live ipympl canvas, or a PNG image."""

BACKEND_VARIABLE = "GDVIZ_BACKEND"
"""Environment variable choosing the backend (``ipympl`` or ``inline``) when none is given."""

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

_ERROR_COLOUR = "#D55E00"  # Okabe–Ito vermillion
_NOTE_COLOUR = "#0072B2"  # Okabe–Ito blue


_IPYMPL: list = []  # the classes, once imported


def _ipympl_classes():
    """ipympl's ``Canvas`` (with a faster diff encoder) and ``FigureManager``, or None.

    None when ipympl cannot be imported.

    Importing the ``ipympl`` package calls ``matplotlib.use("module://ipympl...")`` when
    matplotlib is already imported, which would switch the user's backend (and make
    pyplot close every open figure). The explorers need only the classes, so the package
    is imported with ``matplotlib.use`` disabled.
    """
    if _IPYMPL:
        return _IPYMPL[0]
    module = sys.modules.get("ipympl.backend_nbagg")
    if module is None:
        use = mpl.use
        mpl.use = lambda *args, **kwargs: None
        try:
            module = importlib.import_module("ipympl.backend_nbagg")
        except ImportError:
            return None
        finally:
            mpl.use = use
    _IPYMPL.append((_fast_diff_canvas(module.Canvas), module.FigureManager))
    return _IPYMPL[0]


def encode_png(pixels: np.ndarray, where: np.ndarray | None = None) -> bytes:
    """An RGBA image of shape ``(height, width, 4)`` as PNG, unfiltered, zlib level 1.

    Made for ipympl's diff images, which are mostly transparent zeros: Pillow would try
    five row filters on every row, which here costs more than all the drawing of a blit.
    With ``where`` (a ``(height, width)`` mask) only those pixels are kept, the others
    are zeros, without an intermediate image.

    Examples
    --------
    >>> import numpy as np
    >>> encode_png(np.zeros((2, 3, 4), np.uint8))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    height, width, _ = pixels.shape
    rows = np.zeros((height, 1 + 4 * width), np.uint8)  # a leading 0 on each row: no filter
    if where is None:
        rows[:, 1:] = pixels.reshape(height, 4 * width)
    else:
        # whole pixels as 32-bit words (unaligned after the filter byte, which numpy allows)
        target = rows[:, 1:].view(np.uint32)
        np.copyto(target, pixels.reshape(height, 4 * width).view(np.uint32), where=where)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )


def _fast_diff_canvas(canvas_class):
    """ipympl's canvas class, with its diff images encoded by :func:`encode_png`.

    The protocol is ipympl's: a full-size PNG in which unchanged pixels are transparent
    zeros ("diff" mode), or the whole image ("full" mode); only the encoder differs.
    """

    class FastDiffCanvas(canvas_class):
        def get_diff_image(self):
            if not self._png_is_old:
                return None
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            buffer = pixels.view(np.uint32).squeeze(2)
            if (
                self._force_full
                or buffer.shape != self._last_buff.shape
                or (pixels[:, :, 3] != 255).any()
            ):
                self.set_image_mode("full")
                changed = None
            else:
                self.set_image_mode("diff")
                changed = buffer != self._last_buff
            self._last_buff = buffer.copy()
            self._force_full = False
            self._png_is_old = False
            return encode_png(pixels, where=changed)

        def send_binary(self, data):
            # Until a browser view says it is initialized, ipympl keeps `_data_url` (the
            # picture a new view starts from) up to date, but without the
            # "data:image/png;base64," prefix. A view created after a refresh in the kernel
            # (an explorer that draws before it is displayed) then fails on a broken image
            # and its canvas stays 0 × 0. Keep a real data URL instead.
            if self.syncing_data_url:
                height, width = self._last_buff.shape
                pixels = self._last_buff.view(np.uint8).reshape(height, width, 4)
                encoded = base64.b64encode(encode_png(pixels)).decode("ascii")
                self._data_url = f"data:image/png;base64,{encoded}"
            self.send({"data": '{"type": "binary"}'}, buffers=[data])

    return FastDiffCanvas


def choose_backend(backend: str | None = None) -> str:
    """The backend to use: ``backend``, else ``$GDVIZ_BACKEND``, else ipympl if importable.

    Raises
    ------
    ValueError
        For a name that is not one of :data:`BACKENDS`, or ``"ipympl"`` when ipympl is missing.

    Examples
    --------
    >>> choose_backend("inline")
    'inline'
    >>> choose_backend("qt")
    Traceback (most recent call last):
    ...
    ValueError: backend must be one of ipympl, inline (or None to choose); got 'qt'
    """
    chosen = backend if backend is not None else os.environ.get(BACKEND_VARIABLE, "").strip()
    if not chosen:
        return "ipympl" if _ipympl_classes() is not None else "inline"
    if chosen not in BACKENDS:
        source = "backend" if backend is not None else f"${BACKEND_VARIABLE}"
        raise ValueError(
            f"{source} must be one of {', '.join(BACKENDS)} (or None to choose); got {chosen!r}"
        )
    if chosen == "ipympl" and _ipympl_classes() is None:
        raise ValueError("backend 'ipympl' needs the ipympl package: pip install ipympl")
    return chosen


class FigureView:
    """A figure on a canvas that can be redrawn in place.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        Made with ``Figure(...)``, not pyplot: the view gives it its own canvas.
    backend : {"ipympl", "inline"}
        See :func:`choose_backend`.

    Attributes
    ----------
    widget : ipywidgets.DOMWidget
        What to put in a layout: the ipympl canvas or an ``ipywidgets.Image``.
    full_draws, blits : int
        How many refreshes of each kind happened (for tests and benchmarks).
    """

    def __init__(self, figure: Figure, backend: str) -> None:
        self.figure = figure
        self.backend = backend
        if backend == "ipympl":
            canvas_class, manager_class = _ipympl_classes()
            canvas = canvas_class(figure)
            with warnings.catch_warnings():
                # ipympl's Toolbar passes the canvas on to traitlets, which warns; harmless.
                warnings.filterwarnings(
                    "ignore", "Passing unrecognized arguments", DeprecationWarning
                )
                manager_class(canvas, 0)
            canvas.header_visible = False
            canvas.footer_visible = False
            # No pan or zoom: they would move the axes under a background kept for blitting.
            canvas.toolbar_visible = False
            canvas.resizable = False
            self.widget = canvas
        else:
            canvas = FigureCanvasAgg(figure)
            width, height = (round(v) for v in figure.bbox.size)
            self.widget = widgets.Image(
                format="png", layout=widgets.Layout(width=f"{width}px", height=f"{height}px")
            )
        self.canvas = canvas
        self._animated: list = []
        self._static_only: list = []
        self._background = None
        self.full_draws = 0
        self.blits = 0
        canvas.mpl_connect("draw_event", self._on_draw)

    def animate(self, *artists) -> None:
        """Redraw these artists on every refresh; they are left out of the background."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)
        self.invalidate()

    def show_in_static_picture_only(self, *artists) -> None:
        """Hide these artists live; draw them in :meth:`png` (say, a caption for static viewers).

        Text is slow to draw: what the widgets around the figure already say need not be
        blitted on every change.
        """
        for artist in artists:
            artist.set_visible(False)
            self._static_only.append(artist)

    def invalidate(self) -> None:
        """Say the static parts changed: the next refresh is a full draw."""
        self._background = None

    def refresh(self, full: bool = False) -> None:
        """Show the current state: blit the animated artists, or draw everything if needed."""
        if full or self._background is None:
            self.full_draws += 1
            self.canvas.draw()  # its draw_event keeps the new background
        else:
            self.blits += 1
            self.canvas.restore_region(self._background)
            self._draw_animated()
            # ipympl then sends only the pixels that changed
            self.canvas.blit(self.figure.bbox)
        if self.backend == "inline":
            self.widget.value = self._buffer_png()

    def _on_draw(self, event) -> None:
        # savefig draws too (on this canvas or a temporary one): that is no background
        if event.canvas is not self.canvas or self.canvas.is_saving():
            return
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_animated()

    def _draw_animated(self) -> None:
        for artist in self._animated:
            self.figure.draw_artist(artist)

    def _buffer_png(self) -> bytes:
        """The canvas as drawn, as PNG; fast compression, since it is re-sent on every change."""
        pixels = np.asarray(self.canvas.buffer_rgba())
        with io.BytesIO() as out:
            PILImage.fromarray(pixels).save(out, format="png", compress_level=1)
            return out.getvalue()

    def png(self) -> bytes:
        """A PNG of the whole figure, rendered apart from the live canvas."""
        for artist in self._static_only:
            artist.set_visible(True)
        try:
            with io.BytesIO() as out:
                self.figure.savefig(out, format="png", backend="agg")
                return out.getvalue()
        finally:
            for artist in self._static_only:
                artist.set_visible(False)

    def on_click(self, callback: Callable) -> None:
        """Call ``callback(ax, x, y)`` on a left click inside an axes (data coordinates)."""

        def handle(event) -> None:
            if event.inaxes is not None and event.button == 1 and event.xdata is not None:
                callback(event.inaxes, float(event.xdata), float(event.ydata))

        self.canvas.mpl_connect("button_press_event", handle)


def _follow(source: widgets.Widget, target: widgets.Widget) -> None:
    """Set ``target.value`` when ``source.value`` is set in the kernel.

    Values the browser sends are left alone: there ``jslink`` has already moved the
    target, whose own message follows, and echoing would send a playing animation frames
    it has already passed, making it jump back.
    """

    def changed(change) -> None:
        if "value" not in source._property_lock:  # set by the browser's message
            target.value = change["new"]

    source.observe(changed, "value")


class Explorer(widgets.VBox):
    """An interactive figure with its controls; subclass it (see the module docstring).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The explorer's figure, made once with ``Figure(...)`` (not pyplot).
    caption : str
        One line saying what to try.
    backend : {"ipympl", "inline"}, optional
        See :func:`choose_backend`.

    Attributes
    ----------
    controls : dict
        The controls by name; setting a control's ``value`` updates :attr:`result` and the
        figure before the assignment returns.
    entries : dict
        The text entries of numeric sliders, by the control's name.
    figure : Figure
    view : FigureView
    result
        What the current settings produce (set by subclasses).
    caption, status, message : ipywidgets.HTML
        What to try; the current result in words; notes and errors.
    last_error : Exception or None
        The last exception raised inside a callback, also shown in :attr:`message`.
    """

    def __init__(self, figure: Figure, *, caption: str, backend: str | None = None) -> None:
        self.figure = figure
        self.view = FigureView(figure, choose_backend(backend))
        self.controls: dict[str, widgets.Widget] = {}
        self.entries: dict[str, widgets.Text] = {}
        self.result = None
        self.last_error: Exception | None = None
        self._message_is_new = False
        self._held = 0
        self._queued: dict[Callable, bool] = {}
        self.caption = widgets.HTML(f"<b>Try this:</b> {html.escape(caption)}")
        self.status = widgets.HTML()
        self.message = widgets.HTML()
        self.backend_note = widgets.HTML()
        if self.view.backend == "inline":
            self.backend_note.value = (
                '<span style="color: gray">A static picture, re-drawn on each change. For a '
                "smooth figure you can click on, install ipympl (<code>pip install ipympl</code>), "
                f"unset <code>{BACKEND_VARIABLE}</code> and restart the kernel.</span>"
            )
        super().__init__(layout=widgets.Layout(align_items="flex-start"))
        self.add_class("gdviz-explorer")  # stable hooks for browser tests and styling

    # building ---------------------------------------------------------------------

    def add_control(self, name: str, control: widgets.Widget, *, entry: bool | None = None):
        """Register ``control`` as ``controls[name]``; return it.

        Sliders from :func:`log_slider`, :func:`float_slider` and :func:`int_slider`
        report clamped values in the message area and, unless ``entry=False``, get a text
        entry for typing a value.

        In the page the control gets the class ``gdviz-control-NAME`` and its entry
        ``gdviz-entry-NAME``, with characters other than letters, digits, ``_`` and ``-``
        in ``name`` written as ``-`` (``"gd.lr"`` → ``gdviz-control-gd-lr``).
        """
        if name in self.controls:
            raise ValueError(f"a control named {name!r} already exists")
        self.controls[name] = control
        css_name = re.sub(r"[^A-Za-z0-9_-]", "-", name)
        if isinstance(control, widgets.DOMWidget):
            control.add_class(f"gdviz-control-{css_name}")
        if isinstance(control, _ReportsClamping):
            control.on_clamp = lambda requested, used: self._report_clamp(name, requested, used)
            if entry is not False:
                self.entries[name] = self._entry_for(name, control)
                self.entries[name].add_class(f"gdviz-entry-{css_name}")
        return control

    def _entry_for(self, name: str, slider) -> widgets.Text:
        box = widgets.Text(
            value=_format_number(slider.value),
            continuous_update=False,
            layout=widgets.Layout(width="6.5em"),
            tooltip=f"type a {name.replace('_', ' ')} and press Enter",
        )

        def typed(change) -> None:
            text = change["new"].strip()
            if text == _format_number(slider.value):
                return
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            whole = isinstance(slider, widgets.IntSlider)
            if not math.isfinite(number) or (whole and number != int(number)):
                kind = "a whole number" if whole else "a number"
                self.notify(
                    f"{slider.description}: {text!r} is not {kind}; it stays "
                    f"{_format_number(slider.value)}.",
                    error=True,
                )
                box.value = _format_number(slider.value)
                return
            slider.value = int(number) if whole else number

        box.observe(typed, "value")
        slider.observe(lambda change: setattr(box, "value", _format_number(change["new"])), "value")
        return box

    def _report_clamp(self, name: str, requested, used) -> None:
        slider = self.controls[name]
        low, high = (
            (slider.base**slider.min, slider.base**slider.max)
            if isinstance(slider, widgets.FloatLogSlider)
            else (slider.min, slider.max)
        )
        self.notify(
            f"{slider.description}: {_format_number(requested)} is outside "
            f"[{_format_number(low)}, {_format_number(high)}]; clamped to {_format_number(used)}.",
            error=True,
        )

    def add_animation(self, frames: int, *, interval_ms: int = 40) -> None:
        """Add a ``"play"`` button and a ``"frame"`` slider from 0 to ``frames``, linked.

        In the browser ``jslink`` moves the slider with the button without a round trip;
        in the kernel each follows the other, so either can be set from code.
        """
        play = widgets.Play(
            value=frames, min=0, max=frames, step=1, interval=interval_ms, description="play"
        )
        frame = int_slider("frame", frames, 0, max(frames, 1))
        frame.max = frames
        widgets.jslink((play, "value"), (frame, "value"))
        _follow(play, frame)
        _follow(frame, play)
        self.add_control("play", play)
        self.add_control("frame", frame)

    def set_frames(self, frames: int, *, frame: int | None = None) -> None:
        """Let the animation run over ``frames`` frames and show ``frame`` (default: the last)."""
        play, slider = self.controls["play"], self.controls["frame"]
        with self.holding():
            for control in (play, slider):
                control.max = frames
            slider.value = frames if frame is None else frame

    def watch(self, names: Iterable[str], callback: Callable[[], None], *, redraw: bool = False):
        """Run ``callback()`` then refresh the figure whenever one of these controls changes.

        With ``redraw=True`` the refresh is a full draw (the callback changes static parts).
        """
        names = list(names)
        unknown = [n for n in names if n not in self.controls]
        if unknown:
            raise ValueError(f"no controls named {unknown}; the controls are {list(self.controls)}")

        def changed(_change) -> None:
            self.run(callback, redraw=redraw)

        for name in names:
            self.controls[name].observe(changed, "value")

    def run(self, callback: Callable[[], None], *, redraw: bool = False) -> None:
        """Run ``callback()`` as a watched callback would: errors shown, figure refreshed.

        Callbacks triggered while one runs (it set another control) are queued and run
        after it, each once; the figure is refreshed once, when the queue is empty.
        """
        self._queued[callback] = self._queued.get(callback, False) or redraw
        if not self._held:
            self._drain()

    def _drain(self) -> None:
        self._held += 1
        failed = False
        full = False
        try:
            while self._queued:
                callback = next(iter(self._queued))
                full = self._queued.pop(callback) or full
                try:
                    callback()
                except Exception as error:  # shown to the student, who can act on it
                    self.report_error(error)
                    failed = True
            try:
                self.view.refresh(full=full)
            except Exception as error:
                self.report_error(error)
                failed = True
        finally:
            self._held -= 1
        if not failed:
            self.last_error = None
            if not self._message_is_new:
                self.message.value = ""  # it was about an earlier change
        self._message_is_new = False

    @contextmanager
    def holding(self):
        """Queue watched callbacks inside the block; run each once (in order) at its end."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._queued:
                self._drain()

    def on_click(self, callback: Callable[[object, float, float], None]) -> None:
        """Call ``callback(ax, x, y)`` on a left click in the figure, with errors shown."""
        self.view.on_click(lambda ax, x, y: self.run(lambda: callback(ax, x, y)))

    def arrange(self, *rows: Sequence[str | widgets.Widget]) -> None:
        """Lay out: caption, one line per row of controls (names or widgets), figure, messages."""
        lines = [self.caption, *control_rows(self.controls, self.entries, rows)]
        lines += [self.view.widget, self.status, self.message, self.backend_note]
        self.children = lines

    # messages ---------------------------------------------------------------------

    def show_status(self, text: str) -> None:
        """Say what the current result is, in one line."""
        self.status.value = f'<span style="font-size: 1.1em">{html.escape(text)}</span>'

    def notify(self, text: str, *, error: bool = False) -> None:
        """Show a note (or, with ``error=True``, a warning) in the message area."""
        colour = _ERROR_COLOUR if error else _NOTE_COLOUR
        sign = "⚠ " if error else ""
        self.message.value = f'<span style="color: {colour}">{sign}{html.escape(text)}</span>'
        # kept until the end of the next change, so that it speaks of the latest one
        self._message_is_new = True

    def report_error(self, error: Exception) -> None:
        """Show an exception raised by a callback; keep it in :attr:`last_error`."""
        self.last_error = error
        self.notify(f"Could not update: {type(error).__name__}: {error}", error=True)

    # slides -------------------------------------------------------------------------

    def save_gif(self, path, *, fps: int = 10, max_frames: int = 150) -> Path:
        """Save the animation as an animated GIF, for slides (see :func:`.template.write_gif`)."""

        def picture() -> PILImage.Image:
            return PILImage.open(io.BytesIO(self.png())).convert("RGB")

        return write_gif(self, picture, path, fps=fps, max_frames=max_frames)

    # static viewers -----------------------------------------------------------------

    def summary(self) -> str:
        """A one-line, deterministic description of the current state (the ``text/plain``)."""
        return f"{type(self).__name__}: {self.result!r}"

    def __repr__(self) -> str:
        return self.summary()

    def png(self) -> bytes:
        """A PNG of the whole figure (what static viewers show)."""
        return self.view.png()

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.summary()
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")
        return bundle
