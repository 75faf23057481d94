"""The mini-batch explorer: what changes when each step sees only a batch of the data.

A run of mini-batch gradient descent on a data set whose loss over ``(w, b)`` is a 2-D
surface, next to the full-batch run from the same start with the same step size. The
frame slider walks through both runs; at each step the figure shows the batch the run
drew, that batch's own loss surface (which moves from batch to batch) and the cloud of
gradients other batches of the same size would have given (which shrinks like 1/√B).

Examples
--------
>>> explorer = MinibatchExplorer(backend="inline")
>>> explorer.controls["batch_size"].value = 1024            # the whole data set
>>> bool((explorer.result.points == explorer.full_result.points).all())
True
>>> explorer.controls["batch_size"].value = 16
>>> explorer.controls["frame"].value = 40
>>> explorer.cloud.batch_size, explorer.cloud.spread > 0
(16, True)
"""

from __future__ import annotations

from itertools import islice

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from contourpy import LineType, contour_generator  # matplotlib's own contouring engine
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from traitlets import validate

from .. import problems
from ..batches import minibatches
from ..noise import gradient_cloud
from ..optimizers import GradientDescent
from ..plotting import CMAP, COLORS, LossCurve, PathArtist, grid, projector_style
from ..runs import descend, minibatch_descend
from .base import Explorer, int_slider, log_slider, move_to_emptiest_corner

DEFAULT_EXAMPLES = 1024
"""Examples in the default data set: enough that a batch of 256 is a real mini-batch."""

CLOUD_BATCHES = 100
"""How many mini-batch gradients the cloud shows at the current point."""

FULL_COLOR, MINI_COLOR = COLORS[0], COLORS[1]

_LOSS_DECADES = (6, 1)
"""The loss panel shows the excess loss from 10⁻⁶ to 10¹ times its value at the start."""


def batch_sizes(n: int) -> list[int]:
    """The batch sizes offered for ``n`` examples: powers of two below ``n``, then ``n``.

    Examples
    --------
    >>> batch_sizes(1024)
    [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
    >>> batch_sizes(1000)[-3:]
    [256, 512, 1000]
    """
    sizes = [2**k for k in range(int(np.log2(n)) + 1) if 2**k < n]
    return [*sizes, n]


class BatchSizeSlider(widgets.SelectionSlider):
    """A slider over :func:`batch_sizes`; a value set from code that is not offered snaps to
    the nearest offered one (on a log scale) and ``on_snap(requested, used)`` is told."""

    on_snap = None

    @validate("value")
    def _validate_value(self, proposal):
        value = proposal["value"]
        if value in self.options:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float | np.number) or value < 1:
            raise ValueError(f"batch_size must be a whole number >= 1; got {value!r}")
        nearest = min(self.options, key=lambda size: abs(np.log2(size) - np.log2(float(value))))
        if self.on_snap is not None:
            self.on_snap(value, nearest)
        return nearest


def _check_problem(problem):
    # the data panel draws (x, y) and the fitted line: a one-feature regression
    needed = ("n", "x", "y", "predict", "loss", "grad", "domain", "start", "minima")
    missing = [name for name in needed if not hasattr(problem, name)]
    if missing or np.shape(problem.start) != (2,):
        raise ValueError(
            "problem must be a one-feature regression over (w, b), like "
            f"gdviz.problems.linear_regression(n=1024); got {problem!r}"
        )
    return problem


