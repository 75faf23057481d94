"""Runs of an optimizer on a surface or a problem: the descent path and what it saw.

Examples
--------
>>> from gdviz import surfaces, optimizers
>>> bowl = surfaces.get("quadratic", condition=10)
>>> path = descend(bowl, optimizers.GradientDescent(lr=0.1), steps=50)
>>> path
Path(50 steps of GradientDescent(lr=0.1) on quadratic: loss 2.38 → 2.99e-05)
>>> descend(bowl, optimizers.GradientDescent(lr=0.25), steps=200)
Path(17 steps of GradientDescent(lr=0.25) on quadratic: diverged at step 18)
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np

from .batches import batches_per_epoch, check_batch_size, minibatches
from .validation import Interval, check_point, validate_params

MAX_LOSS_GROWTH = 1e6
"""A run has diverged once ``|loss − loss_0|`` exceeds ``MAX_LOSS_GROWTH · max(1, |loss_0|)``.

Upwards that is a blow-up; downwards it is a loss without a floor (the saddle ``x² − y²``)
running off to minus infinity, which would overflow a few hundred steps later."""

MAX_WORK = 2_000_000
"""The most numbers one call's path may hold: ``steps × runs × d`` (``d`` coordinates a point).

On a 2-D surface that is a million steps of one run (or a thousand of a thousand runs),
each costing about 30–60 µs (Newton about twice that): under a minute on an idle machine,
with a progress bar, and 40 MB of path; ``benchmarks/bench_limits.py`` measures it. Past
it a call is refused at once rather than running for hours (``steps=10**7`` ran for over
5 minutes and took 420 MB)."""

MAX_DATA_WORK = 10**10
"""The most numbers of data one call may read: ``steps × runs × (n + batch_size) × d`` for a
problem with ``n`` examples (every step evaluates the loss on all of them). About a minute
of the digits classifier (``n = 1348``, ``d = 650``)."""

MAX_MINIBATCH_STEPS = 250_000
"""The most steps one call of :func:`minibatch_descend` may take: a step also draws a batch
and evaluates the loss on all the data, so it costs about three of :func:`descend`'s."""

PROGRESS_AFTER = 2.0
"""Seconds a call is projected to take before it shows a progress bar."""

PROGRESS_VARIABLE = "GDVIZ_PROGRESS"
"""Environment variable that sets :data:`PROGRESS` at import: ``0`` never, ``1`` always."""

PROGRESS: bool | None = {"0": False, "1": True}.get(os.environ.get(PROGRESS_VARIABLE, ""))
"""Progress bars (``tqdm.auto``: a widget in Jupyter, text in a terminal): None shows them in
a Jupyter kernel or a terminal only (never under pytest or in a pipe), True always, False never.
The executed-notebook tests set ``GDVIZ_PROGRESS=0``: whether a bar appears depends on the
machine's speed, and a saved bar would be an output that differs from run to run."""

_STEPS = Interval(Integral, 0, None)


def _stationary_kind(eigenvalues: np.ndarray) -> str:
    """What a stationary point is, from the Hessian's eigenvalues there."""
    flat = np.abs(eigenvalues) <= 1e-8 * max(1.0, float(np.max(np.abs(eigenvalues))))
    if flat.any():
        return "degenerate stationary point"
    if np.all(eigenvalues > 0):
        return "minimum"
    if np.all(eigenvalues < 0):
        return "maximum"
    return "saddle point"


