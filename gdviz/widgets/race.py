"""The optimizer race: several optimizers from one start, with one budget of gradient evaluations.

Drawn in the browser (see :mod:`gdviz.widgets.template`). Every ticked optimizer is run
once, as far as the longest budget allows; then both questions of the race are answered
in the browser, without the kernel:

- **the budget** is the scene's frame, in gradient evaluations: the slider under the
  pictures, Play and Step show every racer as far as that many evaluations took it;
- **the tolerance** is the scene's main slider, with a stop at each power of ten; each
  stop has its table of who got within the tolerance, and when. A tolerance typed
  between stops is computed by the kernel and shown exactly.

Each racer's step size and second hyper-parameter are kernel controls, taken exactly as
typed; a change reruns that racer only. The optimizers' labels, colours and families
come from their classes (:mod:`gdviz.optimizers`): one registered with
:func:`gdviz.optimizers.register` races too.

Examples
--------
>>> from gdviz.widgets import OptimizerRace
>>> race = OptimizerRace("quadratic")
>>> race.controls["momentum.lr"].value = 0.05
>>> race.result["momentum"].optimizer
'Momentum(lr=0.05, beta=0.9)'
>>> race.steps_to_tolerance()["gd"]
45
>>> race.controls["budget"].value = 40  # the race after 40 gradient evaluations
>>> race.steps_to_tolerance()["gd"] is None
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from traitlets import validate

from .. import optimizers, plotting
from ..runs import Path, descend
from ..stability import largest_curvature, snap, step_size_range
from ..surfaces import Surface
from ..validation import check_number, check_point, check_whole
from .controls import (
    Choice,
    Tick,
    float_slider,
    log_slider,
    set_log_slider,
)
from .descent import surface_choices
from .scene import nearest_stop, pack_family
from .template import Line, SceneExplorer

BUDGETS = (100, 200, 500, 1000, 2000)
"""The longest budgets to choose from ("budget up to"): every racer is run that far once,
and the budget slider scrubs from 0 to it."""

TOLERANCES = tuple(10.0**k for k in range(-12, 1))
"""The tolerance slider's stops, one per power of ten; a value typed between them is exact."""

SECOND_PARAMETER = {"momentum": "beta", "nesterov": "beta", "rmsprop": "rho", "adam": "beta1"}
"""Each built-in optimizer's hyper-parameter with a slider besides ``lr`` (the others keep
their defaults; an optimizer registered later gets a step-size slider only)."""

_PARAMETER_SYMBOLS = {"beta": "β", "rho": "ρ", "beta1": "β₁"}

DASHES = (
    (),
    (3.7, 1.6),
    (6.4, 1.6, 1.0, 1.6),
    (1.0, 1.65),
    (7.0, 2.5),
    (5.0, 1.5, 1.0, 1.5, 1.0, 1.5),
    (2.0, 1.5),
    (3.7, 4.0),
)
"""Line dashes, in units of the line width (matplotlib's convention), one per optimizer in
the order of :func:`gdviz.optimizers.names`: with the colour, no two built-in racers look
alike (gradient descent and RMSProp are both blue)."""

_PATH_WIDTH, _CURVE_WIDTH = 1.8, 2.0  # points: what the scene draws paths and curves with
_TOLERANCE_COLOUR = "#555555"
_FINISH = {"size": 18, "alpha": 0.45}  # a halo where a racer got within the tolerance


class _BudgetChoice(Choice):
    """The "budget up to" dropdown: one of :data:`BUDGETS` (a :class:`Choice` holds names)."""

    @validate("value")
    def _validate_value(self, proposal):
        value = check_whole(self.description, proposal["value"])
        if value not in BUDGETS:
            allowed = ", ".join(map(str, BUDGETS))
            raise ValueError(f"{self.description} must be one of: {allowed}; got {value}")
        return value


def evaluations_per_step(name: str) -> int:
    """Gradient evaluations one step costs: 1, or 3 for Newton (its 2-D Hessian costs two more).

    A Hessian of a function of ``d`` parameters costs ``d`` gradient evaluations by
    differences of gradients, so a fair budget charges Newton ``1 + d`` per step.
    """
    return 3 if optimizers.get(name).needs_hessian else 1


