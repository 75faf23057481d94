"""A first slider: gradient descent on the parabola ``w²``, for the welcome lesson.

The loss is ``L(w) = w²``, whose gradient is ``2w``. From ``w = 3`` each step is
``w += -step_size * grad``, so ``w`` is multiplied by ``1 − 2·step_size`` every step:
it shrinks towards 0 for step sizes below 1, lands on 0 in one step at 0.5, bounces
between 3 and −3 forever at 1, and runs away above 1. A step-size slider, a steps
slider, a picture and a status line: small enough to learn how sliders work, and a
preview of lesson 03.

Drawn in the browser (see :mod:`gdviz.widgets.template`): the run of every step-size
stop (0.01 to 1.2 in steps of 0.01; 0.5 and 1.0 are stops exactly) is computed once, so
moving the step size, Play and Step (one step of the descent at a time) are answered in
the browser; a step size typed between stops is run by the kernel, exactly as typed.

Examples
--------
>>> explorer = FirstStepExplorer()
>>> explorer.result
array([3. , 2.4])
>>> explorer.controls["step_size"].value = 0.5
>>> explorer.result
array([3., 0.])
>>> explorer.controls["steps"].value = 3
>>> explorer.controls["step_size"].value = 1.0
>>> explorer.result
array([ 3., -3.,  3., -3.])
>>> explorer
FirstStepExplorer: step size 1.00, 3 steps: w 3 → −3, loss 9 → 9; bouncing between 3 and −3 forever
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from matplotlib.figure import Figure

from ..plotting import COLORS, projector_style
from ..runs import descent_on_parabola
from ..validation import Interval, check_number, check_whole
from .controls import int_slider
from .scene import nearest_stop, pack_family
from .template import SceneExplorer

START = 3.0
W_LIMIT = 4.5
"""The picture shows ``−4.5 ≤ w ≤ 4.5``; points further out are reported, not drawn."""
MAX_STEPS = 10
STOPS = np.arange(1, 121) / 100
"""The step-size slider's stops, 0.01 to 1.2: ``k / 100`` is exact where it matters (0.5, 1.0)."""
COLOUR = COLORS[1]


def _fmt(value: float) -> str:
    """A number for the readout: ``2.4``, ``0``, ``−3``, ``1.1e+03`` (with a real minus sign)."""
    value = 0.0 if abs(value) < 1e-12 else float(value)
    return f"{value:.3g}".replace("-", "−")


def _on_picture(w: np.ndarray) -> np.ndarray:
    """``w`` with the points beyond the picture (``|w| > W_LIMIT``) as NaN: not drawn."""
    return np.where(np.abs(w) <= W_LIMIT, w, np.nan)


