"""The browser side of an explorer: a canvas drawn from the explorer's state.

:class:`Scene` is an `anywidget <https://anywidget.dev>`_ whose ES module and CSS are
files of this package (``static/scene.js``, ``static/scene.css``): nothing is built or
fetched at run time. Its traits are the whole picture:

``panels``
    The static layers: one PNG per matplotlib figure (contours, axes, colour bar) and,
    for each, where its axes are and how data map to their pixels
    (:func:`gdviz.plotting.axes_geometry`). Sent once per change of surface or scale.
``family``
    The results of every stop of the main slider (:func:`pack_family`): named float32
    series, per stop or per frame, with each stop's value, status line, readout and
    optional HTML block. A drag, a key press, Play or a scrub is answered from it in the
    browser, without waiting for the kernel.
``extra``
    One stop computed by the kernel at a value between stops (typed, or set from code).
``value``, ``stop``, ``frame``
    What is shown: the main slider's value, the stop its handle is on, the step.
``last_frame``
    The last frame shown of any stop (−1: each stop's own last). Runs computed to more
    steps than are shown are cut here, so a kernel control linked to it in the browser
    (``ipywidgets.jslink``, as the descent explorer's ``steps``) is answered without the
    kernel.
``labels``
    ``{"for": last_frame, "lines": [...]}``: each stop's status line for that
    ``last_frame``, in place of the family's own (sent alone, without the series). While
    the browser shows another ``last_frame`` the status line is marked as being updated.
``tracks``
    What to draw from the series, on which panel, in which colour: a ``"path"`` (line,
    dots, open start, filled end, up to the frame), a ``"curve"`` (line up to the frame and
    a marker at it), a ``"line"``, ``"points"`` (a scatter), an ``"arrow"`` (first point to
    last) or a ``"marker"`` (the point at the frame).
``slider``
    The main slider's ``name`` and ``label``, and ``player`` (False: no Play, Step or
    frame slider, for an explorer without steps), ``frame_ms`` (optional: the least
    time Play shows each frame, for an explorer of a few steps) and ``keep_frame`` (True:
    moving the main slider keeps the frame, for an explorer whose frame is a setting of
    its own, like the race's budget; else it shows the stop's last frame).

Every redraw clears the canvas and draws from these traits alone, so the picture can
never keep anything from an earlier state.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import numpy as np
import traitlets

STATIC = Path(__file__).parent / "static"


def float32_bytes(values) -> bytes:
    """Little-endian float32 bytes of ``values`` (how the browser reads a column)."""
    return np.ascontiguousarray(values, dtype="<f4").tobytes()


def _ints_bytes(values) -> bytes:
    return np.ascontiguousarray(values, dtype="<i4").tobytes()


def pack_family(stops: list[dict]) -> dict:
    """The stops of a main slider, packed for :attr:`Scene.family` (or, one stop, :attr:`Scene.extra`).

    Each stop is a dict: ``value``, ``label`` (the status line), ``readout`` (beside the
    slider), ``frames`` (its last frame), optional ``html`` (a block under the panels),
    ``series`` (name → 1-D array, any length), optional ``frame_series`` (name → one 1-D
    array per frame ``0..frames``), optional ``frame_texts`` (one readout per frame) and
    optional ``frame_text`` (one readout for every frame, ``{frame}`` and ``{last}``
    replaced by the numbers: no string per frame to send).
    Every stop has the same series names. A series goes to the browser as one float32
    buffer with the int32 ``offsets`` of its chunks: chunk ``s`` is stop ``s``'s array;
    a per-frame series' chunks run stop after stop, frame after frame, and ``first[s]``
    is stop ``s``'s frame 0.

    Examples
    --------
    >>> packed = pack_family([
    ...     {"value": 0.1, "label": "", "readout": "", "frames": 1,
    ...      "series": {"loss": np.array([2.0, 1.0])}},
    ...     {"value": 0.2, "label": "", "readout": "", "frames": 0,
    ...      "series": {"loss": np.array([3.0])}},
    ... ])
    >>> np.frombuffer(packed["series"]["loss"]["offsets"], "<i4").tolist()
    [0, 2, 3]
    >>> packed["values"], np.frombuffer(packed["frames"], "<i4").tolist()
    ([0.1, 0.2], [1, 0])
    """
    series: dict = {}
    names = list(stops[0].get("series", {})) if stops else []
    for name in names:
        chunks = [np.asarray(stop["series"][name], dtype=float).ravel() for stop in stops]
        series[name] = _packed(chunks)
    frame_names = list(stops[0].get("frame_series", {})) if stops else []
    for name in frame_names:
        per_stop = [stop["frame_series"][name] for stop in stops]
        for stop, chunks in zip(stops, per_stop, strict=True):
            if len(chunks) != stop["frames"] + 1:
                raise ValueError(
                    f"frame series {name!r} needs one array per frame 0..{stop['frames']}; "
                    f"got {len(chunks)}"
                )
        first = np.concatenate([[0], np.cumsum([len(chunks) for chunks in per_stop])])
        flat = [np.asarray(c, dtype=float).ravel() for chunks in per_stop for c in chunks]
        series[name] = {**_packed(flat), "first": _ints_bytes(first), "per": "frame"}
    family = {
        "count": len(stops),
        "values": [float(stop["value"]) for stop in stops],
        "labels": [str(stop["label"]) for stop in stops],
        "readouts": [str(stop["readout"]) for stop in stops],
        "frames": _ints_bytes([int(stop["frames"]) for stop in stops]),
        "series": series,
    }
    if any("html" in stop for stop in stops):
        family["html"] = [str(stop.get("html", "")) for stop in stops]
    if any("frame_texts" in stop for stop in stops):
        family["frame_texts"] = [list(map(str, stop.get("frame_texts", []))) for stop in stops]
    if any("frame_text" in stop for stop in stops):
        family["frame_text"] = [str(stop.get("frame_text", "")) for stop in stops]
    return family


def _packed(chunks: list[np.ndarray]) -> dict:
    offsets = np.concatenate([[0], np.cumsum([len(chunk) for chunk in chunks])])
    data = np.concatenate(chunks) if chunks else np.zeros(0)
    return {"data": float32_bytes(data), "offsets": _ints_bytes(offsets), "per": "stop"}


def unpack_stop(family: dict, stop: int = 0, frame: int | None = None) -> dict[str, np.ndarray]:
    """The series of one stop as the browser reads them from a packed family.

    Per-frame series give the chunk of ``frame`` (clamped to the stop's frames; the last
    frame when ``frame`` is None). For tests, and for code that checks what is shown.

    Examples
    --------
    >>> packed = pack_family([{"value": 1, "label": "", "readout": "", "frames": 0,
    ...                        "series": {"y": [1.0, 2.0]}, "frame_series": {"c": [[5.0]]}}])
    >>> {name: values.tolist() for name, values in unpack_stop(packed).items()}
    {'y': [1.0, 2.0], 'c': [5.0]}
    """
    frames = np.frombuffer(family["frames"], "<i4")
    shown = {}
    for name, series in family["series"].items():
        offsets = np.frombuffer(series["offsets"], "<i4")
        chunk = stop
        if series["per"] == "frame":
            last = int(frames[stop])
            chunk = int(np.frombuffer(series["first"], "<i4")[stop])
            chunk += last if frame is None else min(max(int(frame), 0), last)
        data = np.frombuffer(series["data"], "<f4")
        shown[name] = data[offsets[chunk] : offsets[chunk + 1]]
    return shown


def payload_bytes(family: dict) -> int:
    """The bytes of a packed family's buffers (what one change of it sends to the browser)."""
    parts = ("data", "offsets", "first")
    return sum(len(series.get(part, b"")) for series in family["series"].values() for part in parts)


