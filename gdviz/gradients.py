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
from numbers import Integral, Real

import numpy as np

from .validation import Interval, Options, check_point, validate_params

METHODS = ("forward", "central", "complex")

# CS231n's reading of the relative error |a - n| / max(|a|, |n|), from worst to best.
VERDICTS = (
    (1e-2, "probably wrong"),
    (1e-4, "uncomfortable: look closer"),
    (1e-7, "acceptable only where the function has kinks"),
    (0.0, "good"),
)

ATOL = 1e-7
"""The default absolute floor of :func:`gradient_check` (see there for why this value)."""

_STEP = Interval(Real, 0, None, closed="neither")
_METHOD = Options(METHODS)


def _scalar(value, f: Callable, *, complex_ok: bool = False) -> complex | float:
    """The single number ``f`` returned, or an error saying what it returned instead."""
    if np.ndim(value) != 0:
        raise ValueError(
            f"f must return a single number (the loss); {f!r} returned shape {np.shape(value)}"
        )
    value = value[()] if isinstance(value, np.ndarray) else value
    if np.iscomplexobj(value) and not complex_ok:
        if np.imag(value) != 0:
            raise ValueError(
                f"f must return a real number at a real point; {f!r} returned {value!r} "
                f"(its imaginary part would be dropped)"
            )
        return float(np.real(value))
    if not isinstance(value, complex | Real | np.number):
        raise TypeError(f"f must return a number (the loss); {f!r} returned {value!r}")
    return value


def _partial(f: Callable, x: np.ndarray, index: tuple, h: float, method: str, fx=None) -> float:
    """One partial derivative by finite differences at ``x`` (float64, never modified).

    ``f`` is handed a fresh copy of ``x`` with one entry moved, so whatever ``f`` does to
    its argument cannot change ``x`` or the next evaluation.
    """

    def at(shift):
        point = x.astype(complex) if method == "complex" else x.copy()
        point[index] = x[index] + shift
        return _scalar(f(point), f, complex_ok=method == "complex")

    # a loss that overflows gives an infinite or NaN estimate, which every check then fails
    with np.errstate(all="ignore"):
        if method == "complex":
            return float(np.imag(at(1j * h)) / h)
        f_plus = at(h)
        if method == "forward":
            return float((f_plus - fx) / h)
        return float((f_plus - at(-h)) / (2 * h))


def _float64_point(x, h: float, method: str) -> np.ndarray:
    """``x`` as a float64 copy, refused when it is not finite or ``h`` vanishes next to it."""
    work = check_point("x", x, ndim=None)
    if method != "complex":
        # x + h == x would give a derivative of exactly 0, silently
        lost = (work + h == work) | (work - h == work)
        if lost.any():
            position = tuple(int(i) for i in np.argwhere(lost)[0])
            raise ValueError(
                f"h must be large enough that x + h differs from x in float64; got h={h!r}, "
                f"which rounds away at x{list(position)} = {float(work[position])!r} "
                f"(use h > {np.spacing(abs(work[position])):.2g} there)"
            )
    return work