class FirstStepExplorer(SceneExplorer):
    """Gradient descent on ``w²`` from ``w = 3``: a step-size slider and a steps slider.

    Parameters
    ----------
    step_size : float
        From 0.01 to 1.2; between the slider's stops it is run exactly.
    steps : int
        How many steps are computed and shown, 1 to 10.

    Attributes
    ----------
    controls : dict
        ``"steps"`` (a kernel control: how many steps), ``"step_size"``, and ``"frame"``
        (the step the picture shows, 0 to ``steps``; also ``"play"``), drawn in the browser.
    entries : dict
        ``"step_size"`` (type a step size: it is run exactly) and ``"steps"``.
    result : ndarray
        ``w`` at each step, the start first.
    """

    def __init__(self, step_size: float = 0.1, steps: int = 1) -> None:
        step_size = check_number("step_size", step_size, STOPS[0], STOPS[-1])
        steps = check_whole("steps", steps, 1, MAX_STEPS)
        self._initial = (step_size, steps)
        self._runs = np.zeros((0, 0))
        super().__init__(
            caption=(
                "Predict where w lands, then move the step size: try 0.1, 0.5, 0.9, 1.0 and "
                "1.1, with 1 step and then with 10. ▶ Play takes the steps one at a time."
            ),
            # Play walks the steps at a pace one can follow: half a second each
            slider={"name": "step_size", "label": "step size", "player": True, "frame_ms": 500},
            download_name="first-step.png",
        )
        self._build_figure()
        self.add_control("steps", int_slider("steps", steps, 1, MAX_STEPS))
        self.add_scene_control(
            "step_size", "step size", lambda: (float(STOPS[0]), float(STOPS[-1]), 0.01)
        )
        self.add_frame_control(lambda: len(self.result) - 1)
        self.arrange(["steps"])
        self.watch(["steps"], self._recompute)
        self.begin(lambda: self._recompute(step_size))
        self.publish_panels()  # the parabola: it never changes

    # the scene ------------------------------------------------------------------------

    def _build_figure(self) -> None:
        """The parabola (static) and the artists of the steps (drawn in the static picture only)."""
        with projector_style():
            figure = Figure(figsize=(8.0, 4.4), layout="constrained")
            ax = figure.subplots()
            w = np.linspace(-W_LIMIT, W_LIMIT, 301)
            ax.plot(w, w**2, color=COLORS[0], linewidth=2.2, label="loss L(w) = w²")
            ax.plot([0], [0], "*", color="white", markeredgecolor="black", markersize=15)
            ax.set(
                xlim=(-W_LIMIT, W_LIMIT),
                ylim=(-1.0, 21.0),
                xlabel="weight w",
                ylabel="loss L(w)",
                title="gradient descent on L(w) = w², from w = 3",
            )
            ax.grid(True, alpha=0.3)
            (self._path,) = ax.plot(
                [], [], color=COLOUR, marker="o", markersize=5, linewidth=2, label="the steps"
            )
            (self._start,) = ax.plot(
                [], [], "o", color="white", markeredgecolor="black", markersize=12
            )
            (self._end,) = ax.plot(
                [], [], "o", color=COLOUR, markeredgecolor="black", markersize=12
            )
            self._text = ax.text(
                0.5,
                0.97,
                "",
                transform=ax.transAxes,
                ha="center",
                va="top",
                fontsize=13,
                bbox={"facecolor": "white", "edgecolor": "0.7", "alpha": 0.9},
            )
            ax.legend(loc="lower left")
        # the text box repeats the status line, which the browser shows under the picture
        self.set_panels((figure, [self._path, self._start, self._end], [self._text]))
        self.scene.tracks = [
            {"panel": 0, "kind": "points", "x": "dots_w", "y": "dots_loss", "colour": COLOUR,
             "size": 5},
            {"panel": 0, "kind": "curve", "x": "w", "y": "loss", "colour": COLOUR},
            {"panel": 0, "kind": "marker", "x": "start_w", "y": "start_loss", "colour": "white",
             "size": 12},
            {"panel": 0, "kind": "marker", "x": "w", "y": "loss", "colour": COLOUR, "size": 12},
        ]  # fmt: skip

    def _stop(self, step_size: float, w: np.ndarray) -> dict:
        """One step size's run as the scene draws it (see :func:`.scene.pack_family`)."""
        shown = _on_picture(w)
        steps = len(w) - 1
        return {
            "value": step_size,
            "label": self._describe(step_size, w).replace("\n", "; "),
            "readout": (
                f"each step multiplies w by 1 − 2 × {step_size:.6g} = {_fmt(1 - 2 * step_size)}"
            ),
            "frames": steps,
            "series": {
                "w": shown,
                "loss": shown**2,
                "start_w": w[:1],
                "start_loss": w[:1] ** 2,
            },
            "frame_series": {
                "dots_w": [shown[: k + 1] for k in range(steps + 1)],
                "dots_loss": [shown[: k + 1] ** 2 for k in range(steps + 1)],
            },
            "frame_texts": [self._frame_text(w, k) for k in range(steps + 1)],
        }

    @staticmethod
    def _frame_text(w: np.ndarray, k: int) -> str:
        off = " (off the picture)" if abs(w[k]) > W_LIMIT else ""
        return f"step {k} of {len(w) - 1}: w = {_fmt(w[k])}, loss {_fmt(w[k] ** 2)}{off}"

    # changes ----------------------------------------------------------------------------

    def _recompute(self, step_size: float | None = None) -> None:
        """Every stop's run for the current number of steps, sent once; then show one."""
        step_size = self.scene.value if step_size is None else step_size
        self._runs = descent_on_parabola(STOPS, self.controls["steps"].value)
        self.scene.family = pack_family(
            [self._stop(float(s), w) for s, w in zip(STOPS, self._runs, strict=True)]
        )
        self.show(step_size)

    def nearest_stop(self, step_size: float) -> tuple[int, bool]:
        return nearest_stop(STOPS, step_size)

    def show(self, step_size: float) -> None:
        """Show the run at ``step_size``: a stop's, or one computed now between stops."""
        index, on_stop = self.nearest_stop(step_size)
        if on_stop:
            step_size = float(STOPS[index])
            self.result = self._runs[index].copy()
            extra = {}
        else:
            self.result = descent_on_parabola(step_size, self.controls["steps"].value)
            extra = pack_family([self._stop(step_size, self.result)])
            extra["value"] = step_size  # the browser shows it while the value is this one
        self.status.value = self._describe(step_size, self.result).replace("\n", "; ")
        self.show_on_scene(value=step_size, stop=index, extra=extra, frame=len(self.result) - 1)

    def set_value(self, value) -> None:
        value = Interval(Real, None, None).check("step size", value)
        self.show(self.clamp("step size", value, float(STOPS[0]), float(STOPS[-1])))

    def reset(self) -> None:
        step_size, steps = self._initial
        with self.quietly():
            self.controls["steps"].value = steps
        self._recompute(step_size)

    # words and the static picture ------------------------------------------------------

    @staticmethod
    def _describe(step_size: float, w: np.ndarray) -> str:
        """The run in words: where ``w`` and the loss went, and whether it converges."""
        steps = len(w) - 1
        # a stop as the lesson writes it (0.10, 1.00); a typed value with all its digits
        on_stop = abs(step_size * 100 - round(step_size * 100)) < 1e-9
        shown = f"{step_size:.2f}" if on_stop else f"{step_size:.6g}"
        text = (
            f"step size {shown}, {steps} step{'s' if steps != 1 else ''}: "
            f"w {_fmt(w[0])} → {_fmt(w[-1])}, loss {_fmt(w[0] ** 2)} → {_fmt(w[-1] ** 2)}"
        )
        factor = abs(1 - 2 * step_size)
        if factor > 1 + 1e-9:
            text += "\ngrowing: each step overshoots further"
            if abs(w[-1]) > W_LIMIT:
                text += " (off the picture)"
        elif abs(factor - 1) <= 1e-9:
            text += "\nbouncing between 3 and −3 forever"
        return text

    def draw_static_picture(self) -> None:
        w = self.result
        frame = min(self.scene.frame, len(w) - 1)
        shown = _on_picture(w[: frame + 1])
        self._path.set_data(shown, shown**2)
        self._start.set_data(w[:1], w[:1] ** 2)
        self._end.set_data(shown[-1:], shown[-1:] ** 2)
        self._text.set_text(self._describe(self.scene.value, w[: frame + 1]))

    def summary(self) -> str:
        return "FirstStepExplorer: " + self._describe(self.scene.value, self.result).replace(
            "\n", "; "
        )
