"""Numerical gradients by finite differences, and the gradient check.

The analytical gradient is exact and fast but easy to get wrong when derived by hand;
the numerical one is slow (two evaluations of ``f`` per coordinate) and approximate,
but hard to get wrong. The gradient check compares the two.

Examples
--------
>>> import numpy as np
>>> f = lambda w: np.sum(w ** 2)
>>> w = np.array([1.0, -2.0, 3.0])
>>> np.round(numerical_gradient(f, w), 6)
array([ 2., -4.,  6.])
>>> gradient_check(f, lambda w: 2 * w, w).passed
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

METHODS = ("forward", "central", "complex")

# CS231n's reading of the relative error |a - n| / max(|a|, |n|), from worst to best.
VERDICTS = (
    (1e-2, "probably wrong"),
    (1e-4, "uncomfortable: look closer"),
    (1e-7, "acceptable only where the function has kinks"),
    (0.0, "good"),
)


def _check_step(h: float) -> float:
    h = float(h)
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a finite number > 0; got {h!r}")
    return h


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}")
    return method


def _scalar(value, f: Callable) -> complex | float:
    if np.ndim(value) != 0:
        raise ValueError(
            f"f must return a single number (the loss); {f!r} returned shape {np.shape(value)}"
        )
    return value[()] if isinstance(value, np.ndarray) else value


def _partial(f: Callable, x: np.ndarray, index: tuple, h: float, method: str, fx=None) -> float:
    """One partial derivative by finite differences, perturbing ``x[index]`` in place.

    ``x[index]`` is restored exactly, even when ``f`` raises.
    """
    old = x[index]
    try:
        if method == "complex":
            x[index] = old + 1j * h
            return float(np.imag(_scalar(f(x), f)) / h)
        x[index] = old + h
        f_plus = _scalar(f(x), f)
        if method == "forward":
            return float((f_plus - fx) / h)
        x[index] = old - h
        f_minus = _scalar(f(x), f)
        return float((f_plus - f_minus) / (2 * h))
    finally:
        x[index] = old


def _working_array(x, method: str) -> np.ndarray:
    """The array to perturb: ``x`` itself when it can hold the perturbation, else a copy."""
    if method == "complex":
        # A real array cannot hold x + ih: work on a complex copy, so x is never touched.
        return np.array(x, dtype=complex)
    if isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating) and x.flags.writeable:
        return x
    return np.array(x, dtype=float)


def numerical_gradient(
    f: Callable[[np.ndarray], float], x, h: float = 1e-5, method: str = "central"
) -> np.ndarray:
    """The gradient of ``f`` at ``x`` by finite differences, one coordinate at a time.

    Parameters
    ----------
    f : callable
        The function; takes an array shaped like ``x`` and returns a number.
    x : array_like
        The point, of any shape (a weight matrix ``W`` too). A float array is perturbed
        in place, one entry at a time, and every entry is restored, even when ``f``
        raises. For ``method="complex"`` a complex copy is perturbed instead.
    h : float
        The step. Too large and the truncation error grows; too small and round-off does.
    method : {"forward", "central", "complex"}
        ``(f(x+h) − f(x)) / h`` (error O(h)); ``(f(x+h) − f(x−h)) / 2h`` (error O(h²));
        or the complex step ``Im f(x + ih) / h`` (error O(h²) but no subtraction, so
        ``h`` can be tiny, like 1e-20, and the result exact to machine precision) for
        real-analytic ``f`` that accept complex input.

    Returns
    -------
    ndarray
        The gradient, shaped like ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda x: np.sin(x).sum()
    >>> x = np.array([0.0, 1.0])
    >>> float(abs(numerical_gradient(f, x, method="forward")[1] - np.cos(1.0))) < 1e-4
    True
    >>> float(abs(numerical_gradient(f, x, h=1e-20, method="complex")[1] - np.cos(1.0))) < 1e-15
    True
    """
    h = _check_step(h)
    method = _check_method(method)
    work = _working_array(x, method)
    fx = _scalar(f(work), f) if method == "forward" else None
    grad = np.empty(work.shape, dtype=float)
    for index in np.ndindex(work.shape):
        grad[index] = _partial(f, work, index, h, method, fx)
    return grad


def relative_error(analytical, numerical) -> np.ndarray:
    """``|a − n| / max(|a|, |n|)``, elementwise, and 0 where both are 0.

    Examples
    --------
    >>> relative_error([1.0, 0.0, 2.0], [1.1, 0.0, -2.0])
    array([0.09090909, 0.        , 2.        ])
    """
    a = np.asarray(analytical, dtype=float)
    n = np.asarray(numerical, dtype=float)
    scale = np.maximum(np.abs(a), np.abs(n))
    diff = np.abs(a - n)
    return np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)


def verdict(rel_error: float) -> str:
    """CS231n's reading of a relative error, in words."""
    if not np.isfinite(rel_error):
        return "probably wrong"
    return next(words for bound, words in VERDICTS if rel_error >= bound)


