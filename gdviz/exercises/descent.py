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
start, one list entry aliased by every row, a step count or step size written into the
loop instead of taken from the arguments, the smallest eigenvalue used instead of the
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
Correct: ...
>>> check_stability_limit(2.0)  # doctest: +ELLIPSIS
Not yet: ...smallest eigenvalue...
"""

from __future__ import annotations

import numpy as np

from ..surfaces import quadratic
from ._toolkit import (
    Feedback,
    attempt,
    is_placeholder,
    near,
    not_attempted,
    raised,
    read_number,
    returned_none,
    same,
)

# The loop exercise: a tilted bowl (so x and y interact), a start, a step size, a count.
# After the first run, the loop runs again with other values of every argument (and on
# another bowl): a step count, step size or start written into the loop shows there.
_LOOP_BOWL = quadratic(condition=4.0, angle=20.0)
_LOOP_START = np.array([1.0, -2.0])
_LOOP_STEP_SIZE = 0.15
_LOOP_STEPS = 7
_OTHER_RUNS = (
    (quadratic(condition=3.0, angle=-35.0), np.array([-1.5, 0.5]), 0.2, 4),
    (quadratic(condition=6.0, angle=50.0), np.array([0.5, 1.5]), 0.1, 12),
)
_SECTION_ONE_BOWL = quadratic(condition=2.0)
"""`bowl` of the lesson's first section, which a loop might use instead of its `grad` argument."""

EXERCISE_CONDITION = 5.0
"""The condition number of the bowl in the step-size exercise (Hessian eigenvalues 1 and 5)."""
EXERCISE_ANGLE = 30.0
"""The rotation of that bowl, in degrees (so the Hessian is not diagonal)."""
SECTION_ONE_EIGENVALUES = (1.0, 2.0)
"""The Hessian eigenvalues of the lesson's first bowl, ½(x² + 2y²), still named `bowl` there."""


def _reference_path(
    step_size: float,
    steps: int,
    *,
    sign: float = -1.0,
    bowl=_LOOP_BOWL,
    start: np.ndarray = _LOOP_START,
) -> np.ndarray:
    w = start.copy()
    points = [w.copy()]
    for _ in range(steps):
        w = w + sign * step_size * bowl.grad(w)
        points.append(w.copy())
    return np.array(points)


def _run(my_descent, bowl, start, step_size, steps):
    """Run the student's loop on ``bowl``: (points or None, the Attempt, the gradients' points)."""
    calls = []

    def grad(w):
        calls.append(np.array(w, dtype=float))
        return bowl.grad(w)

    result = attempt(my_descent, {"grad": grad, "w": start, "step_size": step_size, "steps": steps})
    try:
        points = None if result.value is None else np.array(result.value, dtype=float)
    except (TypeError, ValueError):
        points = None
    return points, result, calls