class MinibatchExplorer(Explorer):
    """Mini-batch against full-batch gradient descent, on a loss surface defined by data.

    Parameters
    ----------
    problem : LinearRegression, optional
        A one-feature regression over ``(w, b)`` (``x``, ``y``, ``predict``, and the
        mean loss and gradient of any batch); by default
        ``gdviz.problems.linear_regression(n=1024)``.
    batch_size : int
        The starting batch size (snapped to one of :func:`batch_sizes`).
    step_size : float
    steps : int
        Updates in each run.
    seed : int
        Seeds the shuffles of the mini-batch run and the draws of the gradient cloud.
    backend : {"ipympl", "inline"}, optional
        See :func:`gdviz.widgets.base.choose_backend`.

    Attributes
    ----------
    controls : dict
        ``"batch_size"``, ``"step_size"``, ``"seed"``, ``"steps"``, ``"x_axis"``
        (``"updates"`` or ``"examples"``), ``"frame"`` and ``"play"``.
    result : Path
        The mini-batch run.
    full_result : Path
        The full-batch run from the same start with the same step size.
    batches : list of ndarray
        The example indices of the batch drawn at each point of the mini-batch run.
    cloud : GradientCloud
        Mini-batch gradients at the current frame's point.

    Examples
    --------
    >>> explorer = MinibatchExplorer(backend="inline")
    >>> explorer.controls["step_size"].value = 3.0            # far past the stability limit
    >>> explorer.result.diverged, explorer.summary()
    (True, 'MinibatchExplorer: batch size 32, step size 3, seed 0: diverged at step 5')
    """

    def __init__(
        self,
        problem: problems.LinearRegression | None = None,
        *,
        batch_size: int = 32,
        step_size: float = 0.5,
        steps: int = 100,
        seed: int = 0,
        backend: str | None = None,
    ) -> None:
        if problem is None:
            problem = problems.linear_regression(n=DEFAULT_EXAMPLES, noise=0.5, seed=0)
        self.problem = _check_problem(problem)
        self.full_result = None
        self.batches: list[np.ndarray] = []
        self.cloud = None
        self._build_figure()
        super().__init__(
            self.figure,
            caption=(
                "Halve the batch size again and again: the mini-batch path gets noisier, its "
                "batch's bowl jumps about, and the gradient cloud grows like 1/√B."
            ),
            backend=backend,
        )
        self.view.animate(*self._animated_artists())
        self._add_controls(batch_size, step_size, steps, seed)
        self.watch(["step_size"], self._new_runs)
        self.watch(["batch_size", "seed"], self._new_minibatch_run)
        self.watch(["steps"], self._new_length, redraw=True)
        self.watch(["x_axis"], self._show_x_axis, redraw=True)
        self.watch(["frame"], self._show_frame)
        self.arrange(
            ["batch_size", "step_size"],
            ["seed", "steps", "x_axis"],
            ["play", "frame"],
        )
        self._new_length()
        self.view.refresh(full=True)

    # building ---------------------------------------------------------------------

    def _add_controls(self, batch_size, step_size, steps, seed) -> None:
        sizes = batch_sizes(self.problem.n)
        slider = BatchSizeSlider(
            options=sizes,
            value=sizes[0],
            description="batch size B",
            continuous_update=True,
            layout=widgets.Layout(width="22em"),
            style={"description_width": "7em"},
        )
        slider.on_snap = lambda asked, used: self.notify(
            f"batch size: {asked} is not offered; using {used} (powers of two, and n = "
            f"{self.problem.n}).",
            error=True,
        )
        slider.value = batch_size
        self.add_control("batch_size", slider)
        self.add_control("step_size", log_slider("step size", step_size, 0.01, 4.0))
        self.add_control("seed", int_slider("seed", seed, 0, 99))
        self.add_control("steps", int_slider("steps", steps, 10, 500, step=10))
        self.add_control(
            "x_axis",
            widgets.ToggleButtons(
                options=[("updates", "updates"), ("examples seen", "examples")],
                value="updates",
                description="loss against",
                style={"button_width": "8em"},
            ),
        )
        # 10 frames a second: each frame recomputes a gradient cloud and a batch's contours
        self.add_animation(steps, interval_ms=100)

    def _build_figure(self) -> None:
        problem = self.problem
        (w0, w1), (b0, b1) = problem.domain
        X, Y, Z = grid(problem, 120)
        self._best_loss = float(problem(problem.minima[0]))
        excess = Z - self._best_loss
        # geometric levels: evenly spaced rings in a bowl, and many near the minimum,
        # where the mini-batch run ends up jittering
        self._levels = np.geomspace(excess.max() * 1e-4, excess.max(), 16)
        norm = mpl.colors.LogNorm(self._levels[0], self._levels[-1])
        self._grid = grid(problem, 60)[:2]

        with projector_style():
            fig = Figure(figsize=(11.2, 7.4), layout="constrained")
            top, bottom = fig.subfigures(2, 1, height_ratios=[1.1, 1])
            ax_data, ax_full, ax_batch = top.subplots(1, 3)
            ax_loss, ax_cloud = bottom.subplots(1, 2, width_ratios=[1.7, 1])
        self.figure = fig
        self._axes = {
            "data": ax_data,
            "full": ax_full,
            "batch": ax_batch,
            "loss": ax_loss,
            "cloud": ax_cloud,
        }

        # the data and the fitted lines
        x, y = problem.x, problem.y
        ax_data.plot(x, y, ".", color="0.65", markersize=3, label=f"{problem.n:,} examples")
        (self._batch_points,) = ax_data.plot(
            [],
            [],
            "o",
            color=MINI_COLOR,
            markersize=5,
            markeredgecolor="black",
            markeredgewidth=0.5,
            label="this step's batch",
        )
        self._xs = np.array([x.min(), x.max()])
        ax_data.plot(
            self._xs,
            problem.predict(problem.minima[0], self._xs),
            ":",
            color="black",
            linewidth=1.5,
            label="best fit",
        )
        (self._full_fit,) = ax_data.plot([], [], "--", color=FULL_COLOR, label="full batch")
        (self._mini_fit,) = ax_data.plot([], [], "-", color=MINI_COLOR, label="mini-batch")
        ax_data.set_xlim(x.min() - 0.1, x.max() + 0.1)
        margin = 0.1 * np.ptp(y)
        ax_data.set_ylim(y.min() - margin, y.max() + margin)
        ax_data.set_xlabel("x (feature)")
        ax_data.set_ylabel("y (target)")
        ax_data.set_title("Data, and lines y = wx + b")
        ax_data.legend(loc="lower right", fontsize=9.5)

        # the loss on all the data, with both paths
        filled = ax_full.contourf(
            X, Y, excess, levels=self._levels, cmap=CMAP, norm=norm, extend="both"
        )
        ax_full.contour(
            X, Y, excess, levels=self._levels, colors="white", linewidths=0.4, alpha=0.5
        )
        self._full_path = PathArtist(
            ax_full, color=FULL_COLOR, marker="s", linestyle="--", label="full batch"
        )
        self._mini_path = PathArtist(ax_full, color=MINI_COLOR, marker="o", label="mini-batch")
        fig.colorbar(
            filled,
            ax=ax_full,
            label="loss − min",
            shrink=0.8,
            aspect=30,
            ticks=mpl.ticker.LogLocator(),
        )
        ax_full.set_title(f"Loss on all {problem.n:,} examples")

        # the loss on the current batch alone: its contours are redrawn in place
        ax_batch.contour(X, Y, excess, levels=self._levels[::2], colors="0.7", linewidths=0.8)
        self._batch_contours = LineCollection([], colors=MINI_COLOR, linewidths=1.4)
        ax_batch.add_collection(self._batch_contours)
        (self._batch_here,) = ax_batch.plot(
            [], [], "o", color=MINI_COLOR, markeredgecolor="black", markersize=9, linestyle="none"
        )
        self._batch_step = FancyArrowPatch(
            (0, 0), (0, 0), arrowstyle="-|>", mutation_scale=18, color="black", linewidth=2
        )
        ax_batch.add_patch(self._batch_step)
        ax_batch.legend(
            handles=[
                Line2D([], [], color="0.7", linewidth=0.8, label="all data"),
                Line2D([], [], color=MINI_COLOR, linewidth=1.4, label="this batch"),
                Line2D([], [], color="black", marker=">", markersize=7, label="its step"),
            ],
            loc="upper right",
            fontsize=9.5,
            title="contours",
            title_fontsize=9.5,
        )
        ax_batch.set_title("Loss on this step's batch")

        for ax in (ax_full, ax_batch):
            ax.plot(
                *problem.minima[0],
                "*",
                color="white",
                markeredgecolor="black",
                markersize=14,
                linestyle="none",
                label="minimum",
            )
            ax.set_xlim(w0, w1)
            ax.set_ylim(b0, b1)
            ax.set_aspect("equal")
            ax.set_xlabel("weight w")
            ax.set_ylabel("bias b")
        ax_full.legend(loc="upper right", fontsize=9.5)

        # the loss curves of both runs
        self._full_curve = LossCurve(ax_loss, color=FULL_COLOR, linestyle="--", label="full batch")
        self._mini_curve = LossCurve(ax_loss, color=MINI_COLOR, label="mini-batch")
        self._now_line = ax_loss.axvline(0, color="0.3", linewidth=1)
        self._diverged_text = ax_loss.text(
            0.02,
            0.04,
            "",
            transform=ax_loss.transAxes,
            color=COLORS[1],
            fontsize=12,
            fontweight="bold",
            va="bottom",
        )
        ax_loss.set_ylabel("loss − min loss")
        ax_loss.set_title("Loss on all the data")
        ax_loss.legend(loc="upper right")
        start_excess = max(float(problem(problem.start)) - self._best_loss, 1e-12)
        ax_loss.set_ylim(
            start_excess * 10.0 ** -_LOSS_DECADES[0], start_excess * 10.0 ** _LOSS_DECADES[1]
        )

        # the gradient cloud, in gradient space: the same scale at every step and batch
        # size, so the cloud visibly shrinks as B grows
        self._cloud_lines = LineCollection([], colors=MINI_COLOR, alpha=0.15, linewidths=1)
        ax_cloud.add_collection(self._cloud_lines)
        (self._cloud_dots,) = ax_cloud.plot([], [], ".", color=MINI_COLOR, markersize=4, alpha=0.7)
        (self._cloud_ring,) = ax_cloud.plot([], [], "--", color="black", linewidth=1.2)
        self._full_arrow = FancyArrowPatch(
            (0, 0), (0, 0), arrowstyle="-|>", mutation_scale=20, color=FULL_COLOR, linewidth=2.5
        )
        ax_cloud.add_patch(self._full_arrow)
        self._cloud_text = ax_cloud.text(
            0.03,
            0.03,
            "",
            transform=ax_cloud.transAxes,
            fontsize=12,
            va="bottom",
        )
        ax_cloud.axhline(0, color="0.8", linewidth=0.8)
        ax_cloud.axvline(0, color="0.8", linewidth=0.8)
        start_full = gradient_cloud(problem, problem.start, 1, n_batches=CLOUD_BATCHES)
        reach = 1.2 * np.linalg.norm(start_full.full) + 0.5 * start_full.spread
        ax_cloud.set_xlim(-reach, reach)
        ax_cloud.set_ylim(-reach, reach)
        ax_cloud.set_aspect("equal")
        ax_cloud.set_xlabel("∂L/∂w")
        ax_cloud.set_ylabel("∂L/∂b")
        ax_cloud.set_title("Gradients at this step")
        ax_cloud.legend(
            handles=[
                Line2D([], [], color=FULL_COLOR, linewidth=2.5, marker=">", label="full gradient"),
                Line2D(
                    [],
                    [],
                    color=MINI_COLOR,
                    marker=".",
                    linestyle="none",
                    markersize=8,
                    label="mini-batch gradients",
                ),
                Line2D([], [], color="black", linestyle="--", linewidth=1.2, label="spread (RMS)"),
            ],
            loc="upper left",
            fontsize=10,
        )

    def _animated_artists(self) -> list:
        return [
            self._batch_points,
            self._full_fit,
            self._mini_fit,
            *self._full_path.artists,
            *self._mini_path.artists,
            self._batch_contours,
            self._batch_here,
            self._batch_step,
            self._full_curve.line,
            self._mini_curve.line,
            self._now_line,
            self._diverged_text,
            self._cloud_lines,
            self._cloud_dots,
            self._cloud_ring,
            self._full_arrow,
            self._cloud_text,
        ]

    # callbacks --------------------------------------------------------------------

    def _new_length(self) -> None:
        steps = self.controls["steps"].value
        # the frame slider's own callback waits until the new runs exist
        with self.holding():
            self.set_frames(steps, frame=min(self.controls["frame"].value, steps))
            self._show_x_axis()
            self._new_runs()

    def _new_runs(self) -> None:
        steps = self.controls["steps"].value
        optimizer = GradientDescent(lr=self.controls["step_size"].value)
        self.full_result = descend(self.problem, optimizer, steps=steps)
        self._new_minibatch_run()

    def _new_minibatch_run(self) -> None:
        c = self.controls
        steps, batch_size, seed = c["steps"].value, c["batch_size"].value, c["seed"].value
        optimizer = GradientDescent(lr=c["step_size"].value)
        self.result = minibatch_descend(
            self.problem, optimizer, batch_size=batch_size, steps=steps, seed=seed
        )
        # the same draws minibatch_descend made: batch t is the one used from point t
        sampler = minibatches(self.problem.n, batch_size, np.random.default_rng(seed))
        self.batches = list(islice(sampler, len(self.result.points)))
        self._show_curves()
        self._show_frame()

    def _x_values(self, path, examples_per_step=None) -> np.ndarray:
        if self.controls["x_axis"].value == "updates":
            return np.arange(len(path.losses), dtype=float)
        if examples_per_step is not None:
            seen = examples_per_step * np.arange(len(path.losses), dtype=float)
        else:
            seen = path.examples_seen.astype(float)
        return np.where(seen > 0, seen, np.nan)  # no place for 0 on a log axis

    def _show_curves(self) -> None:
        best = self._best_loss
        self._full_curve.update(
            self.full_result.losses - best, self._x_values(self.full_result, self.problem.n)
        )
        self._mini_curve.update(self.result.losses - best, self._x_values(self.result))

    def _show_x_axis(self) -> None:
        ax = self._axes["loss"]
        steps = self.controls["steps"].value
        if self.controls["x_axis"].value == "updates":
            ax.set_xscale("linear")
            ax.set_xlim(0, steps)
            ax.set_xlabel("updates (steps)")
        else:
            ax.set_xscale("log")
            ax.set_xlim(1, steps * self.problem.n * 1.5)
            ax.set_xlabel("examples seen (each update sees B of them; full batch: all n)")
        if self.result is not None:
            self._show_curves()
            self._show_frame()

    def _show_frame(self) -> None:
        t = self.controls["frame"].value
        mini, full = self.result, self.full_result
        i = min(t, mini.steps)
        j = min(t, full.steps)
        here = mini.points[i]
        batch = self.batches[i]
        problem = self.problem

        self._batch_points.set_data(problem.x[batch], problem.y[batch])
        self._mini_fit.set_data(self._xs, problem.predict(here, self._xs))
        self._full_fit.set_data(self._xs, problem.predict(full.points[j], self._xs))
        self._full_path.update(full.points, upto=j)
        self._mini_path.update(mini.points, upto=i)

        weights, biases = self._grid
        batch_loss = problem.loss(np.stack([weights, biases], axis=-1), batch) - self._best_loss
        generator = contour_generator(weights, biases, batch_loss, line_type=LineType.Separate)
        self._batch_contours.set_segments(
            [line for lines in generator.multi_lines(self._levels[::2]) for line in lines]
        )
        self._batch_here.set_data(here[:1], here[1:])
        self._batch_step.set_positions(
            here, here - self.controls["step_size"].value * mini.grads[i]
        )

        x_now = self._x_values(mini)[i]
        self._now_line.set_xdata([x_now, x_now])

        self.cloud = gradient_cloud(
            problem,
            here,
            self.controls["batch_size"].value,
            n_batches=CLOUD_BATCHES,
            seed=self.controls["seed"].value,
        )
        self._show_cloud(self.cloud)

        gone = [
            f"{name} diverged at step {run.diverged_at}"
            for name, run in (("mini-batch", mini), ("full batch", full))
            if run.diverged
        ]
        self._diverged_text.set_text("\n".join(gone))
        spread = self.cloud.spread
        self.show_status(
            f"step {i} of {mini.steps}: loss {mini.losses[i]:.4g} (full batch {full.losses[j]:.4g}); "
            f"batch gradients spread {spread:.3g} around the full one, spread × √B = "
            f"{spread * np.sqrt(self.cloud.batch_size):.3g}" + "".join(f"; {note}" for note in gone)
        )

    def _show_cloud(self, cloud) -> None:
        grads = cloud.grads
        self._cloud_lines.set_segments(np.stack([np.zeros_like(grads), grads], axis=1))
        self._cloud_dots.set_data(grads[:, 0], grads[:, 1])
        angle = np.linspace(0, 2 * np.pi, 90)
        self._cloud_ring.set_data(
            cloud.full[0] + cloud.spread * np.cos(angle),
            cloud.full[1] + cloud.spread * np.sin(angle),
        )
        self._full_arrow.set_positions((0, 0), cloud.full)
        # text is the costliest artist to redraw: the figure keeps it short, and off the
        # gradients (the legend is in the upper left)
        self._cloud_text.set_text(f"spread {cloud.spread:.2g}")
        # points along each gradient's line, as far as the panel shows it
        reach = float(np.max(np.abs(self._axes["cloud"].get_xlim())))
        norms = np.maximum(np.linalg.norm(grads, axis=1, keepdims=True), 1e-300)
        shown = grads * np.minimum(1.0, 1.5 * reach / norms)
        along = np.linspace(0, 1, 8)[:, None, None] * shown[None]
        move_to_emptiest_corner(
            self._cloud_text,
            np.concatenate([along.reshape(-1, 2), [cloud.full]]),
            size=(0.4, 0.12),
            places=("lower left", "lower right", "upper right"),
        )

    def summary(self) -> str:
        c = self.controls
        run = self.result
        what = (
            f"batch size {c['batch_size'].value}, step size {c['step_size'].value:.3g}, "
            f"seed {c['seed'].value}"
        )
        if run.diverged:
            return f"{type(self).__name__}: {what}: diverged at step {run.diverged_at}"
        return (
            f"{type(self).__name__}: {what}: loss {run.losses[0]:.3g} → {run.losses[-1]:.3g} "
            f"in {run.steps} steps (full batch → {self.full_result.losses[-1]:.3g})"
        )
