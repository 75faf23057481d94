"""Self-checks for lesson 03, "Gradient descent".

Two exercises:

1. Write the descent loop yourself, returning every visited point, start first::

       def my_descent(grad, w, step_size, steps):
           w = np.array(w, dtype=float)
           points = [w.copy()]
           for _ in range(steps):
               w += -step_size * grad(w)
               points.append(w.copy())
           return np.array(points)

   and check it with :func:`check_descent_loop`.

2. Predict, for the tilted bowl ``surfaces.get("quadratic", condition=5, angle=30)``, the
   largest stable step size (:func:`check_stability_limit`) and the best step size
   (:func:`check_best_step`) from the eigenvalues of its Hessian.

A wrong answer gets a hint naming the likely slip (the sign of the step, the missing
start, one list entry aliased by every row, the smallest eigenvalue used instead of the
largest, a factor 2, …).

Examples
--------
>>> import numpy as np
>>> def my_descent(grad, w, step_size, steps):
...     w = np.array(w, dtype=float)
...     points = [w.copy()]
...     for _ in range(steps):
...         w += -step_size * grad(w)
...         points.append(w.copy())
...     return np.array(points)
>>> check_descent_loop(my_descent)  # doctest: +ELLIPSIS
✅ Correct: ...
>>> check_stability_limit(2.0)  # doctest: +ELLIPSIS
❌ Not yet: ...smallest eigenvalue...
"""

from __future__ import annotations

import numpy as np

from ..surfaces import quadratic
from . import Feedback, not_attempted

# The loop exercise: a tilted bowl (so x and y interact), a start, a step size, a count.
_LOOP_BOWL = quadratic(condition=4.0, angle=20.0)
_LOOP_START = np.array([1.0, -2.0])
_LOOP_STEP_SIZE = 0.15
_LOOP_STEPS = 7

EXERCISE_CONDITION = 5.0
"""The condition number of the bowl in the step-size exercise (Hessian eigenvalues 1 and 5)."""
EXERCISE_ANGLE = 30.0
"""The rotation of that bowl, in degrees (so the Hessian is not diagonal)."""
SECTION_ONE_EIGENVALUES = (1.0, 2.0)
"""The Hessian eigenvalues of the lesson's first bowl, ½(x² + 2y²), still named `bowl` there."""

# Answers within this relative distance of the truth count as right (0.4 typed by hand
# and 2 / 5.000000000000001 computed are both fine).
_REL_TOL = 0.01


def _reference_path(step_size: float, steps: int, *, sign: float = -1.0) -> np.ndarray:
    w = _LOOP_START.copy()
    points = [w.copy()]
    for _ in range(steps):
        w = w + sign * step_size * _LOOP_BOWL.grad(w)
        points.append(w.copy())
    return np.array(points)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))