def check_descent_loop(my_descent) -> Feedback:
    """Check a student's ``my_descent(grad, w, step_size, steps)``.

    It must return an array of shape ``(steps + 1, 2)``: the start, then the point after
    each update ``w += -step_size * grad(w)``. It is run on a tilted quadratic bowl of
    its own, from a copy of the start (the caller's array is never at risk), and then
    again with other arguments on other bowls, so that a count or step size written into
    the loop does not pass.
    """
    if is_placeholder(my_descent):
        return not_attempted("`my_descent`")
    if not callable(my_descent):
        return Feedback(
            False, f"`my_descent` should be a function; got {type(my_descent).__name__}."
        )
    steps = _LOOP_STEPS
    points, result, calls = _run(my_descent, _LOOP_BOWL, _LOOP_START, _LOOP_STEP_SIZE, steps)
    call = f"`my_descent(grad, w, {_LOOP_STEP_SIZE}, {steps})`"
    if result.error is not None:
        error = result.error
        if isinstance(error, TypeError) and "not callable" in str(error) and len(calls) == 1:
            return Feedback(
                False,
                "the function `grad` was called once, then replaced: `grad = grad(w)` stores the "
                "gradient under the name of the function, so the next step has no function "
                "left to call. Give the gradient a name of its own, e.g. `g = grad(w)`.",
            )
        return raised(error, my_descent, call)
    if result.value is None or result.value is Ellipsis:
        if not calls:
            return not_attempted("`my_descent`")
        return returned_none("my_descent", "np.array(points)")
    if points is None:
        return Feedback(
            False, "return the points as one array of numbers: `return np.array(points)`."
        )
    right = _reference_path(_LOOP_STEP_SIZE, steps)
    if not calls and points.shape[:1] in ((0,), (1,)):
        return not_attempted("the loop in `my_descent`")
    if result.changed:
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
    if not calls and len(points) > 1:
        if same(points, _reference_path(_LOOP_STEP_SIZE, steps, bowl=_SECTION_ONE_BOWL)):
            return Feedback(
                False,
                "your path follows `bowl`, the round bowl of section 1, not the bowl the "
                "check gave you: the loop uses the global `bowl.grad` instead of the "
                "function `grad` passed in as an argument. Inside `my_descent`, use only "
                "its arguments, so it works for any loss.",
            )
        return Feedback(
            False,
            "the points moved, but your loop never called the `grad` it was given: the "
            "gradient came from somewhere else (a global function, or a formula of your "
            "own?). Inside `my_descent`, use only its arguments, so it works for any loss.",
        )
    slip = _path_slip(points, right, steps)
    if slip is not None:
        return Feedback(False, slip)
    for bowl, start, step_size, other_steps in _OTHER_RUNS:
        points, result, _ = _run(my_descent, bowl, start, step_size, other_steps)
        want = _reference_path(step_size, other_steps, bowl=bowl, start=start)
        if result.error is not None:
            call = f"`my_descent(grad, w, {step_size}, {other_steps})`"
            return raised(result.error, my_descent, call, "(The first run had worked.)")
        if points is not None and same(points, want):
            continue
        return Feedback(False, _ignored_argument(points, bowl, start, step_size, other_steps))
    return Feedback(
        True,
        "every row is where `w += -step_size * grad(w)` lands, start included, one row per "
        "point: exactly the path `gdviz.descend` takes, on three bowls with different "
        "starts, step sizes and numbers of steps.",
    )


def _path_slip(points: np.ndarray, right: np.ndarray, steps: int) -> str | None:
    """The hint for a path that differs from gradient descent's on the first run, or None."""
    if same(points, right[1:]):
        return "the start is missing: row 0 should be the starting point, before any step."
    if same(points, right[:-1]):
        return f"one step short: {steps} steps give {steps + 1} points."
    if same(points, _reference_path(_LOOP_STEP_SIZE, steps + 1)):
        return f"one step too many: {steps} steps give {steps + 1} points."
    if len(points) == steps + 1 and same(points[1:], np.tile(right[-1], (steps, 1))):
        return (
            "the rows after the start are all the final point: `w += ...` changes `w` in "
            "place, so appending `w` itself stores the same array again and again. Append a "
            "copy: `points.append(w.copy())`."
        )
    if points.shape != right.shape:
        return (
            f"expected one row per point, shape ({steps + 1}, 2) for {steps} steps; "
            f"got shape {points.shape}."
        )
    if same(points, np.vstack([right[:1], right[:-1]])):
        return (
            "row 1 repeats the start, and every later row is one step behind: each point "
            "was recorded *before* the step that leaves it, so the last step's landing "
            "point is never recorded. Take the step first, then record where it lands."
        )
    if same(points, _reference_path(_LOOP_STEP_SIZE, steps, sign=+1.0)):
        return (
            "wrong sign: your path climbs. The gradient points uphill, so each step must go "
            "against it: look at the sign in front of `step_size`."
        )
    if same(points, _reference_path(1.0, steps)):
        return (
            "the step size is missing: each step moved by the whole gradient. Scale the "
            "gradient by `step_size` first."
        )
    frozen = _LOOP_START - _LOOP_STEP_SIZE * np.arange(steps + 1)[:, None] * _LOOP_BOWL.grad(
        _LOOP_START
    )
    if same(points, frozen):
        return (
            "every step used the gradient at the start: compute `grad(w)` again at each new point."
        )
    wrong_rows = [k for k in range(len(points)) if not same(points[k], right[k])]
    if wrong_rows:
        return (
            f"row {wrong_rows[0]} differs from gradient descent's (rows before it are right). "
            "Each step moves `w` against the gradient at the current `w`, scaled by "
            "`step_size`, and nothing else."
        )
    return None