@dataclass(frozen=True)
class GradientCheck:
    """The result of :func:`gradient_check`: one row per checked coordinate."""

    indices: tuple[tuple[int, ...], ...]
    analytical: np.ndarray
    numerical: np.ndarray
    rel_errors: np.ndarray
    h: float
    method: str
    tol: float

    @property
    def max_rel_error(self) -> float:
        """The worst relative error over the checked coordinates."""
        return float(np.max(self.rel_errors)) if self.rel_errors.size else 0.0

    @property
    def verdict(self) -> str:
        """The worst relative error, read with CS231n's thresholds."""
        return verdict(self.max_rel_error)

    @property
    def passed(self) -> bool:
        """True when the worst relative error is below ``tol``."""
        return self.max_rel_error < self.tol

    def __repr__(self) -> str:
        return self.table()

    def table(self, max_rows: int = 10) -> str:
        """The check as a small text table, worst coordinates first when rows are cut."""
        order = np.arange(len(self.indices))
        if len(order) > max_rows:
            order = np.sort(np.argsort(-self.rel_errors, kind="stable")[:max_rows])
        lines = [
            f"gradient check ({self.method} differences, h={self.h:g}): "
            f"{'PASSED' if self.passed else 'FAILED'} (tol {self.tol:g})",
            f"{'index':>10}  {'analytical':>13}  {'numerical':>13}  {'rel. error':>10}",
        ]
        for i in order:
            index = ",".join(str(j) for j in self.indices[i])
            lines.append(
                f"{index:>10}  {self.analytical[i]:>13.6g}  {self.numerical[i]:>13.6g}"
                f"  {self.rel_errors[i]:>10.2e}"
            )
        if len(order) < len(self.indices):
            lines.append(f"  ({len(self.indices) - len(order)} more rows with smaller errors)")
        lines.append(f"max relative error {self.max_rel_error:.2e}: {self.verdict}")
        return "\n".join(lines)


def gradient_check(
    f: Callable[[np.ndarray], float],
    grad,
    x,
    h: float = 1e-5,
    n_checks: int | None = None,
    seed: int = 0,
    tol: float = 1e-5,
    method: str = "central",
) -> GradientCheck:
    """Compare an analytical gradient with finite differences.

    Parameters
    ----------
    f : callable
        The function, taking an array shaped like ``x`` and returning a number.
    grad : callable or array_like
        The analytical gradient: a function of ``x``, or its value at ``x``.
    x : array_like
        Where to check. Left exactly as it was.
    h : float
        The finite-difference step.
    n_checks : int, optional
        Check only this many coordinates, drawn at random (reproducibly, from ``seed``)
        without replacement; all coordinates if None.
    seed : int
        Seed for choosing the coordinates.
    tol : float
        ``passed`` is True when the largest relative error is below ``tol``.
    method : {"central", "forward", "complex"}
        The finite difference; central is the usual choice.

    Returns
    -------
    GradientCheck
        Per-coordinate values and relative errors, ``max_rel_error``, ``verdict``, ``passed``.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda w: np.sum(w ** 3)
    >>> wrong = lambda w: 3 * w          # should be 3 * w ** 2
    >>> check = gradient_check(f, wrong, np.array([1.0, 2.0]))
    >>> check.passed, check.verdict
    (False, 'probably wrong')
    """
    h = _check_step(h)
    method = _check_method(method)
    tol = float(tol)
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a finite number > 0; got {tol!r}")
    work = _working_array(x, method)
    original = np.array(work, copy=True)
    analytical = np.asarray(grad(original.copy()) if callable(grad) else grad, dtype=float)
    if analytical.shape != work.shape:
        raise ValueError(
            f"the analytical gradient has shape {analytical.shape}, but x has shape {work.shape}"
        )
    all_indices = list(np.ndindex(work.shape))
    if n_checks is not None:
        if isinstance(n_checks, bool) or not isinstance(n_checks, int | np.integer) or n_checks < 1:
            raise ValueError(f"n_checks must be a whole number >= 1 or None; got {n_checks!r}")
        rng = np.random.default_rng(seed)
        chosen = rng.choice(len(all_indices), size=min(n_checks, len(all_indices)), replace=False)
        all_indices = [all_indices[i] for i in np.sort(chosen)]
    fx = _scalar(f(work), f) if method == "forward" else None
    numerical = np.array([_partial(f, work, index, h, method, fx) for index in all_indices])
    picked = np.array([analytical[index] for index in all_indices])
    return GradientCheck(
        indices=tuple(tuple(int(j) for j in index) for index in all_indices),
        analytical=picked,
        numerical=numerical,
        rel_errors=relative_error(picked, numerical),
        h=h,
        method=method,
        tol=tol,
    )
