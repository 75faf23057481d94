"""Self-checks for lesson 05, "Beyond plain gradient descent".

The exercise: write one step of heavy-ball momentum as a pure function, ::

    def momentum_update(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = beta * velocity - lr * grad
        new_params = params + new_velocity
        return new_params, new_velocity

and check it against :class:`gdviz.optimizers.Momentum` with
:func:`check_momentum_update`. A wrong answer gets a hint naming the likely slip
(the sign of the push, the forgotten decay, the old velocity used for the move, …).

Examples
--------
>>> def momentum_update(params, grad, velocity, lr=0.1, beta=0.9):
...     new_velocity = beta * velocity - lr * grad
...     return params + new_velocity, new_velocity
>>> check_momentum_update(momentum_update)  # doctest: +ELLIPSIS
Correct: ...
>>> def upside_down(params, grad, velocity, lr=0.1, beta=0.9):
...     new_velocity = beta * velocity + lr * grad
...     return params + new_velocity, new_velocity
>>> check_momentum_update(upside_down)  # doctest: +ELLIPSIS
Not yet: wrong sign...
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..optimizers import Momentum, MomentumState
from ._toolkit import (
    Feedback,
    as_array,
    attempt,
    is_placeholder,
    not_attempted,
    raised,
    returned_none,
    same,
)

# (params, grad, velocity, lr, beta): a first step (zero velocity) and two later ones,
# with lr, beta and the arrays chosen so that every slip below gives a different answer.
_CASES = (
    (np.array([1.0, -2.0]), np.array([0.5, 4.0]), np.array([0.0, 0.0]), 0.1, 0.9),
    (np.array([-1.5, 0.5]), np.array([-1.5, 12.5]), np.array([0.3, -0.8]), 0.05, 0.8),
    (np.array([0.2, 1.0, -0.7]), np.array([2.0, -1.0, 0.25]), np.array([-0.4, 0.1, 0.6]), 0.3, 0.5),
)


def _reference(params, grad, velocity, lr, beta):
    opt = Momentum(lr=lr, beta=beta)
    new_params, state = opt.step(params, grad, MomentumState(step=1, velocity=velocity))
    return new_params, state.velocity


# Likely slips: (what the student's function computed, the hint that names it). A slip is
# named when it matches the answer on every case (the first step, from rest, cannot tell
# some of them apart), else when it matches the first case the answer gets wrong.
_SLIPS: tuple[tuple[Callable, str], ...] = (
    (
        lambda p, g, v, lr, b: (p + b * v + lr * g, b * v + lr * g),
        "wrong sign: the gradient points uphill, and the velocity should carry the "
        "parameters downhill, so the push is `- lr * grad`.",
    ),
    (
        lambda p, g, v, lr, b: (p - (b * v - lr * g), b * v - lr * g),
        "your velocity is right, but the parameters move the wrong way: the velocity already "
        "points downhill (it holds the `-lr`), so add it to the parameters.",
    ),
    (
        lambda p, g, v, lr, b: (p + v - lr * g, v - lr * g),
        "the old velocity must fade: multiply it by `beta` before adding the push. Without "
        "the decay the velocity never forgets a push.",
    ),
    (
        lambda p, g, v, lr, b: (p - lr * g, -lr * g),
        "this is plain gradient descent: the new velocity is only the push `-lr * grad`, so "
        "it forgets the old velocity. It must remember it, faded by `beta`.",
    ),
    (
        lambda p, g, v, lr, b: (p - lr * g, v),
        "this is plain gradient descent: the parameters move by `-lr * grad` alone and the "
        "velocity is never updated. With momentum the velocity is updated first (faded "
        "by `beta`, plus the push), and the parameters move by that new velocity.",
    ),
    (
        lambda p, g, v, lr, b: (p - lr * g, b * v - lr * g),
        "your velocity is right, but the parameters moved by `-lr * grad` alone, as in plain "
        "gradient descent: with momentum they move by the whole new velocity.",
    ),
    (
        lambda p, g, v, lr, b: (p + v, b * v - lr * g),
        "your velocity is right, but the parameters moved with the *old* velocity: "
        "compute `new_velocity` first, then move the parameters by it.",
    ),
    (
        lambda p, g, v, lr, b: (p - lr * (b * v + (1 - b) * g), b * v + (1 - b) * g),
        "you wrote the velocity as an average of the gradients, `beta * velocity + "
        "(1 - beta) * grad`, and then stepped by `-lr` times it: the exponential-moving-"
        "average form of some courses. It is a valid variant, but its velocity is a "
        "different quantity (an average gradient, pointing uphill, without `lr`). In this "
        "lesson, as in `gdviz.optimizers.Momentum`, the velocity is the step itself: it "
        "holds the `-lr` and has no `(1 - beta)`, and the parameters simply add it. See the "
        "formula above the exercise.",
    ),
    (
        lambda p, g, v, lr, b: (p - lr * (b * v + g), b * v + g),
        "you kept a running sum of gradients, `beta * velocity + grad`, and stepped by "
        "`-lr` times it: the form PyTorch's SGD uses. It is a valid variant, but its "
        "velocity is a different quantity (a gradient, pointing uphill, without `lr`). In "
        "this lesson, as in `gdviz.optimizers.Momentum`, the velocity is the step itself: "
        "it holds the `-lr`, and the parameters simply add it. See the formula above the "
        "exercise.",
    ),
    (
        lambda p, g, v, lr, b: (p + (b * v - (1 - b) * lr * g), b * v - (1 - b) * lr * g),
        "you scaled the push by `(1 - beta)`, the exponential-average form. That is a valid "
        "variant, but this lesson (and `gdviz.optimizers.Momentum`) pushes by `-lr * grad` "
        "with no `(1 - beta)`.",
    ),
    (
        lambda p, g, v, lr, b: (p + (b * v - (1 - b) * g), b * v - (1 - b) * g),
        "the step size is missing: the push is the gradient times `-lr`, so `lr` must "
        "appear in it.",
    ),
    (
        lambda p, g, v, lr, b: (p + (b * v - g), b * v - g),
        "the step size is missing: the push is the gradient times `-lr`, so `lr` must "
        "appear in it.",
    ),
)


def check_momentum_update(momentum_update: Callable) -> Feedback:
    """Check ``momentum_update(params, grad, velocity, lr=..., beta=...) -> (params, velocity)``.

    The function is called on three cases (a first step from rest and two later ones)
    with copies of the arrays, and compared with :class:`gdviz.optimizers.Momentum`.
    It must not change its inputs: a step is a pure function, as in the optimizers.
    Never raises: a mistake, an exception in the student's code or an unfinished cell
    all come back as a :class:`~gdviz.exercises.Feedback`.
    """
    if is_placeholder(momentum_update):
        return not_attempted("`momentum_update`")
    if not callable(momentum_update):
        return Feedback(
            False,
            f"pass the function itself, `momentum_update`, not {type(momentum_update).__name__} "
            "(no parentheses after its name).",
        )
    answers = []  # per case: (new_params, new_velocity, the case, inputs it changed)
    for params, grad, velocity, lr, beta in _CASES:
        arrays = {"params": params, "grad": grad, "velocity": velocity}
        call = attempt(momentum_update, arrays, lr=lr, beta=beta)
        if call.error is not None:
            return raised(
                call.error,
                momentum_update,
                "`momentum_update(params, grad, velocity, lr=..., beta=...)`",
                "It is called with numpy arrays for params, grad and velocity.",
            )
        result = call.value
        if is_placeholder(result) or (
            isinstance(result, tuple) and any(is_placeholder(r) for r in result)
        ):
            return not_attempted("`momentum_update`")
        if result is None:
            return returned_none("momentum_update", "new_params, new_velocity")
        if not isinstance(result, tuple | list) or len(result) != 2:
            return Feedback(
                False, "return a pair: `return new_params, new_velocity` (in that order)."
            )
        missing = [
            name
            for name, r in zip(("new_params", "new_velocity"), result, strict=True)
            if r is None
        ]
        if missing:
            return Feedback(
                False,
                f"`{missing[0]}` came back as None: it should be an array shaped like "
                "`params`. Is it assigned the result of something that returns nothing?",
            )
        new_params, new_velocity = (as_array(r) for r in result)
        if new_params is None or new_velocity is None or new_params.shape != params.shape:
            if new_params is not None and new_params.shape == ():
                return Feedback(
                    False,
                    "`new_params` came back as a single number: keep the arrays as arrays "
                    "(no `sum` or `norm`); every coordinate gets its own update.",
                )
            return Feedback(
                False,
                f"`new_params` and `new_velocity` must be arrays shaped like `params` "
                f"{params.shape}.",
            )
        answers.append((new_params, new_velocity, (params, grad, velocity, lr, beta), call.changed))

    def all_cases(test) -> bool:
        return all(test(p, v, case) for p, v, case, _ in answers)

    def right(p, v, case):
        want_params, want_velocity = _reference(*case)
        return same(p, want_params) and same(v, want_velocity)

    if all_cases(right):
        changed = next((c for *_, c in answers if c), None)
        if changed:
            return Feedback(
                False,
                f"the numbers are right, but your function changed its input "
                f"`{changed[0]}` in place (`+=`, `*=` or `x[...] = ` on an argument do). "
                "A step must be a pure function: compute each result as a new expression of the "
                "inputs, assigned to a new name, and leave the arguments as they came in.",
            )
        return Feedback(
            True,
            f"your momentum step matches `gdviz.optimizers.Momentum` on {len(_CASES)} cases "
            "(a first step from rest and two later ones) and leaves its inputs unchanged.",
        )

    def swapped(p, v, case):
        want_params, want_velocity = _reference(*case)
        return same(p, want_velocity) and same(v, want_params)

    if all_cases(swapped):
        return Feedback(
            False, "the right numbers in the wrong order: return `new_params, new_velocity`."
        )

    def matches(slip):
        return lambda p, v, case: all(map(same, (p, v), slip(*case)))

    for slip, hint in _SLIPS:
        if all_cases(matches(slip)):
            return Feedback(False, hint)
    if all_cases(lambda p, v, case: same(v, _reference(*case)[1])):
        return Feedback(
            False,
            "your velocity is right but the parameters are not: they move by the whole new "
            "velocity.",
        )
    if all_cases(lambda p, v, case: same(p, _reference(*case)[0])):
        return Feedback(
            False,
            "your parameters are right but the velocity you return is not: return the new "
            "velocity, the one the parameters moved by.",
        )
    new_params, new_velocity, case, _ = next(a for a in answers if not right(*a[:3]))
    for slip, hint in _SLIPS:
        if matches(slip)(new_params, new_velocity, case):
            return Feedback(False, hint)
    params, grad, velocity, lr, beta = case
    want_params, want_velocity = _reference(*case)
    start = "the first step (velocity zero)" if not velocity.any() else "a later step"
    return Feedback(
        False,
        f"on {start} with lr={lr}, beta={beta} the expected new velocity is "
        f"{np.round(want_velocity, 4).tolist()}, yours is "
        f"{np.round(new_velocity, 4).tolist()}; the expected new parameters are "
        f"{np.round(want_params, 4).tolist()}, yours are {np.round(new_params, 4).tolist()}. "
        "Compare each line of your function with the formula above the exercise.",
    )