def _ignored_argument(points, bowl, start, step_size, steps) -> str:
    """The hint for a loop right on the first run but not with other arguments."""
    rows = "nothing" if points is None else f"an array of shape {points.shape}"
    if points is not None and points.ndim == 2 and len(points) != steps + 1:
        return (
            f"right on the first run, but asked for {steps} steps your loop took "
            f"{len(points) - 1} ({len(points)} rows): the number of steps is written into "
            "the loop. Take it from the argument `steps`, so the loop runs as many steps as "
            "it is asked for."
        )
    if points is not None and same(
        points, _reference_path(_LOOP_STEP_SIZE, steps, bowl=bowl, start=start)
    ):
        return (
            f"right on the first run, but given step_size = {step_size} your loop still "
            "stepped with the first run's step size: it is written into the loop. Use the "
            "argument `step_size`."
        )
    if points is not None and len(points) and same(points[0], _LOOP_START):
        return (
            "right on the first run, but started elsewhere your loop still begins at the "
            "first run's start: it is written into the loop. Begin from the argument `w`."
        )
    return (
        f"right on the first run, but not when run again with other arguments (another "
        f"bowl, start, step size and number of steps; it returned {rows}). Use only the "
        "arguments `grad`, `w`, `step_size` and `steps`, nothing written into the loop."
    )


def _as_step_size(answer, name: str) -> float | Feedback:
    """The answer as a positive number, or the feedback that says why it is not one."""
    value = read_number(answer, name)
    if isinstance(value, Feedback) or value > 0:
        return value
    return Feedback(False, f"a step size is a number > 0; got {value:g}.")


def _exercise_eigenvalues() -> tuple[float, float, np.ndarray]:
    bowl = quadratic(condition=EXERCISE_CONDITION, angle=EXERCISE_ANGLE)
    hessian = bowl.hessian([0.0, 0.0])
    lam_min, lam_max = np.linalg.eigvalsh(hessian)
    return float(lam_min), float(lam_max), np.diag(hessian)


