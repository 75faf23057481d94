"""The descent explorer: one optimizer on one surface, its step size against the stability limit.

Examples
--------
>>> from gdviz.widgets import DescentExplorer
>>> explorer = DescentExplorer("quadratic", backend="inline")
>>> explorer
DescentExplorer: quadratic, GradientDescent(lr=0.1), 100 steps → loss 7.9e-10
>>> explorer.controls["step_size"].value = 0.25
>>> explorer.result
Path(17 steps of GradientDescent(lr=0.25) on quadratic: diverged at step 18)
>>> explorer.limit_readout.value
'lr = 1.25 × limit (2/λ_max = 0.2)'
"""

from __future__ import annotations

import inspect
import math

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import Locator, NullLocator

from .. import optimizers, plotting, surfaces
from ..runs import Path, descend
from ..surfaces import Surface
from .base import Explorer, int_slider, log_slider, move_to_emptiest_corner

STOPS_PER_DECADE = 20
"""The grid default step sizes are rounded to (:func:`snap`); the race's sliders stop on it."""

STOPS_PER_OCTAVE = 72
"""Stops of the descent explorer's step-size slider per doubling, about 1 % apart.

Fine enough to drag or step (arrow keys) to 0.9, 1 and 1.1 × the stability limit, which is
a stop itself (and so are half of it and twice it); each stop's run is computed in advance.
"""

FAMILY_BUDGET = 1_000_000
"""Points computed in advance at most (stops × (steps + 1)); past it the stops thin out."""

MAX_STEPS = 100_000


def snap(value: float) -> float:
    """The step-size slider position nearest to ``value`` (a power of 10 to a multiple of 1/20)."""
    return 10 ** (round(math.log10(value) * STOPS_PER_DECADE) / STOPS_PER_DECADE)


def largest_curvature(surface: Surface, point) -> float | None:
    """λ_max, the largest eigenvalue of the Hessian at ``point``; None if it is not finite."""
    with np.errstate(all="ignore"):
        hessian = np.asarray(surface.hessian(np.asarray(point, dtype=float)), dtype=float)
    if not np.all(np.isfinite(hessian)):
        return None
    return float(np.linalg.eigvalsh(hessian)[-1])


def has_constant_curvature(surface: Surface) -> bool:
    """True when the Hessian is the same at the start and at two other points (a quadratic)."""
    (x0, x1), (y0, y1) = surface.domain
    points = np.array([surface.start, [x0 + 0.3 * (x1 - x0), y1 - 0.2 * (y1 - y0)], [x1, y0]])
    with np.errstate(all="ignore"):
        hessians = np.asarray(surface.hessian(points), dtype=float)
    return bool(np.all(np.isfinite(hessians)) and np.allclose(hessians, hessians[0], rtol=1e-6))


def stability_limit(
    optimizer_name: str, hyperparameters: dict, curvature: float | None
) -> tuple[float | None, str]:
    """The largest stable step size on a quadratic of curvature λ_max, and how it is written.

    Returns ``(limit, formula)``, or ``(None, reason)`` when there is no such limit. The
    optimizer's class knows it (:meth:`gdviz.optimizers.Optimizer.stability_limit`).

    Examples
    --------
    >>> stability_limit("gd", {}, 10.0)
    (0.2, '2/λ_max')
    >>> stability_limit("momentum", {"beta": 0.9}, 10.0)
    (0.38, '2(1 + β)/λ_max')
    >>> stability_limit("gd", {}, -2.0)[0] is None
    True
    """
    cls = optimizers.registry()[optimizer_name]
    accepted = inspect.signature(cls).parameters
    optimizer = cls(**{k: v for k, v in hyperparameters.items() if k in accepted})
    return optimizer.stability_limit(curvature)