@dataclass(frozen=True)
class DescentPath:
    """A descent path, one row per visited point (row 0 is the start).

    Also importable as ``Path`` (``gdviz.Path``), its name in the lessons; the longer name
    does not shadow :class:`pathlib.Path`.

    For one run, ``points`` has shape ``(n + 1, d)`` and a diverged run keeps only its
    finite prefix. For ``k`` runs advanced together, ``points`` has shape
    ``(steps + 1, k, d)`` and rows after a run diverged are NaN for that run.

    Attributes
    ----------
    points, losses, grads : ndarray
        The parameters at each step, the loss there and the gradient used from there.
    diverged : bool or ndarray of bool
    diverged_at : int or None, or ndarray of int
        The first step whose point was no longer acceptable (−1 for runs that did not
        diverge, when there are several).
    optimizer, objective : str
        Descriptions, for titles.
    batch_losses : ndarray, optional
        Mini-batch runs: the loss on the batch each step used (the one the optimizer saw).
    examples_seen : ndarray, optional
        Mini-batch runs: examples used up to each point (0 at the start).
    batch_size : int, optional
    stationary : str, optional
        One run of :func:`descend` that ended where the gradient vanishes, on an objective
        with a Hessian: ``"minimum"``, ``"maximum"``, ``"saddle point"`` or
        ``"degenerate stationary point"``, from the Hessian's eigenvalues there
        (:attr:`end_eigenvalues`). None when the run did not end at a stationary point
        or it is not known. The repr says so when the end is not a minimum.
    end_eigenvalues : ndarray, optional
        The Hessian's eigenvalues at the end, increasing, when ``stationary`` is known.
    """

    points: np.ndarray
    losses: np.ndarray
    grads: np.ndarray
    diverged: bool | np.ndarray
    diverged_at: int | np.ndarray | None
    optimizer: str = ""
    objective: str = ""
    batch_losses: np.ndarray | None = field(default=None, repr=False)
    examples_seen: np.ndarray | None = field(default=None, repr=False)
    batch_size: int | None = None
    stationary: str | None = None
    end_eigenvalues: np.ndarray | None = field(default=None, repr=False)

    @property
    def steps(self) -> int:
        """The number of steps taken (for one run: until it stopped)."""
        return len(self.points) - 1

    def first(self, steps: int) -> DescentPath:
        """One run's first ``steps`` steps (all of it if it stopped sooner).

        A run that diverged at step ``steps + 1`` had not yet diverged in its first ``steps``.

        Examples
        --------
        >>> from gdviz import optimizers, surfaces
        >>> run = descend(surfaces.get("quadratic"), optimizers.GradientDescent(0.1), steps=50)
        >>> run.first(10)
        Path(10 steps of GradientDescent(lr=0.1) on quadratic: loss 2.38 → 0.137)
        """
        if steps > self.steps or (steps == self.steps and not self.diverged):
            return self
        return DescentPath(
            self.points[: steps + 1],
            self.losses[: steps + 1],
            self.grads[: steps + 1],
            False,
            None,
            optimizer=self.optimizer,
            objective=self.objective,
        )

    def run(self, index: int, *, optimizer: str | None = None) -> DescentPath:
        """Run ``index`` of runs advanced together, as one run (cut where it diverged).

        Examples
        --------
        >>> import numpy as np
        >>> from gdviz import optimizers, surfaces
        >>> sweep = descend(surfaces.get("quadratic"), optimizers.GradientDescent(
        ...     np.array([[0.1], [0.25]])), steps=30)
        >>> sweep.run(1, optimizer="GradientDescent(lr=0.25)")
        Path(17 steps of GradientDescent(lr=0.25) on quadratic: diverged at step 18)
        """
        steps = self.steps
        diverged_at = int(self.diverged_at[index])
        stop = steps + 1 if diverged_at < 0 or diverged_at > steps else diverged_at
        return DescentPath(
            self.points[:stop, index].copy(),
            self.losses[:stop, index].copy(),
            self.grads[:stop, index].copy(),
            stop <= steps,
            stop if stop <= steps else None,
            optimizer=self.optimizer if optimizer is None else optimizer,
            objective=self.objective,
        )

    def __repr__(self) -> str:
        what = f"{self.steps} steps of {self.optimizer} on {self.objective}"
        if np.ndim(self.diverged):
            count = int(np.sum(self.diverged))
            return f"Path({what}, {self.points.shape[1]} runs, {count} diverged)"
        if self.diverged:
            return f"Path({what}: diverged at step {self.diverged_at})"
        end = ""
        if self.stationary not in (None, "minimum"):
            eigenvalues = ", ".join(f"{v:.3g}" for v in self.end_eigenvalues)
            end = (
                f"; ends at a {self.stationary}, not a minimum (Hessian eigenvalues {eigenvalues})"
            )
        return f"Path({what}: loss {self.losses[0]:.3g} → {self.losses[-1]:.3g}{end})"


