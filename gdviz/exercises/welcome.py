"""Self-check for lesson 00, "Welcome": the warm-up that shows how every exercise works.

The exercise: the loss is ``w²``, the weight is ``w = 3``, so the gradient is ``2w = 6``;
take one step of gradient descent with ``step_size = 0.1``, ``w += -step_size * grad``,
and give the new weight. :func:`check_first_step` confirms 2.4 or names the slip.

Examples
--------
>>> check_first_step(2.4)  # doctest: +ELLIPSIS
Correct: ...
>>> check_first_step(3.6)  # doctest: +ELLIPSIS
Not yet: this went uphill...
"""

from __future__ import annotations

import numpy as np

from ._toolkit import Feedback, read_number

W, STEP_SIZE = 3.0, 0.1
GRAD = 2 * W
ANSWER = W - STEP_SIZE * GRAD

# (a wrong value, the hint that names the slip)
_SLIPS = (
    (
        W + STEP_SIZE * GRAD,
        "this went uphill: the loss at 3.6 is bigger than at 3. The gradient points uphill, "
        "so step against it: `w + (-step_size * grad)`.",
    ),
    (
        -STEP_SIZE * GRAD,
        "−0.6 is the step itself, `-step_size * grad`. Add it to the weight you start from, w = 3.",
    ),
    (
        STEP_SIZE * GRAD,
        "0.6 is the size of the step. The new weight is the old one plus the step: "
        "`w + (-step_size * grad)`.",
    ),
    (
        W,
        "that is where we started: the weight has not moved yet. Add the step `-step_size * grad`.",
    ),
    (
        W - GRAD,
        "−3 is where a step with the whole gradient lands. The step size scales the gradient "
        "down first: the step is the gradient *times* the step size, a much smaller move.",
    ),
    (
        W - STEP_SIZE * W,
        "2.7 used the weight where the gradient belongs: the step is the step size times the "
        "*gradient* at w = 3 (the `grad` the cell computes), not times w itself.",
    ),
    (
        W - STEP_SIZE * 2,
        "2.8 took the gradient to be 2, the factor in 2w. The gradient is 2w evaluated at "
        "w = 3 (the `grad` the cell computes); multiply that by the step size.",
    ),
    (
        ANSWER**2,
        "5.76 is the new *loss*, (new w)²: you went one step too far. The exercise asks for "
        "the new weight w itself.",
    ),
    (
        2.0,
        "2 is a whole number, but one step from w = 3 does not land on one: the step "
        "`-step_size * grad` is a fraction. Did you round, or use `int`? Keep the decimals.",
    ),
)


def check_first_step(new_w) -> Feedback:
    """Check one gradient-descent step on ``w²`` from ``w = 3`` with ``step_size = 0.1`` (→ 2.4).

    Never raises; a ``...`` still in place is reported as not attempted yet.
    """
    value = read_number(new_w, "new_w")
    if isinstance(value, Feedback):
        return value
    if np.isclose(value, ANSWER, atol=1e-9):
        return Feedback(
            True,
            "w went from 3 to 3 + (−0.1 · 6) = 2.4, and the loss w² from 9 to 5.76. "
            "Repeat that step and you have gradient descent.",
        )
    for wrong, hint in _SLIPS:
        if np.isclose(value, wrong, atol=1e-9):
            return Feedback(False, hint)
    return Feedback(
        False,
        f"{value:g} is not it. First compute the step, `-step_size * grad`, then add it to "
        "the weight you start from, w = 3.",
    )
