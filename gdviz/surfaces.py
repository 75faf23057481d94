"""Two-dimensional loss surfaces with analytical gradients and Hessians.

A :class:`Surface` is a function of a point ``(x, y)``. Every method takes points of
shape ``(..., 2)``, so one call evaluates a single point, a batch of runs or a whole
contour grid.

Examples
--------
>>> from gdviz import surfaces
>>> bowl = surfaces.get("quadratic", condition=4)
>>> float(bowl([1.0, 1.0]))
2.5
>>> bowl.grad([1.0, 1.0])
array([1., 4.])
>>> surfaces.names()
['beale', 'booth', 'himmelblau', 'quadratic', 'rastrigin', 'rosenbrock', 'saddle']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from numbers import Real

import numpy as np

from .validation import Interval, validate_params

Domain = tuple[tuple[float, float], tuple[float, float]]

NUMERICAL_STEP = 1e-5
"""Step ``h`` of the central differences used when a surface has no analytical gradient."""


def as_points(p, what: str = "point") -> np.ndarray:
    """Return ``p`` as a float (or complex) array whose last axis has length 2.

    Raises
    ------
    ValueError
        If the last axis does not have length 2.
    """
    arr = np.asarray(p)
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.complexfloating)):
        arr = arr.astype(float)
    if arr.ndim == 0 or arr.shape[-1] != 2:
        raise ValueError(
            f"a {what} must have shape (..., 2), an (x, y) pair in its last axis; got shape {arr.shape}"
        )
    return arr


class Surface:
    """A loss surface ``f(x, y)``, its gradient and its Hessian.

    Parameters
    ----------
    f : callable
        Maps points of shape ``(..., 2)`` to values of shape ``(...)``.
    grad : callable, optional
        The analytical gradient, points ``(..., 2)`` to ``(..., 2)``. Without it the
        gradient is computed by central differences and :attr:`grad_is_numerical` is True.
    hessian : callable, optional
        Points ``(..., 2)`` to ``(..., 2, 2)``. Without it, central differences of the gradient.
    name, latex : str
        A short name and the formula in LaTeX, for titles and legends.
    domain : ((xmin, xmax), (ymin, ymax))
        The window in which the surface is worth plotting.
    minima : array_like of shape (k, 2), optional
        Known global or local minima, marked on plots.
    start : array_like of shape (2,), optional
        A good default starting point; the centre-left of the domain if not given.

    Examples
    --------
    >>> import numpy as np
    >>> s = Surface(lambda p: p[..., 0] ** 2 + 3 * p[..., 1] ** 2, name="my bowl")
    >>> s.grad_is_numerical
    True
    >>> np.round(s.grad([1.0, 1.0]), 6)
    array([2., 6.])
    """

    def __init__(
        self,
        f: Callable[[np.ndarray], np.ndarray],
        grad: Callable[[np.ndarray], np.ndarray] | None = None,
        hessian: Callable[[np.ndarray], np.ndarray] | None = None,
        *,
        name: str = "custom",
        latex: str = "f(x, y)",
        domain: Domain = ((-2.0, 2.0), (-2.0, 2.0)),
        minima=None,
        start=None,
    ) -> None:
        if not callable(f):
            raise ValueError(f"f must be a callable taking points of shape (..., 2); got {f!r}")
        self._f = f
        self._grad = grad
        self._hessian = hessian
        self.name = name
        self.latex = latex
        (x0, x1), (y0, y1) = domain
        if not (x0 < x1 and y0 < y1):
            raise ValueError(
                f"domain must be ((xmin, xmax), (ymin, ymax)) with min < max; got {domain}"
            )
        self.domain: Domain = ((float(x0), float(x1)), (float(y0), float(y1)))
        self.minima = (
            np.empty((0, 2)) if minima is None else as_points(np.atleast_2d(minima), "minimum")
        )
        if start is None:
            start = (x0 + 0.25 * (x1 - x0), y0 + 0.75 * (y1 - y0))
        self.start = as_points(start, "start").astype(float)

    @property
    def grad_is_numerical(self) -> bool:
        """True when the gradient comes from finite differences, not a formula."""
        return self._grad is None

    def __call__(self, p) -> np.ndarray:
        """The value of the surface at points ``p`` of shape ``(..., 2)``."""
        return self._f(as_points(p))

    def grad(self, p) -> np.ndarray:
        """The gradient at points ``p``, shape ``(..., 2)``."""
        p = as_points(p)
        if self._grad is not None:
            return self._grad(p)
        return _central_difference(self._f, p)

    def hessian(self, p) -> np.ndarray:
        """The Hessian at points ``p``, shape ``(..., 2, 2)``."""
        p = as_points(p)
        if self._hessian is not None:
            return self._hessian(p)
        columns = _central_difference(self.grad, p)  # (..., 2 coordinates, 2 gradient entries)
        hess = np.swapaxes(columns, -1, -2)
        return 0.5 * (hess + np.swapaxes(hess, -1, -2))

    def __repr__(self) -> str:
        # Plain text for print() and consoles; Jupyter shows the formula from _repr_latex_.
        gradient = "numerical (central differences)" if self.grad_is_numerical else "analytical"
        (x0, x1), (y0, y1) = self.domain
        return (
            f"Surface({self.name!r}, plotted on [{x0:g}, {x1:g}] × [{y0:g}, {y1:g}], "
            f"gradient {gradient})"
        )

    def _repr_latex_(self) -> str:
        return f"$\\text{{{self.name}}}:\\quad f(x, y) = {self.latex}$"


def _central_difference(f: Callable, p: np.ndarray) -> np.ndarray:
    """Central differences of ``f`` along x and y, stacked on a new last axis."""
    h = NUMERICAL_STEP
    parts = []
    for axis in (0, 1):
        step = np.zeros(2)
        step[axis] = h
        parts.append((f(p + step) - f(p - step)) / (2 * h))
    return np.stack(parts, axis=-1)


def _xy(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return p[..., 0], p[..., 1]


def _stack2x2(a, b, c, d) -> np.ndarray:
    """Stack four broadcastable arrays into matrices ``[[a, b], [c, d]]``."""
    a, b, c, d = np.broadcast_arrays(a, b, c, d)
    return np.stack([np.stack([a, b], -1), np.stack([c, d], -1)], -2)


@validate_params(condition=Interval(Real, 1, None), angle=Interval(Real, None, None))
def quadratic(condition: float = 10.0, angle: float = 0.0) -> Surface:
    """The bowl ``½(u² + κ v²)``, its axes ``(u, v)`` rotated by ``angle`` degrees.

    The Hessian has eigenvalues 1 and κ (the condition number): plain gradient descent
    converges if and only if the step size is below 2/κ, and fastest at 2/(1 + κ).
    """
    theta = np.deg2rad(angle)
    c, s = np.cos(theta), np.sin(theta)
    # H = R diag(1, κ) Rᵀ, with R the rotation by theta
    hxx = c * c + condition * s * s
    hxy = (1 - condition) * c * s
    hyy = s * s + condition * c * c

    def f(p):
        x, y = _xy(p)
        return 0.5 * (hxx * x * x + 2 * hxy * x * y + hyy * y * y)

    def grad(p):
        x, y = _xy(p)
        return np.stack([hxx * x + hxy * y, hxy * x + hyy * y], -1)

    def hessian(p):
        shape = p.shape[:-1]
        return _stack2x2(*(np.full(shape, v) for v in (hxx, hxy, hxy, hyy)))

    kappa = f"{condition:g}"
    formula = rf"\frac{{1}}{{2}}(x^2 + {kappa}\,y^2)"
    if angle % 180:
        formula = rf"\frac{{1}}{{2}}(u^2 + {kappa}\,v^2),\ (u, v) = \mathrm{{rotate}}(x, y; {angle:g}^\circ)"
    return Surface(
        f,
        grad,
        hessian,
        name="quadratic",
        latex=formula,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=[[0.0, 0.0]],
        start=[-1.5, 0.5],
    )


def rosenbrock() -> Surface:
    """Rosenbrock's banana valley ``(1 − x)² + 100 (y − x²)²``, minimum at (1, 1)."""

    def f(p):
        x, y = _xy(p)
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    def grad(p):
        x, y = _xy(p)
        return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], -1)

    def hessian(p):
        x, y = _xy(p)
        return _stack2x2(2 - 400 * y + 1200 * x * x, -400 * x, -400 * x, 200.0)

    return Surface(
        f,
        grad,
        hessian,
        name="rosenbrock",
        latex=r"(1 - x)^2 + 100\,(y - x^2)^2",
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        minima=[[1.0, 1.0]],
        start=[-1.2, 1.0],
    )