Path = DescentPath


def _name(obj) -> str:
    return getattr(obj, "name", type(obj).__name__)


def _check_start(objective, start, ndim: tuple[int, ...]) -> np.ndarray:
    if start is None:
        start = getattr(objective, "start", None)
        if start is None:
            raise ValueError(f"{_name(objective)} has no default start: pass start=")
    return check_point("start", start, ndim=ndim)


def _check_work(steps: int, runs: int, d: int, examples: int) -> None:
    """Refuse a call over :data:`MAX_WORK` or :data:`MAX_DATA_WORK`, saying which and why."""
    numbers = steps * runs * d
    if numbers > MAX_WORK:
        raise ValueError(
            f"steps × runs × d must be <= {MAX_WORK:_} (gdviz.runs.MAX_WORK, about a minute); "
            f"got {steps:_} steps × {runs:_} run{'s' if runs > 1 else ''} × {d} coordinates "
            f"= {numbers:_}"
        )
    reads = numbers * examples
    if reads > MAX_DATA_WORK:
        raise ValueError(
            f"steps × runs × (n + batch_size) × d must be <= {MAX_DATA_WORK:.0e} "
            f"(gdviz.runs.MAX_DATA_WORK, about a minute); got {steps:_} × {runs:_} × "
            f"{examples:_} × {d} = {reads:.2e}: use fewer steps"
        )


def _broadcast_runs(x: np.ndarray, optimizer) -> np.ndarray:
    """The start repeated for every run that the hyper-parameters' shapes ask for."""
    shapes = {}
    for name, value in optimizer.hyperparameters().items():
        shapes[name] = np.shape(value)
        try:
            np.broadcast_shapes(x.shape, shapes[name])
        except ValueError:
            raise ValueError(
                f"{name} has shape {shapes[name]}, which does not fit a start of shape {x.shape}: "
                f"give k runs their own {name} with shape (k, 1)"
            ) from None
    try:
        shape = np.broadcast_shapes(x.shape, *shapes.values())
    except ValueError:
        raise ValueError(
            f"the hyper-parameters' shapes {shapes} do not fit together with a start of "
            f"shape {x.shape}: give k runs their settings with shape (k, 1)"
        ) from None
    return np.array(np.broadcast_to(x, shape))


def _real(values, what: str, objective, shape: tuple[int, ...], at: tuple[int, ...]) -> np.ndarray:
    """``values`` as float, refused when complex or of the wrong shape."""
    arr = np.asarray(values)
    if np.iscomplexobj(arr):
        raise TypeError(
            f"{_name(objective)} returned a complex {what}; a loss and its gradient must be "
            f"real numbers (the imaginary part would be dropped)"
        )
    if arr.shape != shape:
        raise ValueError(
            f"{_name(objective)} returned a {what} of shape {arr.shape} at points of shape {at}; "
            f"it must have shape {shape}"
        )
    return arr.astype(float, copy=False)


def _evaluate(objective, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    loss = _real(objective(x), "loss", objective, x.shape[:-1], x.shape)
    grad = _real(objective.grad(x), "gradient", objective, x.shape, x.shape)
    return loss, grad


def _check_finite_start(x: np.ndarray, loss: np.ndarray, grad: np.ndarray, objective) -> None:
    bad = ~np.isfinite(loss) | ~np.all(np.isfinite(grad), axis=-1)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        point = ", ".join(f"{v:g}" for v in np.atleast_1d(x[where])[:6])
        run = f" (run {where[0] if len(where) == 1 else where})" if x.ndim > 1 else ""
        raise ValueError(
            f"start must be a point where the loss and its gradient are finite; at start "
            f"({point}){run} {_name(objective)} has loss {float(loss[where]):g} and gradient "
            f"{np.array2string(grad[where], precision=3)}"
        )


def _show_progress() -> bool:
    if PROGRESS is not None:
        return PROGRESS
    shell = sys.modules.get("IPython")
    kernel = shell is not None and getattr(shell.get_ipython(), "kernel", None) is not None
    return kernel or bool(getattr(sys.stderr, "isatty", lambda: False)())


class _Progress:
    """A progress bar that appears only once a loop is projected to take over PROGRESS_AFTER s."""

    CHECK_EVERY = 256

    def __init__(self, total: int, description: str) -> None:
        self.total, self.description = total, description
        self.enabled = total > self.CHECK_EVERY and _show_progress()
        self.bar = None
        self.started = time.perf_counter()

    def __enter__(self):
        return self

    def update(self, done: int) -> None:
        if not self.enabled or done % self.CHECK_EVERY:
            return
        if self.bar is None:
            elapsed = time.perf_counter() - self.started
            if elapsed * self.total / done < PROGRESS_AFTER:
                return
            # imported here: tqdm.auto picks the notebook bar only if a kernel is running
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.total, initial=done, desc=self.description, leave=False)
        else:
            self.bar.update(done - self.bar.n)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()