def look(name: str) -> dict:
    """The colour and dash of an optimizer's path and curve."""
    cls = optimizers.registry()[name]
    return {"colour": cls.color, "dash": DASHES[optimizers.names().index(name) % len(DASHES)]}


def _canvas_dash(dash: Sequence[float], width: float) -> list[float]:
    """A dash in units of the line width as canvas pixels at the panels' 100 dpi."""
    return [round(v * width * 100 / 72, 2) for v in dash]


def _linestyle(dash: Sequence[float]):
    return (0, tuple(dash)) if dash else "-"


def _swatch(name: str) -> str:
    """An optimizer's colour and dash as a small inline SVG, for the table."""
    style_of = look(name)
    colour = html.escape(style_of["colour"], quote=True)
    dash = " ".join(f"{v * 2.5:g}" for v in style_of["dash"])
    return (
        '<svg width="40" height="12" aria-hidden="true" style="vertical-align: middle">'
        f'<line x1="2" y1="6" x2="38" y2="6" stroke="{colour}" stroke-width="2.5" '
        f'stroke-dasharray="{dash}"/><circle cx="20" cy="6" r="3.5" fill="{colour}"/></svg>'
    )


def _as_the_browser_writes(value: float, digits: int) -> str:
    """``value`` to ``digits`` significant digits as the tolerance entry shows it: as
    JavaScript writes a number (``0.00003``, ``1e-7``), so that code reads what is shown."""
    value = float(f"{value:.{digits}g}")
    if value != 0 and not 1e-6 <= abs(value) < 1e21:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent):+d}"
    return np.format_float_positional(value, trim="-")


def _by_evaluation(values: np.ndarray, cost: int, budget: int) -> np.ndarray:
    """``values[k]`` (after step ``k``) at each gradient evaluation ``0..budget``: the
    step that many evaluations paid for; NaN after a run stopped (it diverged)."""
    steps = np.arange(budget + 1) // cost
    out = np.full((budget + 1, *values.shape[1:]), np.nan)
    have = steps < len(values)
    out[have] = values[steps[have]]
    return out