def check_stability_limit(limit) -> Feedback:
    """Check the largest stable step size of ``quadratic(condition=5, angle=30)``: 2/λ_max = 0.4."""
    value = _as_step_size(limit, "limit")
    if isinstance(value, Feedback):
        return value
    lam_min, lam_max, diagonal = _exercise_eigenvalues()
    truth = 2 / lam_max
    if near(value, truth):
        return Feedback(
            True,
            f"2/λ_max = 2/{lam_max:.3g} = {truth:.3g}. Below it every direction shrinks; "
            f"above it the steep direction grows by |1 − lr·{lam_max:.3g}| > 1 each step.",
        )
    if near(value, 2 / max(SECTION_ONE_EIGENVALUES)):
        return Feedback(
            False,
            f"{value:.3g} = 2/2: that is the limit of `bowl`, the round bowl of section 1 "
            "(eigenvalues 1 and 2), not of this one. Use `tilted.hessian(tilted.start)`. "
            "(If the 2 came from the tilted bowl's Hessian instead, note that the diagonal "
            "entries of a rotated bowl's Hessian are not its eigenvalues.)",
        )
    if near(value, 2 / lam_min):
        return Feedback(
            False,
            "that is 2/λ with the smallest eigenvalue. Every direction must shrink, and the "
            "steepest one (the largest eigenvalue) is the first to overshoot.",
        )
    if near(value, 1 / lam_max):
        return Feedback(
            False,
            "off by a factor 2: at 1/λ_max the steep direction reaches the bottom in one step. "
            "A larger step overshoots, but the overshoot still shrinks while |1 − lr·λ_max| < 1.",
        )
    if near(value, 2 / (lam_min + lam_max)):
        return Feedback(
            False,
            "that is the *best* step size, 2/(λ_min + λ_max). The limit is larger: the point "
            "where the steep direction stops shrinking.",
        )
    if any(near(value, 2 / d) for d in diagonal):
        return Feedback(
            False,
            "the diagonal entries of a rotated bowl's Hessian are not its eigenvalues. "
            "Use `np.linalg.eigvalsh(hessian)` and the largest of them.",
        )
    if near(value, 1 / lam_min):
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
    value = _as_step_size(best, "best")
    if isinstance(value, Feedback):
        return value
    lam_min, lam_max, _ = _exercise_eigenvalues()
    truth = 2 / (lam_min + lam_max)
    rate = (lam_max - lam_min) / (lam_max + lam_min)
    if near(value, truth):
        return Feedback(
            True,
            f"2/(λ_min + λ_max) = 2/{lam_min + lam_max:.3g} = {truth:.3g}: both directions then "
            f"shrink by the same factor {rate:.3g} per step, and no step size does better.",
        )
    # (κ−1)/(κ+1), the factor, and 2/(1 + 2), the best step of section 1's bowl, can be one
    # number (2/3 for κ = 5): the value cannot tell those slips apart, so the hint names each
    # reading that fits.
    readings = []
    if near(value, rate):
        readings.append(
            f"{value:.3g} is the *factor* by which each step shrinks the distance to the "
            f"minimum at the best step size, (κ − 1)/(κ + 1) = ({lam_max:g} − {lam_min:g})/"
            f"({lam_max:g} + {lam_min:g}). The exercise asks for the step size lr itself, "
            "the one at which both directions shrink by that same factor, "
            "|1 − lr·λ_min| = |1 − lr·λ_max|."
        )
    if near(value, 2 / sum(SECTION_ONE_EIGENVALUES)):
        readings.append(
            f"{value:.3g} = 2/(1 + 2) is the best step of `bowl`, the round bowl of section 1 "
            "(eigenvalues 1 and 2), not of this one: use `tilted.hessian(tilted.start)`."
        )
    if len(readings) == 2:
        return Feedback(False, f"{readings[0]} (Or, if you computed 2/(1 + 2): {readings[1]})")
    if readings:
        return Feedback(False, readings[0])
    if near(value, 2 / lam_max):
        return Feedback(
            False,
            "that is the stability limit: there the steep direction no longer shrinks at all. "
            "The best step balances the two directions.",
        )
    if near(value, 1 / lam_max):
        return Feedback(
            False,
            "at 1/λ_max the steep direction converges in one step, but the shallow one crawls "
            f"(factor 1 − λ_min/λ_max = {1 - lam_min / lam_max:.3g}). A bit larger is better: make "
            "|1 − lr·λ_min| equal to |1 − lr·λ_max|.",
        )
    if near(value, 1 / lam_min) or near(value, 2 / lam_min):
        return Feedback(
            False,
            "that step is made for the shallow direction only, and the steep direction diverges "
            "there. Balance both: |1 − lr·λ_min| = |1 − lr·λ_max|.",
        )
    if near(value, 1 / (lam_min + lam_max)):
        return Feedback(False, "off by a factor 2: solve 1 − lr·λ_min = lr·λ_max − 1 for lr.")
    return Feedback(
        False,
        f"not quite ({value:.3g}). The slowest direction sets the speed: choose lr so that "
        "|1 − lr·λ_min| = |1 − lr·λ_max|, i.e. 1 − lr·λ_min = lr·λ_max − 1.",
    )
