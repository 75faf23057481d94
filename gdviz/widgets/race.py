"""The optimizer race: several optimizers from one start, with one budget of gradient evaluations.

Examples
--------
>>> from gdviz.widgets import OptimizerRace
>>> race = OptimizerRace("quadratic", backend="inline")
>>> race.controls["momentum.lr"].value = 0.05
>>> race.result["momentum"].optimizer
'Momentum(lr=0.05, beta=0.9)'
>>> race.steps_to_tolerance()["gd"]
45
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from .. import optimizers, plotting
from ..plotting import fit_loss_range, use_loss_scale
from ..runs import Path, descend
from ..surfaces import Surface
from .base import Explorer, float_slider, int_slider, log_slider
from .descent import (
    ContourPanel,
    largest_curvature,
    set_log_slider,
    snap,
    step_size_range,
    surface_choices,
)

SECOND_PARAMETER = {"momentum": "beta", "nesterov": "beta", "rmsprop": "rho", "adam": "beta1"}
"""Each optimizer's hyper-parameter with a slider besides ``lr`` (the others keep their defaults)."""

_PARAMETER_SYMBOLS = {"beta": "β", "rho": "ρ", "beta1": "β₁"}

CONTROL_LINES = (("gd", "adagrad"), ("momentum", "rmsprop"), ("nesterov", "adam"), ("newton",))
"""The optimizers' controls, two to a line: the gradient-descent family and Newton on the
left, the adaptive methods on the right."""

OPTIMIZER_COLORS = {name: cls.color for name, cls in optimizers.registry().items()}
"""One Okabe–Ito colour per optimizer (its class's ``color``), the same in the race and in
the lessons' figures.

Yellow is left out: it vanishes on the yellow end of the cividis contours. The three
default racers (gradient descent, momentum, Adam) get the three most distinct colours.
"""

RACE_COLORS = tuple(OPTIMIZER_COLORS[name] for name in optimizers.names())
"""The colours of :data:`OPTIMIZER_COLORS` in the order of :func:`gdviz.optimizers.names`."""

_SHORT_LABELS = {name: cls.label for name, cls in optimizers.registry().items()}


def evaluations_per_step(name: str) -> int:
    """Gradient evaluations one step costs: 1, or 3 for Newton (its 2-D Hessian costs two more).

    A Hessian of a function of ``d`` parameters costs ``d`` gradient evaluations by
    differences of gradients, so a fair budget charges Newton ``1 + d`` per step.
    """
    return 3 if optimizers.get(name).needs_hessian else 1