@validate_params(h=_STEP, method=_METHOD)
def numerical_gradient(
    f: Callable[[np.ndarray], float], x, h: float = 1e-5, method: str = "central"
) -> np.ndarray:
    """The gradient of ``f`` at ``x`` by finite differences, one coordinate at a time.

    Parameters
    ----------
    f : callable
        The function; takes an array shaped like ``x`` and returns a number.
    x : array_like
        The point, of any shape (a weight matrix ``W`` too), of finite real numbers. It is
        never modified: ``f`` is handed a new float64 copy for every evaluation, with one
        entry moved, so even an ``f`` that writes into its argument changes nothing.
    h : float
        The step. Too large and the truncation error grows; too small and round-off does.
        A step so small that ``x + h`` rounds to ``x`` raises ``ValueError``.
    method : {"forward", "central", "complex"}
        ``(f(x+h) − f(x)) / h`` (error O(h)); ``(f(x+h) − f(x−h)) / 2h`` (error O(h²));
        or the complex step ``Im f(x + ih) / h`` (error O(h²) but no subtraction, so
        ``h`` can be tiny, like 1e-20, and the result exact to machine precision) for
        real-analytic ``f`` that accept complex input.

    Returns
    -------
    ndarray
        The gradient in float64, shaped like ``x``. The arithmetic is float64 whatever the
        dtype of ``x`` (a float16 or float32 ``x`` is converted first): in single precision
        the round-off of ``f(x + h) − f(x − h)`` swamps the derivative, which is why CS231n
        asks for double precision in gradient checks.

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
    work = _float64_point(x, h, method)
    fx = _scalar(f(work.copy()), f) if method == "forward" else None
    grad = np.empty(work.shape, dtype=float)
    for index in np.ndindex(work.shape):
        grad[index] = _partial(f, work, index, h, method, fx)
    return grad


def relative_error(analytical, numerical) -> np.ndarray:
    """``|a − n| / max(|a|, |n|)``, elementwise; 0 where both are 0, inf where either is not finite.

    A NaN or infinite value is never close to anything, not even to another infinity: a
    gradient check must fail on it.

    Examples
    --------
    >>> relative_error([1.0, 0.0, 2.0], [1.1, 0.0, -2.0])
    array([0.09090909, 0.        , 2.        ])
    >>> relative_error([float("nan"), 1.0], [float("inf"), float("inf")])
    array([inf, inf])
    """
    a = np.asarray(analytical, dtype=float)
    n = np.asarray(numerical, dtype=float)
    finite = np.isfinite(a) & np.isfinite(n)
    with np.errstate(all="ignore"):
        scale = np.maximum(np.abs(a), np.abs(n))
        diff = np.abs(a - n)
        rel = np.divide(diff, scale, out=np.zeros_like(diff), where=finite & (scale > 0))
    return np.where(finite, rel, np.inf)


def verdict(rel_error: float) -> str:
    """CS231n's reading of a relative error, in words."""
    if not np.isfinite(rel_error):
        return "probably wrong"
    return next(words for bound, words in VERDICTS if rel_error >= bound)


@dataclass(frozen=True)
class GradientCheck:
    """The result of :func:`gradient_check`: one row per checked coordinate.

    Each row is judged by one of two criteria (:attr:`criteria`): ``"relative"``, the
    relative error below ``tol``; or, where the gradient is so small that the absolute
    floor ``atol`` is larger than ``tol`` times it (``max(|a|, |n|) < atol / tol``),
    ``"absolute"``: ``|a − n| <= atol``.
    """

    indices: tuple[tuple[int, ...], ...]
    analytical: np.ndarray
    numerical: np.ndarray
    rel_errors: np.ndarray
    h: float
    method: str
    tol: float
    atol: float = 0.0

    @property
    def abs_errors(self) -> np.ndarray:
        """``|a − n|`` per row (inf where either is not finite)."""
        with np.errstate(all="ignore"):
            diff = np.abs(self.analytical - self.numerical)
        return np.where(np.isfinite(diff), diff, np.inf)

    @property
    def criteria(self) -> tuple[str, ...]:
        """Per row, ``"absolute"`` where the floor ``atol`` decides, else ``"relative"``."""
        with np.errstate(all="ignore"):
            scale = np.maximum(np.abs(self.analytical), np.abs(self.numerical))
        small = np.isfinite(scale) & (self.tol * scale < self.atol)
        return tuple("absolute" if s else "relative" for s in small)

    @property
    def row_passed(self) -> np.ndarray:
        """Per row, whether it passed its criterion."""
        absolute = np.array([c == "absolute" for c in self.criteria], dtype=bool)
        return np.where(absolute, self.abs_errors <= self.atol, self.rel_errors < self.tol)

    @property
    def max_rel_error(self) -> float:
        """The worst relative error over the rows that count.

        A row that passed by the absolute floor is left out: there both values are within
        the finite difference's own noise, and their relative error means nothing.
        """
        relative = np.array([c == "relative" for c in self.criteria], dtype=bool)
        counted = self.rel_errors[relative | ~self.row_passed]
        return float(np.max(counted)) if counted.size else 0.0

    @property
    def verdict(self) -> str:
        """The worst relative error, read with CS231n's thresholds."""
        return verdict(self.max_rel_error)

    @property
    def passed(self) -> bool:
        """True when every row passed its criterion (see :attr:`criteria`)."""
        return bool(np.all(self.row_passed))

    def __repr__(self) -> str:
        return self.table()

    def table(self, max_rows: int = 10) -> str:
        """The check as a small text table, worst coordinates first when rows are cut.

        The last column says which criterion judged the row: ``rel`` (relative error
        < ``tol``) or ``abs`` (absolute error <= ``atol``, for a gradient that small).
        """
        order = np.arange(len(self.indices))
        if len(order) > max_rows:
            order = np.sort(np.argsort(-self.rel_errors, kind="stable")[:max_rows])
        criteria, ok = self.criteria, self.row_passed
        lines = [
            f"gradient check ({self.method} differences, h={self.h:g}): "
            f"{'PASSED' if self.passed else 'FAILED'} (tol {self.tol:g}, floor {self.atol:g})",
            f"{'index':>10}  {'analytical':>13}  {'numerical':>13}  {'rel. error':>10}"
            f"  {'abs. error':>10}  test",
        ]
        for i in order:
            index = ",".join(str(j) for j in self.indices[i])
            test = ("abs" if criteria[i] == "absolute" else "rel") + ("" if ok[i] else " FAIL")
            lines.append(
                f"{index:>10}  {self.analytical[i]:>13.6g}  {self.numerical[i]:>13.6g}"
                f"  {self.rel_errors[i]:>10.2e}  {self.abs_errors[i]:>10.2e}  {test}"
            )
        if len(order) < len(self.indices):
            lines.append(f"  ({len(self.indices) - len(order)} more rows with smaller errors)")
        judged = " (abs rows that passed left out)" if "absolute" in criteria else ""
        lines.append(f"max relative error{judged} {self.max_rel_error:.2e}: {self.verdict}")
        if "absolute" in criteria:
            lines.append(
                f"(abs: |gradient| < {self.atol / self.tol:g}, judged by |a − n| <= {self.atol:g}, "
                f"the finite difference's own accuracy)"
            )
        return "\n".join(lines)


