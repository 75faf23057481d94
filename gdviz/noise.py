"""Mini-batch gradient noise: the cloud of batch gradients around the full gradient.

A mini-batch gradient is the mean of ``B`` per-example gradients drawn without
replacement, so it scatters around the full gradient (its mean) with a spread of

    σ / √B · √((n − B) / (n − 1)),

where ``σ²`` is the total variance of the per-example gradients: about ``1/√B`` while
``B`` is small next to ``n``, and exactly 0 when the batch is the whole data set.

Examples
--------
>>> from gdviz import problems
>>> line = problems.linear_regression(n=1024, seed=0)
>>> small = gradient_cloud(line, [0.0, 0.0], batch_size=4)
>>> large = gradient_cloud(line, [0.0, 0.0], batch_size=64)
>>> round(small.spread / large.spread)      # √(64 / 4) = 4
4
>>> gradient_cloud(line, [0.0, 0.0], batch_size=1024).spread
0.0
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np

from .batches import check_batch_size
from .validation import Interval, check_point, validate_params

MAX_BATCHES = 100_000
"""The most batches :func:`gradient_cloud` draws (a cloud of 200 is plenty to see)."""


@dataclass(frozen=True)
class GradientCloud:
    """The result of :func:`gradient_cloud`.

    Attributes
    ----------
    params : ndarray
        Where the gradients were taken.
    full : ndarray
        The gradient over all the data, shape ``(d,)``.
    grads : ndarray
        One mini-batch gradient per row, shape ``(n_batches, d)``.
    batch_size : int
    """

    params: np.ndarray
    full: np.ndarray
    grads: np.ndarray
    batch_size: int

    @property
    def mean(self) -> np.ndarray:
        """The mean of the batch gradients: close to :attr:`full` (they are unbiased)."""
        return self.grads.mean(axis=0)

    @property
    def spread(self) -> float:
        """The root-mean-square distance of the batch gradients from the full gradient."""
        return float(np.sqrt(np.mean(np.sum((self.grads - self.full) ** 2, axis=-1))))

    def __repr__(self) -> str:
        return (
            f"GradientCloud({len(self.grads)} batches of {self.batch_size}: "
            f"|full gradient| {np.linalg.norm(self.full):.3g}, spread {self.spread:.3g})"
        )


@validate_params(n_batches=Interval(Integral, 1, MAX_BATCHES), seed=Interval(Integral, 0, None))
def gradient_cloud(
    problem, params, batch_size: int, n_batches: int = 200, seed: int = 0
) -> GradientCloud:
    """The gradients of ``n_batches`` random mini-batches at ``params``, and the full gradient.

    Parameters
    ----------
    problem : problem
        Has ``n`` and ``grad(params, batch)``, like :func:`gdviz.problems.linear_regression`.
    params : array_like
        The point, shape ``(d,)``.
    batch_size : int
        Examples per batch, in ``[1, problem.n]``.
    n_batches : int
        How many batches to draw, at most :data:`MAX_BATCHES`. Each is ``batch_size`` distinct examples; batches are
        drawn independently of each other.
    seed : int
        Seeds the draws: the same seed gives the same cloud. A whole number >= 0.

    Returns
    -------
    GradientCloud
        ``grads``, ``full``, their ``mean`` and ``spread``.

    Examples
    --------
    >>> from gdviz import problems
    >>> cloud = gradient_cloud(problems.linear_regression(), [1.0, 0.0], batch_size=32)
    >>> cloud.grads.shape
    (200, 2)
    >>> bool(abs(cloud.mean - cloud.full).max() < cloud.spread / 5)    # unbiased
    True
    """
    params = check_point("params", params, ndim=(1,))
    return gradient_clouds(problem, params[None], batch_size, n_batches=n_batches, seed=seed)[0]


@validate_params(n_batches=Interval(Integral, 1, MAX_BATCHES), seed=Interval(Integral, 0, None))
def gradient_clouds(
    problem, points, batch_size: int, n_batches: int = 200, seed: int = 0
) -> list[GradientCloud]:
    """:func:`gradient_cloud` at each of ``points``, with the same batches at every point.

    The batches drawn from ``seed`` do not depend on the point, so the cloud at each point
    is exactly the one :func:`gradient_cloud` gives there with the same ``seed``; here each
    batch's gradient is taken at all the points in one call (the problem's ``grad``
    accepts a stack of points), which is what makes the clouds of a whole run cheap.

    Parameters
    ----------
    problem : problem
        Has ``n`` and ``grad(params, batch)`` for ``params`` of shape ``(k, d)``.
    points : array_like
        Shape ``(k, d)``: the points, say every point of a run.
    batch_size, n_batches, seed
        As in :func:`gradient_cloud`.

    Returns
    -------
    list of GradientCloud
        One per point.

    Examples
    --------
    >>> from gdviz import problems
    >>> line = problems.linear_regression()
    >>> clouds = gradient_clouds(line, [[1.0, 0.0], [0.0, 1.0]], batch_size=32)
    >>> np.array_equal(clouds[1].grads, gradient_cloud(line, [0.0, 1.0], 32).grads)
    True
    """
    batch_size = check_batch_size(batch_size, problem.n)
    points = check_point("points", points, ndim=(2,))
    full = np.asarray(problem.grad(points), dtype=float)
    if batch_size == problem.n:
        # the only batch of n distinct examples is the whole data set
        grads = np.repeat(full[:, None], n_batches, axis=1)
    else:
        rng = np.random.default_rng(seed)
        batches = [rng.choice(problem.n, size=batch_size, replace=False) for _ in range(n_batches)]
        grads = np.stack([problem.grad(points, batch) for batch in batches], axis=1)
        grads = np.asarray(grads, dtype=float)
    return [
        GradientCloud(params=point, full=here, grads=cloud, batch_size=batch_size)
        for point, here, cloud in zip(points, full, grads, strict=True)
    ]
