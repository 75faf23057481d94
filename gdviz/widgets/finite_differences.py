"""The finite-difference lab: numerical against analytical derivatives, as a live instrument.

Shrink ``h`` and watch three things at once:

1. on a function of one variable, the secants of the forward and central differences
   turn into the tangent (and the complex step's slope with them);
2. on log–log axes, the error of each method against ``h`` in float64 and float32:
   truncation error falling like ``h`` or ``h²`` to the right, round-off error rising
   like ``ε/h`` to the left, the current ``h`` marked;
3. :func:`gdviz.gradient_check` of a 2-D surface's analytical gradient at a point you
   click, with the same ``h``: it passes only in a window of steps.

Examples
--------
>>> explorer = FiniteDifferenceExplorer(backend="inline")
>>> explorer.controls["h"].value = 1e-5
>>> explorer.result.check.passed
True
>>> explorer.controls["h"].value = 0.3
>>> explorer.result.check.passed, explorer.result.check.verdict
(False, 'probably wrong')
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from .. import surfaces as _surfaces
from ..gradients import (
    METHODS,
    PRECISIONS,
    STEP_RANGE,
    DifferenceErrors,
    GradientCheck,
    difference_errors,
    difference_quotient,
    gradient_check,
)
from ..plotting import COLORS, contour, projector_style
from ..surfaces import Surface, as_points
from .base import Explorer, float_slider, log_slider

FUNCTIONS: dict[str, tuple[Callable, Callable]] = {
    "sin(x) + x²/4": (lambda x: np.sin(x) + x**2 / 4, lambda x: np.cos(x) + x / 2),
    "exp(x)": (np.exp, np.exp),
}
"""Built-in functions of one variable with their exact derivatives, by name."""

METHOD_COLORS = {"forward": COLORS[1], "central": COLORS[0], "complex": COLORS[2]}
METHOD_LABELS = {"forward": "forward", "central": "central", "complex": "complex step"}
PRECISION_STYLES = {"float64": "-", "float32": "--"}

ZERO_ERROR = 1e-18
"""Errors of exactly 0 (the complex step often manages it) are drawn at this height, labelled 0."""


@dataclass(frozen=True)
class FiniteDifferenceResult:
    """What :class:`FiniteDifferenceExplorer` shows for the current settings.

    Attributes
    ----------
    x, h : float
        The point of the 1-D function and the step.
    estimates : dict
        ``estimates[method, precision]``: the finite-difference estimate of ``f′(x)``.
    errors : DifferenceErrors
        The error of every method and precision against ``h`` (the curves drawn).
    check : GradientCheck
        The gradient check of the surface at the chosen point, with step ``h``.
    """

    x: float
    h: float
    estimates: dict[tuple[str, str], float]
    errors: DifferenceErrors
    check: GradientCheck

    @property
    def derivative(self) -> float:
        """The exact ``f′(x)``."""
        return self.errors.derivative["float64"]

    def estimate(self, method: str, precision: str = "float64") -> float:
        """One method's estimate of ``f′(x)`` at the current ``h``."""
        return self.estimates[method, precision]

    def error(self, method: str, precision: str = "float64") -> float:
        """``|estimate − f′(x)|`` of one method at the current ``h``."""
        return abs(self.estimates[method, precision] - self.errors.derivative[precision])


def _resolve_function(f, df) -> tuple[str, Callable, Callable]:
    if f is None:
        f = next(iter(FUNCTIONS))
    if isinstance(f, str):
        if f not in FUNCTIONS:
            raise ValueError(f"unknown function {f!r}; choose one of: {', '.join(FUNCTIONS)}")
        if df is not None:
            raise ValueError(f"{f!r} is built in with its derivative: leave df out")
        return (f, *FUNCTIONS[f])
    if not callable(f):
        raise ValueError(f"f must be a callable, a name from {list(FUNCTIONS)} or None; got {f!r}")
    if not callable(df):
        raise ValueError(
            "give df too, the exact derivative of f: every error is measured against it"
        )
    return getattr(f, "__name__", "f"), f, df


def _resolve_surface(surface) -> Surface:
    if isinstance(surface, Surface):
        return surface
    if isinstance(surface, str):
        return _surfaces.get(surface)
    raise ValueError(f"surface must be a Surface or one of {_surfaces.names()}; got {surface!r}")