def _real_gradient(value, shape: tuple[int, ...]) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"the analytical gradient must be real numbers; got an array of dtype {arr.dtype}"
        )
    arr = arr.astype(float)
    if arr.shape != shape:
        raise ValueError(f"the analytical gradient has shape {arr.shape}, but x has shape {shape}")
    return arr


@validate_params(
    h=_STEP,
    n_checks=Interval(Integral, 1, None, allow_none=True),
    seed=Interval(Integral, 0, None),
    tol=Interval(Real, 0, None, closed="neither"),
    method=_METHOD,
    atol=Interval(Real, 0, None),
)
def gradient_check(
    f: Callable[[np.ndarray], float],
    grad,
    x,
    h: float = 1e-5,
    n_checks: int | None = None,
    seed: int = 0,
    tol: float = 1e-5,
    method: str = "central",
    atol: float = ATOL,
) -> GradientCheck:
    """Compare an analytical gradient with finite differences.

    Parameters
    ----------
    f : callable
        The function, taking an array shaped like ``x`` and returning a number.
    grad : callable or array_like
        The analytical gradient: a function of ``x``, or its value at ``x``.
    x : array_like
        Where to check: finite real numbers. Left exactly as it was: ``f`` and ``grad``
        are handed float64 copies (see :func:`numerical_gradient`).
    h : float
        The finite-difference step.
    n_checks : int, optional
        Check only this many coordinates, drawn at random (reproducibly, from ``seed``)
        without replacement; all coordinates if None.
    seed : int
        Seed for choosing the coordinates.
    tol : float
        A row passes when its relative error is below ``tol``.
    method : {"central", "forward", "complex"}
        The finite difference; central is the usual choice.
    atol : float
        The absolute floor (new; 1e-7 by default, 0 gives the old purely relative check).
        Where the gradient is smaller than ``atol / tol`` (1e-2 by default) a row passes
        when ``|a − n| <= atol`` instead. At a minimum the true gradient is 0 and the
        numerical one is only the finite difference's error, about
        ``h²|f‴|/6 + ε|f|/h`` (4e-8 for Rosenbrock's valley at its minimum with
        ``h=1e-5``): the relative error of a *correct* gradient is then 1. CS231n's rule
        passes the case where both are exactly 0; numpy's ``allclose`` has the same two
        tests, ``|a − n| <= atol + rtol·|n|``, with an ``atol`` (1e-8) its documentation
        warns must suit the values at hand. 1e-7 covers the central difference's error
        at the default step on the lessons' functions; :attr:`GradientCheck.criteria` and
        the table say which test judged each row.

    Returns
    -------
    GradientCheck
        Per-coordinate values and errors, ``criteria``, ``max_rel_error``, ``verdict``,
        ``passed``. A NaN or infinite value, analytical or numerical, always fails.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda w: np.sum(w ** 3)
    >>> wrong = lambda w: 3 * w          # should be 3 * w ** 2
    >>> check = gradient_check(f, wrong, np.array([1.0, 2.0]))
    >>> check.passed, check.verdict
    (False, 'probably wrong')
    >>> rosenbrock = lambda w: (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
    >>> at_minimum = gradient_check(rosenbrock, np.zeros(2), np.array([1.0, 1.0]))
    >>> at_minimum.passed, at_minimum.criteria
    (True, ('absolute', 'absolute'))
    """
    work = _float64_point(x, h, method)
    analytical = _real_gradient(grad(work.copy()) if callable(grad) else grad, work.shape)
    all_indices = list(np.ndindex(work.shape))
    if n_checks is not None:
        rng = np.random.default_rng(seed)
        chosen = rng.choice(len(all_indices), size=min(n_checks, len(all_indices)), replace=False)
        all_indices = [all_indices[i] for i in np.sort(chosen)]
    fx = _scalar(f(work.copy()), f) if method == "forward" else None
    numerical = np.array(
        [_partial(f, work, index, h, method, fx) for index in all_indices], dtype=float
    )
    picked = np.array([analytical[index] for index in all_indices], dtype=float)
    return GradientCheck(
        indices=tuple(tuple(int(j) for j in index) for index in all_indices),
        analytical=picked,
        numerical=numerical,
        rel_errors=relative_error(picked, numerical),
        h=h,
        method=method,
        tol=tol,
        atol=atol,
    )


