"""One small validation layer: declared constraints and one message format.

In the style of scikit-learn's parameter constraints: a public function declares what
each parameter accepts with :func:`validate_params`, and every refusal reads the same,
``"<name> must be <what is allowed>; got <value>"``. A value of the wrong type raises
``TypeError``, a value of the right type outside what is allowed raises ``ValueError``.
The declarations are kept (:data:`DECLARED`), so the tests generate bad values from them
(:meth:`Interval.bad_values`) instead of listing them by hand.

Examples
--------
>>> check_whole("steps", 3, low=0)
3
>>> check_whole("steps", 2.5, low=0)
Traceback (most recent call last):
...
TypeError: steps must be a whole number >= 0; got 2.5 (a float)
>>> check_number("lr", -1, low=0, closed="neither")
Traceback (most recent call last):
...
ValueError: lr must be a finite number > 0; got -1
>>> check_point("start", [1.0, float("nan")])
Traceback (most recent call last):
...
ValueError: start must be a point of finite numbers; got nan at index 1 of [ 1. nan]
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from numbers import Integral, Real

import numpy as np

CLOSED = ("both", "left", "right", "neither")

DECLARED: dict[str, Callable] = {}
"""Every function (or ``__init__``) declared with :func:`validate_params`, by qualified name."""


def _type_name(value) -> str:
    return "a bool" if isinstance(value, bool | np.bool_) else f"a {type(value).__name__}"


def _format(value) -> str:
    return f"{value!r}" if np.ndim(value) == 0 else np.array2string(np.asarray(value))


class Interval:
    """Numbers of one kind (``Integral`` or ``Real``) in an interval; ``None`` for no bound.

    Parameters
    ----------
    kind : {numbers.Integral, numbers.Real}
        Whole numbers only, or any real number (bools are neither: ``lr=True`` is refused).
    left, right : float or None
        The bounds; None leaves that side open to infinity. Real values must be finite.
    closed : {"both", "left", "right", "neither"}
        Which bounds belong to the interval.
    allow_none : bool
        Whether ``None`` is accepted too (and passed on as it is).
    arrays : bool
        Whether an array of such numbers is accepted (every entry is checked).

    Examples
    --------
    >>> Interval(Real, 0, 1, closed="left").describe()
    'a finite number in [0, 1)'
    >>> Interval(Integral, 1, None).check("n_checks", 4)
    4
    """

    def __init__(
        self,
        kind: type,
        left: float | None,
        right: float | None,
        closed: str = "both",
        *,
        allow_none: bool = False,
        arrays: bool = False,
    ) -> None:
        if kind not in (Integral, Real):
            raise TypeError(f"kind must be numbers.Integral or numbers.Real; got {kind!r}")
        if closed not in CLOSED:
            raise ValueError(f"closed must be one of {', '.join(CLOSED)}; got {closed!r}")
        self.kind, self.left, self.right, self.closed = kind, left, right, closed
        self.allow_none, self.arrays = allow_none, arrays

    def _bound(self, value: float) -> str:
        return f"{int(value)}" if self.kind is Integral else f"{value:g}"

    def describe(self) -> str:
        """What the interval allows, in words, for error messages."""
        what = "a whole number" if self.kind is Integral else "a finite number"
        low_in = self.closed in ("both", "left")
        high_in = self.closed in ("both", "right")
        if self.left is not None and self.right is not None:
            left, right = self._bound(self.left), self._bound(self.right)
            bounds = f"{'[' if low_in else '('}{left}, {right}{']' if high_in else ')'}"
            text = f"{what} in {bounds}"
        elif self.left is not None:
            text = f"{what} {'>=' if low_in else '>'} {self._bound(self.left)}"
        elif self.right is not None:
            text = f"{what} {'<=' if high_in else '<'} {self._bound(self.right)}"
        else:
            text = what
        return f"{text} or None" if self.allow_none else text

    def _inside(self, arr: np.ndarray) -> np.ndarray:
        ok = np.isfinite(arr)
        if self.left is not None:
            ok &= arr >= self.left if self.closed in ("both", "left") else arr > self.left
        if self.right is not None:
            ok &= arr <= self.right if self.closed in ("both", "right") else arr < self.right
        return ok

    def check(self, name: str, value):
        """``value`` as an int, a float or a float array, or an error naming ``name``."""
        if value is None and self.allow_none:
            return None
        message = f"{name} must be {self.describe()}"
        if self.arrays and not np.isscalar(value) and not isinstance(value, Integral | Real):
            arr = np.asarray(value) if not isinstance(value, str) else np.asarray(None)
            if arr.dtype.kind not in "iuf":
                raise TypeError(f"{message}; got {_format(value)} ({_type_name(value)})")
            arr = arr.astype(float)
            bad = ~self._inside(arr)
            if bad.any():
                position = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
                where = f" (at index {position} of the array)" if arr.ndim else ""
                raise ValueError(f"{message}; got {float(arr[position])!r}{where}")
            return arr
        integral = isinstance(value, Integral) and not isinstance(value, bool | np.bool_)
        real = integral or (isinstance(value, Real) and not isinstance(value, bool | np.bool_))
        if not (integral if self.kind is Integral else real):
            raise TypeError(f"{message}; got {_format(value)} ({_type_name(value)})")
        number = int(value) if self.kind is Integral else float(value)
        if not self._inside(np.asarray(float(number))):
            raise ValueError(f"{message}; got {value!r}")
        return number

    def bad_values(self) -> list[tuple[object, type[Exception]]]:
        """Values this interval refuses, each with the error it raises: for generated tests."""
        bad: list[tuple[object, type[Exception]]] = [("1", TypeError), (True, TypeError)]
        # a float is the wrong type for a whole number, NaN and inf too
        not_finite = TypeError if self.kind is Integral else ValueError
        bad += [(1j, TypeError), (float("nan"), not_finite), (float("inf"), not_finite)]
        if not self.allow_none:
            bad.append((None, TypeError))
        if self.kind is Integral:
            bad.append((2.5, TypeError))
        if self.left is not None:
            bad.append((self.left - 1, ValueError))
            if self.closed in ("right", "neither"):
                bad.append((self.left, ValueError))
        if self.right is not None:
            bad.append((self.right + 1, ValueError))
            if self.closed in ("left", "neither"):
                bad.append((self.right, ValueError))
        if self.arrays:
            bad.append((["a", "b"], TypeError))
            bad.append(([self.good_value(), float("nan")], ValueError))
        return bad

    def good_value(self):
        """One value the interval accepts."""
        if self.left is not None:
            low = self.left + (0 if self.closed in ("both", "left") else 1)
            if self.right is not None:
                low = (self.left + self.right) / 2 if self.kind is Real else low
            return int(low) if self.kind is Integral else float(low)
        if self.right is not None:
            return int(self.right) - 1 if self.kind is Integral else float(self.right) - 1
        return 1 if self.kind is Integral else 1.0

    def __repr__(self) -> str:
        return f"Interval({self.describe()})"


class Options:
    """One of a few strings, like a method's name.

    Examples
    --------
    >>> Options(("central", "forward")).check("method", "backward")
    Traceback (most recent call last):
    ...
    ValueError: method must be one of: 'central', 'forward'; got 'backward'
    """

    def __init__(self, choices: Sequence[str]) -> None:
        self.choices = tuple(choices)

    def describe(self) -> str:
        return "one of: " + ", ".join(repr(c) for c in self.choices)

    def check(self, name: str, value) -> str:
        if not isinstance(value, str):
            raise TypeError(
                f"{name} must be {self.describe()}; got {value!r} ({_type_name(value)})"
            )
        if value not in self.choices:
            raise ValueError(f"{name} must be {self.describe()}; got {value!r}")
        return value

    def bad_values(self) -> list[tuple[object, type[Exception]]]:
        return [("no such option", ValueError), (None, TypeError), (1, TypeError)]

    def __repr__(self) -> str:
        return f"Options({self.describe()})"


def check_whole(name: str, value, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int if it is a whole number in ``[low, high]``; else an error naming it."""
    return Interval(Integral, low, high).check(name, value)