class FiniteDifferenceExplorer(Explorer):
    """Finite differences against the exact derivative: secants, error against h, a gradient check.

    Parameters
    ----------
    f : str or callable, optional
        A function of one variable, elementwise on numpy arrays (like ``np.sin``): a name
        from :data:`FUNCTIONS` (the first by default) or your own, given with ``df``.
    df : callable, optional
        The exact derivative of your ``f``.
    x : float
        Where to differentiate ``f``; click the function's panel to move it (ipympl).
    x_range : (float, float)
        The stretch of ``f`` drawn, and the range of the ``"x"`` slider.
    h : float
        The first step, in [1e-16, 1].
    surface : str or Surface
        The surface of the gradient check: a name from :func:`gdviz.surfaces.names` or a
        ``Surface`` (with your gradient, to check it).
    point : (x, y), optional
        Where to check the gradient; the surface's start if None. Click the map to move it.
    method : {"central", "forward", "complex"}
        The difference the gradient check uses.
    backend : {"ipympl", "inline"}, optional
        See :func:`gdviz.widgets.base.choose_backend`.

    Attributes
    ----------
    controls : dict
        ``"h"`` (log slider), ``"x"``, ``"method"`` and ``"surface"``.
    result : FiniteDifferenceResult
    surface : Surface
    point : ndarray
        Where the gradient is checked; set it with :meth:`set_point` or a click.
    tables : ipywidgets.HTML
        Below the figure: each method's estimate and error at the current ``h``, and the
        text of the gradient check (:meth:`gdviz.GradientCheck.table`).

    Examples
    --------
    >>> lab = FiniteDifferenceExplorer("exp(x)", x=0.0, backend="inline")
    >>> lab.controls["h"].value = 1e-3
    >>> round(lab.result.estimate("forward"), 4), round(lab.result.estimate("central"), 7)
    (1.0005, 1.0000002)
    >>> lab.result.error("central", "float32") > lab.result.error("central", "float64")
    True
    """

    def __init__(
        self,
        f: str | Callable | None = None,
        df: Callable | None = None,
        *,
        x: float = 1.0,
        x_range: tuple[float, float] = (-2.0, 3.0),
        h: float = 0.5,
        surface: str | Surface = "rosenbrock",
        point: tuple[float, float] | np.ndarray | None = None,
        method: str = "central",
        backend: str | None = None,
    ) -> None:
        self.name, self.f, self.df = _resolve_function(f, df)
        low, high = (float(v) for v in x_range)
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(f"x_range must be (low, high) with low < high; got {x_range!r}")
        if not low <= float(x) <= high:
            raise ValueError(f"x must be inside x_range {x_range}; got {x!r}")
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}")
        self.x_range = (low, high)
        self.surface = _resolve_surface(surface)
        self.point = self._checked_point(self.surface.start if point is None else point)
        self._errors = None
        self._build_figure()
        super().__init__(
            self.figure,
            caption=(
                "Slide h from 0.5 down to 1e-16: when does each secant become the tangent, "
                "and where does each error stop falling and start to rise?"
            ),
            backend=backend,
        )
        self.view.animate(*self._animated_artists())
        self.add_control("h", log_slider("step h", h, *STEP_RANGE, points_per_decade=10))
        self.add_control("x", float_slider("x₀", float(x), low, high, step=0.01))
        self.add_control(
            "method",
            widgets.ToggleButtons(
                options=[(METHOD_LABELS[m], m) for m in ("forward", "central", "complex")],
                value=method,
                description="check with",
                style={"button_width": "8em"},
            ),
        )
        # a Surface given as an object is offered first, under its own name
        self._given_surface = self.surface
        self._given_name = (
            self.surface.name if isinstance(surface, str) else f"{surface.name} (yours)"
        )
        names = _surfaces.names()
        if self._given_name not in names:
            names = [self._given_name, *names]
        self.add_control(
            "surface",
            widgets.Dropdown(options=names, value=self._given_name, description="surface"),
        )
        self.watch(["h", "method"], self._update)
        self.watch(["x"], self._new_x)
        self.watch(["surface"], self._new_surface, redraw=True)
        self.on_click(self._clicked)
        self.arrange(["h", "x"], ["method", "surface"])
        # the numbers go below the figure, as HTML: the browser sets text far faster than a
        # figure redraws it
        self.tables = widgets.HTML()
        figure_at = self.children.index(self.view.widget)
        self.children = (
            *self.children[: figure_at + 1],
            self.tables,
            *self.children[figure_at + 1 :],
        )
        self._new_x()
        self.view.refresh(full=True)

    # building -----------------------------------------------------------------------

    def _checked_point(self, point) -> np.ndarray:
        p = as_points(point, "point").astype(float)
        if p.shape != (2,) or not np.all(np.isfinite(p)):
            raise ValueError(f"point must be one finite (x, y) pair; got {point!r}")
        return p

    def _build_figure(self) -> None:
        with projector_style():
            # 950 px wide: what JupyterLab shows beside its file browser
            fig = Figure(figsize=(9.5, 4.9), layout="constrained")
            self._ax_f, self._ax_err, self._ax_map = fig.subplots(1, 3, width_ratios=[1, 1.2, 0.9])
        self.figure = fig
        self._build_function_panel()
        self._build_error_panel()
        self._build_map()

    def _build_function_panel(self) -> None:
        ax = self._ax_f
        low, high = self.x_range
        xs = np.linspace(low, high, 400)
        ys = self.f(xs)
        ax.plot(xs, ys, color="black", linewidth=2, label="f(x)")
        span = np.ptp(ys) if np.ptp(ys) > 0 else 1.0
        ax.set_xlim(low, high)
        ax.set_ylim(ys.min() - 0.25 * span, ys.max() + 0.25 * span)
        (self._tangent,) = ax.plot(
            [], [], color="0.45", linewidth=4, alpha=0.6, label="tangent (exact f′)"
        )
        self._secants = {}
        for method, style in (("forward", "-"), ("central", "--"), ("complex", ":")):
            (line,) = ax.plot(
                [],
                [],
                style,
                color=METHOD_COLORS[method],
                linewidth=1.8,
                label=METHOD_LABELS[method],
            )
            self._secants[method] = line
        (self._forward_points,) = ax.plot(
            [], [], "o", color=METHOD_COLORS["forward"], markersize=8, markeredgecolor="black"
        )
        (self._central_points,) = ax.plot(
            [], [], "s", color=METHOD_COLORS["central"], markersize=7, markeredgecolor="black"
        )
        (self._here,) = ax.plot([], [], "o", color="white", markeredgecolor="black", markersize=9)
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        ax.set_title(f"f(x) = {self.name}:\nsecants → tangent")
        # the title says which curve is f: the legend names the lines through x₀ only
        ax.legend(handles=[self._tangent, *self._secants.values()], loc="upper left", fontsize=9)

    def _build_error_panel(self) -> None:
        ax = self._ax_err
        ax.set_xscale("log")
        ax.set_yscale("log")
        self._error_curves = {}
        for method in METHODS:
            for precision in PRECISIONS:
                (line,) = ax.plot(
                    [], [], PRECISION_STYLES[precision], color=METHOD_COLORS[method], linewidth=1.8
                )
                self._error_curves[method, precision] = line
        self._error_marks = {
            method: ax.plot(
                [],
                [],
                "o",
                color=METHOD_COLORS[method],
                markeredgecolor="black",
                markersize=7,
                linestyle="none",
            )[0]
            for method in METHODS
        }
        self._h_line = ax.axvline(1.0, color="black", linewidth=1)
        ax.set_xlim(*STEP_RANGE)
        # room above the curves for the legend: the float32 errors run flat at about 1
        ax.set_ylim(ZERO_ERROR / 5, 1e10)
        decades = [10.0**k for k in range(-16, 1, 4)]
        ax.set_yticks([ZERO_ERROR, *decades], ["0", *(f"$10^{{{k}}}$" for k in range(-16, 1, 4))])
        ax.minorticks_off()
        ax.set_xticks([10.0**k for k in range(-16, 1, 4)])
        ax.set_xlabel("step h")
        ax.set_ylabel("|estimate − f′(x₀)|")
        ax.set_title("Error against h (log–log)")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(
            handles=[
                *(Line2D([], [], color=METHOD_COLORS[m], label=METHOD_LABELS[m]) for m in METHODS),
                Line2D([], [], color="0.3", linestyle="-", label="float64"),
                Line2D([], [], color="0.3", linestyle="--", label="float32"),
            ],
            loc="upper center",
            fontsize=9,
            ncols=2,
        )
        # below the axis label, where no curve can run
        for x, align, words in (
            (0.0, "left", "← round-off ∝ ε/h"),
            (1.0, "right", "truncation ∝ h, h² →"),
        ):
            ax.annotate(
                words,
                (x, 0),
                xycoords="axes fraction",
                xytext=(0, -46),
                textcoords="offset points",
                ha=align,
                va="top",
                fontsize=9,
                color="0.3",
            )

    def _build_map(self) -> None:
        ax = self._ax_map
        contour(ax, self.surface, colorbar=False)
        ax.set_title(f"check ∇f of {self.surface.name}\n(click to move)")
        (self._map_point,) = ax.plot(
            [], [], "o", color="white", markeredgecolor="black", markersize=10, zorder=6
        )
        self._analytical_arrow = FancyArrowPatch(
            (0, 0),
            (0, 0),
            arrowstyle="-|>",
            mutation_scale=20,
            color="white",
            linewidth=3,
            zorder=5,
            # a dark outline keeps the white arrow visible on the light end of cividis
            path_effects=[patheffects.withStroke(linewidth=5, foreground="black")],
        )
        self._numerical_arrow = FancyArrowPatch(
            (0, 0),
            (0, 0),
            arrowstyle="-|>",
            mutation_scale=16,
            color=COLORS[4],
            linewidth=2,
            linestyle="--",
            zorder=6,
        )
        ax.add_patch(self._analytical_arrow)
        ax.add_patch(self._numerical_arrow)
        ax.legend(
            handles=[
                Line2D(
                    [],
                    [],
                    color="white",
                    linewidth=3,
                    marker=">",
                    label="−∇f analytical",
                    markeredgecolor="black",
                ),
                Line2D(
                    [],
                    [],
                    color=COLORS[4],
                    linewidth=2,
                    linestyle="--",
                    marker=">",
                    label="−∇f numerical",
                ),
            ],
            loc="lower right",
            fontsize=9,
            facecolor="0.85",
        )

    def _animated_artists(self) -> list:
        return [
            self._tangent,
            *self._secants.values(),
            self._forward_points,
            self._central_points,
            self._here,
            *self._error_curves.values(),
            *self._error_marks.values(),
            self._h_line,
            self._map_point,
            self._analytical_arrow,
            self._numerical_arrow,
        ]

    # callbacks ----------------------------------------------------------------------

    def set_point(self, point) -> None:
        """Check the gradient at ``point`` instead (a click on the map does the same)."""
        self.run(lambda: self._move_to(point))

    def _move_to(self, point) -> None:
        self.point = self._checked_point(point)
        self._update()

    def _clicked(self, ax, x, y) -> None:
        if ax is self._ax_map:
            self._move_to((x, y))
        elif ax is self._ax_f:
            self.controls["x"].value = x

    def _new_surface(self) -> None:
        name = self.controls["surface"].value
        self.surface = self._given_surface if name == self._given_name else _surfaces.get(name)
        self.point = self._checked_point(self.surface.start)
        ax = self._ax_map
        # the old surface's contours and minima go; the point, the arrows and the legend stay
        for artist in [*ax.collections, *ax.lines]:
            if artist is not self._map_point:
                artist.remove()
        ax.set_aspect("auto")
        contour(ax, self.surface, colorbar=False)
        ax.set_title(f"check ∇f of {self.surface.name}\n(click to move)")
        self._update()

    def _new_x(self) -> None:
        x = self.controls["x"].value
        self._errors = difference_errors(self.f, self.df, x)
        for (method, precision), line in self._error_curves.items():
            line.set_data(
                self._errors.hs, np.maximum(self._errors.errors[method, precision], ZERO_ERROR)
            )
        self._update()

    def _update(self) -> None:
        h = self.controls["h"].value
        x = self.controls["x"].value
        estimates = {
            (method, precision): float(difference_quotient(self.f, x, h, method, precision))
            for method in METHODS
            for precision in PRECISIONS
        }
        # the analytical gradient is given by value: it is taken at the real point, whatever
        # the method perturbs
        analytical = np.asarray(self.surface.grad(self.point), dtype=float)
        check = gradient_check(
            self.surface, analytical, self.point, h=h, method=self.controls["method"].value
        )
        self.result = FiniteDifferenceResult(
            x=x, h=h, estimates=estimates, errors=self._errors, check=check
        )
        self._show_secants()
        self._show_errors()
        self._show_check()
        self.show_status(self._describe())

    def _show_secants(self) -> None:
        r = self.result
        x, h, slope = r.x, r.h, r.derivative
        low, high = self.x_range
        ends = np.array([low, high])
        fx = float(self.f(x))
        self._here.set_data([x], [fx])
        self._tangent.set_data(ends, fx + slope * (ends - x))
        self._secants["forward"].set_data(ends, fx + r.estimate("forward") * (ends - x))
        f_minus, f_plus = (float(v) for v in self.f(np.array([x - h, x + h])))
        middle = (f_plus + f_minus) / 2  # the central secant passes through its two points
        self._secants["central"].set_data(ends, middle + r.estimate("central") * (ends - x))
        self._secants["complex"].set_data(ends, fx + r.estimate("complex") * (ends - x))
        self._forward_points.set_data([x, x + h], [fx, f_plus])
        self._central_points.set_data([x - h, x + h], [f_minus, f_plus])

    def _show_errors(self) -> None:
        r = self.result
        self._h_line.set_xdata([r.h, r.h])
        for method, mark in self._error_marks.items():
            errors = [r.error(method, precision) for precision in PRECISIONS]
            mark.set_data([r.h, r.h], np.maximum(errors, ZERO_ERROR))

    def _show_check(self) -> None:
        r, p = self.result, self.point
        (x0, x1), (y0, y1) = self.surface.domain
        analytical, numerical = r.check.analytical, r.check.numerical
        scale = max(np.linalg.norm(analytical), np.linalg.norm(numerical))
        # both arrows on one scale, so a wrong length shows as well as a wrong direction
        length = 0.2 * min(x1 - x0, y1 - y0) / scale if scale > 0 and np.isfinite(scale) else 0.0
        self._map_point.set_data([p[0]], [p[1]])
        self._analytical_arrow.set_positions(tuple(p), tuple(p - length * analytical))
        self._numerical_arrow.set_positions(tuple(p), tuple(p - length * numerical))
        self.tables.value = self._tables_html()

    def _tables_html(self) -> str:
        r = self.result
        cell = 'style="padding: 0 0.8em; text-align: right; font-family: monospace"'
        rows = [
            f"<tr><td>exact f′(x₀)</td><td {cell}>{r.derivative:.10f}</td><td></td><td></td></tr>"
        ]
        for method in METHODS:
            errors = "".join(
                f"<td {cell}>{r.error(method, precision):.1e}</td>" for precision in PRECISIONS
            )
            rows.append(
                f'<tr><td style="color: {METHOD_COLORS[method]}"><b>{METHOD_LABELS[method]}</b>'
                f"</td><td {cell}>{r.estimate(method):.10f}</td>{errors}</tr>"
            )
        slopes = (
            f"<b>f′(x₀) at x₀ = {r.x:.2f} with h = {r.h:.1e}</b>"
            "<table><tr><th></th><th>estimate</th><th>|error| float64</th>"
            f"<th>|error| float32</th></tr>{''.join(rows)}</table>"
        )
        p = self.point
        check = (
            f"<b>gradient check of {html.escape(self.surface.name)} at "
            f"({p[0]:.4g}, {p[1]:.4g})</b>"
            f'<pre style="margin: 0.3em 0; line-height: 1.3">{html.escape(r.check.table())}</pre>'
            '<span style="color: gray">relative error, read as in CS231n: &lt; 1e-7 good; '
            "up to 1e-4 only where f has kinks; up to 1e-2 uncomfortable; above, wrong.</span>"
        )
        return (
            '<div style="display: flex; flex-wrap: wrap; gap: 2.5em; font-size: 1.05em">'
            f"<div>{slopes}</div><div>{check}</div></div>"
        )

    def _describe(self) -> str:
        r = self.result
        errors = ", ".join(f"{METHOD_LABELS[m]} {r.error(m):.1e}" for m in METHODS)
        verdict = "PASSED" if r.check.passed else "FAILED"
        return (
            f"h = {r.h:.1e}: errors of f′({r.x:.2f}) {errors}; gradient check of "
            f"{self.surface.name}: {verdict} ({r.check.max_rel_error:.1e}, {r.check.verdict})"
        )

    def summary(self) -> str:
        return f"FiniteDifferenceExplorer of {self.name}: {self._describe()}"
