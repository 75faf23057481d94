"""Self-checks for lesson 06, "Backpropagation and a gradient-checked classifier".

The exercise: the backward pass of one linear layer ``scores = x @ W.T + b`` (``x`` of
shape ``(m, d)``, ``W`` of shape ``(k, d)``, ``b`` of shape ``(k,)``). Given the upstream
gradient ``dscores = ∂L/∂scores`` of shape ``(m, k)``, return the gradients of the loss
with respect to the layer's input and parameters::

    def linear_backward(dscores, x, W):
        dx = dscores @ W          # (m, d): each input feeds every score
        dW = dscores.T @ x        # (k, d): shaped like W
        db = dscores.sum(axis=0)  # (k,): the bias is added to every example's scores
        return dx, dW, db

:func:`check_linear_backward` compares the three with the chain rule on a small case
whose sizes all differ (so a transpose shows), and names the likely slip: a transposed
``dW``, a mean instead of a sum for ``db``, a forgotten bias, a flipped sign.

Examples
--------
>>> def linear_backward(dscores, x, W):
...     return dscores @ W, dscores.T @ x, dscores.sum(axis=0)
>>> check_linear_backward(linear_backward)  # doctest: +ELLIPSIS
Correct: ...
>>> def mean_bias(dscores, x, W):
...     return dscores @ W, dscores.T @ x, dscores.mean(axis=0)
>>> check_linear_backward(mean_bias)  # doctest: +ELLIPSIS
Not yet: `db` is off by a factor of 1/5...
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._toolkit import Feedback, attempt, is_placeholder, not_attempted, raised, returned_none

# Sizes that all differ, so that a transposed or misplaced product has the wrong shape.
_M, _D, _K = 5, 4, 3


def _case():
    """A fixed small case: upstream gradient, input, weights (fresh arrays every call)."""
    rng = np.random.default_rng(6)
    dscores = rng.standard_normal((_M, _K))
    x = rng.standard_normal((_M, _D))
    weights = rng.standard_normal((_K, _D))
    return dscores, x, weights


# Why each gradient is what it is: the idea a hint points at, in index notation, without
# the answer's code (the confirmation states that).
_REASONS = {
    "dx": (
        "each input `x[i, j]` reaches all the scores of its own example, one per class k, "
        "each through the weight `W[k, j]`, so by the chain rule `dx[i, j]` adds up one term "
        "per class: the upstream gradient of that score times the weight on the way. Write "
        f"the shapes under the product you try: it must sum over the {_K} classes and come "
        f"out ({_M}, {_D}), like x"
    ),
    "dW": (
        "the weight `W[k, j]` meets the input `x[i, j]` in the score `s[i, k]` of every "
        "example i, so `dW[k, j]` sums `dscores[i, k] * x[i, j]` over the examples i, as in "
        f"step 2 of section 3; it comes out ({_K}, {_D}), like W"
    ),
    "db": (
        "the bias `b[k]` is added to the score `s[i, k]` of every example i, so `db[k]` "
        "sums `dscores[i, k]` over the examples i"
    ),
}


def _ratio(got: np.ndarray, want: np.ndarray) -> float | None:
    """The constant ``c`` with ``got ≈ c · want``, if there is one (else None)."""
    scale = float(want.ravel() @ want.ravel())
    if scale == 0:
        return None
    c = float(got.ravel() @ want.ravel()) / scale
    if np.allclose(got, c * want, rtol=1e-8, atol=1e-10):
        return c
    return None


def _named_factor(c: float) -> str:
    for value, words in (
        (_M, f"{_M}, the batch size m"),
        (1 / _M, f"1/{_M}, one over the batch size m"),
        (2.0, "2"),
        (0.5, "1/2"),
    ):
        if np.isclose(c, value):
            return words
    return f"{c:.3g}"


def _judge(name: str, got, want: np.ndarray, shape_words: str, weights: np.ndarray) -> str | None:
    """A hint about one gradient, or None when it is right."""
    reason = _REASONS[name]
    if is_placeholder(got):
        return "placeholder"
    if got is None:
        return (
            f"`{name}` is None, not an array: did you assign it the result of something that "
            "returns nothing (an in-place method, or a function without `return`)?"
        )
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"`{name}` must be a numpy array of numbers; got {type(got).__name__}."
    if got.shape != want.shape:
        if name == "dx" and got.shape == weights.shape:
            return (
                f"`dx` came out shaped like W, {got.shape}, not like x {want.shape}: a product "
                "that sums over the examples gives a weight's gradient, one entry per weight. "
                f"`dx` belongs to the input, one row per example: {reason}."
            )
        if got.shape == want.T.shape and got.ndim == 2:
            return (
                f"`{name}` has shape {got.shape} but must be shaped like {shape_words} "
                f"{want.shape}: you have its transpose. Swap the two factors of your product "
                "(and their transposes), so that the axis you keep first comes first."
            )
        if name == "db" and got.shape == (_M, _K):
            return (
                f"`db` must have the bias's shape {want.shape}: the bias is added to every "
                "example, so sum its gradient over the examples (one entry per class remains)."
            )
        if name == "db" and got.shape == ():
            return (
                "`db` came back as one number: sum over the examples only, not over the "
                "classes too; one entry per class remains."
            )
        return (
            f"`{name}` has shape {got.shape} but must be shaped like {shape_words} "
            f"{want.shape}: {reason}."
        )
    if not np.all(np.isfinite(got)):
        return f"`{name}` contains NaN or infinity."
    if np.allclose(got, want, rtol=1e-8, atol=1e-10):
        return None
    if not np.any(got):
        if name == "db":
            return f"`db` is all zeros: did you forget the bias? {reason[0].upper()}{reason[1:]}."
        return (
            f"`{name}` is all zeros: that has the right shape, but it says the loss does not "
            f"depend on `{name[1:]}` at all. It does: {reason}."
        )
    if name == "dW" and _ratio(got - want, weights) is not None:
        return (
            "`dW` includes a multiple of `W`, like the penalty's `reg * W`: the penalty belongs "
            "to the loss, not to the layer, so leave it out here."
        )
    c = _ratio(got, want)
    if c is not None:
        if np.isclose(c, -1.0):
            return (
                f"`{name}` has the wrong sign: the chain rule multiplies by the upstream "
                "gradient as it is, with no minus sign (the minus of `w += -step_size * grad` "
                "comes later, in the update)."
            )
        hint = f"`{name}` is off by a factor of {_named_factor(c)}."
        if np.isclose(c, 1 / _M):
            hint += (
                " Do not divide by m or average here: the 1/m of the mean loss is already "
                "inside `dscores`."
            )
        elif np.isclose(c, _M):
            hint += " `dscores` already holds the 1/m of the mean loss: add no factor m."
        else:
            hint += f" No extra factor belongs in it: {reason}."
        return hint
    return f"`{name}` has the right shape but the wrong values: {reason}."


def _advice(error: Exception) -> str:
    """What an exception in the student's backward pass likely means."""
    message = str(error)
    if isinstance(error, ValueError) and ("matmul" in message or "not aligned" in message):
        return (
            "In a matrix product `A @ B` the last axis of A must match the first axis of B, "
            "and that shared axis is the one summed over. Write each factor's shape under "
            f"your product: `dx` must come out ({_M}, {_D}) like x, `dW` ({_K}, {_D}) like W."
        )
    if isinstance(error, ValueError) and "broadcast" in message:
        return (
            "`*` multiplies arrays element by element and needs matching shapes; a gradient "
            "through `x @ W.T` sums over an axis, which is a matrix product, `@`."
        )
    return ""


