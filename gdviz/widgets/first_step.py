"""A first slider: gradient descent on the parabola ``w²``, for the welcome lesson.

The loss is ``L(w) = w²``, whose gradient is ``2w``. From ``w = 3`` each step is
``w += -step_size * grad``, so ``w`` is multiplied by ``1 − 2·step_size`` every step:
it shrinks towards 0 for step sizes below 1, lands on 0 in one step at 0.5, bounces
between 3 and −3 forever at 1, and runs away above 1. Two sliders, a picture and a
one-line readout: small enough to learn how sliders work, and a preview of lesson 03.

Examples
--------
>>> explorer = FirstStepExplorer(backend="inline")
>>> explorer.result
array([3. , 2.4])
>>> explorer.controls["step_size"].value = 0.5
>>> explorer.result
array([3., 0.])
>>> explorer.controls["steps"].value = 3
>>> explorer.controls["step_size"].value = 1.0
>>> explorer.result
array([ 3., -3.,  3., -3.])
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..plotting import COLORS, projector_style
from .base import Explorer, float_slider, int_slider

START = 3.0
W_LIMIT = 4.5
"""The picture shows ``−4.5 ≤ w ≤ 4.5``; points further out are reported, not drawn."""


def descent_on_parabola(step_size: float, steps: int, start: float = START) -> np.ndarray:
    """``w`` after 0, 1, …, ``steps`` steps of ``w += -step_size * 2w`` from ``start``.

    Examples
    --------
    >>> descent_on_parabola(0.1, 2)
    array([3.  , 2.4 , 1.92])
    """
    factor = 1.0 - 2.0 * float(step_size)
    return float(start) * factor ** np.arange(int(steps) + 1)


def _fmt(value: float) -> str:
    """A number for the readout: ``2.4``, ``0``, ``−3``, ``1.1e+03`` (with a real minus sign)."""
    value = 0.0 if abs(value) < 1e-12 else float(value)
    return f"{value:.3g}".replace("-", "−")


class FirstStepExplorer(Explorer):
    """Gradient descent on ``w²`` from ``w = 3``: a step-size slider and a steps slider.

    Attributes
    ----------
    controls : dict
        ``"step_size"`` (0.01 to 1.2) and ``"steps"`` (1 to 10).
    result : ndarray
        ``w`` at each step, the start first.
    """

    def __init__(self, step_size: float = 0.1, steps: int = 1, *, backend: str | None = None):
        with projector_style():
            figure = Figure(figsize=(7.5, 4.4), layout="constrained")
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
                [], [], color=COLORS[1], marker="o", markersize=7, linewidth=1.5, label="the steps"
            )
            (self._start,) = ax.plot(
                [], [], "o", color=COLORS[1], markerfacecolor="white", markersize=12
            )
            (self._end,) = ax.plot(
                [], [], "o", color=COLORS[1], markeredgecolor="black", markersize=12
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
        super().__init__(
            figure,
            caption=(
                "Predict where w lands, then move the step-size slider: try 0.1, 0.5, 0.9, 1.0 and 1.1, "
                "with 1 step and then with 10."
            ),
            backend=backend,
        )
        self.view.animate(self._path, self._start, self._end)
        # text is slow to redraw; live, the status line below the figure says the same
        self.view.show_in_static_picture_only(self._text)
        self.add_control("step_size", float_slider("step size", step_size, 0.01, 1.2, step=0.01))
        self.add_control("steps", int_slider("steps", steps, 1, 10))
        self.watch(["step_size", "steps"], self._update)
        self.arrange(["step_size"], ["steps"])
        self._update()

    def _update(self) -> None:
        step_size = self.controls["step_size"].value
        steps = self.controls["steps"].value
        self.result = descent_on_parabola(step_size, steps)
        w = self.result
        shown = w[np.abs(w) <= W_LIMIT]
        self._path.set_data(shown, shown**2)
        self._start.set_data(w[:1], w[:1] ** 2)
        last = w[-1:] if abs(w[-1]) <= W_LIMIT else w[:0]
        self._end.set_data(last, last**2)
        self._text.set_text(self._describe())
        self.show_status(self._describe())

    def _describe(self) -> str:
        w = self.result
        step_size = self.controls["step_size"].value
        steps = len(w) - 1
        text = (
            f"step size {step_size:.2f}, {steps} step{'s' if steps > 1 else ''}: "
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

    def summary(self) -> str:
        return "FirstStepExplorer: " + self._describe().replace("\n", "; ")