def step_size_range(
    optimizer_name: str, surface: Surface, curvature: float | None
) -> tuple[float, float, float]:
    """``(low, high, default)`` of the step-size slider: it reaches past the stability limit.

    For the gradient-descent family the scale is 2/λ over the positive curvatures λ_max
    at the start and at the surface's minima (where a converging run ends): the default
    is half the smallest such limit, and the range reaches five times the largest.
    """
    family = optimizers.registry()[optimizer_name].family
    if family == "second order":
        return 1e-2, 10**0.7, 1.0
    if family == "adaptive":
        (x0, x1), (y0, y1) = surface.domain
        width = min(x1 - x0, y1 - y0)
        return width * 1e-4, width, width / 40
    curvatures = [curvature] + [largest_curvature(surface, m) for m in surface.minima]
    positive = [c for c in curvatures if c is not None and c > 0]
    if not positive:
        return 1e-3, 10**0.7, 0.1
    default = 1 / max(positive)
    return default * 2e-3, 10 / min(positive), default


def set_log_slider(
    slider,
    low: float,
    high: float,
    value: float,
    *,
    stops_per_decade: float = STOPS_PER_DECADE,
    anchor: float = 0.0,
) -> None:
    """Give a log slider the range [low, high], widened to whole stops and to hold ``value``.

    The stops are the exponents ``anchor + k / stops_per_decade`` for whole ``k``: with
    ``anchor = log10(limit)`` the stability limit is one of them.

    Examples
    --------
    >>> from gdviz.widgets.base import log_slider
    >>> slider = log_slider("lr", 0.1, 1e-3, 1.0)
    >>> set_log_slider(slider, 0.03, 0.9, 0.1, stops_per_decade=10, anchor=math.log10(0.2))
    >>> round(10**slider.min, 4), round(10**slider.max, 4), slider.step
    (0.0252, 1.0024, 0.1)
    """
    low, high = min(low, value), max(high, value)
    first = math.floor((math.log10(low) - anchor) * stops_per_decade + 1e-9)
    last = math.ceil((math.log10(high) - anchor) * stops_per_decade - 1e-9)
    exponents = (anchor + first / stops_per_decade, anchor + last / stops_per_decade)
    # widen first, so that neither bound is ever set past the other or the value
    slider.min, slider.max = min(exponents[0], slider.min), max(exponents[1], slider.max)
    slider.step = 1 / stops_per_decade
    slider.value = value
    slider.min, slider.max = exponents


class ContourPanel:
    """A surface's contours on an axes, which another surface's can replace."""

    def __init__(self, ax) -> None:
        self.ax = ax
        self._artists: list = []
        self._colorbar = None

    def show(self, surface) -> None:
        """Draw ``surface``'s contours, minima and colorbar instead of the previous ones."""
        if self._colorbar is not None:
            self._colorbar.remove()  # before its contours: it restores the axes they are on
        for artist in self._artists:
            artist.remove()
        before = set(self.ax.get_children())
        self.ax.set_aspect("auto")
        with plotting.projector_style():
            filled = plotting.contour(self.ax, surface)
        self._artists = [a for a in self.ax.get_children() if a not in before]
        self._colorbar = filled.colorbar


class SignedDecades(Locator):
    """Ticks at 0 and at ±10^k on a symmetric log axis, every decade or every few, at most 8.

    Examples
    --------
    >>> SignedDecades(1.0).tick_values(-2e6, 20.0)
    array([-1.e+06, -1.e+04, -1.e+02, -1.e+00,  0.e+00,  1.e+00])
    """

    def __init__(self, linthresh: float, most: int = 8) -> None:
        self.linthresh = linthresh
        self.most = most

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin: float, vmax: float) -> np.ndarray:
        low, high = sorted((vmin, vmax))
        first = math.floor(math.log10(self.linthresh))
        reach = max(abs(low), abs(high), self.linthresh)
        last = math.floor(math.log10(reach))
        powers = 10.0 ** np.arange(first, last + 1)
        stride = 1
        while True:
            # every stride-th decade counted from the largest, so that the far ends keep ticks
            kept = powers[::-1][::stride]
            ticks = np.concatenate([-kept[kept <= -low], [0.0], kept[kept <= high][::-1]])
            ticks = ticks[(ticks >= low) & (ticks <= high)]
            if len(ticks) <= self.most or stride >= len(powers):
                return np.sort(ticks)
            stride += 1