PRECISIONS = ("float64", "float32")

STEP_RANGE = (1e-16, 1.0)
"""The default range of ``h`` in :func:`difference_errors`: round-off at the left, truncation at the right."""


def _check_precision(precision: str) -> np.dtype:
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; choose one of: {', '.join(PRECISIONS)}")
    return np.dtype(precision)


def _values(f: Callable, points: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``f`` at ``points``, rounded to ``dtype`` (as if ``f`` had computed in that precision)."""
    try:
        values = np.asarray(f(points))
    except TypeError as error:
        if np.iscomplexobj(points):
            raise ValueError(
                f"f cannot take complex input, so the complex step does not apply to it "
                f"(it needs f written with numpy functions, like np.sin or **): {error}"
            ) from error
        raise
    if values.shape != points.shape:
        raise ValueError(
            f"f must work elementwise on numpy arrays (like np.sin); given shape {points.shape} "
            f"it returned shape {values.shape}"
        )
    return values.astype(dtype)


def difference_quotient(
    f: Callable,
    x: float,
    h: float | np.ndarray,
    method: str = "central",
    precision: str = "float64",
) -> np.ndarray:
    """Estimate ``f′(x)`` of a function of one variable by finite differences, for each step ``h``.

    Parameters
    ----------
    f : callable
        Works elementwise on numpy arrays, like ``np.sin``; for ``method="complex"`` it
        must accept complex arrays too.
    x : float
        Where to differentiate. In float32 it is first rounded to float32.
    h : float or array_like
        One step or many (all > 0).
    method : {"central", "forward", "complex"}
        See :func:`numerical_gradient`.
    precision : {"float64", "float32"}
        The arithmetic: ``x``, ``h`` and the values of ``f`` are rounded to it, so in
        float32 the round-off error appears about 10⁹ times sooner.

    Returns
    -------
    ndarray
        The estimates (as float64), shaped like ``h``. Where ``h`` is too small for the
        precision (``x + h`` rounds to ``x``) the forward and central estimates are 0.

    Examples
    --------
    >>> import numpy as np
    >>> estimates = difference_quotient(np.sin, 1.0, [1e-1, 1e-3], method="forward")
    >>> np.round(estimates - np.cos(1.0), 5)
    array([-0.04294, -0.00042])
    >>> float(difference_quotient(np.sin, 1.0, 1e-4, precision="float32")) != float(np.cos(1.0))
    True
    """
    method = _METHOD.check("method", method)
    real = _check_precision(precision)
    steps = np.asarray(h, dtype=float)
    if not np.all(np.isfinite(steps) & (steps > 0)):
        raise ValueError(f"h must be finite numbers > 0; got {h!r}")
    x_r = real.type(x)
    h_r = steps.astype(real)
    if np.any(h_r == 0):
        raise ValueError(f"h is too small for {precision}: it rounds to 0 there; got {h!r}")
    if method == "complex":
        complex_type = np.result_type(real, np.complex64)
        z = np.empty(h_r.shape, dtype=complex_type)
        z.real, z.imag = x_r, h_r
        return (_values(f, z, complex_type).imag / h_r).astype(float)
    f_plus = _values(f, x_r + h_r, real)
    if method == "forward":
        f_here = _values(f, np.full_like(h_r, x_r), real)
        return ((f_plus - f_here) / h_r).astype(float)
    f_minus = _values(f, x_r - h_r, real)
    return ((f_plus - f_minus) / (2 * h_r)).astype(float)


@dataclass(frozen=True)
class DifferenceErrors:
    """The result of :func:`difference_errors`: ``|estimate − f′(x)|`` against ``h``.

    Attributes
    ----------
    x : float
    derivative : dict
        The exact ``f′`` for each precision, at ``x`` as that precision rounds it.
    hs : ndarray
        The steps, increasing.
    errors : dict
        ``errors[method, precision]``: the absolute error for each step in ``hs``.
    """

    x: float
    derivative: dict[str, float]
    hs: np.ndarray
    errors: dict[tuple[str, str], np.ndarray]

    def best_h(self, method: str, precision: str = "float64") -> float:
        """The step with the smallest error (the smallest such step when several tie)."""
        return float(self.hs[np.argmin(self.errors[method, precision])])

    def at(self, h: float) -> dict[tuple[str, str], float]:
        """Each curve's error at the step in ``hs`` nearest to ``h`` (on a log scale)."""
        i = int(np.argmin(np.abs(np.log(self.hs) - np.log(h))))
        return {key: float(curve[i]) for key, curve in self.errors.items()}


def difference_errors(
    f: Callable,
    df: Callable,
    x: float,
    hs: np.ndarray | None = None,
    methods: tuple[str, ...] = METHODS,
    precisions: tuple[str, ...] = PRECISIONS,
) -> DifferenceErrors:
    """How far finite differences fall from the exact derivative, as ``h`` shrinks.

    Two errors compete. Truncation: a secant is not a tangent; it shrinks like ``h``
    (forward) or ``h²`` (central, complex). Round-off: ``f(x + h) − f(x)`` subtracts two
    nearly equal rounded numbers; it grows like ``ε/h`` with the machine epsilon ``ε``
    (about 1e-16 in float64, 1e-7 in float32). The complex step subtracts nothing, so
    its error keeps falling until it is exact.

    Parameters
    ----------
    f : callable
        A function of one variable, elementwise on numpy arrays (like ``np.sin``).
    df : callable
        Its exact derivative.
    x : float
        Where to differentiate.
    hs : array_like, optional
        The steps to try; 161 log-spaced steps over :data:`STEP_RANGE` if None.
    methods : sequence of {"forward", "central", "complex"}
    precisions : sequence of {"float64", "float32"}

    Returns
    -------
    DifferenceErrors

    Examples
    --------
    >>> import numpy as np
    >>> errors = difference_errors(np.exp, np.exp, 0.5)
    >>> errors.best_h("forward") < errors.best_h("forward", "float32")
    True
    >>> 1e-7 < errors.best_h("central") < 1e-4     # the textbook h ≈ ε^(1/3)
    True
    """
    if not callable(f) or not callable(df):
        raise ValueError("f and its derivative df must both be callables of one variable")
    x = float(x)
    if not np.isfinite(x):
        raise ValueError(f"x must be a finite number; got {x!r}")
    hs = np.geomspace(*STEP_RANGE, 161) if hs is None else np.sort(np.asarray(hs, dtype=float))
    derivative, errors = {}, {}
    for precision in precisions:
        _check_precision(precision)
        # compare with f′ where the evaluations really are: at x rounded to this precision
        derivative[precision] = float(df(float(np.dtype(precision).type(x))))
        for method in methods:
            estimates = difference_quotient(f, x, hs, method, precision)
            errors[method, precision] = np.abs(estimates - derivative[precision])
    return DifferenceErrors(x=x, derivative=derivative, hs=hs, errors=errors)