class OptimizerRace(Explorer):
    """Optimizers racing on a surface: the paths, the loss gaps, a table of who got there.

    Parameters
    ----------
    surface : str or Surface
        A built-in surface's name or a surface.
    racers : sequence of str
        The optimizers ticked at the start (all of :func:`gdviz.optimizers.names` can be).
    start : array_like of shape (2,), optional
        The common start; the surface's own by default. Click on the contours to move it.
    budget : int
        Gradient evaluations each optimizer may use (see :func:`evaluations_per_step`).
    tolerance : float
        The race is won when the loss is within ``tolerance`` of the surface's minimum.
    backend : {"ipympl", "inline"}, optional

    Attributes
    ----------
    controls : dict
        ``"surface"``, ``"budget"``, ``"tolerance"``, ``"play"``, ``"frame"`` (in gradient
        evaluations), and per optimizer ``name`` (a checkbox), ``"name.lr"`` and, where it
        has one, ``"name.beta"`` / ``"name.rho"`` / ``"name.beta1"``.
    result : dict
        The :class:`~gdviz.Path` of each ticked optimizer, by name.
    table : ipywidgets.HTML
        Steps and evaluations each optimizer needed to reach the tolerance ("—" for never)
        and its final loss above the minimum, or where it ran off. On a surface without a
        known minimum: the steps it took and its final loss.

    Notes
    -----
    A new surface resets every step size to that surface's defaults, and the message area
    says so. The controls take six lines: two optimizers to a line (:data:`CONTROL_LINES`).
    """

    def __init__(
        self,
        surface: str | Surface = "quadratic",
        racers: Sequence[str] = ("gd", "momentum", "adam"),
        start=None,
        *,
        budget: int = 200,
        tolerance: float = 1e-4,
        backend: str | None = None,
    ) -> None:
        self._surfaces, surface_name = surface_choices(surface)
        names = optimizers.names()
        racers = list(racers)
        unknown = [r for r in racers if r not in names]
        if unknown or not racers:
            raise ValueError(f"racers must be some of {', '.join(names)}; got {racers!r}")
        if isinstance(budget, bool) or not isinstance(budget, int | np.integer) or budget < 3:
            raise ValueError(f"budget must be a whole number of evaluations >= 3; got {budget!r}")
        if not (isinstance(tolerance, int | float) and 1e-12 <= tolerance <= 1):
            raise ValueError(f"tolerance must be a number in [1e-12, 1]; got {tolerance!r}")
        self._start = None if start is None else np.array(start, dtype=float)
        if self._start is not None and (
            self._start.shape != (2,) or not np.all(np.isfinite(self._start))
        ):
            raise ValueError(f"start must be two finite numbers (x, y); got {start!r}")
        self._runs: dict[str, Path] = {}

        with plotting.projector_style():
            figure = Figure(figsize=(9, 3.8), layout="constrained")
            figure.get_layout_engine().set(wspace=0.08)  # keep the colorbar off the loss panel
            self._ax, self._loss_ax = figure.subplots(1, 2, width_ratios=[1.15, 1])
            self._contours = ContourPanel(self._ax)
            self._paths = {}
            self._loss_lines = {}
            self._loss_markers = {}
            for i, name in enumerate(names):
                look = {"color": RACE_COLORS[i], "linestyle": plotting.LINESTYLES[i]}
                label = _SHORT_LABELS[name]
                self._paths[name] = plotting.PathArtist(
                    self._ax, marker=plotting.MARKERS[i], label=label, **look
                )
                (self._loss_lines[name],) = self._loss_ax.plot([], [], label=label, **look)
                (self._loss_markers[name],) = self._loss_ax.plot(
                    [], [], marker=plotting.MARKERS[i], markeredgecolor="black", **look
                )
            self._tolerance_line = self._loss_ax.axhline(
                tolerance, color="gray", linestyle=":", linewidth=1.5, label="tolerance"
            )
            self._loss_ax.set_yscale("log")
            self._loss_ax.yaxis.set_minor_locator(NullLocator())
            self._loss_ax.set_xlabel("gradient evaluations")
            self._loss_ax.set_ylabel("loss − minimum")
            self._loss_ax.set_title("loss above the minimum")
            self._loss_ax.grid(True, which="major", alpha=0.3)
        super().__init__(
            figure,
            caption=(
                "Tick optimizers and tune each one's step size: who reaches the tolerance "
                "first with the same number of gradient evaluations? Press play."
            ),
            backend=backend,
        )
        for name in names:
            self.view.animate(
                *self._paths[name].artists, self._loss_lines[name], self._loss_markers[name]
            )

        self.add_control(
            "surface",
            widgets.Dropdown(
                options=list(self._surfaces),
                value=surface_name,
                description="surface",
                layout=widgets.Layout(width="15em"),
                style={"description_width": "4em"},
            ),
        )
        # a new budget reruns every racer and redraws all: update when dropped
        self.add_control(
            "budget", int_slider("budget", budget, 3, max(2000, budget), continuous_update=False)
        )
        self.add_control("tolerance", log_slider("tolerance", tolerance, 1e-12, 1.0))
        self._narrow("budget", 16, 4)
        self._narrow("tolerance", 17, 5)
        cells = {name: self._add_racer_controls(name, name in racers) for name in names}
        self.add_animation(budget)
        self.table = widgets.HTML()
        lines = [[cells[name] for name in line] for line in CONTROL_LINES]
        self.arrange(["surface", "budget", "tolerance"], *lines, ["play", "frame"])
        self.children = (*self.children, self.table)

        for name in names:
            racer_controls = [c for c in self.controls if c.startswith(f"{name}.")]
            self.watch([name], self._rerun_all, redraw=True)
            self.watch(racer_controls, lambda name=name: self._rerun(name))
        self.watch(["surface"], self._change_surface, redraw=True)
        self.watch(["budget"], self._rerun_all, redraw=True)
        self.watch(["tolerance"], self._change_tolerance, redraw=True)
        self.watch(["frame"], self._show_frame)
        self.on_click(self._clicked)
        with self.holding():
            self._show_surface()
            self.run(self._rerun_all, redraw=True)

    def _narrow(self, name: str, width: float, label: float, entry: float = 4.5) -> None:
        """Make a slider ``width`` em wide (its label ``label`` em) and its entry ``entry`` em."""
        self.controls[name].layout.width = f"{width}em"
        self.controls[name].style.description_width = f"{label}em"
        self.entries[name].layout.width = f"{entry}em"

    def _add_racer_controls(self, name: str, ticked: bool) -> widgets.HBox:
        """The checkbox and sliders of one optimizer, as one line of fixed width."""
        self.add_control(
            name,
            widgets.Checkbox(
                value=ticked,
                description=_SHORT_LABELS[name],
                indent=False,
                layout=widgets.Layout(width="11em"),
            ),
        )
        self.add_control(f"{name}.lr", log_slider("lr", 0.1, 1e-3, 1.0))
        self._narrow(f"{name}.lr", 7.5, 1.5, entry=5.5)
        items = [self.controls[name], self.controls[f"{name}.lr"], self.entries[f"{name}.lr"]]
        if name in SECOND_PARAMETER:
            parameter = SECOND_PARAMETER[name]
            default = optimizers.get(name).hyperparameters()[parameter]
            key = f"{name}.{parameter}"
            symbol = _PARAMETER_SYMBOLS[parameter]
            self.add_control(key, float_slider(symbol, default, 0.0, 0.99, step=0.01))
            self._narrow(key, 5.5, 1.5, entry=3.2)
            items += [self.controls[key], self.entries[key]]
        return widgets.HBox(items, layout=widgets.Layout(width="34.5em"))

    # the numbers ------------------------------------------------------------------

    @property
    def surface(self) -> Surface:
        """The surface of the race."""
        return self._surfaces[self.controls["surface"].value]

    @property
    def start(self) -> np.ndarray:
        """The common start (a copy)."""
        return np.array(self.surface.start if self._start is None else self._start, dtype=float)

    @property
    def racers(self) -> list[str]:
        """The names of the ticked optimizers."""
        return [name for name in optimizers.names() if self.controls[name].value]

    def optimizer(self, name: str) -> optimizers.Optimizer:
        """The optimizer ``name`` with its sliders' hyper-parameters."""
        prefix = f"{name}."
        params = {
            key[len(prefix) :]: control.value
            for key, control in self.controls.items()
            if key.startswith(prefix)
        }
        return optimizers.get(name, **params)

    def minimum(self) -> float | None:
        """The lowest loss at the surface's known minima, or None if it has none."""
        if len(self.surface.minima) == 0:
            return None
        return float(np.min(self.surface(self.surface.minima)))

    def gaps(self, name: str) -> np.ndarray:
        """``loss − minimum`` along ``name``'s run (the loss itself without a known minimum)."""
        minimum = self.minimum()
        losses = self._runs[name].losses
        return losses if minimum is None else np.maximum(losses - minimum, 0.0)

    def steps_to_tolerance(self) -> dict[str, int | None]:
        """The first step at which each racer is within the tolerance (None: never)."""
        tolerance = self.controls["tolerance"].value
        found = {}
        for name in self._runs:
            if self.minimum() is None:
                found[name] = None
                continue
            within = np.flatnonzero(self.gaps(name) <= tolerance)
            found[name] = int(within[0]) if within.size else None
        return found

    # callbacks ----------------------------------------------------------------------

    def _compute(self, name: str) -> None:
        budget = self.controls["budget"].value
        steps = budget // evaluations_per_step(name)
        self._runs[name] = descend(self.surface, self.optimizer(name), self.start, steps=steps)

    def _rerun(self, name: str) -> None:
        if self.controls[name].value:
            self._compute(name)
            self._after_runs()

    def _rerun_all(self) -> None:
        self._runs = {}
        for name in self.racers:
            self._compute(name)
        self._after_runs()

    def _after_runs(self) -> None:
        budget = self.controls["budget"].value
        tolerance = self.controls["tolerance"].value
        self.result = dict(self._runs)
        margin = 0.02 * budget
        if self._loss_ax.get_xlim() != (-margin, budget + margin):
            self._loss_ax.set_xlim(-margin, budget + margin)
            self.view.invalidate()
        if self._runs:
            # the runs share their start, first; the tolerance line must show too, if any
            gaps = [self.gaps(name) for name in self._runs]
            known = self.minimum() is not None
            gaps = np.concatenate([*gaps, [tolerance]] if known else gaps)
            with plotting.projector_style():
                changed = use_loss_scale(self._loss_ax, gaps)
            # a new scale needs a new range; otherwise the range only widens (rarely)
            changed = fit_loss_range(self._loss_ax, gaps, always=changed) or changed
            if changed:
                self.view.invalidate()
        self.controls["play"].step = max(1, math.ceil(budget / 200))
        self.set_frames(budget)
        self._draw(budget)
        self._show_table()

    def _change_surface(self) -> None:
        self._start = None
        before = {name: self.controls[f"{name}.lr"].value for name in self.racers}
        self._show_surface()
        after = {name: self.controls[f"{name}.lr"].value for name in self.racers}
        if after != before:
            values = ", ".join(f"{_SHORT_LABELS[name]} {lr:.3g}" for name, lr in after.items())
            self.notify(f"Step sizes reset to {self.surface.name}'s defaults: {values}.")
        self._rerun_all()

    def _change_tolerance(self) -> None:
        self._tolerance_line.set_ydata([self.controls["tolerance"].value] * 2)
        self._after_runs()

    def _clicked(self, ax, x: float, y: float) -> None:
        if ax is self._ax:
            self.set_start(x, y)

    def set_start(self, x: float, y: float) -> None:
        """Start every racer at ``(x, y)`` (what a click on the contours does)."""
        point = np.array([x, y], dtype=float)
        if not np.all(np.isfinite(point)):
            raise ValueError(f"start must be two finite numbers (x, y); got {(x, y)!r}")
        self._start = point
        self.run(self._rerun_all, redraw=True)

    def _show_frame(self) -> None:
        self._draw(self.controls["frame"].value)

    # drawing ------------------------------------------------------------------------

    def _show_surface(self) -> None:
        self._contours.show(self.surface)
        known = self.minimum() is not None
        with plotting.projector_style():
            self._loss_ax.set_ylabel("loss − minimum" if known else "loss")
            self._loss_ax.set_title(
                "loss above the minimum" if known else "loss (no known minimum)"
            )
        self._tolerance_line.set_visible(known)
        curvature = largest_curvature(self.surface, self.start)
        with self.holding():
            for name in optimizers.names():
                low, high, default = step_size_range(name, self.surface, curvature)
                set_log_slider(self.controls[f"{name}.lr"], low, high, snap(default))

    def _draw(self, evaluations: int) -> None:
        """Each racer as far as ``evaluations`` gradient evaluations took it."""
        for name in optimizers.names():
            shown = name in self._runs
            artists = [*self._paths[name].artists, self._loss_lines[name], self._loss_markers[name]]
            for artist in artists:
                artist.set_visible(shown)
            if not shown:
                continue
            run = self._runs[name]
            cost = evaluations_per_step(name)
            step = min(evaluations // cost, run.steps)
            self._paths[name].update(run.points, upto=step)
            gaps = self.gaps(name)
            drawn = plotting.thin(step + 1)
            self._loss_lines[name].set_data(drawn * cost, gaps[drawn])
            self._loss_markers[name].set_data([step * cost], [gaps[step]])
        self._update_legend()

    def _update_legend(self) -> None:
        handles = [self._paths[name].line for name in self._runs]
        labels = [_SHORT_LABELS[name] for name in self._runs]
        current = self._ax.get_legend()
        if current is not None and [t.get_text() for t in current.get_texts()] == labels:
            return
        if current is not None:
            current.remove()
        if handles:
            self._ax.legend(handles, labels, loc="lower right", framealpha=0.85)
        self.view.invalidate()

    def _final(self, name: str) -> str:
        """How ``name``'s run ended: its last loss (above the minimum, if known), or where it ran off."""
        run = self._runs[name]
        if run.diverged:
            way = "downhill" if run.losses[-1] < run.losses[0] else "uphill"
            return f"ran off {way} (diverged at step {run.diverged_at})"
        return f"{self.gaps(name)[-1]:.3g}"

    def _show_table(self) -> None:
        reached = self.steps_to_tolerance()
        tolerance = self.controls["tolerance"].value
        known = self.minimum() is not None
        rows = []
        for name, run in self._runs.items():
            i = optimizers.names().index(name)
            cost = evaluations_per_step(name)
            # without a minimum there is no tolerance to reach: how far each one went instead
            step = reached[name] if known else run.steps
            swatch = (
                f'<span style="color: {RACE_COLORS[i]}; font-weight: bold">'
                f"{_SYMBOLS[plotting.MARKERS[i]]} {_LINE_SYMBOLS[plotting.LINESTYLES[i]]}</span>"
            )
            rows.append(
                f"<tr><td>{swatch} {html.escape(run.optimizer)}</td>"
                f"<td>{'—' if step is None else step}</td>"
                f"<td>{'—' if step is None else step * cost}</td>"
                f"<td>{html.escape(self._final(name))}</td></tr>"
            )
        if known:
            header = (
                f"<tr><th>optimizer</th><th>steps to {tolerance:.2g}</th>"
                "<th>gradient evaluations</th><th>final loss − minimum</th></tr>"
            )
            note = ""
        else:
            header = (
                "<tr><th>optimizer</th><th>steps</th><th>gradient evaluations</th>"
                "<th>final loss</th></tr>"
            )
            note = (
                "<p>This surface has no known minimum, so no tolerance to reach: the lower the "
                "final loss, the further downhill a racer got.</p>"
            )
        self.table.value = (
            f'<table style="font-size: 1.05em; border-spacing: 1em 0.2em">{header}'
            f"{''.join(rows)}</table>{note}"
        )
        self.show_status(
            f"{len(self._runs)} optimizers, {self.controls['budget'].value} gradient evaluations "
            f"each, from ({self.start[0]:.3g}, {self.start[1]:.3g})"
        )

    def summary(self) -> str:
        reached = self.steps_to_tolerance()
        parts = []
        for name, run in self._runs.items():
            if run.diverged:
                outcome = f"diverged at step {run.diverged_at}"
            elif self.minimum() is None:
                outcome = f"final loss {run.losses[-1]:.3g}"
            elif reached[name] is None:
                outcome = "never within tolerance"
            else:
                outcome = f"within tolerance at step {reached[name]}"
            parts.append(f"{run.optimizer} {outcome}")
        return (
            f"OptimizerRace: {self.surface.name}, {self.controls['budget'].value} gradient "
            f"evaluations, tolerance {self.controls['tolerance'].value:.2g}: " + "; ".join(parts)
        )


_SYMBOLS = {"o": "●", "s": "■", "^": "▲", "D": "◆", "v": "▼", "P": "✚", "X": "✖", "*": "★"}
_LINE_SYMBOLS = {"-": "—", "--": "– –", "-.": "–·", ":": "···"}
