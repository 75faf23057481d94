"""Optimizers as explicit, pure state machines.

Every optimizer has the same two methods::

    state = opt.init(params)
    new_params, new_state = opt.step(params, grad, state)

Nothing is modified in place, and the state is a small named tuple you can print: the
velocity of momentum, Adam's moments, the step count. Hyper-parameters may be arrays
that broadcast against ``params`` (``lr=lrs[:, None]`` with params of shape ``(k, 2)``),
so many runs with different settings advance together.

Examples
--------
>>> import numpy as np
>>> opt = Momentum(lr=0.1, beta=0.9)
>>> state = opt.init(np.array([1.0, 1.0]))
>>> params, state = opt.step(np.array([1.0, 1.0]), np.array([2.0, -2.0]), state)
>>> params
array([0.8, 1.2])
>>> state
MomentumState(step=1, velocity=array([-0.2,  0.2]))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def _hyper(name: str, value, low: float, high: float, *, low_open: bool, high_open: bool):
    """Validate a hyper-parameter (a number or an array of them) against a range."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers; got {value!r}") from None
    low_ok = arr > low if low_open else arr >= low
    high_ok = arr < high if high_open else arr <= high
    bad = ~(np.isfinite(arr) & low_ok & high_ok)
    if bad.any():
        if np.isinf(high):
            allowed = f"finite and {'>' if low_open else '>='} {low:g}"
        else:
            allowed = f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        where = ""
        if arr.ndim:
            position = tuple(int(i) for i in np.argwhere(bad)[0])
            bad_value = float(arr[position])
            where = f" (at index {position} of the array)"
        else:
            bad_value = float(arr[()])
        raise ValueError(f"{name} must be {allowed}; got {bad_value!r}{where}")
    return arr[()] if arr.ndim == 0 else arr


def _lr(value):
    return _hyper("lr", value, 0.0, np.inf, low_open=True, high_open=False)


def _beta(name: str, value):
    return _hyper(name, value, 0.0, 1.0, low_open=False, high_open=True)


def _eps(value):
    return _hyper("eps", value, 0.0, np.inf, low_open=True, high_open=False)


def _params(params) -> np.ndarray:
    return np.asarray(params, dtype=float)


def _format(value) -> str:
    return f"{value:g}" if np.ndim(value) == 0 else f"array{np.shape(value)}"


class Optimizer:
    """What every optimizer shares: a readable repr and the Hessian flag."""

    needs_hessian = False
    """True for second-order methods: :func:`gdviz.descend` then passes ``hessian=``."""

    def hyperparameters(self) -> dict:
        """The hyper-parameters by name."""
        return dict(vars(self))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_format(v)}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"


class GDState(NamedTuple):
    """Plain gradient descent remembers nothing but the step count."""

    step: int


class GradientDescent(Optimizer):
    """Plain gradient descent: ``w ← w − lr · g``.

    Examples
    --------
    >>> import numpy as np
    >>> opt = GradientDescent(lr=0.1)
    >>> opt.step(np.array([1.0, 2.0]), np.array([1.0, 1.0]), opt.init(None))
    (array([0.9, 1.9]), GDState(step=1))
    >>> GradientDescent(lr=-1)
    Traceback (most recent call last):
    ...
    ValueError: lr must be finite and > 0; got -1.0
    """

    def __init__(self, lr=0.1) -> None:
        self.lr = _lr(lr)

    def init(self, params) -> GDState:
        return GDState(step=0)

    def step(self, params, grad, state: GDState, hessian=None):
        return _params(params) - self.lr * grad, GDState(state.step + 1)


class MomentumState(NamedTuple):
    """The velocity: a decaying sum of past steps."""

    step: int
    velocity: np.ndarray


class Momentum(Optimizer):
    """Heavy-ball momentum: ``v ← β v − lr · g``, then ``w ← w + v``."""

    def __init__(self, lr=0.01, beta=0.9) -> None:
        self.lr = _lr(lr)
        self.beta = _beta("beta", beta)

    def init(self, params) -> MomentumState:
        return MomentumState(step=0, velocity=np.zeros_like(_params(params)))

    def step(self, params, grad, state: MomentumState, hessian=None):
        velocity = self.beta * state.velocity - self.lr * grad
        return _params(params) + velocity, MomentumState(state.step + 1, velocity)


class Nesterov(Optimizer):
    """Nesterov momentum, in the form that needs the gradient at the current point only.

    With ``v_prev`` the old velocity: ``v ← β v − lr · g``, then
    ``w ← w − β v_prev + (1 + β) v`` (as in CS231n's notes). The tracked ``w`` is the
    look-ahead point, so the gradient is never needed anywhere else.
    """

    def __init__(self, lr=0.01, beta=0.9) -> None:
        self.lr = _lr(lr)
        self.beta = _beta("beta", beta)

    def init(self, params) -> MomentumState:
        return MomentumState(step=0, velocity=np.zeros_like(_params(params)))

    def step(self, params, grad, state: MomentumState, hessian=None):
        velocity = self.beta * state.velocity - self.lr * grad
        new = _params(params) - self.beta * state.velocity + (1 + self.beta) * velocity
        return new, MomentumState(state.step + 1, velocity)


class AdaGradState(NamedTuple):
    """The running sum of squared gradients, per coordinate."""

    step: int
    sum_sq_grad: np.ndarray


