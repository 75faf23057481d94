"""Self-checks for lesson 01, "Following the gradient".

The exercises use the tilted bowl ``f(x, y) = x² + xy + 3y²`` (:func:`exercise_surface`):

1. write its gradient, worked out by hand, as a function ``grad_f(x, y)`` returning
   ``(∂f/∂x, ∂f/∂y)``; :func:`check_gradient` compares it with the true gradient at a few
   points and names the likely slip (the sign, the power rule, the cross term ``xy``, …);
2. give the direction of steepest descent at ``(1, 1)`` as a unit vector;
   :func:`check_steepest_descent` says whether it points the right way and has length 1.

Examples
--------
>>> import numpy as np
>>> check_gradient(lambda x, y: np.array([2 * x + y, x + 6 * y]))  # doctest: +ELLIPSIS
Correct: ...
>>> check_gradient(lambda x, y: np.array([2 * x, 6 * y]))  # doctest: +ELLIPSIS
Not yet: the cross term is missing...
>>> check_steepest_descent(np.array([-3.0, -7.0]) / np.sqrt(58))  # doctest: +ELLIPSIS
Correct: ...
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..surfaces import Surface
from ._toolkit import (
    Feedback,
    as_pair,
    attempt,
    is_placeholder,
    matches,
    not_attempted,
    raised,
    returned_none,
    same,
)

FORMULA = "f(x, y) = x² + xy + 3y²"
POINT = (1.0, 1.0)
"""Where :func:`check_steepest_descent` asks for the direction of steepest descent."""

# Points where a gradient is compared: chosen so that each slip below differs from the truth
# and from every other slip at at least one of them.
_POINTS = ((1.0, 2.0), (-1.5, 0.5), (0.25, -2.0))


def _f(x, y):
    return x * x + x * y + 3 * y * y


def _grad(x, y):
    return np.array([2 * x + y, x + 6 * y])


def exercise_surface() -> Surface:
    """The tilted bowl ``x² + xy + 3y²`` of the exercises, as a :class:`~gdviz.surfaces.Surface`."""
    return Surface(
        lambda p: _f(p[..., 0], p[..., 1]),
        lambda p: np.stack([2 * p[..., 0] + p[..., 1], p[..., 0] + 6 * p[..., 1]], -1),
        lambda p: np.broadcast_to(np.array([[2.0, 1.0], [1.0, 6.0]]), (*p.shape[:-1], 2, 2)).copy(),
        name="tilted bowl",
        latex=r"x^2 + xy + 3y^2",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=[[0.0, 0.0]],
        start=[1.0, 1.0],
    )


# Likely slips: (the gradient the student wrote, the hint that names the slip), checked in order.
_SLIPS: tuple[tuple[Callable, str], ...] = (
    (
        lambda x, y: -_grad(x, y),
        "wrong sign: you wrote −∇f, the way *downhill*. The gradient itself points uphill, "
        "so both components need the opposite sign.",
    ),
    (
        lambda x, y: _grad(x, y)[::-1],
        "the two components are swapped: return (∂f/∂x, ∂f/∂y), the x-derivative first.",
    ),
    (
        lambda x, y: np.array([2 * x, 6 * y]),
        "the cross term is missing: xy changes with x *and* with y, so it adds something to "
        "*both* components. Differentiate it once with respect to x (y held fixed) and once "
        "with respect to y (x held fixed).",
    ),
    (
        lambda x, y: np.array([3 * x, 7 * y]),
        "the cross term's derivative is off: when you differentiate xy with respect to x, "
        "y is a constant, like the 3 in 3x. Which variable is left standing then, and which "
        "one for ∂/∂y?",
    ),
    (
        lambda x, y: np.array([x + y, x + 3 * y]),
        "off by a factor of 2 in the squared terms: the power rule, d(uⁿ)/du = n·uⁿ⁻¹, "
        "brings the exponent down as a factor. Apply it to x² and to 3y² again.",
    ),
    (
        lambda x, y: np.array([2 * x + y, x + 2 * y]),
        "the coefficient 3 of 3y² got lost in ∂f/∂y: a constant factor stays in front when "
        "you differentiate, and the power rule's factor multiplies it.",
    ),
    (
        lambda x, y: np.array([2 * x + y, x + 3 * y]),
        "∂f/∂y is short of a factor: in 3y² the power rule brings down the exponent, and it "
        "multiplies the 3 that is already there.",
    ),
    (
        lambda x, y: np.array([x * x + x * y, x * y + 3 * y * y]),
        "these look like pieces of f itself, not its derivatives: differentiate each term. "
        "For ∂f/∂x, treat y as a constant: a term without x, such as 3y², has derivative 0.",
    ),
)


def check_gradient(grad_f: Callable) -> Feedback:
    """Check ``grad_f(x, y) -> (∂f/∂x, ∂f/∂y)`` for ``f(x, y) = x² + xy + 3y²``.

    ``grad_f`` is called at three points with plain floats. A wrong answer gets a hint
    naming the likely slip; an unfinished cell (a ``...`` left in it), an exception or a
    result that is not two numbers gets a hint too. Never raises.
    """
    if is_placeholder(grad_f):
        return not_attempted("`grad_f`")
    if not callable(grad_f):
        return Feedback(
            False,
            f"`grad_f` should be a function of x and y (`def grad_f(x, y): ...`); "
            f"got {type(grad_f).__name__}.",
        )
    answers = []
    for x, y in _POINTS:
        result = attempt(grad_f, {"x": x, "y": y})
        if result.error is not None:
            return raised(
                result.error,
                grad_f,
                f"`grad_f({x}, {y})`",
                "Return the two partial derivatives, e.g. `np.array([df_dx, df_dy])`.",
            )
        value = result.value
        if is_placeholder(value):
            return not_attempted("`grad_f`")
        if value is None:
            return returned_none("grad_f", "np.array([df_dx, df_dy])")
        pair = as_pair(value)
        if pair is None:
            return Feedback(
                False,
                f"grad_f({x}, {y}) returned {value!r}: it should return two finite numbers, "
                "(∂f/∂x, ∂f/∂y), e.g. `np.array([df_dx, df_dy])`.",
            )
        answers.append(pair)
    if matches(_grad, _POINTS, answers):
        return Feedback(
            True,
            "∇f(x, y) = (2x + y, x + 6y). At (1, 2), for example, it is (4, 13): "
            "uphill, mostly along y, where the bowl is steeper.",
        )
    for slip, hint in _SLIPS:
        if matches(slip, _POINTS, answers):
            return Feedback(False, hint)
    right = [
        all(same(a[i], _grad(x, y)[i]) for (x, y), a in zip(_POINTS, answers, strict=True))
        for i in (0, 1)
    ]
    (x, y), got = _POINTS[0], answers[0]
    if right[0]:
        return Feedback(
            False,
            f"∂f/∂x is right, ∂f/∂y is not (at ({x:g}, {y:g}) you give {got[1]:g}). "
            "Differentiate each term of x² + xy + 3y² with respect to y, treating x as a constant.",
        )
    if right[1]:
        return Feedback(
            False,
            f"∂f/∂y is right, ∂f/∂x is not (at ({x:g}, {y:g}) you give {got[0]:g}). "
            "Differentiate each term of x² + xy + 3y² with respect to x, treating y as a constant.",
        )
    return Feedback(
        False,
        f"at ({x:g}, {y:g}) you give ({got[0]:g}, {got[1]:g}). Differentiate term by term: "
        "x² with respect to x, xy once for each variable, 3y² with respect to y.",
    )


def check_steepest_descent(direction) -> Feedback:
    """Check the direction of steepest descent of ``x² + xy + 3y²`` at (1, 1), as a unit vector.

    The answer is ``−∇f / |∇f|`` with ``∇f(1, 1) = (3, 7)``. Rounded answers (three
    decimals) count. Never raises.
    """
    if is_placeholder(direction):
        return not_attempted("`steepest_descent`")
    d = as_pair(direction)
    if d is None:
        return Feedback(
            False,
            f"give the direction as two finite numbers, e.g. `np.array([dx, dy])`; got {direction!r}.",
        )
    length = float(np.linalg.norm(d))
    if length == 0:
        return Feedback(False, "the zero vector has no direction: start from −∇f(1, 1).")
    downhill = -_grad(*POINT) / np.linalg.norm(_grad(*POINT))
    cosine = float(np.clip(d @ downhill / length, -1.0, 1.0))
    angle = float(np.degrees(np.arccos(cosine)))
    if angle > 179.5:
        return Feedback(
            False,
            "this points straight *uphill*, along +∇f: that is the direction of steepest ascent. "
            "Flip the sign.",
        )
    if abs(angle - 90) < 3:
        return Feedback(
            False,
            "this runs along the contour through (1, 1), where the slope is zero: the height "
            "does not change at all. Steepest descent is at right angles to that, along −∇f.",
        )
    if abs(float(d @ np.array([-1.0, -1.0])) / (length * np.sqrt(2)) - 1) < 1e-4:
        return Feedback(
            False,
            f"this points straight at the minimum (0, 0), but that is {angle:.0f}° away from "
            "the steepest way down: the gradient only knows the slope under your feet, and on "
            "a tilted bowl that does not point at the bottom. Evaluate your gradient from (a) "
            "at (1, 1) and use the rule of section 3: steepest descent is −∇f, scaled to "
            "length 1.",
        )
    if 0.5 < angle <= 2:
        return Feedback(
            False,
            f"very close: {angle:.1f}° away from the steepest way down, the size of gap that "
            "rounding leaves. Round less: give three decimals, or let numpy compute it from "
            "the gradient at (1, 1).",
        )
    if angle > 0.5:
        return Feedback(
            False,
            f"this is {angle:.0f}° away from the steepest way down. Evaluate your gradient "
            "from (a) at (1, 1): steepest descent points along −∇f there, scaled to length 1.",
        )
    if abs(length - 1) > 5e-3 and abs(length - 1) < 0.02:
        return Feedback(
            False,
            f"the right direction, and its length {length:.3f} is nearly 1: that looks rounded "
            "too far. Round less: give three decimals, or let numpy compute it.",
        )
    if abs(length - 1) > 5e-3:
        return Feedback(
            False,
            f"the right direction, but its length is {length:.3g}, not 1: divide the vector by "
            "its own length, |v| = √(v₁² + v₂²), to make it a unit vector.",
        )
    dx, dy = (f"{v:.3f}".replace("-", "−") for v in downhill)
    return Feedback(
        True,
        f"−∇f/|∇f| = ({dx}, {dy}). Along it the slope is −|∇f| = −√58 ≈ "
        f"−{np.sqrt(58):.2f}, the most negative of all directions.",
    )