def _is_bad(points, losses, grads, loss0) -> np.ndarray:
    return (
        ~np.all(np.isfinite(points), axis=-1)
        | ~np.isfinite(losses)
        | ~np.all(np.isfinite(grads), axis=-1)
        | (np.abs(losses - loss0) > MAX_LOSS_GROWTH * np.maximum(1.0, np.abs(loss0)))
    )


def _finish(points, losses, grads, diverged_at, batched: bool, **info) -> DescentPath:
    """Cut a single run to its finite prefix, or blank the rows after each run diverged.

    The arrays are the caller's own: they are blanked in place, without copies (a batch
    of many long runs is large).
    """
    if batched:
        gone = np.arange(len(points))[:, None] >= np.where(
            diverged_at < 0, len(points), diverged_at
        )
        points[gone] = np.nan
        grads[gone] = np.nan
        losses[gone] = np.nan
        return DescentPath(points, losses, grads, diverged_at >= 0, diverged_at, **info)
    stop = int(diverged_at[()])
    if stop < 0:
        return DescentPath(points, losses, grads, False, None, **info)
    extra = {k: v[:stop] if isinstance(v, np.ndarray) else v for k, v in info.items()}
    return DescentPath(points[:stop], losses[:stop], grads[:stop], True, stop, **extra)


def _end_point(objective, points: np.ndarray, grads: np.ndarray) -> dict:
    """``stationary`` and ``end_eigenvalues`` of one finished run, where they are known."""
    hessian = getattr(objective, "hessian", None)
    if hessian is None or points.ndim != 2:
        return {}
    norms = np.linalg.norm(grads, axis=-1)
    # the gradient has all but vanished: a stationary point, up to rounding
    if not norms[-1] <= 1e-6 * max(1.0, float(norms[0])):
        return {}
    with np.errstate(all="ignore"):
        matrix = np.asarray(hessian(points[-1]), dtype=float)
    if matrix.shape != (points.shape[-1],) * 2 or not np.all(np.isfinite(matrix)):
        return {}
    eigenvalues = np.linalg.eigvalsh(0.5 * (matrix + matrix.T))
    return {"stationary": _stationary_kind(eigenvalues), "end_eigenvalues": eigenvalues}