def check_number(
    name: str, value, low: float | None = None, high: float | None = None, closed: str = "both"
) -> float:
    """``value`` as a float if it is a finite real number in the interval; else an error."""
    return Interval(Real, low, high, closed).check(name, value)


def check_point(
    name: str, value, *, ndim: tuple[int, ...] | None = (1,), size: int | None = None
) -> np.ndarray:
    """``value`` as a new float64 array of finite numbers (a copy: the caller's is never touched).

    Parameters
    ----------
    name : str
        The parameter, for the message.
    value : array_like
        Real numbers (bools, strings and complex numbers raise ``TypeError``).
    ndim : tuple of int, optional
        The numbers of dimensions allowed: ``(1,)`` for one point, ``(1, 2)`` for a point
        or a stack of points; None for any shape.
    size : int, optional
        The length of the last axis, when it is fixed (2 for a point on a surface).
    """
    arr = np.asarray(value) if not isinstance(value, str) else np.asarray(None)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a point of real numbers; got {_format(value)} of dtype {arr.dtype}"
        )
    arr = arr.astype(np.float64, copy=True)
    if ndim is not None and arr.ndim not in ndim:
        shapes = {0: "a number", 1: "a point of shape (d,)", 2: "a stack of points (k, d)"}
        allowed = " or ".join(shapes.get(n, f"{n}-D array") for n in ndim)
        raise ValueError(f"{name} must be {allowed}; got shape {arr.shape}")
    if size is not None and (arr.ndim == 0 or arr.shape[-1] != size):
        raise ValueError(
            f"{name} must have {size} coordinates in its last axis; got shape {arr.shape}"
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        position = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f" at index {position[0] if len(position) == 1 else position} of {_format(arr)}"
        raise ValueError(
            f"{name} must be a point of finite numbers; got {float(arr[position])!r}{where if arr.ndim else ''}"
        )
    return arr


def validate_params(**constraints) -> Callable[[Callable], Callable]:
    """Declare the constraints of a function's parameters; check (and convert) them on each call.

    The checked values replace the given ones (``steps=np.int64(3)`` arrives as ``3``).
    The declarations stay readable as ``func.parameter_constraints``.

    Examples
    --------
    >>> @validate_params(n=Interval(Integral, 1, None))
    ... def repeat(word, n=2):
    ...     return word * n
    >>> repeat("ab", n=3)
    'ababab'
    >>> repeat("ab", n=0)
    Traceback (most recent call last):
    ...
    ValueError: n must be a whole number >= 1; got 0
    """

    def decorate(func: Callable) -> Callable:
        signature = inspect.signature(func)
        unknown = set(constraints) - set(signature.parameters)
        if unknown:
            raise TypeError(f"{func.__qualname__} has no parameters {sorted(unknown)}")

        @functools.wraps(func)
        def checked(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            for name, constraint in constraints.items():
                if name in bound.arguments:
                    bound.arguments[name] = constraint.check(name, bound.arguments[name])
            return func(*bound.args, **bound.kwargs)

        checked.parameter_constraints = dict(constraints)
        DECLARED[f"{func.__module__}.{func.__qualname__}"] = checked
        return checked

    return decorate
