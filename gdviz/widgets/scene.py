"""The browser side of an explorer: a canvas drawn from the explorer's state.

:class:`Scene` is an `anywidget <https://anywidget.dev>`_ whose ES module and CSS are
files of this package (``static/scene.js``, ``static/scene.css``): nothing is built or
fetched at run time. Its traits are the whole picture:

``panels``
    The static layers: one PNG per matplotlib figure (contours, axes, colour bar) and,
    for each, where its axes are and how data map to their pixels
    (:func:`gdviz.plotting.axes_geometry`). Sent once per change of surface or scale.
``family``
    The runs of every stop of the main slider, as float32 columns concatenated run
    after run (``offsets`` says where each starts), with each stop's value, status
    line and readout. A drag, a key press, Play or a scrub is answered from it in the
    browser, without waiting for the kernel.
``extra``
    One run at a value between stops (typed, or set from code), computed by the kernel.
``value``, ``stop``, ``frame``
    What is shown: the main slider's value, the stop its handle is on, the step.
``tracks``
    What to draw from the columns: a ``"path"`` (line, dots, open start, filled end) or a
    ``"curve"`` (line and a marker at the frame), on which panel, in which colour.

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


def pack_runs(runs: list[dict[str, np.ndarray]]) -> dict:
    """Concatenate runs' columns (1-D arrays of one length per run) for :attr:`Scene.family`.

    Examples
    --------
    >>> packed = pack_runs([{"loss": np.array([2.0, 1.0])}, {"loss": np.array([3.0])}])
    >>> np.frombuffer(packed["offsets"], "<i4").tolist(), len(packed["columns"]["loss"])
    ([0, 2, 3], 12)
    """
    lengths = [len(next(iter(run.values()))) for run in runs]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype("<i4")
    names = list(runs[0]) if runs else []
    columns = {
        name: float32_bytes(np.concatenate([run[name] for run in runs]) if runs else [])
        for name in names
    }
    return {"count": len(runs), "offsets": offsets.tobytes(), "columns": columns}


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
    frame_step = traitlets.Int(1).tag(sync=True)
    slider = traitlets.Dict().tag(sync=True)
    download_name = traitlets.Unicode("gdviz.png").tag(sync=True)