class OptimizerRace(SceneExplorer):
    """Optimizers racing on a surface: the paths, the loss gaps, a table of who got there.

    Parameters
    ----------
    surface : str or Surface
        A built-in surface's name or a surface.
    racers : sequence of str
        The optimizers ticked at the start (any of :func:`gdviz.optimizers.names`).
    start : array_like of shape (2,), optional
        The common start; the surface's own by default. Click on the contours to move it.
    budget : int
        Gradient evaluations each optimizer may use (see :func:`evaluations_per_step`),
        0 to 2000. The race is run to the smallest of :data:`BUDGETS` that holds it.
    tolerance : float
        A racer is within the tolerance when its loss is at most this far above the
        surface's minimum; 1e-12 to 1.

    Attributes
    ----------
    controls : dict
        Kernel controls: ``"surface"``, ``"max_budget"`` (how far the race is run), and per
        optimizer ``name`` (a checkbox), ``"name.lr"`` and, where it has one,
        ``"name.beta"`` / ``"name.rho"`` / ``"name.beta1"``. Drawn in the browser:
        ``"tolerance"`` and ``"budget"`` (also ``"frame"`` and ``"play"``).
    entries : dict
        The text entries of the sliders: ``"tolerance"`` and each ``"name.lr"``, ...
    result : dict
        The :class:`~gdviz.Path` of each ticked optimizer, by name, cut at the budget.
    table : Line
        The HTML table the browser shows: steps and evaluations each racer needed to get
        within the tolerance ("—": not within the longest budget) and its loss above the
        minimum at the end, or where it ran off. Without a known minimum: the steps it
        took and its final loss.

    Notes
    -----
    A new surface resets every step size to that surface's defaults, and the message area
    says so. The optimizers' checkboxes share a line; each ticked one has a line of its
    own with its sliders, long enough to drag.
    """

    def __init__(
        self,
        surface: str | Surface = "quadratic",
        racers: Sequence[str] = ("gd", "momentum", "adam"),
        start=None,
        *,
        budget: int = 200,
        tolerance: float = 1e-4,
    ) -> None:
        self._surfaces, surface_name = surface_choices(surface)
        names = optimizers.names()
        if isinstance(racers, str):
            racers = [racers]
        try:
            racers = list(racers)
        except TypeError:
            raise TypeError(
                f"racers must be a sequence of optimizer names; got {racers!r}"
            ) from None
        unknown = [r for r in racers if r not in names]
        if unknown or not racers:
            raise ValueError(f"racers must be some of {', '.join(names)}; got {racers!r}")
        budget = check_whole("budget", budget, 0, BUDGETS[-1])
        tolerance = check_number("tolerance", tolerance, TOLERANCES[0], TOLERANCES[-1])
        start = None if start is None else check_point("start", start, size=2)
        longest = next(b for b in BUDGETS if b >= budget)
        self._initial = (surface_name, racers, start, int(budget), longest, float(tolerance))
        self._start = start
        self._runs: dict[str, tuple[tuple, Path]] = {}
        self._contour_surface = None
        self.table = Line()
        super().__init__(
            caption=(
                "Tick optimizers and tune each one's step size: who gets within the tolerance "
                "first, with the same budget of gradient evaluations? Press play."
            ),
            slider={"name": "tolerance", "label": "tolerance", "player": True, "keep_frame": True},
            download_name="optimizer-race.png",
        )

        self.add_control(
            "surface",
            Choice(
                options=list(self._surfaces),
                value=surface_name,
                description="surface",
                layout=widgets.Layout(width="15em"),
                style={"description_width": "4em"},
            ),
        )
        self.add_control(
            "max_budget",
            _BudgetChoice(
                options=list(BUDGETS),
                value=longest,
                description="budget up to",
                layout=widgets.Layout(width="13em"),
                style={"description_width": "7em"},
            ),
        )
        self._names = names
        for name in names:
            self.add_control(
                name,
                Tick(
                    value=name in racers,
                    description=optimizers.registry()[name].label or name,
                    indent=False,
                    layout=widgets.Layout(width="auto", margin="0 1.5em 0 0"),
                ),
            )
        lines = {name: self._racer_line(name) for name in names}
        self.add_scene_control(
            "tolerance",
            "tolerance",
            lambda: (math.log10(TOLERANCES[0]), math.log10(TOLERANCES[-1]), 1.0),
            positive=True,
        )
        self.add_frame_control(
            lambda: self.controls["max_budget"].value, names=("budget", "frame", "play")
        )
        self.arrange(["surface", "max_budget"], names)
        *rows, scene_box, message = self.children
        self.children = [*rows, *lines.values(), scene_box, message]
        self._lines = lines
        for name in names:
            keys = [key for key in self.controls if key == name or key.startswith(f"{name}.")]
            self.watch(keys, self._recompute)
        self.watch(["surface"], self._change_surface)
        self.watch(["max_budget"], self._change_max_budget)
        self.scene.observe(self._frame_changed, "frame")
        self.begin(self.reset)

    def _racer_line(self, name: str) -> widgets.HBox:
        """The sliders of one optimizer, on a line of their own, shown while it is ticked."""
        # heard when a drag ends: a value set by the kernel (typed, exact) is then never
        # replaced by the browser with its nearest slider stop, and a drag reruns once
        self.add_control(
            f"{name}.lr", log_slider("step size", 0.1, 1e-3, 1.0, continuous_update=False)
        )
        self._narrow(f"{name}.lr", 22, 5, entry=5.5)
        label = html.escape(optimizers.registry()[name].label or name)
        items = [
            widgets.HTML(
                f'<span style="white-space: nowrap">{_swatch(name)} {label}</span>',
                layout=widgets.Layout(width="12.5em"),
            ),
            self.controls[f"{name}.lr"],
            self.entries[f"{name}.lr"],
        ]
        if name in SECOND_PARAMETER:
            parameter = SECOND_PARAMETER[name]
            default = optimizers.get(name).hyperparameters()[parameter]
            key = f"{name}.{parameter}"
            symbol = _PARAMETER_SYMBOLS[parameter]
            self.add_control(
                key, float_slider(symbol, default, 0.0, 0.99, step=0.01, continuous_update=False)
            )
            self._narrow(key, 14, 2, entry=4)
            items += [self.controls[key], self.entries[key]]
        line = widgets.HBox(items, layout=widgets.Layout(flex_flow="row wrap"))
        return line

    def _narrow(self, name: str, width: float, label: float, entry: float) -> None:
        """Make a slider ``width`` em wide (its label ``label`` em) and its entry ``entry`` em."""
        self.controls[name].layout = widgets.Layout(width=f"{width}em")
        self.controls[name].style = {"description_width": f"{label}em"}
        self.entries[name].layout = widgets.Layout(width=f"{entry}em")

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
        return [name for name in self._names if self.controls[name].value]

    @property
    def budget(self) -> int:
        """The gradient evaluations each racer may use (the frame shown)."""
        return int(self.scene.frame)

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

    def _gaps(self, run: Path) -> np.ndarray:
        minimum = self.minimum()
        return run.losses if minimum is None else np.maximum(run.losses - minimum, 0.0)

    def gaps(self, name: str) -> np.ndarray:
        """``loss − minimum`` along ``name``'s run, to the budget (the loss itself without a
        known minimum)."""
        return self._gaps(self.result[name])

    def _reached(self, run: Path, tolerance: float) -> int | None:
        """The first step of ``run`` within ``tolerance`` of the minimum (None: never)."""
        if self.minimum() is None:
            return None
        within = np.flatnonzero(self._gaps(run) <= tolerance)
        return int(within[0]) if within.size else None

    def steps_to_tolerance(self) -> dict[str, int | None]:
        """The first step at which each racer is within the tolerance, within the budget
        (None: not within it)."""
        tolerance = self.scene.value
        return {name: self._reached(run, tolerance) for name, run in self.result.items()}

    def _run(self, name: str) -> Path:
        """``name``'s run to the longest budget, computed again only if its settings changed."""
        longest = self.controls["max_budget"].value
        optimizer = self.optimizer(name)
        key = (self.controls["surface"].value, tuple(self.start), longest, repr(optimizer))
        cached = self._runs.get(name)
        if cached is None or cached[0] != key:
            steps = longest // evaluations_per_step(name)
            cached = (key, descend(self.surface, optimizer, self.start, steps=steps))
            self._runs[name] = cached
        return cached[1]

    # the scene --------------------------------------------------------------------

    def _build_contours(self) -> bool:
        """The contour figure, anew if the surface changed; True if it was."""
        if self._contour_surface is self.surface:
            return False
        self._contour_surface = self.surface
        with plotting.projector_style():
            self._contour_figure = Figure(figsize=(4.9, 4.2), layout="constrained")
            self._ax = self._contour_figure.subplots()
            plotting.contour(self._ax, self.surface)
        self._paths: dict[str, plotting.PathArtist] = {}
        self._finish_markers: dict = {}
        return True

    def _build_losses(self, runs: dict[str, Path]) -> bool:
        """The loss figure, anew when its axes or legend change; True if they did.

        Its axis is fitted to every racer's whole run and to every tolerance stop, so that
        neither the budget nor the tolerance changes it; a step size that changes one run
        seldom does. The legend is below the axes, where the browser draws nothing over it.
        """
        longest = self.controls["max_budget"].value
        known = self.minimum() is not None
        with plotting.projector_style():
            figure = Figure(figsize=(4.2, 4.2), layout="constrained")
            ax = figure.subplots()
            gaps = [self._gaps(run) for run in runs.values()]
            if gaps:
                stacked = np.full((max(map(len, gaps)), len(gaps)), np.nan)
                for i, g in enumerate(gaps):
                    stacked[: len(g), i] = g
                plotting.use_loss_scale(ax, stacked)
                plotting.fit_loss_range(ax, stacked, always=True)
            else:
                ax.set_yscale("log")
            if known:
                # widened to every stop; largest first, as fit_loss_range takes a start
                plotting.fit_loss_range(ax, np.array(TOLERANCES[::-1]), always=not gaps)
            shape = (tuple(runs), longest, known, ax.get_yscale(), ax.get_ylim())
            if self._loss_shape == shape:
                return False
            self._loss_shape = shape
            self._loss_figure, self._loss_ax = figure, ax
            margin = 0.02 * longest  # room for the markers at the last evaluation
            ax.set_xlim(-margin, longest + margin)
            ax.set_xlabel("gradient evaluations")
            ax.set_ylabel("loss − minimum" if known else "loss")
            ax.set_title("loss above the minimum" if known else "loss (no known minimum)")
            ax.grid(True, which="major", alpha=0.3)
            self._loss_lines, self._loss_markers = {}, {}
            handles = []
            for name in runs:
                style_of = look(name)
                style = {"color": style_of["colour"], "linestyle": _linestyle(style_of["dash"])}
                (self._loss_lines[name],) = ax.plot([], [], linewidth=_CURVE_WIDTH, **style)
                (self._loss_markers[name],) = ax.plot(
                    [], [], "o", color=style_of["colour"], markeredgecolor="black", markersize=9
                )
                label = optimizers.registry()[name].label or name
                handles.append(Line2D([], [], marker="o", markersize=5, label=label, **style))
            self._tolerance_line = ax.axhline(
                TOLERANCES[0], color=_TOLERANCE_COLOUR, linestyle=":", linewidth=1.5
            )
            self._tolerance_line.set_visible(known)
            if known:
                handles.append(
                    Line2D([], [], color=_TOLERANCE_COLOUR, linestyle=":", label="tolerance")
                )
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker="o",
                        color="#999999",
                        markeredgecolor="black",
                        markersize=12,
                        alpha=_FINISH["alpha"],
                        linestyle="none",
                        label="got within it",
                    )
                )
            if handles:
                figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
        return True

    _loss_shape = None

    def _rebuild_paths(self, runs: dict[str, Path]) -> None:
        """The contour panel's path artists, for the static picture only."""
        for path in self._paths.values():
            for artist in path.artists:
                artist.remove()
        for marker in self._finish_markers.values():
            marker.remove()
        self._paths, self._finish_markers = {}, {}
        for name in runs:  # under every path, as the browser draws them
            (self._finish_markers[name],) = self._ax.plot(
                [],
                [],
                "o",
                color=look(name)["colour"],
                markeredgecolor="black",
                markersize=_FINISH["size"],
                alpha=_FINISH["alpha"],
            )
        for name in runs:
            style_of = look(name)
            self._paths[name] = plotting.PathArtist(
                self._ax,
                color=style_of["colour"],
                marker="o",
                linestyle=_linestyle(style_of["dash"]),
            )

    def _tracks(self, runs: dict[str, Path]) -> list[dict]:
        tracks = []
        for name in runs:
            style_of = look(name)
            x = f"{name}.e" if evaluations_per_step(name) > 1 else None
            tracks += [
                {
                    "panel": 0,
                    "kind": "path",
                    "x": f"{name}.x",
                    "y": f"{name}.y",
                    "colour": style_of["colour"],
                    "dash": _canvas_dash(style_of["dash"], _PATH_WIDTH),
                },
                {
                    "panel": 1,
                    "kind": "curve",
                    "x": x,
                    "y": f"{name}.gap",
                    "colour": style_of["colour"],
                    "dash": _canvas_dash(style_of["dash"], _CURVE_WIDTH),
                },
            ]
        if self.minimum() is not None:
            # under the paths, so that they stay readable where they cross it
            tracks[:0] = [
                {
                    "panel": 0,
                    "kind": "marker",
                    "x": f"{name}.fx",
                    "y": f"{name}.fy",
                    "colour": look(name)["colour"],
                    **_FINISH,
                }
                for name in runs
            ]
            tracks.append(
                {
                    "panel": 1,
                    "kind": "line",
                    "x": "tolerance.x",
                    "y": "tolerance.y",
                    "colour": _TOLERANCE_COLOUR,
                    "width": 1.5,
                    "dash": _canvas_dash(DASHES[3], 1.5),
                }
            )
        return tracks

    def _series(self, runs: dict[str, Path]) -> dict[str, np.ndarray]:
        """What the browser draws of each racer, one entry per gradient evaluation: the
        same for every tolerance (the tolerance line is added per stop)."""
        longest = self.controls["max_budget"].value
        floor = self._loss_ax.get_ylim()[0] if self._loss_ax.get_yscale() == "log" else None
        series = {}
        for name, run in runs.items():
            cost = evaluations_per_step(name)
            points = _by_evaluation(run.points, cost, longest)
            gaps = _by_evaluation(self._gaps(run), cost, longest)
            if floor is not None:
                # a loss exactly at the minimum has no place on a log axis: draw it on the floor
                gaps = np.where(gaps < floor, floor, gaps)
            series[f"{name}.x"], series[f"{name}.y"] = points[:, 0], points[:, 1]
            series[f"{name}.gap"] = gaps
            if cost > 1:
                series[f"{name}.e"] = np.arange(longest + 1) // cost * cost
        return series

    def _stop(self, tolerance: float, runs: dict[str, Path], series: dict) -> dict:
        """One tolerance's stop of the scene: the table, the status line and the readout."""
        longest = self.controls["max_budget"].value
        known = self.minimum() is not None
        reached = {name: self._reached(run, tolerance) for name, run in runs.items()}
        finish = {
            name: step * evaluations_per_step(name)
            for name, step in reached.items()
            if step is not None
        }
        order = sorted(finish, key=lambda name: (finish[name], optimizers.names().index(name)))
        labels = {name: optimizers.registry()[name].label or name for name in runs}
        x, y = self.start
        label = f"From ({x:.3g}, {y:.3g}), up to {longest} gradient evaluations each. "
        if not runs:
            label, readout = "Tick an optimizer to race it.", "no racers"
        elif not known:
            label += (
                f"{self.surface.name} has no known minimum, so no tolerance to reach: "
                "the lower the final loss, the further downhill a racer got."
            )
            readout = "no known minimum"
        else:
            parts = [f"{labels[name]} at {finish[name]}" for name in order]
            never = [labels[name] for name in runs if name not in finish]
            label += f"Within {tolerance:.2g} of the minimum: " + (
                ", ".join(parts) if parts else "none"
            )
            label += f"; not within {longest}: {', '.join(never)}." if never else "."
            readout = (
                f"first: {labels[order[0]]} ({finish[order[0]]} evaluations)"
                if order
                else f"none within {longest} evaluations"
            )
        stop_series = dict(series)
        if known:
            stop_series["tolerance.x"] = np.array([0.0, longest])
            stop_series["tolerance.y"] = np.array([tolerance, tolerance])
            for name, run in runs.items():
                # NaN until the racer gets within the tolerance: the marker at the frame
                # appears when the budget reaches it (an empty chunk would draw nothing)
                where = np.full((finish.get(name, 0) + 1, 2), np.nan)
                if name in finish:
                    where[-1] = run.points[reached[name]]
                stop_series[f"{name}.fx"], stop_series[f"{name}.fy"] = where[:, 0], where[:, 1]
        return {
            "value": tolerance,
            "label": label,
            "readout": readout,
            "html": self._table(runs, reached, tolerance),
            "frames": longest,
            "series": stop_series,
            "frame_text": "budget: {frame} of {last} gradient evaluations",
        }

    def _final(self, run: Path) -> str:
        """How a run ended: its last loss (above the minimum, if known), or where it ran off."""
        if run.diverged:
            way = "downhill" if run.losses[-1] < run.losses[0] else "uphill"
            return f"ran off {way} (diverged at step {run.diverged_at})"
        return f"{self._gaps(run)[-1]:.3g}"

    def _table(self, runs: dict[str, Path], reached: dict, tolerance: float) -> str:
        longest = self.controls["max_budget"].value
        known = self.minimum() is not None
        rows = []
        for name, run in runs.items():
            cost = evaluations_per_step(name)
            # without a minimum there is no tolerance to reach: how far each one went instead
            step = reached[name] if known else run.steps
            rows.append(
                f"<tr><td style='text-align: left'>{_swatch(name)} "
                f"{html.escape(run.optimizer)}</td>"
                f"<td>{'—' if step is None else step}</td>"
                f"<td>{'—' if step is None else step * cost}</td>"
                f"<td>{html.escape(self._final(run))}</td></tr>"
            )
        if known:
            header = (
                f"<tr><th style='text-align: left'>optimizer</th><th>steps to {tolerance:.2g}"
                f"</th><th>gradient evaluations</th><th>loss − minimum after {longest}</th></tr>"
            )
        else:
            header = (
                "<tr><th style='text-align: left'>optimizer</th><th>steps</th>"
                f"<th>gradient evaluations</th><th>loss after {longest}</th></tr>"
            )
        return f"<table>{header}{''.join(rows)}</table>"

    # changes --------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to how the race started: surface, racers, start, budget and tolerance, and
        each racer's default step size and hyper-parameters."""
        surface_name, racers, start, budget, longest, tolerance = self._initial
        with self.quietly():
            self.controls["surface"].value = surface_name
            self.controls["max_budget"].value = longest
            for name in optimizers.names():
                if name not in self.controls:
                    continue
                self.controls[name].value = name in racers
                for parameter, control in self._parameters(name).items():
                    control.value = optimizers.get(name).hyperparameters()[parameter]
            self._start = None if start is None else start.copy()
            self._default_step_sizes()
        self._recompute(tolerance=tolerance, budget=budget)

    def _parameters(self, name: str) -> dict:
        """The sliders of ``name``'s hyper-parameters besides the step size, by parameter."""
        prefix = f"{name}."
        return {
            key[len(prefix) :]: control
            for key, control in self.controls.items()
            if key.startswith(prefix) and key != f"{name}.lr"
        }

    def _default_step_sizes(self) -> dict[str, float]:
        """Every step-size slider's range and default for the surface at the start."""
        curvature = largest_curvature(self.surface, self.start)
        used = {}
        for name in optimizers.names():
            if f"{name}.lr" not in self.controls:
                continue
            low, high, default = step_size_range(name, self.surface, curvature)
            set_log_slider(self.controls[f"{name}.lr"], low, high, snap(default))
            used[name] = self.controls[f"{name}.lr"].value
        return used

    def _change_surface(self) -> None:
        self._start = None
        before = {name: self.controls[f"{name}.lr"].value for name in self.racers}
        with self.quietly():
            self._default_step_sizes()
        after = {name: self.controls[f"{name}.lr"].value for name in self.racers}
        self._recompute()
        if after != before:
            labels = {n: optimizers.registry()[n].label or n for n in after}
            values = ", ".join(f"{labels[name]} {lr:.3g}" for name, lr in after.items())
            self.notify(f"Step sizes reset to {self.surface.name}'s defaults: {values}.")

    def _change_max_budget(self) -> None:
        self._recompute(budget=self.controls["max_budget"].value)  # the whole race shown

    def set_start(self, x: float, y: float) -> None:
        """Start every racer at ``(x, y)`` (what a click on the contours does)."""
        point = check_point("start", (x, y), size=2)
        self.run(lambda: self._move_start(point))

    def _move_start(self, point: np.ndarray) -> None:
        before, self._start = self._start, point
        try:
            self._recompute()
        except Exception:
            self._start = before  # a start the runs refused: the race stays as it was
            raise

    def clicked(self, panel: int, x: float, y: float) -> None:
        if panel == 0:
            self.set_start(float(x), float(y))

    def _recompute(self, tolerance: float | None = None, budget: int | None = None) -> None:
        """Every stop anew from the racers' runs (each computed again only if it changed)."""
        tolerance = self.scene.value if tolerance is None else tolerance
        longest = self.controls["max_budget"].value
        budget = min(self.scene.frame if budget is None else budget, longest)
        runs = {name: self._run(name) for name in self.racers}
        for name, line in self._lines.items():
            line.layout.display = None if name in runs else "none"
        stale = [0] if self._build_contours() else []
        if self._build_losses(runs):
            stale.append(1)
        self._rebuild_paths(runs)
        self.set_panels(
            (
                self._contour_figure,
                [
                    *(a for p in self._paths.values() for a in p.artists),
                    *self._finish_markers.values(),
                ],
                [],
            ),
            (
                self._loss_figure,
                [*self._loss_lines.values(), *self._loss_markers.values(), self._tolerance_line],
                [],
            ),
        )
        self._full = runs
        self._shared_series = self._series(runs)
        family = pack_family([self._stop(t, runs, self._shared_series) for t in TOLERANCES])
        self.scene.tracks = self._tracks(runs)
        self.scene.family = family
        self.scene.frame_step = max(1, math.ceil(longest / 200))
        self.scene.frame = budget
        self.show(tolerance)
        self.publish_panels(only=stale)

    def nearest_stop(self, tolerance: float) -> tuple[int, bool]:
        return nearest_stop(TOLERANCES, tolerance, log=True)

    def show(self, tolerance: float) -> None:
        """Show the race at ``tolerance``: a stop's, or one computed now between stops."""
        index, on_stop = self.nearest_stop(tolerance)
        if on_stop:
            tolerance = TOLERANCES[index]
            family = self.scene.family
            self.status.value, self.table.value = family["labels"][index], family["html"][index]
            extra = {}
        else:
            stop = self._stop(tolerance, self._full, self._shared_series)
            self.status.value, self.table.value = stop["label"], stop["html"]
            extra = pack_family([stop])
            extra["value"] = tolerance
        self.show_on_scene(value=tolerance, stop=index, extra=extra, frame=self.scene.frame)
        self._frame_changed()

    def _frame_changed(self, _change=None) -> None:
        """The runs as far as the budget took them (the browser or code moved it)."""
        budget = self.scene.frame
        self.result = {
            name: run.first(budget // evaluations_per_step(name))
            for name, run in self._full.items()
        }

    def set_value(self, value) -> None:
        value = check_number("tolerance", value, low=0, closed="neither")
        self.show(self.clamp("tolerance", value, TOLERANCES[0], TOLERANCES[-1]))

    def entry_text(self) -> str:
        _, on_stop = self.nearest_stop(self.scene.value)
        return _as_the_browser_writes(self.scene.value, 3 if on_stop else 6)

    # the static picture -----------------------------------------------------------------

    def draw_static_picture(self) -> None:
        budget = self.scene.frame
        floor = self._loss_ax.get_ylim()[0] if self._loss_ax.get_yscale() == "log" else None
        for name, run in self._full.items():
            cost = evaluations_per_step(name)
            step = min(budget // cost, run.steps)
            self._paths[name].update(run.points, upto=step)
            gaps = self._gaps(run)[: step + 1]
            if floor is not None:
                gaps = np.maximum(gaps, floor)
            drawn = plotting.thin(step + 1)
            self._loss_lines[name].set_data(drawn * cost, gaps[drawn])
            self._loss_markers[name].set_data([step * cost], [gaps[step]])
        self._tolerance_line.set_ydata([self.scene.value] * 2)
        reached = self.steps_to_tolerance()  # within the budget shown
        for name, marker in self._finish_markers.items():
            step = reached.get(name)
            shown = self._full[name].points[step : step + 1] if step is not None else []
            marker.set_data([p[0] for p in shown], [p[1] for p in shown])

    def summary(self) -> str:
        reached = self.steps_to_tolerance()
        parts = []
        for name, run in self.result.items():
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
            f"OptimizerRace: {self.surface.name}, {self.budget} gradient evaluations, "
            f"tolerance {self.scene.value:.2g}: " + ("; ".join(parts) or "no racers")
        )