def himmelblau() -> Surface:
    """Himmelblau's function: four minima of value 0 around a local maximum."""

    def f(p):
        x, y = _xy(p)
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    def grad(p):
        x, y = _xy(p)
        a, b = x * x + y - 11, x + y * y - 7
        return np.stack([4 * x * a + 2 * b, 2 * a + 4 * y * b], -1)

    def hessian(p):
        x, y = _xy(p)
        a, b = x * x + y - 11, x + y * y - 7
        hxy = 4 * x + 4 * y
        return _stack2x2(4 * a + 8 * x * x + 2, hxy, hxy, 2 + 4 * b + 8 * y * y)

    return Surface(
        f,
        grad,
        hessian,
        name="himmelblau",
        latex=r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=[
            [3.0, 2.0],
            [-2.805118, 3.131312],
            [-3.779310, -3.283186],
            [3.584428, -1.848126],
        ],
        start=[-0.3, -0.8],
    )


_BEALE_CONSTANTS = (1.5, 2.25, 2.625)


def beale() -> Surface:
    """Beale's function: flat plateaus and steep walls, minimum at (3, 0.5)."""

    def f(p):
        x, y = _xy(p)
        return sum((c - x + x * y**i) ** 2 for i, c in enumerate(_BEALE_CONSTANTS, 1))

    def grad(p):
        x, y = _xy(p)
        gx = gy = 0.0
        for i, c in enumerate(_BEALE_CONSTANTS, 1):
            t = c - x + x * y**i
            gx = gx + 2 * t * (y**i - 1)
            gy = gy + 2 * t * i * x * y ** (i - 1)
        return np.stack(np.broadcast_arrays(gx, gy), -1)

    def hessian(p):
        x, y = _xy(p)
        hxx = hxy = hyy = 0.0
        for i, c in enumerate(_BEALE_CONSTANTS, 1):
            t = c - x + x * y**i
            dt_dx = y**i - 1
            dt_dy = i * x * y ** (i - 1)
            hxx = hxx + 2 * dt_dx**2
            hxy = hxy + 2 * (dt_dy * dt_dx + t * i * y ** (i - 1))
            second = i * (i - 1) * x * y ** (i - 2) if i > 1 else 0.0
            hyy = hyy + 2 * (dt_dy**2 + t * second)
        return _stack2x2(hxx, hxy, hxy, hyy)

    return Surface(
        f,
        grad,
        hessian,
        name="beale",
        latex=r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        minima=[[3.0, 0.5]],
        start=[1.0, 1.0],
    )


