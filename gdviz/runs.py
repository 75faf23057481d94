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

from dataclasses import dataclass, field

import numpy as np

from .batches import batches_per_epoch, check_batch_size, minibatches

MAX_LOSS_GROWTH = 1e6
"""A run has diverged once ``|loss − loss_0|`` exceeds ``MAX_LOSS_GROWTH · max(1, |loss_0|)``.

Upwards that is a blow-up; downwards it is a loss without a floor (the saddle ``x² − y²``)
running off to minus infinity, which would overflow a few hundred steps later."""


@dataclass(frozen=True)
class Path:
    """A descent path, one row per visited point (row 0 is the start).

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

    @property
    def steps(self) -> int:
        """The number of steps taken (for one run: until it stopped)."""
        return len(self.points) - 1

    def __repr__(self) -> str:
        what = f"{self.steps} steps of {self.optimizer} on {self.objective}"
        if np.ndim(self.diverged):
            count = int(np.sum(self.diverged))
            return f"Path({what}, {self.points.shape[1]} runs, {count} diverged)"
        if self.diverged:
            return f"Path({what}: diverged at step {self.diverged_at})"
        return f"Path({what}: loss {self.losses[0]:.3g} → {self.losses[-1]:.3g})"


def _name(obj) -> str:
    return getattr(obj, "name", type(obj).__name__)


def _check_steps(steps, what: str = "steps") -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"{what} must be a whole number >= 0; got {steps!r}")
    return int(steps)


def _check_start(objective, start) -> np.ndarray:
    if start is None:
        start = getattr(objective, "start", None)
        if start is None:
            raise ValueError(f"{_name(objective)} has no default start: pass start=")
    start = np.array(start, dtype=float)
    if start.ndim == 0 or not np.all(np.isfinite(start)):
        raise ValueError(f"start must be a finite point (or a stack of points); got {start!r}")
    return start


def _is_bad(points, losses, grads, loss0) -> np.ndarray:
    return (
        ~np.all(np.isfinite(points), axis=-1)
        | ~np.isfinite(losses)
        | ~np.all(np.isfinite(grads), axis=-1)
        | (np.abs(losses - loss0) > MAX_LOSS_GROWTH * np.maximum(1.0, np.abs(loss0)))
    )


def _finish(points, losses, grads, diverged_at, batched: bool, **info) -> Path:
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
        return Path(points, losses, grads, diverged_at >= 0, diverged_at, **info)
    stop = int(diverged_at[()])
    if stop < 0:
        return Path(points, losses, grads, False, None, **info)
    extra = {k: v[:stop] if isinstance(v, np.ndarray) else v for k, v in info.items()}
    return Path(points[:stop], losses[:stop], grads[:stop], True, stop, **extra)


def descend(objective, optimizer, start=None, steps: int = 100) -> Path:
    """Run ``optimizer`` on ``objective`` for ``steps`` steps from ``start``.

    Parameters
    ----------
    objective : Surface or problem
        Anything with ``objective(params)`` (the loss) and ``objective.grad(params)``.
    optimizer : Optimizer
        From :mod:`gdviz.optimizers`. Its hyper-parameters may be arrays of shape
        ``(k, 1)`` to give each of ``k`` runs its own setting.
    start : array_like, optional
        Shape ``(d,)`` for one run or ``(k, d)`` for ``k`` runs; ``objective.start`` if None.
    steps : int
        How many updates to make.

    Returns
    -------
    Path
        A run diverges at the first step where the point, the loss or the gradient is
        not finite, or the loss moves more than ``1e6 · max(1, |loss_0|)`` away from
        its start, up or (for a loss without a floor) down (:data:`MAX_LOSS_GROWTH`). A single run stops there and keeps its prefix; with
        several runs the others go on. No numpy warning is emitted either way.
    """
    steps = _check_steps(steps)
    x = _check_start(objective, start)
    # hyper-parameters of shape (k, 1) turn one start into k runs
    shapes = [np.shape(v) for v in optimizer.hyperparameters().values()]
    x = np.array(np.broadcast_to(x, np.broadcast_shapes(x.shape, *shapes)))
    batched = x.ndim > 1
    with np.errstate(all="ignore"):
        state = optimizer.init(x)
        loss = np.asarray(objective(x), dtype=float)
        grad = np.asarray(objective.grad(x), dtype=float)
        points = np.full((steps + 1, *x.shape), np.nan)
        losses = np.full((steps + 1, *loss.shape), np.nan)
        grads = np.full_like(points, np.nan)
        points[0], losses[0], grads[0] = x, loss, grad
        loss0 = loss
        diverged_at = np.where(_is_bad(x, loss, grad, loss0), 0, -1)
        for t in range(1, steps + 1):
            if np.all(diverged_at >= 0):
                break
            hessian = objective.hessian(x) if optimizer.needs_hessian else None
            x, state = optimizer.step(x, grad, state, hessian=hessian)
            loss = np.asarray(objective(x), dtype=float)
            grad = np.asarray(objective.grad(x), dtype=float)
            points[t], losses[t], grads[t] = x, loss, grad
            newly = (diverged_at < 0) & _is_bad(x, loss, grad, loss0)
            diverged_at = np.where(newly, t, diverged_at)
    return _finish(
        points,
        losses,
        grads,
        diverged_at,
        batched,
        optimizer=repr(optimizer),
        objective=_name(objective),
    )


def minibatch_descend(
    problem,
    optimizer,
    start=None,
    batch_size: int = 32,
    steps: int | None = None,
    epochs: int | None = None,
    seed: int = 0,
) -> Path:
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
        One run's start, shape ``(d,)``; ``problem.start`` if None.
    batch_size : int
        Examples per batch, a whole number in ``[1, problem.n]``.
    steps, epochs : int
        How long to run: give exactly one. ``epochs`` means that many passes over the data.
    seed : int
        Seeds the shuffles: the same seed gives the same path.

    Returns
    -------
    Path
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
        steps = _check_steps(epochs, "epochs") * batches_per_epoch(problem.n, batch_size)
    steps = _check_steps(steps)
    x = _check_start(problem, start)
    if x.ndim != 1:
        raise ValueError(f"minibatch_descend runs one start of shape (d,); got shape {x.shape}")
    sampler = minibatches(problem.n, batch_size, np.random.default_rng(seed))
    points = np.full((steps + 1, *x.shape), np.nan)
    grads = np.full_like(points, np.nan)
    losses = np.full(steps + 1, np.nan)
    batch_losses = np.full(steps + 1, np.nan)
    seen = np.zeros(steps + 1, dtype=int)
    diverged_at = np.array(-1)
    with np.errstate(all="ignore"):
        state = optimizer.init(x)
        batch = next(sampler)
        grad = np.asarray(problem.grad(x, batch), dtype=float)
        points[0], losses[0], grads[0] = x, problem.loss(x), grad
        batch_losses[0] = problem.loss(x, batch)
        for t in range(1, steps + 1):
            hessian = problem.hessian(x, batch) if optimizer.needs_hessian else None
            x, state = optimizer.step(x, grad, state, hessian=hessian)
            seen[t] = seen[t - 1] + len(batch)
            # the next batch and its gradient: what the optimizer will use from here
            batch = next(sampler)
            grad = np.asarray(problem.grad(x, batch), dtype=float)
            points[t], losses[t], grads[t] = x, problem.loss(x), grad
            batch_losses[t] = problem.loss(x, batch)
            if _is_bad(x, losses[t], grad, losses[0]):
                diverged_at = np.array(t)
                break
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