class AdaGrad(Optimizer):
    """AdaGrad: ``G ← G + g²``, ``w ← w − lr · g / (√G + eps)``."""

    def __init__(self, lr=0.1, eps=1e-8) -> None:
        self.lr = _lr(lr)
        self.eps = _eps(eps)

    def init(self, params) -> AdaGradState:
        return AdaGradState(step=0, sum_sq_grad=np.zeros_like(_params(params)))

    def step(self, params, grad, state: AdaGradState, hessian=None):
        total = state.sum_sq_grad + grad * grad
        new = _params(params) - self.lr * grad / (np.sqrt(total) + self.eps)
        return new, AdaGradState(state.step + 1, total)


class RMSPropState(NamedTuple):
    """A decaying average of squared gradients, per coordinate."""

    step: int
    mean_sq_grad: np.ndarray


class RMSProp(Optimizer):
    """RMSProp: ``s ← ρ s + (1 − ρ) g²``, ``w ← w − lr · g / (√s + eps)``."""

    def __init__(self, lr=0.01, rho=0.9, eps=1e-8) -> None:
        self.lr = _lr(lr)
        self.rho = _beta("rho", rho)
        self.eps = _eps(eps)

    def init(self, params) -> RMSPropState:
        return RMSPropState(step=0, mean_sq_grad=np.zeros_like(_params(params)))

    def step(self, params, grad, state: RMSPropState, hessian=None):
        mean_sq = self.rho * state.mean_sq_grad + (1 - self.rho) * grad * grad
        new = _params(params) - self.lr * grad / (np.sqrt(mean_sq) + self.eps)
        return new, RMSPropState(state.step + 1, mean_sq)


class AdamState(NamedTuple):
    """Adam's first moment (mean of gradients) and second moment (mean of their squares)."""

    step: int
    first_moment: np.ndarray
    second_moment: np.ndarray


class Adam(Optimizer):
    """Adam with bias correction.

    ``m ← β₁ m + (1 − β₁) g``, ``v ← β₂ v + (1 − β₂) g²``, then with
    ``m̂ = m / (1 − β₁ᵗ)`` and ``v̂ = v / (1 − β₂ᵗ)``: ``w ← w − lr · m̂ / (√v̂ + eps)``.
    The first step therefore has size about ``lr`` in every coordinate.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adam(lr=0.1)
    >>> new, state = opt.step(np.zeros(2), np.array([100.0, -0.001]), opt.init(np.zeros(2)))
    >>> np.round(new, 4)
    array([-0.1,  0.1])
    """

    def __init__(self, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8) -> None:
        self.lr = _lr(lr)
        self.beta1 = _beta("beta1", beta1)
        self.beta2 = _beta("beta2", beta2)
        self.eps = _eps(eps)

    def init(self, params) -> AdamState:
        zeros = np.zeros_like(_params(params))
        return AdamState(step=0, first_moment=zeros, second_moment=zeros)

    def step(self, params, grad, state: AdamState, hessian=None):
        t = state.step + 1
        m = self.beta1 * state.first_moment + (1 - self.beta1) * grad
        v = self.beta2 * state.second_moment + (1 - self.beta2) * grad * grad
        m_hat = m / (1 - self.beta1**t)
        v_hat = v / (1 - self.beta2**t)
        new = _params(params) - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return new, AdamState(t, m, v)


class Newton(Optimizer):
    """Newton's method, the second-order contrast: ``w ← w − lr · H⁻¹ g``.

    One step reaches the minimum of a quadratic (with ``lr=1``), but it needs the
    Hessian: n² numbers for n parameters, and a linear solve. Where the Hessian is
    singular the step is not finite, and :func:`gdviz.descend` reports divergence.
    """

    needs_hessian = True

    def __init__(self, lr=1.0) -> None:
        self.lr = _lr(lr)

    def init(self, params) -> GDState:
        return GDState(step=0)

    def step(self, params, grad, state: GDState, hessian=None):
        if hessian is None:
            raise ValueError("Newton needs the Hessian: call step(params, grad, state, hessian=H)")
        return _params(params) - self.lr * _solve(hessian, grad), GDState(state.step + 1)


def _solve(hessian: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """``H⁻¹ g`` for stacks of matrices; a singular 2×2 gives inf or NaN, not an error."""
    grad = np.asarray(grad, dtype=float)
    if grad.shape[-1] == 2:
        a, b = hessian[..., 0, 0], hessian[..., 0, 1]
        c, d = hessian[..., 1, 0], hessian[..., 1, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            det = a * d - b * c
            return np.stack(
                [
                    (d * grad[..., 0] - b * grad[..., 1]) / det,
                    (a * grad[..., 1] - c * grad[..., 0]) / det,
                ],
                -1,
            )
    return np.linalg.solve(hessian, grad[..., None])[..., 0]


_BY_NAME = {
    "gd": GradientDescent,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
    "newton": Newton,
}


def names() -> list[str]:
    """The short names accepted by :func:`get`, in teaching order."""
    return list(_BY_NAME)


def get(name: str, **hyperparameters) -> Optimizer:
    """Build an optimizer by its short name.

    Examples
    --------
    >>> get("adam", lr=0.05)
    Adam(lr=0.05, beta1=0.9, beta2=0.999, eps=1e-08)
    >>> get("sgd")
    Traceback (most recent call last):
    ...
    ValueError: unknown optimizer 'sgd'; choose one of: gd, momentum, nesterov, adagrad, rmsprop, adam, newton
    """
    if name not in _BY_NAME:
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(_BY_NAME)}")
    return _BY_NAME[name](**hyperparameters)
