"""The mini-batch explorer: what changes when each step sees only a batch of the data.

A run of mini-batch gradient descent on a data set whose loss over ``(w, b)`` is a 2-D
surface, next to the full-batch run from the same start with the same step size. The
main slider is the batch size; at each step (Play, Step, or the frame slider) the
explorer shows the batch the run drew (on the data), that batch's own loss (its contour
through the current point and its own minimum, which jump from batch to batch), the
cloud of gradients other batches of the same size would have given (which shrinks like
1/√B around the full gradient) and both loss curves.

Drawn in the browser (see :mod:`gdviz.widgets.template`): the runs, clouds and batches
of every batch size :func:`batch_sizes` offers are computed once and sent, so the batch
size, Play and the frame are answered in the browser; a batch size typed between two
stops is run by the kernel, exactly as typed. The step size, the seed, the number of
steps and the loss curve's x-axis are kernel controls.

Examples
--------
>>> explorer = MinibatchExplorer()
>>> explorer.controls["batch_size"].value = 1024            # the whole data set
>>> bool((explorer.result.points == explorer.full_result.points).all())
True
>>> explorer.controls["batch_size"].value = 16
>>> explorer.controls["frame"].value = 40
>>> explorer.cloud.batch_size, explorer.cloud.spread > 0
(16, True)
>>> explorer.entries["batch_size"].value = "100"            # between two stops: run as typed
>>> explorer.result.batch_size
100
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import islice

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from .. import plotting, problems
from ..batches import batches_per_epoch, check_batch_size, minibatches
from ..noise import GradientCloud, gradient_cloud, gradient_clouds
from ..optimizers import GradientDescent
from ..plotting import CMAP, COLORS, PathArtist
from ..runs import DescentPath, descend, minibatch_descend
from ..validation import check_number, check_whole
from .controls import ChoiceButtons, int_slider, log_slider
from .scene import nearest_stop, pack_family
from .template import SceneExplorer

DEFAULT_EXAMPLES = 1024
"""Examples in the default data set: enough that a batch of 256 is a real mini-batch."""

CLOUD_BATCHES = 64
"""How many mini-batch gradients the cloud shows at each step (enough to see its spread).

Every step of every batch size sends its cloud: 64 points keep that under 1.2 MB at
:data:`MAX_STEPS`."""

MAX_STEPS = 200
"""The longest runs: every step's batch, cloud and batch contour of every batch size are
sent to the browser, about 2.3 MB at 100 steps and 4.6 MB at 200."""

CONTOUR_GRID = 60
"""The batch's own contour is traced on a ``CONTOUR_GRID``² grid over the domain."""

RING_POINTS = 37
"""Points of the circle of radius "spread" drawn around the full gradient."""

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


def _check_problem(problem):
    # the data panel draws (x, y) and the fitted line: a one-feature regression
    needed = ("n", "x", "y", "predict", "loss", "grad", "minimum", "domain", "start", "minima")
    missing = [name for name in needed if not hasattr(problem, name)]
    if missing or np.shape(problem.start) != (2,):
        raise ValueError(
            "problem must be a one-feature regression over (w, b), like "
            f"gdviz.problems.linear_regression(n=1024); got {problem!r}"
        )
    return problem


@dataclass(frozen=True)
class BatchSizeRun:
    """Everything shown for one batch size: its run, the batches it drew, the clouds.

    Attributes
    ----------
    batch_size : int
    run : DescentPath
        The mini-batch run.
    batches : list of ndarray
        The example indices of the batch drawn at each point of the run (the step from
        point ``t`` uses ``batches[t]``).
    clouds : list of GradientCloud
        The gradient cloud at each point of the run.
    """

    batch_size: int
    run: DescentPath
    batches: list
    clouds: list