def use_loss_scale(ax, losses: np.ndarray) -> bool:
    """A log y axis for these losses, or a symmetric log one if some are below 0; True if changed.

    ``losses`` has the steps in its first axis (runs sharing one start in the others).
    Below 0 (a surface without a minimum, like the saddle) a log axis would show nothing:
    the symmetric log axis is linear within ±``linthresh`` (a hundredth of the power of
    ten at or below ``max(1, |loss at the start|)``, the scale of :func:`gdviz.descend`'s
    divergence test) and logarithmic beyond, on both sides of 0.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> use_loss_scale(ax, np.array([2.25, 0.1, -40.0])), ax.get_yscale()
    (True, 'symlog')
    >>> use_loss_scale(ax, np.array([2.25, 0.1, 0.0])), ax.get_yscale()
    (True, 'log')
    """
    finite = losses[np.isfinite(losses)]
    start = np.asarray(losses[0], dtype=float)
    start = start[np.isfinite(start)]
    if finite.size and finite.min() < 0:
        scale = max(1.0, float(np.max(np.abs(start))) if start.size else 1.0)
        linthresh = 10.0 ** (math.floor(math.log10(scale)) - 2)
        if ax.get_yscale() == "symlog" and ax.yaxis.get_transform().linthresh == linthresh:
            return False
        ax.set_yscale("symlog", linthresh=linthresh)
        ax.yaxis.set_major_locator(SignedDecades(linthresh))
    else:
        if ax.get_yscale() == "log":
            return False
        ax.set_yscale("log")
    # minor ticks over many decades cost a full redraw time and add nothing
    ax.yaxis.set_minor_locator(NullLocator())
    return True


def _signed_decade(value: float, linthresh: float, up: bool) -> float:
    """The symmetric-log axis end beyond ``value``: a signed power of ten, with a factor 2 to spare."""
    if (value >= 0) == up:
        magnitude = abs(value)
        if magnitude <= linthresh / 2:
            return math.copysign(linthresh, 1 if up else -1) if magnitude > 0 else 0.0
        return math.copysign(10.0 ** math.ceil(math.log10(2 * magnitude)), value)
    # the end on the other side of 0 from the losses: keep 0 in view
    return 0.0


def fit_loss_range(ax, losses: np.ndarray, *, always: bool = False) -> bool:
    """Fit the y-range of ``ax`` to these losses, with a margin; True if it changed.

    With ``always`` the range is set to fit the losses; otherwise it is only widened, when
    the losses leave it, which keeps the axis still while a slider moves, so that an
    update is a blit. ``losses`` has the steps in its first axis and runs sharing one
    start in the others. On a log axis the range ends on whole decades with at least a
    factor 2 to spare, so that a widening is rare and leaves room for the next runs; it
    stops 16 decades below the start (a run down there has converged and there is
    nothing more to see) and 4 decades above it (a diverging run just leaves the top).
    On a symmetric log axis (see :func:`use_loss_scale`) it ends on signed powers of ten
    and keeps 0 in view; such losses are bounded by the divergence test.
    """
    scale = ax.get_yscale()
    finite = losses[np.isfinite(losses)]
    if scale == "log":
        finite = finite[finite > 0]
    if finite.size == 0:
        return False
    low, high = float(finite.min()), float(finite.max())
    if scale == "log":
        start = float(np.nanmax(np.abs(losses[0]))) if np.any(np.isfinite(losses[0])) else 0.0
        if start > 0:
            low, high = max(low, start * 1e-16), min(high, start * 1e4)
        wanted = (
            10.0 ** math.floor(math.log10(low / 2)),
            10.0 ** math.ceil(math.log10(high * 2)),
        )
    elif scale == "symlog":
        linthresh = ax.yaxis.get_transform().linthresh
        wanted = (
            _signed_decade(low, linthresh, up=False),
            _signed_decade(high, linthresh, up=True),
        )
        if wanted[0] == wanted[1]:  # every loss is 0
            wanted = (-linthresh, linthresh)
    else:
        margin = 0.05 * (high - low) if high > low else 1.0
        wanted = (low - margin, high + margin)
    current = ax.get_ylim()
    if always:
        if tuple(current) == wanted:
            return False
    elif not (wanted[0] < current[0] or wanted[1] > current[1]):
        return False
    else:
        wanted = (min(wanted[0], current[0]), max(wanted[1], current[1]))
    ax.set_ylim(*wanted)
    return True


