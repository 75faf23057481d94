"""Self-checks for lesson 02, "Numerical versus analytical gradients".

Exercise 1, a planted bug. The loss of a line ``w x + b`` fitted to data, with an L2
penalty on the weight,

    L(w, b) = 1/(2m) Σ (w xᵢ + b − yᵢ)² + (λ/2) w²,

comes with an analytical gradient that has one bug in it. The student finds it with
:func:`gdviz.gradient_check` and writes the fixed gradient, which
:func:`check_fixed_gradient` compares with the true one at a few points, naming the
likely slip. :func:`planted_bug_data` gives the data and λ.

Exercise 2: :func:`check_best_step` reads the step ``h`` the student picked off the
error-against-``h`` plot as the best one for central differences in float64.

Examples
--------
>>> import numpy as np
>>> x, y, lam = planted_bug_data()
>>> def fixed_grad(params):
...     w, b = params
...     residual = w * x + b - y
...     return np.array([np.mean(residual * x) + lam * w, np.mean(residual)])
>>> check_fixed_gradient(fixed_grad)  # doctest: +ELLIPSIS
Correct: ...
>>> check_best_step(1e-5)  # doctest: +ELLIPSIS
Correct: ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from ..datasets import make_line
from ..gradients import difference_errors, gradient_check
from ._toolkit import (
    Feedback,
    as_pair,
    attempt,
    distinct,
    is_placeholder,
    matches,
    not_attempted,
    raised,
    read_number,
    returned_none,
    same,
)

LAM = 0.1
"""The penalty weight λ of the planted-bug loss."""

N_EXAMPLES = 50

# Where the fixed gradient is compared with the true one; each slip below differs at one of them.
_POINTS = (np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.array([3.0, 0.0]), np.array([-1.0, 2.5]))


def planted_bug_data() -> tuple[np.ndarray, np.ndarray, float]:
    """``(x, y, lam)``: 50 noisy points around ``y = 2x − 1`` (seeded) and the penalty λ = 0.1.

    The arrays are read-only, so a lesson cannot change the data the check compares with.
    """
    x, y = make_line(n=N_EXAMPLES, noise=0.5, seed=2)
    x.flags.writeable = y.flags.writeable = False
    return x, y, LAM


def planted_bug_loss(params) -> float:
    """``L(w, b) = 1/(2m) Σ (w xᵢ + b − yᵢ)² + (λ/2) w²`` on :func:`planted_bug_data`."""
    x, y, lam = planted_bug_data()
    w, b = params
    residual = w * x + b - y
    return 0.5 * np.mean(residual**2) + 0.5 * lam * w**2


def _parts(params):
    x, y, lam = planted_bug_data()
    w, b = (float(v) for v in params)
    residual = w * x + b - y
    return x, residual, lam, w


def _true(params):
    x, r, lam, w = _parts(params)
    return np.array([np.mean(r * x) + lam * w, np.mean(r)])


def _with_dw(dw):
    """A gradient whose ``db`` is right and whose ``dw`` is ``dw(x, residual, lam, w)``."""

    def grad(params):
        x, r, lam, w = _parts(params)
        return np.array([dw(x, r, lam, w), np.mean(r)])

    return grad


# Likely slips: (the gradient the student wrote, the hint that names the slip), checked in order.
_SLIPS: tuple[tuple[Callable, str], ...] = (
    (
        _with_dw(lambda x, r, lam, w: np.mean(r * x) + 2 * lam * w),
        "this is still the planted bug: dw would still fail the gradient check. Of its two "
        "terms, look at the penalty's: differentiate (λ/2)·w² yourself. What factor does the "
        "power rule bring down, and what does the ½ in front do to it?",
    ),
    (
        _with_dw(lambda x, r, lam, w: np.mean(r * x)),
        "the penalty's derivative is missing now: L has two terms, and the penalty (λ/2)·w² "
        "depends on w too, so it adds its own derivative to ∂L/∂w.",
    ),
    (
        _with_dw(lambda x, r, lam, w: np.mean(r * x) - lam * w),
        "wrong sign on the penalty: (λ/2)·w² grows as w moves away from 0, so for w > 0 its "
        "derivative is positive, and it is added to the data term.",
    ),
    (
        _with_dw(lambda x, r, lam, w: np.mean(r) + lam * w),
        "the data term lost its x: by the chain rule, differentiating (w xᵢ + b − yᵢ)² with "
        "respect to w brings out the inner derivative, xᵢ. The buggy gradient had that term "
        "right.",
    ),
    (
        _with_dw(lambda x, r, lam, w: np.sum(r * x) + lam * w),
        f"the data term is {N_EXAMPLES} times too big: the loss is a *mean* over the "
        f"{N_EXAMPLES} examples, so its derivative is a mean too.",
    ),
    (
        _with_dw(lambda x, r, lam, w: 2 * np.mean(r * x) + lam * w),
        "the data term is doubled: look at the ½ in front of the mean. What happens to the 2 "
        "the power rule brings down from the square?",
    ),
    (
        _with_dw(lambda x, r, lam, w: np.mean(r * x) + 0.5 * lam * w),
        "the penalty's derivative is half of what it should be. Differentiate (λ/2)·w² with "
        "the power rule: what factor comes down from w², and what is left of it after it "
        "meets the ½ in front?",
    ),
    (
        _with_dw(lambda x, r, lam, w: lam * w),
        "only the penalty is left: L has two terms, so ∂L/∂w has two as well. The data "
        "term (from the mean squared error) was right in the buggy gradient: keep it.",
    ),
)


_CALLS = tuple((point,) for point in _POINTS)


def check_fixed_gradient(fixed_grad: Callable) -> Feedback:
    """Check the student's fixed gradient ``fixed_grad(params) -> (∂L/∂w, ∂L/∂b)``.

    ``fixed_grad`` is called with copies of four points ``params = np.array([w, b])``
    and compared with the true gradient of the planted-bug loss on
    :func:`planted_bug_data`. A right answer is confirmed with a gradient check at the
    lesson's point; a wrong one gets a hint naming the slip (still the planted bug, the
    penalty lost, ``db`` changed, …). A function that changes its ``params`` is wrong too.
    Never raises.
    """
    if is_placeholder(fixed_grad):
        return not_attempted("`fixed_grad`")
    if not callable(fixed_grad):
        return Feedback(
            False,
            f"`fixed_grad` should be a function of params = (w, b); got {type(fixed_grad).__name__}.",
        )
    answers = []
    for point in _POINTS:
        result = attempt(fixed_grad, {"params": point})
        if result.error is not None:
            return raised(
                result.error, fixed_grad, f"`fixed_grad(np.array([{point[0]:g}, {point[1]:g}]))`"
            )
        value = result.value
        if is_placeholder(value):
            return not_attempted("`fixed_grad`")
        if result.changed:
            return Feedback(
                False,
                "fixed_grad changed the params it was given: compute the gradient without "
                "assigning into `params`.",
            )
        if value is None:
            return returned_none("fixed_grad", "np.array([dw, db])")
        pair = as_pair(value)
        if pair is None:
            return Feedback(
                False,
                f"fixed_grad returned {value!r}: it should return two finite numbers, "
                "`np.array([dw, db])`.",
            )
        answers.append(pair)
    if matches(_true, _CALLS, answers):
        worst = gradient_check(planted_bug_loss, fixed_grad, _POINTS[0].copy()).max_rel_error
        reading = "below 1e-7, 'good'" if worst < 1e-7 else f"{worst:.0e}"
        return Feedback(
            True,
            f"the gradient check passes now: the largest relative error is {reading} by the "
            "CS231n reading. Only ∂L/∂w had to change: its row was the one that failed.",
        )
    for slip, hint in _SLIPS:
        if matches(slip, _CALLS, answers):
            return Feedback(False, hint)
    true = [_true(p) for p in _POINTS]
    if not all(same(a[1], t[1]) for a, t in zip(answers, true, strict=True)):
        return Feedback(
            False,
            "∂L/∂b has changed, but it was right (its row of the gradient check passed): "
            "keep `db = np.mean(residual)` and fix only `dw`.",
        )
    given_dw = np.array([a[0] for a in answers])
    true_dw = np.array([t[0] for t in true])
    if np.allclose(given_dw, given_dw[0], rtol=1e-9, atol=1e-12):
        return Feedback(
            False,
            f"your dw is the same number, {given_dw[0]:.6g}, at every (w, b) the check tried. "
            "A number copied from the gradient check's table is right at (1, −2) only: the "
            "self-check calls fixed_grad at other points too, which you have not seen. "
            "Write dw as a formula in w, x and residual, as the buggy gradient did.",
        )
    offset = given_dw - true_dw
    if np.allclose(offset, offset[0], rtol=1e-6, atol=1e-15):
        return Feedback(
            False,
            f"your dw is off by the same amount, {offset[0]:+.3g}, at every (w, b) the check "
            "tried: a constant has crept into it. Each term of ∂L/∂w changes with w or with "
            "the data; a constant added to the loss would vanish when you differentiate.",
        )
    k = next(i for i in range(len(_POINTS)) if not same(given_dw[i], true_dw[i]))
    point = _POINTS[k]
    given, want = distinct(given_dw[k], true_dw[k])
    relative = abs(given_dw[k] - true_dw[k]) / max(abs(true_dw[k]), 1e-300)
    return Feedback(
        False,
        f"∂L/∂w is still off: at (w, b) = ({point[0]:g}, {point[1]:g}) you give {given}, "
        f"the true value is {want} (a relative difference of {relative:.1e}). Differentiate "
        "L term by term: the mean squared error (that part of the buggy gradient was right) "
        "and the penalty (λ/2)·w². What factor does the power rule bring down, and what does "
        "the ½ do to it?",
    )


def lesson_function(x):
    """``f(x) = sin x + x²/4``, the lesson's function of one variable (elementwise)."""
    return np.sin(x) + x**2 / 4