class MinibatchExplorer(SceneExplorer):
    """Mini-batch against full-batch gradient descent, on a loss surface defined by data.

    Parameters
    ----------
    problem : LinearRegression, optional
        A one-feature regression over ``(w, b)`` (``x``, ``y``, ``predict``, the mean
        loss and gradient of any batch, and a batch's own ``minimum``); by default
        ``gdviz.problems.linear_regression(n=1024, noise=0.5, seed=0)``.
    batch_size : int
        The starting batch size, a whole number in ``[1, problem.n]``; one that
        :func:`batch_sizes` does not offer is run exactly, with the slider's handle at
        the nearest stop.
    step_size : float
        In ``[0.01, 4]``.
    steps : int
        Updates in each run, 10 to :data:`MAX_STEPS`.
    seed : int
        Seeds the shuffles of the mini-batch run and the draws of the gradient cloud,
        0 to 99.

    Attributes
    ----------
    controls : dict
        ``"step_size"``, ``"seed"``, ``"steps"``, ``"x_axis"`` (``"updates"`` or
        ``"examples"``) are kernel controls; ``"batch_size"``, ``"frame"`` and ``"play"``
        (the frame too) are drawn in the browser.
    entries : dict
        ``"batch_size"`` (type a batch size: it is run exactly), ``"step_size"``,
        ``"seed"`` and ``"steps"``.
    result : DescentPath
        The mini-batch run.
    full_result : DescentPath
        The full-batch run from the same start with the same step size.
    batches : list of ndarray
        The example indices of the batch drawn at each point of the mini-batch run.
    cloud : GradientCloud
        Mini-batch gradients at the current frame's point (the cloud drawn).

    Examples
    --------
    >>> explorer = MinibatchExplorer()
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
    ) -> None:
        if problem is None:
            problem = problems.linear_regression(n=DEFAULT_EXAMPLES, noise=0.5, seed=0)
        self.problem = _check_problem(problem)
        batch_size = check_batch_size(batch_size, problem.n)
        step_size = check_number("step_size", step_size, 0.01, 4.0)
        steps = check_whole("steps", steps, 10, MAX_STEPS)
        seed = check_whole("seed", seed, 0, 99)
        self._sizes = batch_sizes(problem.n)
        self._initial = (batch_size, step_size, steps, seed)
        self._runs: dict[int, BatchSizeRun] = {}
        self._stops: dict[int, dict] = {}  # each batch size's stop, as sent
        self.full_result: DescentPath | None = None
        super().__init__(
            caption=(
                "Halve the batch size again and again: the mini-batch path gets noisier, its "
                "batch's bowl jumps about, and the gradient cloud grows like 1/√B. Press play."
            ),
            slider={"name": "batch_size", "label": "batch size B", "player": True},
            download_name="minibatch-explorer.png",
        )
        # each change of these computes every batch size's run anew: when the drag ends
        self.add_control(
            "step_size", log_slider("step size", step_size, 0.01, 4.0, continuous_update=False)
        )
        self.add_control("seed", int_slider("seed", seed, 0, 99, continuous_update=False))
        self.add_control(
            "steps", int_slider("steps", steps, 10, MAX_STEPS, step=10, continuous_update=False)
        )
        self.add_control(
            "x_axis",
            ChoiceButtons(
                options=[("updates", "updates"), ("examples seen", "examples")],
                value="updates",
                description="loss against",
                style={"button_width": "8em"},
            ),
        )
        self.add_scene_control("batch_size", "batch size", lambda: (1, problem.n, 1), whole=True)
        self.add_frame_control(self._frames)
        self.arrange(["step_size", "seed"], ["steps", "x_axis"])
        self.watch(["step_size", "seed", "steps"], self._recompute)
        self.watch(["x_axis"], self._show_x_axis)
        self._build_scene()
        self.begin(lambda: self._recompute(batch_size))

    # the scene --------------------------------------------------------------------

    def _build_scene(self) -> None:
        """The figures of the data, surface and gradients: static layers the browser draws on."""
        problem = self.problem
        X, Y, Z = plotting.grid(problem, 120)
        self._best_loss = float(problem(problem.minima[0]))
        excess = Z - self._best_loss
        # geometric levels: evenly spaced rings in a bowl, and many near the minimum,
        # where the mini-batch run ends up jittering
        levels = np.geomspace(excess.max() * 1e-4, excess.max(), 16)
        norm = mpl.colors.LogNorm(levels[0], levels[-1])
        self._xs = np.array([problem.x.min(), problem.x.max()])
        start_full = gradient_cloud(problem, problem.start, 1, n_batches=CLOUD_BATCHES)
        # the same gradient scale at every step and batch size: the cloud visibly shrinks
        reach = 1.2 * np.linalg.norm(start_full.full) + 0.5 * start_full.spread
        small = {"fontsize": 10}
        # four figures that no setting changes; the loss curves' follows the x-axis and steps

        with plotting.projector_style():
            # all the data's loss, with both paths (the main panel)
            surface = Figure(figsize=(4.6, 4.3), layout="constrained")
            ax = surface.subplots()
            filled = ax.contourf(X, Y, excess, levels=levels, cmap=CMAP, norm=norm, extend="both")
            ax.contour(X, Y, excess, levels=levels, colors="white", linewidths=0.4, alpha=0.5)
            self._full_path = PathArtist(
                ax, color=FULL_COLOR, marker="s", linestyle="--", label="full batch"
            )
            self._mini_path = PathArtist(ax, color=MINI_COLOR, marker="o", label="mini-batch")
            surface.colorbar(
                filled, ax=ax, label="loss − min", shrink=0.8, aspect=30,
                ticks=mpl.ticker.LogLocator(),
            )  # fmt: skip
            self._star(ax)
            ax.set_title(f"Loss on all {problem.n:,} examples")
            ax.legend(loc="upper right", **small)

            # the gradient cloud, in gradient space
            cloud = Figure(figsize=(4.6, 4.3), layout="constrained")
            ax = cloud.subplots()
            ax.axhline(0, color="0.8", linewidth=0.8)
            ax.axvline(0, color="0.8", linewidth=0.8)
            (self._cloud_dots,) = ax.plot(
                [], [], ".", color=MINI_COLOR, markersize=5, alpha=0.6, linestyle="none"
            )
            (self._cloud_ring,) = ax.plot([], [], "--", color="black", linewidth=1.2)
            self._full_arrow = FancyArrowPatch(
                (0, 0), (0, 0), arrowstyle="-|>", mutation_scale=20, color=FULL_COLOR,
                linewidth=2.5,
            )  # fmt: skip
            ax.add_patch(self._full_arrow)
            ax.set_xlim(-reach, reach)
            ax.set_ylim(-reach, reach)
            ax.set_aspect("equal")
            ax.set_xlabel("∂L/∂w")
            ax.set_ylabel("∂L/∂b")
            ax.set_title("Gradients at this step")
            ax.legend(
                handles=[
                    Line2D([], [], color=FULL_COLOR, linewidth=2.5, marker=">",
                           label="full gradient"),
                    Line2D([], [], color=MINI_COLOR, marker=".", linestyle="none",
                           markersize=8, label=f"{CLOUD_BATCHES} other batches"),
                    Line2D([], [], color="black", linestyle="--", linewidth=1.2,
                           label="spread (RMS)"),
                ],
                loc="upper left",
                **small,
            )  # fmt: skip

            # the data, this step's batch, and the lines both runs fit
            data = Figure(figsize=(4.6, 4.3), layout="constrained")
            ax = data.subplots()
            x, y = problem.x, problem.y
            ax.plot(x, y, ".", color="0.65", markersize=3, label=f"{problem.n:,} examples")
            (self._batch_points,) = ax.plot(
                [], [], "o", color=MINI_COLOR, markersize=5, markeredgecolor="black",
                markeredgewidth=0.5, linestyle="none", label="this step's batch",
            )  # fmt: skip
            ax.plot(
                self._xs, problem.predict(problem.minima[0], self._xs), ":", color="black",
                linewidth=1.5, label="best fit",
            )  # fmt: skip
            (self._full_fit,) = ax.plot([], [], "--", color=FULL_COLOR, label="full batch")
            (self._mini_fit,) = ax.plot([], [], "-", color=MINI_COLOR, label="mini-batch")
            ax.set_xlim(x.min() - 0.1, x.max() + 0.1)
            margin = 0.1 * np.ptp(y)
            ax.set_ylim(y.min() - margin, y.max() + margin)
            ax.set_xlabel("x (feature)")
            ax.set_ylabel("y (target)")
            ax.set_title("Data, and lines y = wx + b")
            ax.legend(loc="lower right", **small)

            # the loss on this step's batch alone
            batch = Figure(figsize=(4.6, 4.3), layout="constrained")
            ax = batch.subplots()
            ax.contour(X, Y, excess, levels=levels[::2], colors="0.7", linewidths=0.8)
            (self._batch_ring,) = ax.plot([], [], color=MINI_COLOR, linewidth=2)
            (self._batch_min,) = ax.plot(
                [], [], "o", color="white", markeredgecolor="black", markersize=11,
                linestyle="none",
            )  # fmt: skip
            (self._here,) = ax.plot(
                [], [], "o", color=MINI_COLOR, markeredgecolor="black", markersize=9,
                linestyle="none",
            )  # fmt: skip
            self._batch_step = FancyArrowPatch(
                (0, 0), (0, 0), arrowstyle="-|>", mutation_scale=18, color="black", linewidth=2,
                zorder=3,  # over the current point, as the browser draws it
            )  # fmt: skip
            ax.add_patch(self._batch_step)
            self._star(ax)
            ax.set_title("Loss on this step's batch")
            ax.legend(
                handles=[
                    Line2D([], [], color="0.7", linewidth=0.8, label="all data"),
                    Line2D([], [], color=MINI_COLOR, linewidth=2,
                           label="this batch, through here"),
                    Line2D([], [], color="white", marker="o", markeredgecolor="black",
                           markersize=9, linestyle="none", label="this batch's minimum"),
                    Line2D([], [], color="black", marker=">", markersize=7, label="its step"),
                ],
                loc="upper right",
                **small,
            )  # fmt: skip

        self._fixed_panels = [
            (surface, [*self._full_path.artists, *self._mini_path.artists], []),
            (cloud, [self._cloud_dots, self._cloud_ring, self._full_arrow], []),
            (data, [self._batch_points, self._full_fit, self._mini_fit], []),
            (batch, [self._batch_ring, self._batch_min, self._here, self._batch_step], []),
        ]

    def _loss_panel(self) -> tuple:
        """The loss curves' figure, built anew for the x-axis and the number of steps."""
        problem, steps = self.problem, self.controls["steps"].value
        with plotting.projector_style():
            losses = Figure(figsize=(9.2, 3.4), layout="constrained")
            self._loss_ax = ax = losses.subplots()
            (self._full_curve,) = ax.plot([], [], "--", color=FULL_COLOR, label="full batch")
            (self._mini_curve,) = ax.plot([], [], color=MINI_COLOR, label="mini-batch")
            self._full_now, self._mini_now = (
                ax.plot([], [], "o", color=c, markeredgecolor="black", markersize=9)[0]
                for c in (FULL_COLOR, MINI_COLOR)
            )
            # the frame's words, which the browser writes under the panels
            self._frame_text = ax.text(
                0.01, 0.03, "", transform=ax.transAxes, fontsize=11, va="bottom",
                bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85},
            )  # fmt: skip
            self._frame_text.set_in_layout(False)  # the axes stay where the browser draws
            ax.set_yscale("log")
            ax.set_ylabel("loss − min loss")
            ax.set_title("Loss on all the data")
            ax.grid(True, which="major", alpha=0.3)
            ax.legend(loc="upper right", fontsize=10)
            start_excess = max(float(problem(problem.start)) - self._best_loss, 1e-12)
            ax.set_ylim(
                start_excess * 10.0 ** -_LOSS_DECADES[0], start_excess * 10.0 ** _LOSS_DECADES[1]
            )
            if self.controls["x_axis"].value == "updates":
                margin = 0.02 * steps  # room for the marker at the last step
                ax.set_xlim(-margin, steps + margin)
                ax.set_xlabel("updates (steps)")
            else:
                ax.set_xscale("log")
                ax.set_xlim(0.7, steps * problem.n * 1.5)
                ax.set_xlabel("examples seen (each update sees B of them; full batch: all n)")
        moving = [self._full_curve, self._mini_curve, self._full_now, self._mini_now]
        return losses, moving, [self._frame_text]

    def _star(self, ax) -> None:
        (w0, w1), (b0, b1) = self.problem.domain
        ax.plot(
            *self.problem.minima[0], "*", color="white", markeredgecolor="black",
            markersize=14, linestyle="none", label="minimum",
        )  # fmt: skip
        ax.set_xlim(w0, w1)
        ax.set_ylim(b0, b1)
        ax.set_aspect("equal")
        ax.set_xlabel("weight w")
        ax.set_ylabel("bias b")

    def _tracks(self) -> list[dict]:
        """What the browser draws, on which panel; the loss curves against updates or examples."""
        by_examples = self.controls["x_axis"].value == "examples"
        mini_x, full_x = ("seen", "full_seen") if by_examples else (None, None)
        return [
            {"panel": 0, "kind": "path", "x": "full_w", "y": "full_b", "colour": FULL_COLOR,
             "dash": [6, 4]},
            {"panel": 0, "kind": "path", "x": "w", "y": "b", "colour": MINI_COLOR},
            {"panel": 1, "kind": "points", "x": "cloud_w", "y": "cloud_b", "colour": MINI_COLOR,
             "size": 5, "alpha": 0.6},
            {"panel": 1, "kind": "line", "x": "ring_w", "y": "ring_b", "colour": "#000000",
             "width": 1.2, "dash": [5, 4]},
            {"panel": 1, "kind": "arrow", "x": "full_grad_w", "y": "full_grad_b",
             "colour": FULL_COLOR, "width": 3},
            {"panel": 2, "kind": "points", "x": "batch_x", "y": "batch_y", "colour": MINI_COLOR,
             "size": 5},
            {"panel": 2, "kind": "points", "x": "whole_x", "y": "whole_y", "colour": MINI_COLOR,
             "size": 5},
            {"panel": 2, "kind": "line", "x": "fit_x", "y": "full_fit", "colour": FULL_COLOR,
             "dash": [6, 4]},
            {"panel": 2, "kind": "line", "x": "fit_x", "y": "mini_fit", "colour": MINI_COLOR},
            {"panel": 3, "kind": "line", "x": "ring_of_batch_w", "y": "ring_of_batch_b",
             "colour": MINI_COLOR, "width": 2},
            {"panel": 3, "kind": "marker", "x": "batch_min_w", "y": "batch_min_b",
             "colour": "#FFFFFF", "size": 11},
            {"panel": 3, "kind": "marker", "x": "w", "y": "b", "colour": MINI_COLOR, "size": 9},
            # over the point it starts from, or a short step would hide under it
            {"panel": 3, "kind": "arrow", "x": "step_w", "y": "step_b", "colour": "#000000",
             "width": 2, "halo": True},
            {"panel": 4, "kind": "curve", "x": full_x, "y": "full_loss", "colour": FULL_COLOR,
             "dash": [6, 4]},
            {"panel": 4, "kind": "curve", "x": mini_x, "y": "loss", "colour": MINI_COLOR},
        ]  # fmt: skip

    _loss_axis = None  # (x_axis, steps) of the loss panel as last published

    def _show_x_axis(self) -> None:
        """Loss against updates (linear) or examples seen (log): the loss panel and tracks."""
        self._loss_axis = (self.controls["x_axis"].value, self.controls["steps"].value)
        self.set_panels(*self._fixed_panels, self._loss_panel())
        self.scene.tracks = self._tracks()
        self.publish_panels(only=[4])

    # the numbers ------------------------------------------------------------------

    @property
    def step_size(self) -> float:
        """The step size of both runs."""
        return float(self.controls["step_size"].value)

    @property
    def batches(self) -> list[np.ndarray]:
        """The example indices of the batch drawn at each point of the mini-batch run."""
        return self._shown.batches

    @property
    def cloud(self) -> GradientCloud:
        """The gradient cloud at the current frame's point."""
        shown = self._shown
        return shown.clouds[min(self.scene.frame, shown.run.steps)]

    def _run_batch_size(self, batch_size: int) -> BatchSizeRun:
        """The mini-batch run of ``batch_size`` with the current settings, and what it drew."""
        c = self.controls
        steps, seed = c["steps"].value, c["seed"].value
        run = minibatch_descend(
            self.problem,
            GradientDescent(lr=self.step_size),
            batch_size=batch_size,
            steps=steps,
            seed=seed,
        )
        # the same draws minibatch_descend made: batch t is the one used from point t
        sampler = minibatches(self.problem.n, batch_size, np.random.default_rng(seed))
        batches = list(islice(sampler, len(run.points)))
        clouds = gradient_clouds(
            self.problem, run.points, batch_size, n_batches=CLOUD_BATCHES, seed=seed
        )
        return BatchSizeRun(batch_size, run, batches, clouds)

    def _frames(self) -> int:
        """The last frame: the longer run's last step (a diverged run stops early)."""
        return max(self._shown.run.steps, self.full_result.steps)

    def _stop(self, sized: BatchSizeRun) -> dict:
        """One stop of the scene's family: every series the browser draws for this batch size."""
        problem, run, full = self.problem, sized.run, self.full_result
        frames = max(run.steps, full.steps)
        at = np.minimum(np.arange(frames + 1), run.steps)  # a diverged run stays at its end
        full_at = np.minimum(np.arange(frames + 1), full.steps)
        points = run.points[at]
        n, size = problem.n, sized.batch_size
        whole = size == n
        clouds = [sized.clouds[i] for i in at]
        angle = np.linspace(0, 2 * np.pi, RING_POINTS)
        X, Y = plotting.grid(problem, CONTOUR_GRID)[:2]
        grid_points = np.stack([X, Y], axis=-1)
        rings, minima = [], []
        for t in range(frames + 1):
            batch, here = sized.batches[at[t]], points[t]
            rings.append(
                plotting.contour_polyline(
                    X, Y, problem.loss(grid_points, batch), float(problem.loss(here, batch))
                )
            )
            minima.append(problem.minimum(batch))
        minima = np.array(minima)
        # the step from here: what the run did with this batch's gradient
        step_to = points - self.step_size * run.grads[at]
        excess, full_excess = run.losses - self._best_loss, full.losses - self._best_loss
        full_seen = n * np.arange(len(full.losses), dtype=float)
        texts = []
        spreads = [cloud.spread for cloud in clouds]
        for t, spread in enumerate(spreads):
            texts.append(
                f"step {t} of {frames}: loss − min {excess[at[t]]:.3g} (full batch "
                f"{full_excess[full_at[t]]:.3g}); the batch gradients spread {spread:.3g} "
                f"around the full one, × √B = {spread * math.sqrt(size):.3g}"
            )
        per_epoch = batches_per_epoch(n, size)
        readout = (
            f"all {n:,} examples at each step"
            if whole
            else f"{size:,} of {n:,} examples a step, {per_epoch:,} steps an epoch"
        )
        return {
            "value": float(size),
            "label": self._status(run),
            "readout": readout,
            "frames": frames,
            "frame_texts": texts,
            "series": {
                "w": run.points[:, 0],
                "b": run.points[:, 1],
                "loss": excess,
                # no place for 0 examples on a log axis
                "seen": np.where(run.examples_seen > 0, run.examples_seen, np.nan).astype(float),
                "full_w": full.points[:, 0],
                "full_b": full.points[:, 1],
                "full_loss": full_excess,
                "full_seen": np.where(full_seen > 0, full_seen, np.nan),
                "batch_min_w": minima[:, 0],
                "batch_min_b": minima[:, 1],
                "fit_x": self._xs,
                # every batch is the whole data set: sent once, not once a frame
                "whole_x": problem.x if whole else [],
                "whole_y": problem.y if whole else [],
            },
            "frame_series": {
                # the whole data set's cloud is one point: send it once
                "cloud_w": [c.grads[:1, 0] if whole else c.grads[:, 0] for c in clouds],
                "cloud_b": [c.grads[:1, 1] if whole else c.grads[:, 1] for c in clouds],
                "ring_w": [
                    c.full[0] + r * np.cos(angle) for c, r in zip(clouds, spreads, strict=True)
                ],
                "ring_b": [
                    c.full[1] + r * np.sin(angle) for c, r in zip(clouds, spreads, strict=True)
                ],
                "full_grad_w": [np.array([0.0, c.full[0]]) for c in clouds],
                "full_grad_b": [np.array([0.0, c.full[1]]) for c in clouds],
                "batch_x": [[] if whole else problem.x[sized.batches[i]] for i in at],
                "batch_y": [[] if whole else problem.y[sized.batches[i]] for i in at],
                "full_fit": [problem.predict(full.points[j], self._xs) for j in full_at],
                "mini_fit": [problem.predict(p, self._xs) for p in points],
                "ring_of_batch_w": [ring[:, 0] for ring in rings],
                "ring_of_batch_b": [ring[:, 1] for ring in rings],
                "step_w": [np.array([p[0], q[0]]) for p, q in zip(points, step_to, strict=True)],
                "step_b": [np.array([p[1], q[1]]) for p, q in zip(points, step_to, strict=True)],
            },
        }

    def _status(self, run: DescentPath) -> str:
        full = self.full_result
        if run.diverged:
            outcome = f"diverged at step {run.diverged_at}"
        else:
            outcome = f"loss {run.losses[0]:.3g} → {run.losses[-1]:.3g} in {run.steps} steps"
        mini = f"Mini-batch, B = {run.batch_size}: {outcome}"
        if full.diverged:
            return f"{mini}; full batch: diverged at step {full.diverged_at}."
        return f"{mini}; full batch: → {full.losses[-1]:.3g}."

    # changes --------------------------------------------------------------------------

    def _recompute(self, batch_size: int | None = None) -> None:
        """Every stop's run (new step size, seed or steps), the scene re-sent."""
        shown = int(self.scene.value) if batch_size is None else batch_size
        steps = self.controls["steps"].value
        self.full_result = descend(self.problem, GradientDescent(lr=self.step_size), steps=steps)
        # the batch size shown first, sent at once as the scene's extra; then the other stops
        self._runs = {shown: self._run_batch_size(shown)}
        self._stops = {shown: self._stop(self._runs[shown])}
        new_axis = self._loss_axis != (self.controls["x_axis"].value, steps)
        if new_axis:
            self._show_x_axis()
        first = pack_family([self._stops[shown]])
        first["value"] = float(shown)
        self._shown = self._runs[shown]
        index, _ = self.nearest_stop(shown)
        self.show_on_scene(value=float(shown), stop=index, extra=first, frame=self._frames())
        self.show_first(panels=new_axis)
        for size in self._sizes:
            if size not in self._runs:
                self._runs[size] = self._run_batch_size(size)
                self._stops[size] = self._stop(self._runs[size])
        self.scene.family = pack_family([self._stops[size] for size in self._sizes])
        self.show(shown)

    def nearest_stop(self, batch_size: int) -> tuple[int, bool]:
        return nearest_stop(self._sizes, batch_size, log=True)

    def show(self, batch_size: int) -> None:
        """Show ``batch_size``'s run: a stop's, or one computed now for a size between stops."""
        index, _ = self.nearest_stop(batch_size)
        extra = {}
        if batch_size not in self._sizes:
            if batch_size not in self._runs:
                # one size between stops at a time
                self._runs = {s: self._runs[s] for s in self._sizes}
                self._stops = {s: self._stops[s] for s in self._sizes}
                self._runs[batch_size] = self._run_batch_size(batch_size)
                self._stops[batch_size] = self._stop(self._runs[batch_size])
            extra = pack_family([self._stops[batch_size]])
            extra["value"] = float(batch_size)  # the browser shows it while this is the value
        self._shown = self._runs[batch_size]
        self.result = self._shown.run
        self.status.value = self._status(self.result)
        self.show_on_scene(value=float(batch_size), stop=index, extra=extra, frame=self._frames())

    def set_value(self, value) -> None:
        value = check_whole("batch size", value)
        self.show(self.clamp("batch size", value, 1, self.problem.n))

    def entry_text(self) -> str:
        return str(round(self.scene.value))

    def reset(self) -> None:
        batch_size, step_size, steps, seed = self._initial
        with self.quietly():
            self.controls["step_size"].value = step_size
            self.controls["seed"].value = seed
            self.controls["steps"].value = steps
            self.controls["x_axis"].value = "updates"
        self._recompute(batch_size)

    # the static picture -----------------------------------------------------------------

    def draw_static_picture(self) -> None:
        stop = self._stops[self._shown.batch_size]  # the numbers the browser draws
        frame = min(self.scene.frame, stop["frames"])
        series, chunks = stop["series"], stop["frame_series"]
        run, full = self._shown.run, self.full_result
        i, j = min(frame, run.steps), min(frame, full.steps)
        self._full_path.update(full.points, upto=j)
        self._mini_path.update(run.points, upto=i)
        self._cloud_dots.set_data(chunks["cloud_w"][frame], chunks["cloud_b"][frame])
        self._cloud_ring.set_data(chunks["ring_w"][frame], chunks["ring_b"][frame])
        self._full_arrow.set_positions((0, 0), self.cloud.full)
        batch = self._shown.batches[i]
        self._batch_points.set_data(self.problem.x[batch], self.problem.y[batch])
        self._full_fit.set_data(self._xs, chunks["full_fit"][frame])
        self._mini_fit.set_data(self._xs, chunks["mini_fit"][frame])
        self._batch_ring.set_data(
            chunks["ring_of_batch_w"][frame], chunks["ring_of_batch_b"][frame]
        )
        self._batch_min.set_data(series["batch_min_w"][i : i + 1], series["batch_min_b"][i : i + 1])
        self._here.set_data(run.points[i : i + 1, 0], run.points[i : i + 1, 1])
        step_w, step_b = chunks["step_w"][frame], chunks["step_b"][frame]
        self._batch_step.set_positions((step_w[0], step_b[0]), (step_w[1], step_b[1]))
        for curve, now, name, x_name, last in (
            (self._full_curve, self._full_now, "full_loss", "full_seen", j),
            (self._mini_curve, self._mini_now, "loss", "seen", i),
        ):
            y = series[name][: last + 1]
            x = np.arange(last + 1.0)
            if self.controls["x_axis"].value == "examples":
                x = series[x_name][: last + 1]
            curve.set_data(x, y)
            now.set_data(x[-1:], y[-1:])
        self._frame_text.set_text(stop["frame_texts"][frame].replace("; ", "\n"))

    def summary(self) -> str:
        c = self.controls
        run = self.result
        what = (
            f"batch size {int(self.scene.value)}, step size {c['step_size'].value:.3g}, "
            f"seed {c['seed'].value}"
        )
        if run.diverged:
            return f"{type(self).__name__}: {what}: diverged at step {run.diverged_at}"
        return (
            f"{type(self).__name__}: {what}: loss {run.losses[0]:.3g} → {run.losses[-1]:.3g} "
            f"in {run.steps} steps (full batch → {self.full_result.losses[-1]:.3g})"
        )
