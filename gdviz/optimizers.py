"""Optimizers as explicit, pure state machines.

Every optimizer has the same two methods::

    state = opt.init(params)
    new_params, new_state = opt.step(params, grad, state)

Nothing is modified in place, and the state is a small named tuple you can print: the
velocity of momentum, Adam's moments, the step count. Hyper-parameters may be arrays
that broadcast against ``params`` (``lr=lrs[:, None]`` with params of shape ``(k, 2)``),
so many runs with different settings advance together.

Each class also describes itself for the explorers: ``name``, ``label``, ``color``,
``family`` and :meth:`Optimizer.stability_limit`. A new optimizer is one subclass made
available by name with :func:`register`.

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

from numbers import Real
from typing import NamedTuple

import numpy as np

from .validation import Interval, validate_params

FAMILIES = ("gradient descent", "adaptive", "second order")
"""How an optimizer's step size behaves: fixed, with a stability limit on a quadratic
(gradient descent and momentum); rescaled per coordinate (AdaGrad, RMSProp, Adam); or
measured in Newton steps (1 is a whole step to a quadratic's minimum)."""

# hyper-parameters: any finite positive step, or arrays of them (one per run)
_LR = Interval(Real, 0, None, closed="neither", arrays=True)
_DECAY = Interval(Real, 0, 1, closed="left", arrays=True)
_EPS = Interval(Real, 0, None, closed="neither", arrays=True)


def _params(params) -> np.ndarray:
    return np.asarray(params, dtype=float)


def _format(value) -> str:
    return f"{value:g}" if np.ndim(value) == 0 else f"array{np.shape(value)}"


def _scalar(value):
    """A 0-d hyper-parameter as a plain number (the repr and arithmetic stay simple)."""
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value


class Optimizer:
    """What every optimizer shares: a readable repr, the Hessian flag and its description.

    A new optimizer is one subclass with ``init``, ``step`` and the class attributes
    below, made available by name with :func:`register`.
    """

    name = ""
    """The short name :func:`get` knows it by."""

    label = ""
    """How figures and legends name it."""

    color = "#999999"
    """Its colour in figures (the built-ins use the Okabe–Ito palette)."""

    family = "gradient descent"
    """One of :data:`FAMILIES`."""

    needs_hessian = False
    """True for second-order methods: :func:`gdviz.descend` then passes ``hessian=``."""

    def hyperparameters(self) -> dict:
        """The hyper-parameters by name."""
        return dict(vars(self))

    def stability_limit(self, curvature: float | None) -> tuple[float | None, str]:
        """The largest stable step size on a quadratic of largest curvature λ_max, and its formula.

        Returns ``(None, reason)`` when there is no such limit. An optimizer that does not
        define one says so, rather than borrowing gradient descent's 2/λ_max.
        """
        return None, f"{self.label or type(self).__name__} has no known stability limit"

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={_format(v)}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"


def _curvature_limit(
    curvature: float | None, scale, formula: str, per: float = 1.0
) -> tuple[float | None, str]:
    """``scale / (per · λ_max)`` for the gradient-descent family, or why there is none."""
    if curvature is None:
        return None, "the Hessian at the start is not finite"
    if curvature <= 0:
        return None, (
            f"no stability limit here: the surface curves down or is flat at the start "
            f"(λ_max = {curvature:.3g} ≤ 0)"
        )
    return float(scale / (per * curvature)), formula


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
    ValueError: lr must be a finite number > 0; got -1
    """

    name, label, color = "gd", "gradient descent", "#0072B2"

    @validate_params(lr=_LR)
    def __init__(self, lr=0.1) -> None:
        self.lr = _scalar(lr)

    def init(self, params) -> GDState:
        return GDState(step=0)

    def stability_limit(self, curvature: float | None) -> tuple[float | None, str]:
        return _curvature_limit(curvature, 2.0, "2/λ_max")

    def step(self, params, grad, state: GDState, hessian=None):
        return _params(params) - self.lr * grad, GDState(state.step + 1)


class MomentumState(NamedTuple):
    """The velocity: a decaying sum of past steps."""

    step: int
    velocity: np.ndarray


class Momentum(Optimizer):
    """Heavy-ball momentum: ``v ← β v − lr · g``, then ``w ← w + v``."""

    name, label, color = "momentum", "momentum", "#D55E00"

    @validate_params(lr=_LR, beta=_DECAY)
    def __init__(self, lr=0.01, beta=0.9) -> None:
        self.lr = _scalar(lr)
        self.beta = _scalar(beta)

    def stability_limit(self, curvature: float | None) -> tuple[float | None, str]:
        return _curvature_limit(curvature, 2 * (1 + self.beta), "2(1 + β)/λ_max")

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

    name, label, color = "nesterov", "Nesterov", "#CC79A7"

    @validate_params(lr=_LR, beta=_DECAY)
    def __init__(self, lr=0.01, beta=0.9) -> None:
        self.lr = _scalar(lr)
        self.beta = _scalar(beta)

    def stability_limit(self, curvature: float | None) -> tuple[float | None, str]:
        beta = self.beta
        return _curvature_limit(
            curvature, 2 * (1 + beta), "2(1 + β)/((1 + 2β) λ_max)", per=1 + 2 * beta
        )

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

    name, label, color, family = "adagrad", "AdaGrad", "#E69F00", "adaptive"

    @validate_params(lr=_LR, eps=_EPS)
    def __init__(self, lr=0.1, eps=1e-8) -> None:
        self.lr = _scalar(lr)
        self.eps = _scalar(eps)

    def stability_limit(self, curvature: float | None) -> tuple[float | None, str]:
        return None, "adaptive step sizes have no fixed stability limit"

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

    name, label, color, family = "rmsprop", "RMSProp", "#56B4E9", "adaptive"

    @validate_params(lr=_LR, rho=_DECAY, eps=_EPS)
    def __init__(self, lr=0.01, rho=0.9, eps=1e-8) -> None:
        self.lr = _scalar(lr)
        self.rho = _scalar(rho)
        self.eps = _scalar(eps)

    def stability_limit(self, curvature: float | None) -> tuple[float | None, str]:
        return None, "adaptive step sizes have no fixed stability limit"

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

    name, label, color, family = "adam", "Adam", "#009E73", "adaptive"

    @validate_params(lr=_LR, beta1=_DECAY, beta2=_DECAY, eps=_EPS)
    def __init__(self, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8) -> None:
        self.lr = _scalar(lr)
        self.beta1 = _scalar(beta1)
        self.beta2 = _scalar(beta2)
        self.eps = _scalar(eps)

    def stability_limit(self, curvature: float | None) -> tuple[float | None, str]:
        return None, "adaptive step sizes have no fixed stability limit"

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


class NewtonState(NamedTuple):
    """Newton's method remembers nothing but the step count: the Hessian is recomputed each step."""

    step: int


class Newton(Optimizer):
    """Newton's method, the second-order contrast: ``w ← w − lr · H⁻¹ g``.

    One step reaches the minimum of a quadratic (with ``lr=1``), but it needs the
    Hessian: n² numbers for n parameters, and a linear solve. It goes to wherever the
    gradient vanishes, a saddle point or a maximum too (:func:`gdviz.descend` says which
    it reached). A singular Hessian has no Newton step: ``step`` raises ``ValueError``.
    A Hessian that is not finite (the run overflowed) gives a step that is not finite,
    which :func:`gdviz.descend` reports as divergence.

    Examples
    --------
    >>> import numpy as np
    >>> newton = Newton()
    >>> newton.step(np.ones(2), np.ones(2), newton.init(None), hessian=np.eye(2))
    (array([0., 0.]), NewtonState(step=1))
    >>> newton.step(np.ones(2), np.ones(2), newton.init(None), hessian=np.zeros((2, 2)))
    Traceback (most recent call last):
    ...
    ValueError: Newton needs an invertible Hessian; the Hessian is singular at [1. 1.] (eigenvalues 0, 0)
    """

    name, label, color, family = "newton", "Newton", "#000000", "second order"
    needs_hessian = True

    @validate_params(lr=_LR)
    def __init__(self, lr=1.0) -> None:
        self.lr = _scalar(lr)

    def init(self, params) -> NewtonState:
        return NewtonState(step=0)

    def step(self, params, grad, state: NewtonState, hessian=None):
        if hessian is None:
            raise ValueError("Newton needs the Hessian: call step(params, grad, state, hessian=H)")
        params = _params(params)
        step = _solve(params, np.asarray(hessian, dtype=float), grad)
        return params - self.lr * step, NewtonState(state.step + 1)

    def stability_limit(self, curvature: float | None) -> tuple[float | None, str]:
        return 2.0, "2 for Newton on a quadratic"


def _singular(params: np.ndarray, hessian: np.ndarray, which: np.ndarray) -> ValueError:
    where = tuple(int(i) for i in np.argwhere(which)[0])
    point = params[where] if params.ndim > 1 else params
    matrix = hessian[where]
    listed = ", ".join(f"{v:.3g}" for v in np.linalg.eigvalsh(0.5 * (matrix + matrix.T)))
    return ValueError(
        f"Newton needs an invertible Hessian; the Hessian is singular at {point} "
        f"(eigenvalues {listed})"
    )


def _solve(params: np.ndarray, hessian: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """``H⁻¹ g`` for stacks of matrices; ``ValueError`` for a finite singular one.

    A Hessian that is not finite (the run overflowed) gives a step that is not finite.
    """
    grad = np.asarray(grad, dtype=float)
    finite = np.all(np.isfinite(hessian), axis=(-2, -1))
    if grad.shape[-1] == 2:
        a, b = hessian[..., 0, 0], hessian[..., 0, 1]
        c, d = hessian[..., 1, 0], hessian[..., 1, 1]
        with np.errstate(all="ignore"):
            det = a * d - b * c
            if np.any(finite & (det == 0)):
                raise _singular(params, hessian, finite & (det == 0))
            return np.stack(
                [
                    (d * grad[..., 0] - b * grad[..., 1]) / det,
                    (a * grad[..., 1] - c * grad[..., 0]) / det,
                ],
                -1,
            )
    safe = np.where(finite[..., None, None], hessian, np.eye(hessian.shape[-1]))
    try:
        solved = np.linalg.solve(safe, grad[..., None])[..., 0]
    except np.linalg.LinAlgError:
        raise _singular(params, safe, np.linalg.matrix_rank(safe) < safe.shape[-1]) from None
    return np.where(finite[..., None], solved, np.nan)


_REGISTRY: dict[str, type[Optimizer]] = {}


def register(cls: type[Optimizer]) -> type[Optimizer]:
    """Make an optimizer class available by its ``name`` (usable as a class decorator).

    Its ``name``, ``label``, ``color`` and ``family`` are all the explorers need to show it.

    Examples
    --------
    >>> import numpy as np
    >>> @register
    ... class SignDescent(Optimizer):
    ...     name, label, color = "signgd", "sign descent", "#F0E442"
    ...     def __init__(self, lr=0.01):
    ...         self.lr = lr
    ...     def init(self, params):
    ...         return GDState(step=0)
    ...     def step(self, params, grad, state, hessian=None):
    ...         return np.asarray(params) - self.lr * np.sign(grad), GDState(state.step + 1)
    >>> get("signgd", lr=0.5)
    SignDescent(lr=0.5)
    >>> get("signgd").stability_limit(10.0)
    (None, 'sign descent has no known stability limit')
    >>> unregister("signgd")
    """
    if not (isinstance(cls, type) and issubclass(cls, Optimizer)):
        raise TypeError(f"only Optimizer subclasses can be registered; got {cls!r}")
    if not isinstance(cls.name, str) or not cls.name:
        raise ValueError(f"{cls.__name__}.name must be a non-empty string; got {cls.name!r}")
    if cls.family not in FAMILIES:
        raise ValueError(
            f"{cls.__name__}.family must be one of: {', '.join(FAMILIES)}; got {cls.family!r}"
        )
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(
            f"an optimizer called {cls.name!r} is registered already ({_REGISTRY[cls.name].__name__})"
        )
    _REGISTRY[cls.name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove a registered optimizer (the built-in ones stay)."""
    if name in _BUILT_INS:
        raise ValueError(f"{name!r} is built in and cannot be unregistered")
    _REGISTRY.pop(name, None)


def registry() -> dict[str, type[Optimizer]]:
    """The registered optimizer classes by name, in teaching order (a copy)."""
    return dict(_REGISTRY)


for _cls in (GradientDescent, Momentum, Nesterov, AdaGrad, RMSProp, Adam, Newton):
    register(_cls)
_BUILT_INS = tuple(_REGISTRY)


def names() -> list[str]:
    """The short names accepted by :func:`get`, in teaching order."""
    return list(_REGISTRY)


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
    if name not in _REGISTRY:
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(_REGISTRY)}")
    return _REGISTRY[name](**hyperparameters)