def booth() -> Surface:
    """Booth's function, a tilted quadratic bowl: Hessian eigenvalues 18 and 2."""

    def f(p):
        x, y = _xy(p)
        return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2

    def grad(p):
        x, y = _xy(p)
        return np.stack([10 * x + 8 * y - 34, 8 * x + 10 * y - 38], -1)

    def hessian(p):
        shape = p.shape[:-1]
        return _stack2x2(*(np.full(shape, v) for v in (10.0, 8.0, 8.0, 10.0)))

    return Surface(
        f,
        grad,
        hessian,
        name="booth",
        latex=r"(x + 2y - 7)^2 + (2x + y - 5)^2",
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=[[1.0, 3.0]],
        start=[-8.0, -6.0],
    )


def saddle() -> Surface:
    """The saddle ``x² − y²``: no minimum, a stationary point at the origin."""

    def f(p):
        x, y = _xy(p)
        return x * x - y * y

    def grad(p):
        x, y = _xy(p)
        return np.stack([2 * x, -2 * y], -1)

    def hessian(p):
        shape = p.shape[:-1]
        return _stack2x2(*(np.full(shape, v) for v in (2.0, 0.0, 0.0, -2.0)))

    return Surface(
        f,
        grad,
        hessian,
        name="saddle",
        latex=r"x^2 - y^2",
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=None,
        start=[1.5, 1e-3],
    )


def rastrigin() -> Surface:
    """Rastrigin's function: a bowl covered in local minima, global minimum at (0, 0)."""
    two_pi = 2 * np.pi

    def f(p):
        x, y = _xy(p)
        return 20 + x * x - 10 * np.cos(two_pi * x) + y * y - 10 * np.cos(two_pi * y)

    def grad(p):
        x, y = _xy(p)
        return np.stack(
            [2 * x + 10 * two_pi * np.sin(two_pi * x), 2 * y + 10 * two_pi * np.sin(two_pi * y)], -1
        )

    def hessian(p):
        x, y = _xy(p)
        curvature = 10 * two_pi**2
        zero = np.zeros_like(x)
        return _stack2x2(
            2 + curvature * np.cos(two_pi * x), zero, zero, 2 + curvature * np.cos(two_pi * y)
        )

    return Surface(
        f,
        grad,
        hessian,
        name="rastrigin",
        latex=r"20 + \sum_{i} \left(x_i^2 - 10\cos 2\pi x_i\right)",
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        minima=[[0.0, 0.0]],
        start=[-2.0, 3.5],
    )


_BUILT_INS: dict[str, Callable[..., Surface]] = {
    "beale": beale,
    "booth": booth,
    "himmelblau": himmelblau,
    "quadratic": quadratic,
    "rastrigin": rastrigin,
    "rosenbrock": rosenbrock,
    "saddle": saddle,
}


def names() -> list[str]:
    """The names of the built-in surfaces, sorted."""
    return sorted(_BUILT_INS)


def get(name: str, **params) -> Surface:
    """Build the built-in surface called ``name``.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    **params
        Parameters of that surface (only ``quadratic`` has any: ``condition``, ``angle``).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones) or unknown parameters.

    Examples
    --------
    >>> get("rosenbrock").minima
    array([[1., 1.]])
    >>> get("bowl")
    Traceback (most recent call last):
    ...
    ValueError: unknown surface 'bowl'; choose one of: beale, booth, himmelblau, quadratic, rastrigin, rosenbrock, saddle
    """
    if name not in _BUILT_INS:
        raise ValueError(f"unknown surface {name!r}; choose one of: {', '.join(names())}")
    factory = _BUILT_INS[name]
    allowed = list(inspect.signature(factory).parameters)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        takes = ", ".join(allowed) if allowed else "no parameters"
        raise ValueError(f"surface {name!r} got unknown parameters {unknown}; it takes {takes}")
    return factory(**params)