@validate_params(steps=_STEPS)
def descend(objective, optimizer, start=None, steps: int = 100) -> DescentPath:
    """Run ``optimizer`` on ``objective`` for ``steps`` steps from ``start``.

    Parameters
    ----------
    objective : Surface or problem
        Anything with ``objective(params)`` (the loss) and ``objective.grad(params)``,
        returning real numbers.
    optimizer : Optimizer
        From :mod:`gdviz.optimizers`. Its hyper-parameters may be arrays of shape
        ``(k, 1)`` to give each of ``k`` runs its own setting.
    start : array_like, optional
        Shape ``(d,)`` for one run or ``(k, d)`` for ``k`` runs; ``objective.start`` if None.
        The loss and the gradient must be finite there.
    steps : int
        How many updates to make: a whole number, with ``steps × runs × d`` at most
        :data:`MAX_WORK` (and, for a problem with data, :data:`MAX_DATA_WORK`). A call projected to take over :data:`PROGRESS_AFTER` seconds
        shows a progress bar (see :data:`PROGRESS`).

    Returns
    -------
    DescentPath
        A run diverges at the first step where the point, the loss or the gradient is
        not finite, or the loss moves more than ``1e6 · max(1, |loss_0|)`` away from
        its start, up or (for a loss without a floor) down (:data:`MAX_LOSS_GROWTH`). A
        single run stops there and keeps its prefix; with several runs the others go on.
        No numpy warning is emitted either way. A single run that ends where the gradient
        vanishes says whether that is a minimum, a maximum or a saddle point
        (``stationary``).

    Raises
    ------
    ValueError
        For a start where the loss is not finite, too much work, hyper-parameter arrays
        that do not fit the start, or an objective returning the wrong shape.
    TypeError
        For ``steps`` that is not a whole number, or an objective returning complex values.

    Examples
    --------
    >>> from gdviz import optimizers, surfaces
    >>> descend(surfaces.get("saddle"), optimizers.Newton(), start=[1.5, 0.5], steps=3)
    Path(3 steps of Newton(lr=1) on saddle: loss 2 → 0; ends at a saddle point, not a minimum (Hessian eigenvalues -2, 2))
    """
    x = _check_start(objective, start, ndim=(1, 2))
    x = _broadcast_runs(x, optimizer)
    batched = x.ndim > 1
    _check_work(steps, math.prod(x.shape[:-1]), x.shape[-1], getattr(objective, "n", 1))
    with np.errstate(all="ignore"):
        loss, grad = _evaluate(objective, x)
    _check_finite_start(x, loss, grad, objective)
    with np.errstate(all="ignore"), _Progress(steps, f"descend ({_name(objective)})") as progress:
        state = optimizer.init(x)
        points = np.full((steps + 1, *x.shape), np.nan)
        losses = np.full((steps + 1, *loss.shape), np.nan)
        grads = np.full_like(points, np.nan)
        points[0], losses[0], grads[0] = x, loss, grad
        loss0 = loss
        diverged_at = np.full(loss.shape, -1)
        for t in range(1, steps + 1):
            if np.all(diverged_at >= 0):
                break
            hessian = objective.hessian(x) if optimizer.needs_hessian else None
            x, state = optimizer.step(x, grad, state, hessian=hessian)
            loss, grad = _evaluate(objective, x)
            points[t], losses[t], grads[t] = x, loss, grad
            newly = (diverged_at < 0) & _is_bad(x, loss, grad, loss0)
            diverged_at = np.where(newly, t, diverged_at)
            progress.update(t)
    end = {} if batched or diverged_at[()] >= 0 else _end_point(objective, points, grads)
    return _finish(
        points,
        losses,
        grads,
        diverged_at,
        batched,
        optimizer=repr(optimizer),
        objective=_name(objective),
        **end,
    )


def descent_on_parabola(step_size, steps: int, start: float = 3.0) -> np.ndarray:
    """``w`` after 0, 1, …, ``steps`` steps of ``w += -step_size * 2w`` on ``L(w) = w²``.

    Each step multiplies ``w`` by ``1 − 2·step_size``, so the run is computed in closed
    form; an array of step sizes gives one run per row. The welcome lesson's first slider.

    Examples
    --------
    >>> descent_on_parabola(0.1, 2)
    array([3.  , 2.4 , 1.92])
    >>> descent_on_parabola(np.array([0.5, 1.0]), 2)
    array([[ 3.,  0.,  0.],
           [ 3., -3.,  3.]])
    """
    factor = 1.0 - 2.0 * np.asarray(step_size, dtype=float)
    return float(start) * factor[..., None] ** np.arange(int(steps) + 1)