class _Family:
    """The runs of every step-size slider position, computed together as one batched run.

    A step-size change then costs a look-up; a shorter run is a prefix of a longer one.
    """

    def __init__(self, surface, optimizer, start, steps: int, exponents: np.ndarray) -> None:
        self.exponents = exponents
        self.batch = descend(surface, optimizer, start=start, steps=steps)
        self.steps = steps

    def run(self, lr: float, steps: int, optimizer_repr: str, objective: str) -> Path | None:
        """The run at this step size, if it is a slider position; cut to ``steps``."""
        offset = np.abs(self.exponents - math.log10(lr))
        index = int(np.argmin(offset))
        if offset[index] > 1e-9 or steps > self.steps:
            return None
        diverged_at = int(self.batch.diverged_at[index])
        stop = steps + 1 if diverged_at < 0 or diverged_at > steps else diverged_at
        return Path(
            self.batch.points[:stop, index].copy(),
            self.batch.losses[:stop, index].copy(),
            self.batch.grads[:stop, index].copy(),
            stop <= steps,
            stop if stop <= steps else None,
            optimizer=optimizer_repr,
            objective=objective,
        )


def surface_choices(surface) -> tuple[dict, str]:
    table = {name: surfaces.get(name) for name in surfaces.names()}
    if isinstance(surface, Surface):
        table[surface.name] = surface
        return table, surface.name
    if surface not in table:
        raise ValueError(
            f"surface must be a Surface or one of: {', '.join(surfaces.names())}; got {surface!r}"
        )
    return table, surface


def _optimizer_choice(optimizer) -> tuple[str, dict]:
    """The optimizer's short name and its hyper-parameters."""
    if optimizer is None:
        optimizer = "gd"
    if isinstance(optimizer, str):
        return optimizer, optimizers.get(optimizer).hyperparameters()
    by_type = {type(optimizers.get(name)): name for name in optimizers.names()}
    if type(optimizer) not in by_type:
        raise ValueError(
            f"optimizer must be a name ({', '.join(optimizers.names())}) or one of "
            f"gdviz.optimizers' classes; got {optimizer!r}"
        )
    hyperparameters = optimizer.hyperparameters()
    if any(np.ndim(v) for v in hyperparameters.values()):
        raise ValueError(
            f"the explorer runs one optimizer: give scalar hyper-parameters; got {optimizer!r}"
        )
    return by_type[type(optimizer)], hyperparameters


