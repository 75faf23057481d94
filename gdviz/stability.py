"""Stability of gradient descent: curvature, the largest stable step size, slider stops.

On a quadratic, gradient descent with step size ``lr`` converges iff ``lr < 2/λ_max``,
where ``λ_max`` is the Hessian's largest eigenvalue; momentum's limit is ``2(1 + β)/λ_max``.
Each optimizer class knows its own limit (:meth:`gdviz.optimizers.Optimizer.stability_limit`);
this module finds the curvature on a surface and places step sizes around the limit (the
stops of the explorers' step-size sliders).

Examples
--------
>>> from gdviz import surfaces
>>> bowl = surfaces.get("quadratic")
>>> largest_curvature(bowl, bowl.start), stability_limit("gd", {}, 10.0)
(10.0, (0.2, '2/λ_max'))
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from . import optimizers
from .surfaces import Surface

STOPS_PER_DECADE = 20
"""The grid default step sizes are rounded to (:func:`snap`); the race's sliders stop on it."""


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


def stop_exponents(
    low: float, high: float, value: float, *, stops_per_decade: float, anchor: float
) -> np.ndarray:
    """Exponents of 10 of the stops ``anchor + k / stops_per_decade`` covering [low, high] and ``value``.

    Examples
    --------
    >>> stops = 10 ** stop_exponents(0.03, 0.9, 0.1, stops_per_decade=10, anchor=math.log10(0.2))
    >>> len(stops), [round(float(s), 4) for s in (stops[0], stops[9], stops[-1])]
    (17, [0.0252, 0.2, 1.0024])
    """
    low, high = min(low, value), max(high, value)
    first = math.floor((math.log10(low) - anchor) * stops_per_decade + 1e-9)
    last = math.ceil((math.log10(high) - anchor) * stops_per_decade - 1e-9)
    return anchor + np.arange(first, last + 1) / stops_per_decade
