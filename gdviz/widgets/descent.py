"""The descent explorer: one optimizer on one surface, its step size against the stability limit.

Drawn in the browser (see :mod:`gdviz.widgets.template`): the runs of every step-size
stop are computed once, to up to twice the steps shown, and sent as float32 columns, so
dragging the step size, pressing an arrow key, Play, Step and fewer or more steps (up to
those computed) are answered in the browser; a step size typed between two stops is run
by the kernel, exactly as typed.

Examples
--------
>>> from gdviz.widgets import DescentExplorer
>>> explorer = DescentExplorer("quadratic")
>>> explorer
DescentExplorer: quadratic, GradientDescent(lr=0.1), 100 steps → loss 7.9e-10
>>> explorer.controls["step_size"].value = 0.25
>>> explorer.result
Path(17 steps of GradientDescent(lr=0.25) on quadratic: diverged at step 18)
>>> explorer.limit_readout.value
'lr = 1.25 × limit (2/λ_max = 0.2)'
>>> explorer.entries["step_size"].value = "0.1995"  # between two stops: run as typed
>>> explorer.result.optimizer
'GradientDescent(lr=0.1995)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .. import optimizers, plotting, surfaces
from ..plotting import move_to_emptiest_corner
from ..runs import Path, descend
from ..stability import (
    has_constant_curvature,
    largest_curvature,
    snap,
    stability_limit,
    step_size_range,
    stop_exponents,
)
from ..surfaces import Surface
from ..validation import check_number, check_whole
from .controls import Choice, int_slider
from .scene import nearest_stop, pack_family
from .template import Line, SceneExplorer

STOPS_PER_OCTAVE = 72
"""Stops of the descent explorer's step-size slider per doubling, about 1 % apart.

Fine enough to drag or step (arrow keys) to 0.9, 1 and 1.1 × the stability limit, which is
a stop itself (and so are half of it and twice it); each stop's run is computed in advance.
"""

FAMILY_BUDGET = 300_000
"""Points computed in advance at most (stops × (steps + 1)); past it the stops thin out.

Each point is sent to the browser as three float32 numbers (x, y, loss): at most 3.6 MB.
"""

MAX_STEPS = 10_000
"""The most steps an explorer runs: every stop's run is sent to the browser, and at
10,000 steps :data:`FAMILY_BUDGET` still holds about 27 stops (longer runs: ``gdviz.descend``)."""

AHEAD = 2
"""Runs are computed to ``AHEAD`` times the steps shown, as far as :data:`FAMILY_BUDGET`
allows without thinning the stops: the browser answers a change of ``steps`` up to there
by cutting the runs, and the kernel follows with the loss axis and the status lines."""


def _diverged(run: Path) -> str:
    """What a diverged run did, in words: which way it ran off, and when it was stopped."""
    way = "downhill" if run.losses[-1] < run.losses[0] else "uphill"
    return f"ran off {way}, diverged at step {run.diverged_at} (the loss moved a million-fold)"


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


def _stop(run: Path, lr: float, readout: str, status: str) -> dict:
    """One step size's run as the scene draws it (see :func:`~gdviz.widgets.scene.pack_family`)."""
    series = {"x": run.points[:, 0], "y": run.points[:, 1], "loss": run.losses}
    return {"value": lr, "label": status, "readout": readout, "frames": run.steps, "series": series}