class DescentExplorer(Explorer):
    """Descent on a 2-D surface: the path on the contours and the loss at each step.

    Parameters
    ----------
    surface : str or Surface
        A built-in surface's name (see :func:`gdviz.surfaces.names`) or a surface.
    optimizer : str or Optimizer, optional
        A short name (see :func:`gdviz.optimizers.names`) or an optimizer; plain gradient
        descent by default. Its ``lr`` starts the step-size slider.
    start : array_like of shape (2,), optional
        Where the descent starts; the surface's own start by default. Click on the
        contours to move it.
    steps : int
        The number of steps, 1 to 100,000.
    backend : {"ipympl", "inline"}, optional
        See :func:`gdviz.widgets.base.choose_backend`.

    Attributes
    ----------
    controls : dict
        ``"surface"``, ``"optimizer"``, ``"step_size"``, ``"steps"``, ``"play"``, ``"frame"``.
    result : Path
        The current run. A diverged run stops at its last finite point.
    limit_readout : ipywidgets.HTML
        The step size relative to the stability limit, e.g. ``lr = 0.5 × limit (2/λ_max = 0.2)``.

    Examples
    --------
    >>> explorer = DescentExplorer("rosenbrock", optimizer="momentum", backend="inline")
    >>> explorer.controls["steps"].value = 300
    >>> explorer.result.steps
    300
    """

    def __init__(
        self,
        surface: str | Surface = "quadratic",
        optimizer: str | optimizers.Optimizer | None = None,
        start=None,
        *,
        steps: int = 100,
        backend: str | None = None,
    ) -> None:
        self._surfaces, surface_name = surface_choices(surface)
        optimizer_name, self._hyperparameters = _optimizer_choice(optimizer)
        if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
            raise ValueError(f"steps must be a whole number from 1 to {MAX_STEPS}; got {steps!r}")
        if not 1 <= steps <= MAX_STEPS:
            raise ValueError(f"steps must be from 1 to {MAX_STEPS}; got {steps}")
        self._start = self._check_start(start, self._surfaces[surface_name])
        self._family: _Family | None = None
        self._limit_text = ""

        with plotting.projector_style():
            figure = Figure(figsize=(9, 3.8), layout="constrained")
            figure.get_layout_engine().set(wspace=0.08)  # keep the colorbar off the loss panel
            self._ax, self._loss_ax = figure.subplots(1, 2, width_ratios=[1.15, 1])
            self._contours = ContourPanel(self._ax)
            self._path = plotting.PathArtist(self._ax, color=plotting.COLORS[1], label="path")
            self._status_text = self._ax.text(
                0.02,
                0.97,
                "",
                transform=self._ax.transAxes,
                va="top",
                fontsize=12,
                bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85},
            )
            (self._loss_line,) = self._loss_ax.plot([], [], color=plotting.COLORS[1])
            (self._loss_marker,) = self._loss_ax.plot(
                [], [], "o", color=plotting.COLORS[1], markeredgecolor="black", markersize=9
            )
            self._loss_ax.set_xlabel("step")
            self._loss_ax.set_ylabel("loss")
            self._loss_ax.set_title("loss at each step")
            self._loss_ax.grid(True, which="major", alpha=0.3)
        super().__init__(
            figure,
            caption=(
                "Raise the step size past the stability limit and watch the path overshoot, "
                "then diverge; click on the contours to start elsewhere; press play."
            ),
            backend=backend,
        )
        self.view.animate(*self._path.artists)
        self.view.show_in_static_picture_only(self._status_text)
        self.view.animate(self._loss_line, self._loss_marker)

        self.add_control(
            "surface",
            widgets.Dropdown(
                options=list(self._surfaces), value=surface_name, description="surface"
            ),
        )
        self.add_control(
            "optimizer",
            widgets.Dropdown(
                options=optimizers.names(), value=optimizer_name, description="optimizer"
            ),
        )
        self.add_control("step_size", log_slider("step size", 0.1, 1e-3, 1.0))
        # more steps mean new runs and a new step axis (a full redraw): update when dropped
        self.add_control(
            "steps", int_slider("steps", steps, 1, max(1000, steps), continuous_update=False)
        )
        self.add_animation(steps)
        self.limit_readout = widgets.HTML()
        self.arrange(
            ["surface", "optimizer"],
            ["step_size", self.limit_readout],
            ["steps"],
            ["play", "frame"],
        )
        self.watch(["surface"], self._change_surface, redraw=True)
        self.watch(["optimizer"], self._change_optimizer, redraw=True)
        self.watch(["step_size"], self._change_step_size)
        self.watch(["steps"], self._change_steps)
        self.watch(["frame"], self._show_frame)
        self.on_click(self._clicked)

        given_lr = optimizer.lr if isinstance(optimizer, optimizers.Optimizer) else None
        with self.holding():
            self._draw_surface()
            self._set_step_size_range(given_lr)
            self.run(self._recompute, redraw=True)

    # the numbers ------------------------------------------------------------------

    @property
    def surface(self) -> Surface:
        """The surface being descended."""
        return self._surfaces[self.controls["surface"].value]

    @property
    def start(self) -> np.ndarray:
        """Where the descent starts (a copy)."""
        return self._start.copy()

    def optimizer(self, lr: float | np.ndarray | None = None) -> optimizers.Optimizer:
        """The current optimizer, at the slider's step size unless ``lr`` is given."""
        params = dict(self._hyperparameters)
        params["lr"] = self.controls["step_size"].value if lr is None else lr
        return optimizers.get(self.controls["optimizer"].value, **params)

    @staticmethod
    def _check_start(start, surface) -> np.ndarray:
        if start is None:
            return np.array(surface.start, dtype=float)
        point = np.array(start, dtype=float)
        if point.shape != (2,) or not np.all(np.isfinite(point)):
            raise ValueError(f"start must be two finite numbers (x, y); got {start!r}")
        return point

    def curvature(self) -> float | None:
        """λ_max of the Hessian at the start."""
        return largest_curvature(self.surface, self._start)

    def _slider_exponents(self) -> np.ndarray:
        slider = self.controls["step_size"]
        count = round((slider.max - slider.min) / slider.step) + 1
        return slider.min + np.arange(count) * slider.step

    def _compute_family(self) -> None:
        exponents = self._slider_exponents()
        lrs = (10.0**exponents)[:, None]
        steps = self.controls["steps"].value
        self._family = _Family(self.surface, self.optimizer(lrs), self._start, steps, exponents)

    def _current_run(self) -> Path:
        optimizer = self.optimizer()
        steps = self.controls["steps"].value
        run = None
        if self._family is not None:
            run = self._family.run(
                optimizer.lr, steps, repr(optimizer), getattr(self.surface, "name", "")
            )
        if run is None:
            run = descend(self.surface, optimizer, start=self._start, steps=steps)
        return run

    # callbacks ----------------------------------------------------------------------

    def _change_surface(self) -> None:
        self._start = np.array(self.surface.start, dtype=float)
        self._draw_surface()
        self._set_step_size_range()
        self._recompute()

    def _change_optimizer(self) -> None:
        self._hyperparameters = optimizers.get(self.controls["optimizer"].value).hyperparameters()
        self._set_step_size_range()
        self._recompute()

    def _change_step_size(self) -> None:
        self._update_run()

    def _change_steps(self) -> None:
        steps = self.controls["steps"].value
        if self._family is None or steps > self._family.steps:
            self._place_stops(self.controls["step_size"].value)
            self._compute_family()
        self._fit_steps_axis(steps)
        self.view.invalidate()
        self._update_run()

    def _clicked(self, ax, x: float, y: float) -> None:
        if ax is self._ax:
            self.set_start(x, y)

    def set_start(self, x: float, y: float) -> None:
        """Start the descent at ``(x, y)`` (what a click on the contours does)."""
        self._start = self._check_start((x, y), self.surface)
        self.run(self._recompute, redraw=True)

    def _recompute(self) -> None:
        """A new family of runs (new surface, optimizer or start): rescale the loss panel.

        The loss axis is logarithmic, or symmetric logarithmic when some run of the family
        goes below 0; it is fitted to the run on show, and other step sizes widen it when
        their runs leave it (rarely: it ends on whole decades with room to spare).
        """
        self._place_stops(self.controls["step_size"].value)
        self._compute_family()
        steps = self.controls["steps"].value
        self._fit_steps_axis(steps)
        run = self._current_run()
        self._choose_loss_scale(self._family.batch.losses)
        self._fit_loss_axes(run.losses, always=True)
        self._update_run()

    def _update_run(self) -> None:
        self.result = self._current_run()
        self._fit_loss_axes(self.result.losses)
        steps = self.result.steps
        play = self.controls["play"]
        play.step = max(1, math.ceil(steps / 200))
        self.set_frames(steps)
        self._show_readouts()
        self._draw_run(steps)

    def _show_frame(self) -> None:
        self._draw_run(min(self.controls["frame"].value, self.result.steps))

    # drawing ------------------------------------------------------------------------

    def _draw_surface(self) -> None:
        self._contours.show(self.surface)

    def _choose_loss_scale(self, losses: np.ndarray) -> bool:
        """Log, or symmetric log for losses below 0 (:func:`use_loss_scale`); True if changed."""
        with plotting.projector_style():
            if not use_loss_scale(self._loss_ax, losses):
                return False
            signed = self._loss_ax.get_yscale() == "symlog"
            self._loss_ax.set_title("loss at each step" + (" (can go below 0)" if signed else ""))
        self.view.invalidate()
        return True

    def _fit_steps_axis(self, steps: int) -> None:
        margin = 0.02 * steps  # room for the marker at the last step
        self._loss_ax.set_xlim(-margin, steps + margin)

    def _fit_loss_axes(self, losses: np.ndarray, *, always: bool = False) -> None:
        if fit_loss_range(self._loss_ax, losses, always=always):
            self.view.invalidate()

    def _draw_run(self, frame: int) -> None:
        run = self.result
        self._path.update(run.points, upto=frame)
        shown = plotting.thin(frame + 1)
        self._loss_line.set_data(shown, run.losses[shown])
        self._loss_marker.set_data([frame], [run.losses[frame]])
        self._status_text.set_text(self._describe(frame))
        self._status_text.set_color(plotting.COLORS[1] if run.diverged else "black")
        # off the path (points, and points along its segments) and the minima
        corners = run.points[plotting.thin(frame + 1, 200)]
        along = (
            corners[:-1, None]
            + np.linspace(0, 1, 5)[None, :, None] * np.diff(corners, axis=0)[:, None]
        )
        drawn = np.concatenate([along.reshape(-1, 2), corners, self.surface.minima.reshape(-1, 2)])
        move_to_emptiest_corner(self._status_text, drawn, size=(0.68, 0.3))

    def _describe(self, frame: int) -> str:
        run = self.result
        text = f"{self._limit_text}\nstep {frame}: loss {run.losses[frame]:.3g}"
        if run.diverged:
            text += f"\ndiverged at step {run.diverged_at}"
        return text

    def _set_step_size_range(self, lr: float | None = None) -> None:
        name = self.controls["optimizer"].value
        low, high, default = step_size_range(name, self.surface, self.curvature())
        self._lr_range = (low, high)
        self._place_stops(snap(default) if lr is None else float(lr))

    def _place_stops(self, value: float) -> None:
        """Stops :data:`STOPS_PER_OCTAVE` to a doubling, one at the stability limit.

        Without a limit a stop is at ``value``. When the runs of every stop would hold more
        than :data:`FAMILY_BUDGET` points, every second (third, …) stop is kept instead.
        """
        low, high = self._lr_range
        name = self.controls["optimizer"].value
        limit, _ = stability_limit(name, self._hyperparameters, self.curvature())
        per_decade = STOPS_PER_OCTAVE / math.log10(2)
        decades = math.log10(max(high, value) / min(low, value))
        # up to decades × per_decade + 2 stops, once the ends are rounded outwards
        affordable = FAMILY_BUDGET / (self.controls["steps"].value + 1) - 2
        per_decade /= max(1, math.ceil(decades * per_decade / affordable))
        set_log_slider(
            self.controls["step_size"],
            low,
            high,
            value,
            stops_per_decade=per_decade,
            anchor=math.log10(value if limit is None else limit),
        )

    def _show_readouts(self) -> None:
        lr = self.controls["step_size"].value
        name = self.controls["optimizer"].value
        curvature = self.curvature()
        limit, formula = stability_limit(name, self._hyperparameters, curvature)
        if limit is None:
            readout = f"lr = {lr:.3g}; {formula}"
            self._limit_text = f"lr = {lr:.3g}"
        else:
            where = (
                "" if has_constant_curvature(self.surface) else ", from the Hessian at the start"
            )
            value = f"{formula} = {limit:.3g}" if "λ" in formula else formula
            readout = f"lr = {lr / limit:.3g} × limit ({value}{where})"
            self._limit_text = f"lr = {lr:.3g} = {lr / limit:.2g} × limit"
        self.limit_readout.value = readout
        run = self.result
        if run.diverged:
            self.show_status(f"{run.optimizer}: diverged at step {run.diverged_at}. {readout}.")
        else:
            self.show_status(
                f"{run.optimizer}: {run.steps} steps, loss {run.losses[0]:.3g} → {run.losses[-1]:.3g}"
            )

    def summary(self) -> str:
        run = self.result
        outcome = (
            f"diverged at step {run.diverged_at}"
            if run.diverged
            else f"{run.steps} steps → loss {run.losses[-1]:.2g}"
        )
        return f"DescentExplorer: {run.objective}, {run.optimizer}, {outcome}"