@validate_params(
    steps=Interval(Integral, 0, MAX_MINIBATCH_STEPS, allow_none=True),
    epochs=Interval(Integral, 0, None, allow_none=True),
    seed=Interval(Integral, 0, None),
)
def minibatch_descend(
    problem,
    optimizer,
    start=None,
    batch_size: int = 32,
    steps: int | None = None,
    epochs: int | None = None,
    seed: int = 0,
) -> DescentPath:
    """Mini-batch gradient descent on a problem defined by data.

    Each step uses the gradient of the mean loss over one batch of examples. Each epoch
    is a fresh shuffle drawn from ``seed``, cut into batches without replacement; when
    ``batch_size`` does not divide ``problem.n``, the last batch of an epoch is the short
    remainder (see :func:`gdviz.batches.minibatches`). ``batch_size=1`` is stochastic
    gradient descent; ``batch_size=problem.n`` reproduces :func:`descend` exactly.

    Parameters
    ----------
    problem : problem
        Has ``n``, ``loss(params, batch)`` and ``grad(params, batch)``.
    optimizer : Optimizer
    start : array_like, optional
        One run's start, shape ``(d,)``; ``problem.start`` if None. The loss and the
        gradient must be finite there.
    batch_size : int
        Examples per batch, a whole number in ``[1, problem.n]``.
    steps, epochs : int
        How long to run: give exactly one. ``epochs`` means that many passes over the data.
        At most :data:`MAX_MINIBATCH_STEPS` steps, and within :data:`MAX_WORK` and
        :data:`MAX_DATA_WORK`; a progress bar shows when it will take over
        :data:`PROGRESS_AFTER` seconds.
    seed : int
        Seeds the shuffles: the same seed gives the same path. A whole number >= 0.

    Returns
    -------
    DescentPath
        ``losses`` is the loss on *all* the data at each point (what we care about);
        ``grads`` and ``batch_losses`` the gradient and loss on the batch drawn at each
        point (the step from there uses them); ``examples_seen`` the running count of
        examples used to reach each point.
    """
    batch_size = check_batch_size(batch_size, problem.n)
    if (steps is None) == (epochs is None):
        raise ValueError(
            f"give exactly one of steps and epochs; got steps={steps!r}, epochs={epochs!r}"
        )
    if steps is None:
        per_epoch = batches_per_epoch(problem.n, batch_size)
        steps = epochs * per_epoch
        if steps > MAX_MINIBATCH_STEPS:
            raise ValueError(
                f"epochs must be at most {MAX_MINIBATCH_STEPS // per_epoch:_} with "
                f"batch_size={batch_size} (at most {MAX_MINIBATCH_STEPS:_} steps, "
                f"gdviz.runs.MAX_MINIBATCH_STEPS); got {epochs!r}, which is {steps:_} steps"
            )
    x = _check_start(problem, start, ndim=(1,))
    _check_work(steps, 1, x.size, problem.n + batch_size)
    sampler = minibatches(problem.n, batch_size, np.random.default_rng(seed))
    points = np.full((steps + 1, *x.shape), np.nan)
    grads = np.full_like(points, np.nan)
    losses = np.full(steps + 1, np.nan)
    batch_losses = np.full(steps + 1, np.nan)
    seen = np.zeros(steps + 1, dtype=int)
    diverged_at = np.array(-1)
    batch = next(sampler)
    with np.errstate(all="ignore"):
        loss, grad = _evaluate(problem, x)
        grad = _real(problem.grad(x, batch), "gradient", problem, x.shape, x.shape)
    _check_finite_start(x, loss, grad, problem)
    with (
        np.errstate(all="ignore"),
        _Progress(steps, f"minibatch_descend ({_name(problem)})") as bar,
    ):
        state = optimizer.init(x)
        points[0], losses[0], grads[0] = x, loss, grad
        batch_losses[0] = problem.loss(x, batch)
        for t in range(1, steps + 1):
            hessian = problem.hessian(x, batch) if optimizer.needs_hessian else None
            x, state = optimizer.step(x, grad, state, hessian=hessian)
            seen[t] = seen[t - 1] + len(batch)
            # the next batch and its gradient: what the optimizer will use from here
            batch = next(sampler)
            grad = _real(problem.grad(x, batch), "gradient", problem, x.shape, x.shape)
            points[t], losses[t], grads[t] = x, problem.loss(x), grad
            batch_losses[t] = problem.loss(x, batch)
            if _is_bad(x, losses[t], grad, losses[0]):
                diverged_at = np.array(t)
                break
            bar.update(t)
    return _finish(
        points,
        losses,
        grads,
        diverged_at,
        False,
        optimizer=repr(optimizer),
        objective=_name(problem),
        batch_losses=batch_losses,
        examples_seen=seen,
        batch_size=batch_size,
    )