def nearest_stop(stops, value: float, *, log: bool = False) -> tuple[int, bool]:
    """The index of the stop nearest to ``value`` (on a log scale with ``log``), and whether
    it is ``value`` itself (to 1e-9 of a slider step's scale).

    Examples
    --------
    >>> nearest_stop([0.01, 0.1, 1.0], 0.1, log=True), nearest_stop([0, 90, 180], 100.0)
    ((1, True), (1, False))
    """
    positions = np.log10(stops) if log else np.asarray(stops, dtype=float)
    offset = np.abs(positions - (np.log10(value) if log else value))
    index = int(np.argmin(offset))
    return index, bool(offset[index] < 1e-9)


class Scene(anywidget.AnyWidget):
    """The canvas and the fast controls of an explorer, drawn in the browser from traits.

    The explorer (see :mod:`gdviz.widgets.template`) sets the traits; the browser sends
    back ``value``, ``stop`` and ``frame`` as the student moves them, and custom messages
    for what the kernel must compute: ``{"event": "typed", "text": ...}`` (a value typed
    into the entry) and ``{"event": "reset"}``.
    """

    _esm = STATIC / "scene.js"
    _css = STATIC / "scene.css"

    panels = traitlets.List(traitlets.Dict()).tag(sync=True)
    family = traitlets.Dict().tag(sync=True)
    extra = traitlets.Dict().tag(sync=True)
    tracks = traitlets.List(traitlets.Dict()).tag(sync=True)
    value = traitlets.Float(0.0).tag(sync=True)
    stop = traitlets.Int(0).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    last_frame = traitlets.Int(-1).tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    frame_step = traitlets.Int(1).tag(sync=True)
    slider = traitlets.Dict().tag(sync=True)
    download_name = traitlets.Unicode("gdviz.png").tag(sync=True)