def check_linear_backward(linear_backward: Callable) -> Feedback:
    """Check ``linear_backward(dscores, x, W) -> (dx, dW, db)`` for ``scores = x @ W.T + b``.

    Called on a fixed case with ``m=5`` examples, ``d=4`` features and ``k=3`` classes
    (copies of the arrays), compared with the chain rule. The function must leave its
    inputs unchanged. Never raises: a wrong answer, an exception in the student's code
    or an unfinished cell all come back as a :class:`~gdviz.exercises.Feedback`.
    """
    if is_placeholder(linear_backward):
        return not_attempted("`linear_backward`")
    if not callable(linear_backward):
        return Feedback(
            False,
            f"pass the function itself, `linear_backward`, not {type(linear_backward).__name__} "
            "(no parentheses after its name).",
        )
    dscores, x, weights = _case()
    call = attempt(linear_backward, {"dscores": dscores, "x": x, "W": weights})
    if call.error is not None:
        shapes = f"{dscores.shape}, {x.shape}, {weights.shape}"
        return raised(
            call.error,
            linear_backward,
            f"`linear_backward(dscores, x, W)` with shapes {shapes}",
            _advice(call.error),
        )
    result = call.value
    if is_placeholder(result) and (
        not isinstance(result, tuple | list) or all(is_placeholder(r) for r in result)
    ):
        return not_attempted("`linear_backward`")
    if result is None:
        return returned_none("linear_backward", "dx, dW, db")
    if not isinstance(result, tuple | list) or len(result) != 3:
        return Feedback(False, "return three arrays, in this order: `return dx, dW, db`.")
    want = {"dx": dscores @ weights, "dW": dscores.T @ x, "db": dscores.sum(axis=0)}
    checks = (("dx", "the input x"), ("dW", "W"), ("db", "b"))
    hints = {}
    for (name, shape_words), got in zip(checks, result, strict=True):
        hints[name] = _judge(name, got, want[name], shape_words, weights)
    unfinished = [name for name, hint in hints.items() if hint == "placeholder"]
    wrong = [hint for hint in hints.values() if hint not in (None, "placeholder")]
    if wrong:
        return Feedback(False, " ".join(wrong))
    if unfinished:
        done = [name for name, hint in hints.items() if hint is None]
        return Feedback(
            False,
            f"{', '.join(f'`{n}`' for n in done)} right so far; "
            f"{', '.join(f'`{n}`' for n in unfinished)} still "
            f"{'holds' if len(unfinished) == 1 else 'hold'} the `...` placeholder.",
        )
    changed = call.changed
    if changed:
        return Feedback(
            False,
            f"the gradients are right, but your function changed its input `{changed[0]}` in "
            "place: a backward pass must leave the forward pass's arrays alone.",
        )
    return Feedback(
        True,
        "`dx`, `dW` and `db` match the chain rule: dx = dscores @ W, dW = dscores.T @ x, "
        "db = dscores.sum(axis=0). The gradient of each parameter has the parameter's shape.",
    )