def check_descent_loop(my_descent) -> Feedback:
    """Check a student's ``my_descent(grad, w, step_size, steps)``.

    It must return an array of shape ``(steps + 1, 2)``: the start, then the point after
    each update ``w += -step_size * grad(w)``. It is run on a tilted quadratic bowl of
    its own, from a copy of the start (the caller's array is never at risk).
    """
    if my_descent is None or my_descent is Ellipsis:
        return not_attempted("`my_descent`")
    if not callable(my_descent):
        return Feedback(
            False, f"`my_descent` should be a function; got {type(my_descent).__name__}."
        )
    calls = []

    def grad(w):
        calls.append(np.array(w, dtype=float))
        return _LOOP_BOWL.grad(w)

    start = _LOOP_START.copy()
    given = start.copy()
    try:
        with np.errstate(all="ignore"):
            out = my_descent(grad, given, _LOOP_STEP_SIZE, _LOOP_STEPS)
    except Exception as exc:  # a student's bug is feedback, not a crash
        if isinstance(exc, TypeError) and "not callable" in str(exc) and len(calls) == 1:
            return Feedback(
                False,
                "the function `grad` was called once, then replaced: `grad = grad(w)` stores the "
                "gradient under the name of the function. Call the result something else, e.g. "
                "`g = grad(w)`, or write `w += -step_size * grad(w)`.",
            )
        return Feedback(False, f"`my_descent` raised {type(exc).__name__}: {exc}")
    if out is None or out is Ellipsis:
        if not calls:
            return not_attempted("`my_descent`")
        return Feedback(
            False, "`my_descent` returned nothing: end it with `return np.array(points)`."
        )
    try:
        points = np.array(out, dtype=float)
    except (TypeError, ValueError):
        return Feedback(
            False, "return the points as one array of numbers: `return np.array(points)`."
        )
    steps = _LOOP_STEPS
    right = _reference_path(_LOOP_STEP_SIZE, steps)
    if not calls and points.shape[:1] in ((0,), (1,)):
        return not_attempted("the loop in `my_descent`")
    if not np.array_equal(given, start):
        return Feedback(
            False,
            "your function changed the caller's `w`: begin with `w = np.array(w, dtype=float)`, "
            "a copy that is yours to update in place.",
        )
    if points.ndim != 2 or points.shape[1] != 2:
        return Feedback(
            False,
            f"expected one row per point, shape ({steps + 1}, 2) for {steps} steps; "
            f"got shape {points.shape}.",
        )
    if _same(points, right[1:]):
        return Feedback(
            False, "the start is missing: row 0 should be the starting point, before any step."
        )
    if _same(points, right[:-1]):
        return Feedback(False, f"one step short: {steps} steps give {steps + 1} points.")
    if _same(points, _reference_path(_LOOP_STEP_SIZE, steps + 1)):
        return Feedback(False, f"one step too many: {steps} steps give {steps + 1} points.")
    if len(points) == steps + 1 and _same(points[1:], np.tile(right[-1], (steps, 1))):
        return Feedback(
            False,
            "the rows after the start are all the final point: `w += ...` changes `w` in place, "
            "so appending `w` "
            "itself stores the same array again and again. Append a copy: `points.append(w.copy())`.",
        )
    if points.shape != right.shape:
        return Feedback(
            False,
            f"expected one row per point, shape ({steps + 1}, 2) for {steps} steps; "
            f"got shape {points.shape}.",
        )
    if _same(points, _reference_path(_LOOP_STEP_SIZE, steps, sign=+1.0)):
        return Feedback(
            False,
            "wrong sign: your path climbs. The gradient points uphill, so each step must go "
            "against it: look at the sign in front of `step_size`.",
        )
    if _same(points, _reference_path(1.0, steps)):
        return Feedback(
            False,
            "the step size is missing: each step moved by the whole gradient. Scale the "
            "gradient by `step_size` first.",
        )
    frozen = _LOOP_START - _LOOP_STEP_SIZE * np.arange(steps + 1)[:, None] * _LOOP_BOWL.grad(
        _LOOP_START
    )
    if _same(points, frozen):
        return Feedback(
            False,
            "every step used the gradient at the start: compute `grad(w)` again at each new point.",
        )
    wrong_rows = np.flatnonzero(~np.all(np.isclose(points, right, rtol=1e-9, atol=1e-12), axis=1))
    if len(wrong_rows):
        return Feedback(
            False,
            f"row {wrong_rows[0]} differs from gradient descent's (rows before it are right). "
            "Each step moves `w` against the gradient at the current `w`, scaled by "
            "`step_size`, and nothing else.",
        )
    return Feedback(
        True,
        f"{steps} steps of `w += -step_size * grad(w)`, start included: {steps + 1} points, "
        "exactly the path `gdviz.descend` takes.",
    )


def _as_number(answer, name: str):
    """``(value, None)`` for a usable positive number, else ``(None, Feedback)``."""
    if answer is None or answer is Ellipsis:
        return None, not_attempted(f"`{name}`")
    try:
        value = float(np.asarray(answer, dtype=float))
    except (TypeError, ValueError):
        return None, Feedback(False, f"`{name}` should be one number; got {answer!r}.")
    if not np.isfinite(value) or value <= 0:
        return None, Feedback(False, f"a step size is a number > 0; got {value:g}.")
    return value, None


def _close(value: float, target: float) -> bool:
    return abs(value - target) <= _REL_TOL * abs(target)


def _exercise_eigenvalues() -> tuple[float, float, np.ndarray]:
    bowl = quadratic(condition=EXERCISE_CONDITION, angle=EXERCISE_ANGLE)
    hessian = bowl.hessian([0.0, 0.0])
    lam_min, lam_max = np.linalg.eigvalsh(hessian)
    return float(lam_min), float(lam_max), np.diag(hessian)


