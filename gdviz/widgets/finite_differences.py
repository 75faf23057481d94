"""The finite-difference lab: numerical against analytical derivatives, as a live instrument.

Shrink ``h`` and watch three things at once:

1. on a function of one variable, the secants of the forward and central differences
   turn into the tangent (and the complex step's slope with them);
2. on log–log axes, the error of each method against ``h`` in float64 and float32:
   truncation error falling like ``h`` or ``h²`` to the right, round-off error rising
   like ``ε/h`` to the left, the current ``h`` marked;
3. :func:`gdviz.gradient_check` of a 2-D surface's analytical gradient at a point you
   click, with the same ``h``: it passes only in a window of steps.

Drawn in the browser (see :mod:`gdviz.widgets.template`): the secants, error markers and
gradient check of every ``h`` stop are computed once and sent, so dragging ``h`` or
pressing an arrow key is answered in the browser; an ``h`` typed between two stops is
computed by the kernel, exactly as typed.

Examples
--------
>>> explorer = FiniteDifferenceExplorer()
>>> explorer.controls["h"].value = 1e-5
>>> explorer.result.check.passed
True
>>> explorer.controls["h"].value = 0.3
>>> explorer.result.check.passed, explorer.result.check.verdict
(False, 'probably wrong')
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass

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
from ..surfaces import Surface
from ..validation import check_point
from .controls import (
    Choice,
    ChoiceButtons,
    float_slider,
)
from .scene import nearest_stop, pack_family
from .template import SceneExplorer

FUNCTIONS: dict[str, tuple[Callable, Callable]] = {
    "sin(x) + x²/4": (lambda x: np.sin(x) + x**2 / 4, lambda x: np.cos(x) + x / 2),
    "exp(x)": (np.exp, np.exp),
}
"""Built-in functions of one variable with their exact derivatives, by name."""

METHOD_COLORS = {"forward": COLORS[1], "central": COLORS[0], "complex": COLORS[2]}
METHOD_LABELS = {"forward": "forward", "central": "central", "complex": "complex step"}
PRECISION_STYLES = {"float64": "-", "float32": "--"}
SECANT_STYLES = {"forward": ("-", None), "central": ("--", [7, 4]), "complex": (":", [2, 3])}
"""Each method's secant: matplotlib's line style, and the canvas dash (PNG pixels) drawing it."""

ZERO_ERROR = 1e-18
"""Errors of exactly 0 (the complex step often manages it) are drawn at this height, labelled 0."""

ERROR_LIMITS = (ZERO_ERROR / 5, 1e10)
"""The error axis; room above the curves for the legend (the float32 errors run flat at about 1)."""

STOPS_PER_DECADE = 10
"""Stops of the ``h`` slider per factor of 10, from 1e-16 to 1: 161 stops, all precomputed."""

OFF_THE_MAP = 1.0
"""A checked point farther outside the map than this many map widths is not drawn.

Its arrows could not reach the map anyway, and its coordinates (say 1e300) do not fit the
float32 numbers the browser draws from.
"""


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
    check : GradientCheck or None
        The gradient check of the surface at the chosen point, with step ``h``; None when
        :func:`gdviz.gradient_check` refused to run it (see ``refusal``).
    refusal : str
        Why the check was not run (the core's message), or ``""``.
    """

    x: float
    h: float
    estimates: dict[tuple[str, str], float]
    errors: DifferenceErrors
    check: GradientCheck | None
    refusal: str = ""

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

    @property
    def verdict(self) -> str:
        """``PASSED``, ``FAILED`` or ``NOT RUN``: the gradient check in one word."""
        if self.check is None:
            return "NOT RUN"
        return "PASSED" if self.check.passed else "FAILED"


def _function_choices(f, df) -> tuple[dict[str, tuple[Callable, Callable]], str]:
    """The functions offered (yours first) and the name of the one to start with."""
    if f is None:
        return dict(FUNCTIONS), next(iter(FUNCTIONS))
    if isinstance(f, str):
        if f not in FUNCTIONS:
            raise ValueError(f"unknown function {f!r}; choose one of: {', '.join(FUNCTIONS)}")
        if df is not None:
            raise ValueError(f"{f!r} is built in with its derivative: leave df out")
        return dict(FUNCTIONS), f
    if not callable(f):
        raise ValueError(f"f must be a callable, a name from {list(FUNCTIONS)} or None; got {f!r}")
    if not callable(df):
        raise ValueError(
            "give df too, the exact derivative of f: every error is measured against it"
        )
    name = f"{getattr(f, '__name__', 'f')} (yours)"
    return {name: (f, df), **FUNCTIONS}, name