def lesson_derivative(x):
    """``f′(x) = cos x + x/2``."""
    return np.cos(x) + x / 2


LESSON_X = 1.0
"""Where the lesson differentiates :func:`lesson_function`."""


@functools.cache
def _best_steps() -> dict[tuple[str, str], float]:
    """The best step of each method and precision for the lesson's function at x = 1."""
    errors = difference_errors(lesson_function, lesson_derivative, LESSON_X)
    return {key: errors.best_h(*key) for key in errors.errors}


def _best_central_step() -> float:
    """The best float64 central-difference step for the lesson's function at x = 1."""
    return _best_steps()[("central", "float64")]


def check_best_step(h) -> Feedback:
    """Check a step ``h`` read off the plot as the best for central differences in float64.

    Right within a factor of 10 of the best step for ``sin x + x²/4`` at ``x = 1`` (the
    lesson's curve): about 6e-6, the textbook ``ε^(1/3)``. A hint otherwise: deep in the
    round-off region, at the forward difference's best (``√ε`` ≈ 1e-8), just left of the
    central minimum, at the lowest point of a float32 (dashed) curve, or in the truncation
    region. Never raises.
    """
    value = read_number(h, "best_h")
    if isinstance(value, Feedback):
        return value
    h = value
    if h <= 0:
        return Feedback(False, f"h must be a number above 0; got {h!r}.")
    best = _best_steps()
    central = best[("central", "float64")]
    if central / 10 <= h <= central * 10:
        return Feedback(
            True,
            f"the central difference is most accurate around h ≈ {central:.0e}, about ε^(1/3) "
            "with ε ≈ 2.2e-16: there its O(h²) truncation error and its ε/h round-off error "
            "are about equal. That is why gradient checks use h ≈ 1e-5.",
        )
    if h < 3e-10:
        return Feedback(
            False,
            f"at h = {h:.0e} round-off rules: f(x + h) and f(x − h) agree in almost every "
            "digit, so their difference is mostly rounding noise, which grows like ε/h as h "
            "shrinks. Look further right on the plot, where the central curve dips lowest.",
        )
    if h <= 1.5e-7:
        return Feedback(
            False,
            f"h = {h:.0e} is near √ε ≈ 1e-8: that is where the *forward* difference does best "
            "(the other solid curve). The central difference's truncation error is O(h²), much "
            "smaller than the forward one's O(h), so it can afford a larger h before "
            "truncation takes over: its own lowest point lies further right.",
        )
    if h < central / 10:
        return Feedback(
            False,
            f"at h = {h:.0e} you are left of the central curve's lowest point: there its error "
            "already rises again as h shrinks, because round-off (about ε/h) has overtaken "
            "truncation. Follow the solid central curve to the right, to where it stops "
            "falling.",
        )
    for method in ("central", "forward"):
        if best[(method, "float32")] / 2 <= h <= best[(method, "float32")] * 2:
            return Feedback(
                False,
                f"h = {h:.0e} is near the lowest point of a *dashed* curve, the {method} "
                "difference in float32, whose round-off wall comes much sooner. The exercise "
                "asks for the central difference in float64: the solid curve, lower and "
                "further left.",
            )
    return Feedback(
        False,
        f"at h = {h:.0e} truncation still rules: the central error keeps falling like h² as "
        "h shrinks. Look further left on the plot, where the central curve dips lowest.",
    )