def check_stability_limit(limit) -> Feedback:
    """Check the largest stable step size of ``quadratic(condition=5, angle=30)``: 2/λ_max = 0.4."""
    value, problem = _as_number(limit, "limit")
    if problem is not None:
        return problem
    lam_min, lam_max, diagonal = _exercise_eigenvalues()
    truth = 2 / lam_max
    if _close(value, truth):
        return Feedback(
            True,
            f"2/λ_max = 2/{lam_max:.3g} = {truth:.3g}. Below it every direction shrinks; "
            f"above it the steep direction grows by |1 − lr·{lam_max:.3g}| > 1 each step.",
        )
    if _close(value, 2 / max(SECTION_ONE_EIGENVALUES)):
        return Feedback(
            False,
            f"{value:.3g} = 2/2: that is the limit of `bowl`, the round bowl of section 1 "
            "(eigenvalues 1 and 2), not of this one. Use `tilted.hessian(tilted.start)`. "
            "(If the 2 came from the tilted bowl's Hessian instead, note that the diagonal "
            "entries of a rotated bowl's Hessian are not its eigenvalues.)",
        )
    if _close(value, 2 / lam_min):
        return Feedback(
            False,
            "that is 2/λ with the smallest eigenvalue. Every direction must shrink, and the "
            "steepest one (the largest eigenvalue) is the first to overshoot.",
        )
    if _close(value, 1 / lam_max):
        return Feedback(
            False,
            "off by a factor 2: at 1/λ_max the steep direction reaches the bottom in one step. "
            "A larger step overshoots, but the overshoot still shrinks while |1 − lr·λ_max| < 1.",
        )
    if _close(value, 2 / (lam_min + lam_max)):
        return Feedback(
            False,
            "that is the *best* step size, 2/(λ_min + λ_max). The limit is larger: the point "
            "where the steep direction stops shrinking.",
        )
    if any(_close(value, 2 / d) for d in diagonal):
        return Feedback(
            False,
            "the diagonal entries of a rotated bowl's Hessian are not its eigenvalues. "
            "Use `np.linalg.eigvalsh(hessian)` and the largest of them.",
        )
    if _close(value, 1 / lam_min):
        return Feedback(
            False,
            "that uses the smallest eigenvalue, and a factor 2 is missing too: the limit is 2/λ_max.",
        )
    return Feedback(
        False,
        f"not quite ({value:.3g}). In the direction of an eigenvalue λ one step multiplies the "
        "distance to the minimum by (1 − lr·λ); find the lr at which that reaches −1 for the "
        "largest eigenvalue.",
    )


def check_best_step(best) -> Feedback:
    """Check the best step size of ``quadratic(condition=5, angle=30)``: 2/(λ_min + λ_max) = 1/3."""
    value, problem = _as_number(best, "best")
    if problem is not None:
        return problem
    lam_min, lam_max, _ = _exercise_eigenvalues()
    truth = 2 / (lam_min + lam_max)
    rate = (lam_max - lam_min) / (lam_max + lam_min)
    if _close(value, truth):
        return Feedback(
            True,
            f"2/(λ_min + λ_max) = 2/{lam_min + lam_max:.3g} = {truth:.3g}: both directions then "
            f"shrink by the same factor {rate:.3g} per step, and no step size does better.",
        )
    if _close(value, 2 / sum(SECTION_ONE_EIGENVALUES)):
        return Feedback(
            False,
            f"{value:.3g} = 2/(1 + 2): that is the best step of `bowl`, the round bowl of "
            "section 1 (eigenvalues 1 and 2), not of this one. Use "
            "`tilted.hessian(tilted.start)`.",
        )
    if _close(value, 2 / lam_max):
        return Feedback(
            False,
            "that is the stability limit: there the steep direction no longer shrinks at all. "
            "The best step balances the two directions.",
        )
    if _close(value, 1 / lam_max):
        return Feedback(
            False,
            "at 1/λ_max the steep direction converges in one step, but the shallow one crawls "
            f"(factor 1 − λ_min/λ_max = {1 - lam_min / lam_max:.3g}). A bit larger is better: make "
            "|1 − lr·λ_min| equal to |1 − lr·λ_max|.",
        )
    if _close(value, 1 / lam_min) or _close(value, 2 / lam_min):
        return Feedback(
            False,
            "that step is made for the shallow direction only, and the steep direction diverges "
            "there. Balance both: |1 − lr·λ_min| = |1 − lr·λ_max|.",
        )
    if _close(value, 1 / (lam_min + lam_max)):
        return Feedback(False, "off by a factor 2: solve 1 − lr·λ_min = lr·λ_max − 1 for lr.")
    return Feedback(
        False,
        f"not quite ({value:.3g}). The slowest direction sets the speed: choose lr so that "
        "|1 − lr·λ_min| = |1 − lr·λ_max|, i.e. 1 − lr·λ_min = lr·λ_max − 1.",
    )