def _surface_choices(surface) -> tuple[dict[str, Surface], str]:
    """The surfaces offered (a given ``Surface`` first, under its own name) and the first."""
    if isinstance(surface, Surface):
        name = f"{surface.name} (yours)"
        return {name: surface, **{n: _surfaces.get(n) for n in _surfaces.names()}}, name
    if isinstance(surface, str):
        return {n: _surfaces.get(n) for n in _surfaces.names()}, _surfaces.get(surface).name
    raise ValueError(f"surface must be a Surface or one of {_surfaces.names()}; got {surface!r}")


def _finite_point(point) -> np.ndarray:
    try:
        return check_point("point", point, size=2)
    except (TypeError, ValueError) as error:
        raise ValueError(f"point must be one finite (x, y) pair; got {point!r}") from error


def _arrow(start: np.ndarray, direction: np.ndarray, length: float) -> np.ndarray:
    """``[start, start − length · direction]`` as (xs, ys); NaN (nothing drawn) if not finite."""
    end = start - length * direction
    points = np.array([start, end])
    return points.T if np.all(np.isfinite(points)) else np.full((2, 2), np.nan)


class FiniteDifferenceExplorer(SceneExplorer):
    """Finite differences against the exact derivative: secants, error against h, a gradient check.

    Parameters
    ----------
    f : str or callable, optional
        A function of one variable, elementwise on numpy arrays (like ``np.sin``): a name
        from :data:`FUNCTIONS` (the first by default) or your own, given with ``df``.
    df : callable, optional
        The exact derivative of your ``f``.
    x : float
        Where to differentiate ``f``; click the function's panel to move it.
    x_range : (float, float)
        The stretch of ``f`` drawn, and the range of the ``"x"`` slider.
    h : float
        The first step, in [1e-16, 1]; a value between the slider's stops is used exactly.
    surface : str or Surface
        The surface of the gradient check: a name from :func:`gdviz.surfaces.names` or a
        ``Surface`` (with your gradient, to check it).
    point : (x, y), optional
        Where to check the gradient; the surface's start if None. Click the map to move it.
    method : {"central", "forward", "complex"}
        The difference the gradient check uses.
    precision : {"float64", "float32"}
        The arithmetic of the secants drawn and of the marked errors. The gradient check
        always computes in float64, as CS231n asks.

    Attributes
    ----------
    controls : dict
        ``"h"`` (the main slider, drawn in the browser), and the kernel controls
        ``"function"``, ``"x"``, ``"precision"``, ``"method"`` and ``"surface"``.
    entries : dict
        ``"h"`` (type a step: it is used exactly) and ``"x"``.
    result : FiniteDifferenceResult
    surface : Surface
    point : ndarray
        Where the gradient is checked; set it with :meth:`set_point` or a click.
    stops : ndarray
        The steps the ``h`` slider stops at (each one's picture is precomputed).
    tables : str
        The HTML under the panels: each method's estimate and error at the current
        ``h``, and the gradient check's table (:meth:`gdviz.GradientCheck.table`).

    Examples
    --------
    >>> lab = FiniteDifferenceExplorer("exp(x)", x=0.0)
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
        precision: str = "float64",
    ) -> None:
        self._functions, function_name = _function_choices(f, df)
        low, high = (float(v) for v in x_range)
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(f"x_range must be (low, high) with low < high; got {x_range!r}")
        if isinstance(x, bool) or not isinstance(x, int | float | np.number):
            raise TypeError(f"x must be a number inside x_range {x_range}; got {x!r}")
        if not low <= float(x) <= high:
            raise ValueError(f"x must be inside x_range {x_range}; got {x!r}")
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}")
        if precision not in PRECISIONS:
            raise ValueError(
                f"unknown precision {precision!r}; choose one of: {', '.join(PRECISIONS)}"
            )
        h = self._checked_h(h)
        self._surfaces, surface_name = _surface_choices(surface)
        self.point = _finite_point(self._surfaces[surface_name].start if point is None else point)
        self.x_range = (low, high)
        self._exponents = (
            np.arange(
                round(math.log10(STEP_RANGE[0]) * STOPS_PER_DECADE),
                round(math.log10(STEP_RANGE[1]) * STOPS_PER_DECADE) + 1,
            )
            / STOPS_PER_DECADE
        )
        # to 12 digits: numpy's 10.0 ** -5.0 is 9.999999999999999e-06, not the 1e-05 a
        # student reads (and the gradient check's table prints)
        self._stops = np.array([float(f"{10.0**e:.12g}") for e in self._exponents])
        self._initial = (function_name, float(x), precision, method, surface_name)
        self._initial += (self.point.copy(), h)
        self._errors: DifferenceErrors | None = None
        self._results: list[FiniteDifferenceResult] = []
        self._drawn: tuple | None = None  # ((function, x₀), surface) the static layers show
        self.tables = ""
        super().__init__(
            caption=(
                "Slide h from 0.5 down to 1e-16: when does each secant become the tangent, "
                "and where does each error stop falling and start to rise?"
            ),
            slider={"name": "h", "label": "step h", "player": False},
            download_name="finite-differences.png",
        )
        self.add_control(
            "function",
            Choice(options=list(self._functions), value=function_name, description="f(x)"),
        )
        # a new x₀ means new error curves and a new picture of f: computed when the drag ends
        self.add_control(
            "x", float_slider("x₀", float(x), low, high, step=0.01, continuous_update=False)
        )
        self.add_control(
            "precision",
            ChoiceButtons(
                options=list(PRECISIONS),
                value=precision,
                description="secants in",
                style={"button_width": "5.5em", "description_width": "initial"},
            ),
        )
        self.add_control(
            "method",
            ChoiceButtons(
                options=[(METHOD_LABELS[m], m) for m in METHODS],
                value=method,
                description="check with",
                style={"button_width": "8.5em", "description_width": "initial"},
            ),
        )
        self.add_control(
            "surface",
            Choice(options=list(self._surfaces), value=surface_name, description="surface"),
        )
        self.add_scene_control(
            "h",
            "h",
            lambda: (float(self._exponents[0]), float(self._exponents[-1]), 1 / STOPS_PER_DECADE),
            positive=True,
        )
        # three short rows: at 934 px nothing is cut off and nothing wraps mid-row
        self.arrange(["function", "x"], ["precision", "method"], ["surface"])
        self.watch(["function", "x", "precision", "method"], self._recompute)
        self.watch(["surface"], self._change_surface)
        with self.scene.hold_sync():
            self._recompute(h)

    # the controls -----------------------------------------------------------------

    @staticmethod
    def _checked_h(value) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise TypeError(f"h must be a number in [1e-16, 1]; got {value!r}")
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"h must be a finite number > 0 (in [1e-16, 1]); got {value!r}")
        return float(value)

    def set_value(self, value) -> None:
        value = self._checked_h(value)
        self.show(self.clamp("h", value, self.stops[0], self.stops[-1]))

    def set_point(self, point) -> None:
        """Check the gradient at ``point`` instead (a click on the map does the same)."""
        self.run(lambda: self._move_to(point))

    def _move_to(self, point) -> None:
        self.point = _finite_point(point)
        self._recompute()

    def _change_surface(self) -> None:
        self.point = _finite_point(self.surface.start)
        self._recompute()

    def clicked(self, panel: int, x: float, y: float) -> None:
        if panel == 2:
            self._move_to((x, y))
        elif panel == 0:
            self.controls["x"].value = float(x)

    def reset(self) -> None:
        function, x, precision, method, surface, point, h = self._initial
        values = {"function": function, "x": x, "precision": precision}
        values.update(method=method, surface=surface)

        with self.quietly():
            for name, value in values.items():
                self.controls[name].value = value
        self.point = point.copy()
        self._recompute(h)

    # the numbers ------------------------------------------------------------------

    @property
    def surface(self) -> Surface:
        """The surface whose gradient is checked."""
        return self._surfaces[self.controls["surface"].value]

    @property
    def stops(self) -> np.ndarray:
        """The steps the ``h`` slider stops at."""
        return self._stops.copy()

    @property
    def name(self) -> str:
        """The name of the function of one variable."""
        return self.controls["function"].value

    def _function(self) -> tuple[Callable, Callable]:
        return self._functions[self.name]

    def _compute(self, hs: np.ndarray) -> list[FiniteDifferenceResult]:
        """The estimates and the gradient check at each step of ``hs``."""
        f, _ = self._function()
        x = self.controls["x"].value
        estimates = {
            (m, p): difference_quotient(f, x, hs, m, p) for m in METHODS for p in PRECISIONS
        }
        # an overflowing or NaN gradient is the check's to judge (it fails), not a warning's
        with np.errstate(over="ignore", invalid="ignore"):
            analytical = np.asarray(self.surface.grad(self.point), dtype=float)
        results = []
        for i, h in enumerate(hs):
            check, refusal = None, ""
            try:
                check = gradient_check(
                    self.surface,
                    analytical,
                    self.point,
                    h=float(h),
                    method=self.controls["method"].value,
                )
            except ValueError as error:  # the core refuses to check: say why, per step
                refusal = str(error)
            results.append(
                FiniteDifferenceResult(
                    x=x,
                    h=float(h),
                    estimates={key: float(values[i]) for key, values in estimates.items()},
                    errors=self._errors,
                    check=check,
                    refusal=refusal,
                )
            )
        return results

    def nearest_stop(self, h: float) -> tuple[int, bool]:
        return nearest_stop(self.stops, h, log=True)

    # what the browser draws -----------------------------------------------------------

    def _secants(self, r: FiniteDifferenceResult) -> dict[str, np.ndarray]:
        """The secants through ``x₀`` in the chosen precision, and the points they pass through."""
        f, _ = self._function()
        precision = self.controls["precision"].value
        x, h = r.x, r.h
        ends = np.array(self.x_range)
        fx, f_plus, f_minus = (float(v) for v in f(np.array([x, x + h, x - h])))
        middle = (f_plus + f_minus) / 2  # the central secant passes through its two points
        through = {"forward": fx, "central": middle, "complex": fx}
        series = {"sx": ends}
        for method in METHODS:
            series[f"s_{method}"] = through[method] + r.estimate(method, precision) * (ends - x)
        # the forward secant's other point is (x₀, f(x₀)), marked in the static layer
        series.update(
            fpx=np.array([x + h]),
            fpy=np.array([f_plus]),
            cpx=np.array([x - h, x + h]),
            cpy=np.array([f_minus, f_plus]),
        )
        return series

    def _marks(self, r: FiniteDifferenceResult) -> dict[str, np.ndarray]:
        """The current h on the error axes: a vertical line and each method's error there."""
        precision = self.controls["precision"].value
        series = {"hx": np.array([r.h, r.h]), "hy": np.array(ERROR_LIMITS)}
        series["ex"] = np.array([r.h])
        for method in METHODS:
            series[f"e_{method}"] = np.array([max(r.error(method, precision), ZERO_ERROR)])
        return series

    def _check_arrows(self, r: FiniteDifferenceResult) -> dict[str, np.ndarray]:
        """The point and −∇f, analytical and numerical, on one scale (so a wrong length shows)."""
        (x0, x1), (y0, y1) = self.surface.domain
        width = min(x1 - x0, y1 - y0)
        p = self.point
        outside = max(x0 - p[0], p[0] - x1, y0 - p[1], p[1] - y1)
        nothing = np.full((2, 2), np.nan)
        if r.check is None or outside > OFF_THE_MAP * width:
            analytical, numerical = nothing, nothing
            if outside <= OFF_THE_MAP * width:
                with np.errstate(over="ignore", invalid="ignore"):
                    grad = np.asarray(self.surface.grad(p), dtype=float)
                norm = float(np.hypot(*grad))
                if np.isfinite(norm) and norm > 0:
                    analytical = _arrow(p, grad, 0.2 * width / norm)
            shown = p if outside <= OFF_THE_MAP * width else np.full(2, np.nan)
        else:
            # hypot: no overflow where the squares would (a gradient of 1e300)
            norms = [float(np.hypot(*g)) for g in (r.check.analytical, r.check.numerical)]
            finite = [n for n in norms if np.isfinite(n)]
            scale = max(finite, default=0.0)
            length = 0.2 * width / scale if scale > 0 else 0.0
            analytical = _arrow(p, r.check.analytical, length)
            numerical = _arrow(p, r.check.numerical, length)
            shown = p
        return {
            "aax": analytical[0],
            "aay": analytical[1],
            "nax": numerical[0],
            "nay": numerical[1],
            "px": shown[:1],
            "py": shown[1:],
        }

    def _stop(self, r: FiniteDifferenceResult) -> dict:
        """One step's picture and words, for :func:`~gdviz.widgets.scene.pack_family`."""
        return {
            "value": r.h,
            "label": self._describe(r),
            "readout": f"gradient check: {r.verdict}",
            "html": self._tables_html(r),
            "frames": 0,
            "series": {**self._secants(r), **self._marks(r), **self._check_arrows(r)},
        }

    def _tracks(self) -> list[dict]:
        tracks = []
        for method in METHODS:
            tracks.append(
                {
                    "panel": 0,
                    "kind": "line",
                    "x": "sx",
                    "y": f"s_{method}",
                    "colour": METHOD_COLORS[method],
                    "width": 1.8,
                    "dash": SECANT_STYLES[method][1],
                }
            )
        tracks += [
            {
                "panel": 0,
                "kind": "points",
                "x": "fpx",
                "y": "fpy",
                "colour": METHOD_COLORS["forward"],
                "size": 8,
            },
            {
                "panel": 0,
                "kind": "points",
                "x": "cpx",
                "y": "cpy",
                "colour": METHOD_COLORS["central"],
                "size": 6,
            },
            {"panel": 1, "kind": "line", "x": "hx", "y": "hy", "colour": "black", "width": 1},
        ]
        tracks += [
            {
                "panel": 1,
                "kind": "marker",
                "x": "ex",
                "y": f"e_{method}",
                "colour": METHOD_COLORS[method],
                "size": 7,
            }
            for method in METHODS
        ]
        tracks += [
            {
                "panel": 2,
                "kind": "arrow",
                "x": "aax",
                "y": "aay",
                "colour": "white",
                "width": 3,
                "halo": True,
            },
            {
                "panel": 2,
                "kind": "arrow",
                "x": "nax",
                "y": "nay",
                "colour": COLORS[4],
                "width": 2,
                "dash": [6, 4],
            },
            {"panel": 2, "kind": "marker", "x": "px", "y": "py", "colour": "white", "size": 10},
        ]
        return tracks

    # changes --------------------------------------------------------------------------

    def _recompute(self, h: float | None = None) -> None:
        """Every stop's picture anew (new function, x₀, surface, point, method or precision)."""
        h = self.scene.value if h is None else h
        self._errors = difference_errors(*self._function(), self.controls["x"].value)
        stale = self._build_scene()
        self._results = self._compute(self.stops)
        self.scene.family = pack_family([self._stop(r) for r in self._results])
        self.show(h, stale=stale)

    def show(self, h: float, *, stale=()) -> None:
        """Show the step ``h``: a stop's picture, or one computed now for a step between stops."""
        index, on_stop = self.nearest_stop(h)
        if on_stop:
            h = float(self.stops[index])
            self.result = self._results[index]
            extra = {}
        else:
            (self.result,) = self._compute(np.array([h]))
            extra = pack_family([self._stop(self.result)])
            extra["value"] = h
        self.status.value = self._describe(self.result)
        self.tables = self._tables_html(self.result)
        self.show_on_scene(value=h, stop=index, extra=extra, frame=0)
        if stale:
            self.publish_panels(only=stale)

    # the static layers -----------------------------------------------------------------

    def _build_scene(self) -> list[int]:
        """Figures anew for what changed (the function or x₀, the surface); their indices.

        Three figures, so that the browser can put them side by side or one under another:
        at 1366×768 with JupyterLab's file browser open (934 px) the first two share a row.
        """
        curves = (self.name, self.controls["x"].value)
        surface = self.controls["surface"].value
        stale = []
        with projector_style():
            if self._drawn is None or self._drawn[0] != curves:
                self._function_figure = self._build_function_panel()
                self._error_figure = self._build_error_panel()
                stale += [0, 1]
            if self._drawn is None or self._drawn[1] != surface:
                self._map_figure = self._build_map()
                stale.append(2)
        self._drawn = (curves, surface)
        if stale:
            self.set_panels(
                (self._function_figure, self._moving_function, []),
                (self._error_figure, self._moving_errors, []),
                (self._map_figure, self._moving_map, []),
            )
            self.scene.tracks = self._tracks()
        return stale

    def _build_function_panel(self) -> Figure:
        figure = Figure(figsize=(4.5, 3.9), layout="constrained")
        ax = figure.subplots()
        f, df = self._function()
        x = self.controls["x"].value
        low, high = self.x_range
        xs = np.linspace(low, high, 400)
        ys = np.asarray(f(xs), dtype=float)
        ax.plot(xs, ys, color="black", linewidth=2)
        span = np.ptp(ys) if np.ptp(ys) > 0 else 1.0
        ax.set_xlim(low, high)
        ax.set_ylim(ys.min() - 0.25 * span, ys.max() + 0.25 * span)
        fx, slope = float(f(np.array([x]))[0]), float(df(np.array([x]))[0])
        ends = np.array([low, high])
        tangent = dict(color="0.45", linewidth=4, alpha=0.6)
        ax.plot(ends, fx + slope * (ends - x), **tangent)
        ax.plot([x], [fx], "o", color="white", markeredgecolor="black", markersize=9, zorder=5)
        self._secant_lines = {}
        for method in METHODS:
            (self._secant_lines[method],) = ax.plot(
                [], [], SECANT_STYLES[method][0], color=METHOD_COLORS[method], linewidth=1.8
            )
        (self._forward_points,) = ax.plot(
            [], [], "o", color=METHOD_COLORS["forward"], markersize=8, linestyle="none"
        )
        (self._central_points,) = ax.plot(
            [], [], "o", color=METHOD_COLORS["central"], markersize=6, linestyle="none"
        )
        self._moving_function = [
            *self._secant_lines.values(),
            self._forward_points,
            self._central_points,
        ]
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        ax.set_title(f"f(x) = {self.name}: secants → tangent", fontsize=13)
        # the title says which curve is f: the legend names the lines through x₀ only
        ax.legend(
            handles=[
                Line2D([], [], label="tangent (exact f′)", **tangent),
                *(
                    Line2D(
                        [],
                        [],
                        linestyle=SECANT_STYLES[m][0],
                        color=METHOD_COLORS[m],
                        linewidth=1.8,
                        label=METHOD_LABELS[m],
                    )
                    for m in METHODS
                ),
            ],
            loc="upper left",
            fontsize=10,
        )
        return figure

    def _build_error_panel(self) -> Figure:
        figure = Figure(figsize=(4.7, 3.9), layout="constrained")
        ax = figure.subplots()
        ax.set_xscale("log")
        ax.set_yscale("log")
        errors = self._errors
        for method in METHODS:
            for precision in PRECISIONS:
                ax.plot(
                    errors.hs,
                    np.maximum(errors.errors[method, precision], ZERO_ERROR),
                    PRECISION_STYLES[precision],
                    color=METHOD_COLORS[method],
                    linewidth=1.8,
                )
        (self._h_line,) = ax.plot([], [], color="black", linewidth=1)
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
        self._moving_errors = [self._h_line, *self._error_marks.values()]
        ax.set_xlim(*STEP_RANGE)
        ax.set_ylim(*ERROR_LIMITS)
        decades = [10.0**k for k in range(-16, 1, 4)]
        ax.set_yticks([ZERO_ERROR, *decades], ["0", *(f"$10^{{{k}}}$" for k in range(-16, 1, 4))])
        ax.set_xticks(decades[::2], [f"$10^{{{k}}}$" for k in range(-16, 1, 8)])
        ax.minorticks_off()
        ax.set_xlabel("step h    (← round-off ∝ ε/h | truncation ∝ h, h² →)", fontsize=11)
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
            fontsize=10,
            ncols=2,
        )
        return figure

    def _build_map(self) -> Figure:
        figure = Figure(figsize=(4.6, 3.9), layout="constrained")
        ax = figure.subplots()
        contour(ax, self.surface, colorbar=False)
        ax.set_title(f"check ∇f of {self.surface.name} (click to move)", fontsize=13)
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
        self._moving_map = [self._map_point, self._analytical_arrow, self._numerical_arrow]
        ax.legend(
            handles=[
                Line2D(
                    [],
                    [],
                    color="white",
                    linewidth=3,
                    marker=">",
                    markeredgecolor="black",
                    label="−∇f analytical",
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
            fontsize=10,
            facecolor="0.85",
        )
        return figure

    def draw_static_picture(self) -> None:
        r = self.result
        series = {**self._secants(r), **self._marks(r), **self._check_arrows(r)}
        for method, line in self._secant_lines.items():
            line.set_data(series["sx"], series[f"s_{method}"])
        self._forward_points.set_data(series["fpx"], series["fpy"])
        self._central_points.set_data(series["cpx"], series["cpy"])
        self._h_line.set_data(series["hx"], series["hy"])
        for method, mark in self._error_marks.items():
            mark.set_data(series["ex"], series[f"e_{method}"])
        self._map_point.set_data(series["px"], series["py"])
        for arrow, xs, ys in (
            (self._analytical_arrow, series["aax"], series["aay"]),
            (self._numerical_arrow, series["nax"], series["nay"]),
        ):
            drawn = bool(np.all(np.isfinite([*xs, *ys])))
            arrow.set_visible(drawn)
            if drawn:
                arrow.set_positions((xs[0], ys[0]), (xs[1], ys[1]))

    # words --------------------------------------------------------------------------------

    def _tables_html(self, r: FiniteDifferenceResult) -> str:
        precision = self.controls["precision"].value
        rows = [f"<tr><td>exact f′(x₀)</td><td>{r.derivative:.10f}</td><td></td><td></td></tr>"]
        for method in METHODS:
            errors = "".join(f"<td>{r.error(method, p):.1e}</td>" for p in PRECISIONS)
            rows.append(
                f'<tr><td style="color: {METHOD_COLORS[method]}"><b>{METHOD_LABELS[method]}</b>'
                f"</td><td>{r.estimate(method, precision):.10f}</td>{errors}</tr>"
            )
        slopes = (
            f"<b>f′(x₀) at x₀ = {r.x:.2f} with h = {r.h:.3g}</b>"
            f"<table><tr><th></th><th>estimate ({precision})</th><th>|error| float64</th>"
            f"<th>|error| float32</th></tr>{''.join(rows)}</table>"
        )
        p = self.point
        where = f"({p[0]:.4g}, {p[1]:.4g})"
        if r.check is None:
            body = f"<p><b>NOT RUN</b>: {html.escape(r.refusal)}</p>"
        else:
            body = (
                f'<pre style="margin: 0.3em 0; line-height: 1.3">{html.escape(r.check.table())}'
                "</pre>"
            )
        check = (
            f"<b>gradient check of {html.escape(self.surface.name)} at {where}, in float64</b>"
            f"{body}"
            '<span style="color: gray">relative error, read as in CS231n: &lt; 1e-7 good; '
            "up to 1e-4 only where f has kinks; up to 1e-2 uncomfortable; above, wrong.</span>"
        )
        return (
            '<div style="display: flex; flex-wrap: wrap; gap: 0.5em 2.5em; text-align: left">'
            f"<div>{slopes}</div><div>{check}</div></div>"
        )

    def _describe(self, r: FiniteDifferenceResult) -> str:
        precision = self.controls["precision"].value
        errors = ", ".join(f"{METHOD_LABELS[m]} {r.error(m, precision):.1e}" for m in METHODS)
        arithmetic = "" if precision == "float64" else f" in {precision}"
        if r.check is None:
            check = f"NOT RUN ({r.refusal})"
        else:
            check = f"{r.verdict} ({r.check.max_rel_error:.1e}, {r.check.verdict})"
        return (
            f"h = {r.h:.1e}: errors of f′({r.x:.2f}){arithmetic} {errors}; gradient check of "
            f"{self.surface.name}: {check}"
        )

    def summary(self) -> str:
        return f"FiniteDifferenceExplorer of {self.name}: {self._describe(self.result)}"