class DescentExplorer(SceneExplorer):
    """Descent on a 2-D surface: the path on the contours and the loss at each step.

    Parameters
    ----------
    surface : str or Surface
        A built-in surface's name (see :func:`gdviz.surfaces.names`) or a surface.
    optimizer : str or Optimizer, optional
        A short name (see :func:`gdviz.optimizers.names`) or an optimizer; plain gradient
        descent by default. Its ``lr`` starts the step-size slider, exactly.
    start : array_like of shape (2,), optional
        Where the descent starts; the surface's own start by default. Click on the
        contours to move it.
    steps : int
        The number of steps, 1 to :data:`MAX_STEPS` (10,000).

    Attributes
    ----------
    controls : dict
        ``"surface"``, ``"optimizer"`` (kernel controls), ``"steps"`` (answered in the
        browser up to the steps computed, twice those shown, see :data:`AHEAD`),
        ``"step_size"``, ``"frame"`` and ``"play"`` (drawn in the browser; ``"play"`` is the
        frame too).
    entries : dict
        ``"step_size"`` (type a step size: it is run exactly) and ``"steps"``.
    result : Path
        The current run. A diverged run stops at its last finite point.
    limit_readout : Line
        The step size relative to the stability limit, e.g. ``lr = 0.5 × limit (2/λ_max = 0.2)``.
    stops : ndarray
        The step sizes the slider stops at (their runs are precomputed), about 1 % apart,
        one exactly at the stability limit.

    Examples
    --------
    >>> explorer = DescentExplorer("rosenbrock", optimizer="momentum")
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
    ) -> None:
        self._surfaces, surface_name = surface_choices(surface)
        optimizer_name, self._hyperparameters = _optimizer_choice(optimizer)
        steps = check_whole("steps", steps, low=1, high=MAX_STEPS)
        self._start = self._check_start(start, self._surfaces[surface_name])
        given_lr = optimizer.lr if isinstance(optimizer, optimizers.Optimizer) else None
        self._initial = (surface_name, optimizer_name, dict(self._hyperparameters))
        self._initial += (self._start.copy(), int(steps), given_lr)
        self._exponents = np.zeros(0)
        self._thinning = 1
        self._batch: Path | None = None
        self._lr_range = (1e-3, 1.0)
        self.limit_readout = Line()
        super().__init__(
            caption=(
                "Raise the step size past the stability limit and watch the path overshoot, "
                "then diverge; click on the contours to start elsewhere; press play."
            ),
            slider={"name": "step_size", "label": "step size"},
            download_name="descent-explorer.png",
        )

        self.add_control(
            "surface",
            Choice(options=list(self._surfaces), value=surface_name, description="surface"),
        )
        self.add_control(
            "optimizer",
            Choice(options=optimizers.names(), value=optimizer_name, description="optimizer"),
        )
        # new runs and a new step axis are computed when the drag ends; the browser cuts
        # the runs it has at once (the slider is linked to the scene's last frame there)
        self.add_control(
            "steps", int_slider("steps", steps, 1, max(1000, steps), continuous_update=False)
        )
        widgets.jslink((self.controls["steps"], "value"), (self.scene, "last_frame"))
        self.add_scene_control("step_size", "step size", self._log_limits, positive=True)
        self.add_frame_control(lambda: self.result.steps)
        self.arrange(["surface", "optimizer", "steps"])
        self.watch(["surface"], self._change_surface)
        self.watch(["optimizer"], self._change_optimizer)
        self.watch(["steps"], self._change_steps)
        self.begin(lambda: self._restart(given_lr))

    # the scene --------------------------------------------------------------------

    def _build_scene(self) -> list[int]:
        """Figures for the current state: the contours anew if the surface changed, the
        loss axes anew always (their scale is set by :meth:`_fit_axes`). Returns the
        indices of the panels built anew."""
        colour = plotting.COLORS[1]
        rebuilt = [1]
        if self._contour_surface is not self.surface:
            self._contour_surface = self.surface
            rebuilt = [0, 1]
            with plotting.projector_style():
                self._contour_figure = Figure(figsize=(4.9, 4.2), layout="constrained")
                self._ax = self._contour_figure.subplots()
                plotting.contour(self._ax, self.surface)
                self._path = plotting.PathArtist(self._ax, color=colour, label="path")
                self._status_text = self._ax.text(
                    0.02,
                    0.97,
                    "",
                    transform=self._ax.transAxes,
                    va="top",
                    fontsize=12,
                    bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85},
                )
        with plotting.projector_style():
            losses = Figure(figsize=(4.2, 4.2), layout="constrained")
            self._loss_ax = losses.subplots()
            (self._loss_line,) = self._loss_ax.plot([], [], color=colour)
            (self._loss_marker,) = self._loss_ax.plot(
                [], [], "o", color=colour, markeredgecolor="black", markersize=9
            )
            self._loss_ax.set_xlabel("step")
            self._loss_ax.set_ylabel("loss")
            self._loss_ax.set_title("loss at each step")
            self._loss_ax.grid(True, which="major", alpha=0.3)
        self.set_panels(
            (self._contour_figure, self._path.artists, [self._status_text]),
            (losses, [self._loss_line, self._loss_marker], []),
        )
        self.scene.tracks = [
            {"panel": 0, "kind": "path", "x": "x", "y": "y", "colour": colour},
            {"panel": 1, "kind": "curve", "x": None, "y": "loss", "colour": colour},
        ]
        return rebuilt

    _contour_surface = None

    # the numbers ------------------------------------------------------------------

    @property
    def surface(self) -> Surface:
        """The surface being descended."""
        return self._surfaces[self.controls["surface"].value]

    @property
    def start(self) -> np.ndarray:
        """Where the descent starts (a copy)."""
        return self._start.copy()

    @property
    def stops(self) -> np.ndarray:
        """The step sizes of the slider's stops."""
        return 10.0**self._exponents

    def optimizer(self, lr: float | np.ndarray | None = None) -> optimizers.Optimizer:
        """The current optimizer, at the shown step size unless ``lr`` is given."""
        params = dict(self._hyperparameters)
        params["lr"] = self.scene.value if lr is None else lr
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

    def _log_limits(self) -> tuple[float, float, float]:
        """The slider's range and step as a log slider's: exponents of 10."""
        step = float(self._exponents[1] - self._exponents[0]) if len(self._exponents) > 1 else 0
        return float(self._exponents[0]), float(self._exponents[-1]), step

    def _limit(self) -> tuple[float | None, str]:
        if has_constant_curvature(self.surface):
            lowest = float(np.linalg.eigvalsh(self.surface.hessian(self._start))[0])
            if lowest < 0:
                # A quadratic with a downward curvature has no step size that stays put:
                # every run leaves along that direction, so "× limit" would mislead.
                return None, f"no stable step size: a curvature is negative ({lowest:.3g})"
        name = self.controls["optimizer"].value
        return stability_limit(name, self._hyperparameters, self.curvature())

    def _thinning_for(self, value: float) -> int:
        """Keep every n-th stop: the n for which the runs of the steps shown fit
        :data:`FAMILY_BUDGET` points."""
        low, high = self._lr_range
        decades = math.log10(max(high, value) / min(low, value))
        affordable = FAMILY_BUDGET / (self.controls["steps"].value + 1) - 3
        return max(1, math.ceil(decades * STOPS_PER_OCTAVE / math.log10(2) / affordable))

    def _place_stops(self, value: float) -> None:
        """Stops :data:`STOPS_PER_OCTAVE` to a doubling, one at the stability limit, and
        how many steps to compute (see :data:`AHEAD`).

        Without a limit a stop is at ``value``. When the runs of every stop would hold more
        than :data:`FAMILY_BUDGET` points, every second (third, …) stop is kept instead.
        """
        low, high = self._lr_range
        limit, _ = self._limit()
        self._thinning = self._thinning_for(value)
        self._exponents = stop_exponents(
            low,
            high,
            value,
            stops_per_decade=STOPS_PER_OCTAVE / math.log10(2) / self._thinning,
            anchor=math.log10(value if limit is None else limit),
        )
        steps = self.controls["steps"].value
        affordable = FAMILY_BUDGET // len(self._exponents) - 1
        self._computed_steps = max(steps, min(AHEAD * steps, affordable, MAX_STEPS))

    _computed_steps = 0

    def _limit_words(self) -> tuple[float | None, str]:
        """The stability limit and how the readout names it (the same for every stop)."""
        limit, formula = self._limit()
        if limit is None:
            return None, formula
        where = "" if has_constant_curvature(self.surface) else ", from the Hessian at the start"
        value = f"{formula} = {limit:.3g}" if "λ" in formula else formula
        return limit, f"{value}{where}"

    def _words(self, run: Path, lr: float, limit_words=None) -> tuple[str, str]:
        """The readout beside the slider and the status line, for a run at ``lr``."""
        limit, words = self._limit_words() if limit_words is None else limit_words
        if limit is None:
            readout = f"lr = {lr:.3g}; {words}"
        else:
            readout = f"lr = {lr / limit:.3g} × limit ({words})"
        if run.diverged:
            status = f"{run.optimizer}: {_diverged(run)}. {readout}."
        else:
            first, last = run.losses[0], run.losses[-1]
            status = f"{run.optimizer}: {run.steps} steps, loss {first:.3g} → {last:.3g}"
            if last > first:
                above = limit is not None and lr > limit
                status += f"; the loss grew ×{last / first:.3g}" + (
                    ": above the limit, this run is diverging" if above else ""
                )
        return readout, status

    def _stop_run(self, index: int) -> Path:
        """Stop ``index``'s run, to the steps shown."""
        lr = float(10.0 ** self._exponents[index])
        run = self._batch.run(index, optimizer=repr(self.optimizer(lr)))
        return run.first(self.controls["steps"].value)

    def _run(self, lr: float) -> tuple[Path, Path]:
        """The run at ``lr`` to the steps computed (for the browser), and to those shown."""
        ahead = descend(
            self.surface, self.optimizer(lr), start=self._start, steps=self._computed_steps
        )
        return ahead, ahead.first(self.controls["steps"].value)

    # changes --------------------------------------------------------------------------

    def _restart(self, lr: float | None = None) -> None:
        """New stops around a default (or ``lr``) step size, and everything computed anew."""
        name = self.controls["optimizer"].value
        low, high, default = step_size_range(name, self.surface, self.curvature())
        self._lr_range = (low, high)
        self._recompute(snap(default) if lr is None else float(lr))

    def _change_surface(self) -> None:
        self._start = np.array(self.surface.start, dtype=float)
        self._restart()

    def _change_optimizer(self) -> None:
        self._hyperparameters = optimizers.get(self.controls["optimizer"].value).hyperparameters()
        self._restart()

    def set_start(self, x: float, y: float) -> None:
        """Start the descent at ``(x, y)`` (what a click on the contours does).

        A start the runs cannot begin from (where the loss is not finite) is refused in the
        message area, and the descent keeps its start.
        """
        self.run(lambda: self._move_start((x, y)))

    def _move_start(self, start) -> None:
        before = self._start
        self._start = self._check_start(start, self.surface)
        try:
            self._recompute()
        except Exception:
            self._start = before
            self._recompute()
            raise

    def clicked(self, panel: int, x: float, y: float) -> None:
        if panel == 0:
            self.set_start(float(x), float(y))

    def reset(self) -> None:
        surface_name, optimizer_name, hyperparameters, start, steps, lr = self._initial
        self._hyperparameters = dict(hyperparameters)
        with self.quietly():
            self.controls["surface"].value = surface_name
            self.controls["optimizer"].value = optimizer_name
            self.controls["steps"].value = steps
        self._hyperparameters = dict(hyperparameters)
        self._start = start.copy()
        self._restart(lr)

    def _change_steps(self) -> None:
        """Fewer or more steps: the runs cut anew if they were computed that far (with the
        same stops), else computed anew."""
        steps = self.controls["steps"].value
        lr = self.scene.value
        if steps <= self._computed_steps and self._thinning_for(lr) == self._thinning:
            self._show_steps(lr, stale=self._build_scene())
        else:
            self._recompute(lr)

    def _recompute(self, lr: float | None = None) -> None:
        """Every stop's run (new surface, optimizer, start or steps), the scene re-sent."""
        lr = self.scene.value if lr is None else lr
        rebuilt = self._build_scene()
        self._place_stops(lr)
        lrs = (10.0**self._exponents)[:, None]
        self._batch = descend(
            self.surface, self.optimizer(lrs), start=self._start, steps=self._computed_steps
        )
        limit_words = self._limit_words()
        stops = []
        for index, exponent in enumerate(self._exponents):
            lr_at_stop = float(10.0**exponent)
            run = self._batch.run(index, optimizer=repr(self.optimizer(lr_at_stop)))
            readout, _ = self._words(run, lr_at_stop, limit_words)
            # the status lines depend on the steps shown: they go in the scene's labels
            stops.append(_stop(run, lr_at_stop, readout, ""))
        self.scene.family = pack_family(stops)
        self._show_steps(lr, stale=rebuilt)

    def _show_steps(self, lr: float, stale: Sequence[int]) -> None:
        """The runs cut to the steps shown: their status lines, the loss axis, ``lr``'s run.

        The loss axis is logarithmic, or symmetric logarithmic when some run goes below 0,
        and fitted to every stop's run at once, so that moving the step size never
        changes it.
        """
        steps = self.controls["steps"].value
        limit_words = self._limit_words()
        lines = []
        for index, exponent in enumerate(self._exponents):
            run = self._stop_run(index)
            lines.append(self._words(run, float(10.0**exponent), limit_words)[1])
        self.scene.labels = {"for": steps, "lines": lines}
        self.scene.last_frame = steps
        self._fit_axes(self._batch.losses[: steps + 1], steps)
        self.scene.frame_step = max(1, math.ceil(steps / 200))
        self.show(lr, stale=stale)

    def _fit_axes(self, losses: np.ndarray, steps: int) -> None:
        with plotting.projector_style():
            plotting.use_loss_scale(self._loss_ax, losses)
            signed = self._loss_ax.get_yscale() == "symlog"
            self._loss_ax.set_title("loss at each step" + (" (can go below 0)" if signed else ""))
            plotting.fit_loss_range(self._loss_ax, losses, always=True)
        margin = 0.02 * steps  # room for the marker at the last step
        self._loss_ax.set_xlim(-margin, steps + margin)

    def nearest_stop(self, lr: float) -> tuple[int, bool]:
        return nearest_stop(self.stops, lr, log=True)

    def show(self, lr: float, *, stale: Sequence[int] = ()) -> None:
        """Show the run at ``lr``: a stop's, or one computed now for a value between stops."""
        index, on_stop = self.nearest_stop(lr)
        if on_stop:
            lr = float(10.0 ** self._exponents[index])
            self.result = self._stop_run(index)
            extra = {}
        else:
            ahead, self.result = self._run(lr)
            readout, status = self._words(self.result, lr)
            extra = pack_family([_stop(ahead, lr, readout, status)])
            extra["value"] = lr
            # a run the loss axis was not fitted to widens it
            if plotting.fit_loss_range(self._loss_ax, self.result.losses):
                stale = sorted({*stale, 1})
        self.limit_readout.value, self.status.value = self._words(self.result, lr)
        self.show_on_scene(value=lr, stop=index, extra=extra, frame=self.result.steps)
        if stale:
            self.publish_panels(only=stale)

    def set_value(self, value) -> None:
        value = check_number("step size", value, low=0, closed="neither")
        self.show(self.clamp("step size", value, self.stops[0], self.stops[-1]))

    # the static picture -----------------------------------------------------------------

    def draw_static_picture(self) -> None:
        run = self.result
        frame = min(self.scene.frame, run.steps)
        self._path.update(run.points, upto=frame)
        shown = plotting.thin(frame + 1)
        self._loss_line.set_data(shown, run.losses[shown])
        self._loss_marker.set_data([frame], [run.losses[frame]])
        lr = self.scene.value
        limit, _ = self._limit()
        text = f"lr = {lr:.3g}" if limit is None else f"lr = {lr:.3g} = {lr / limit:.2g} × limit"
        text += f"\nstep {frame}: loss {run.losses[frame]:.3g}"
        if run.diverged:
            text += f"\ndiverged at step {run.diverged_at}"
        self._status_text.set_text(text)
        self._status_text.set_color(plotting.COLORS[1] if run.diverged else "black")
        corners = run.points[plotting.thin(frame + 1, 200)]
        along = (
            corners[:-1, None]
            + np.linspace(0, 1, 5)[None, :, None] * np.diff(corners, axis=0)[:, None]
        )
        drawn = np.concatenate([along.reshape(-1, 2), corners, self.surface.minima.reshape(-1, 2)])
        move_to_emptiest_corner(self._status_text, drawn, size=(0.68, 0.3))

    def summary(self) -> str:
        run = self.result
        outcome = (
            _diverged(run) if run.diverged else f"{run.steps} steps → loss {run.losses[-1]:.2g}"
        )
        return f"DescentExplorer: {run.objective}, {run.optimizer}, {outcome}"
