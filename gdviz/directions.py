"""The slope of a surface in every direction at a point: the directional derivative.

Stand at a point ``p`` of a surface and face the direction ``u = (cos θ, sin θ)``. Walk
a little: the height changes at the rate ``∇f(p) · u = |∇f| cos(θ − θ_∇)``, the
*directional derivative*. It is largest along ``∇f`` (steepest ascent), zero along the
contour through ``p`` (at right angles to ``∇f``) and most negative along ``−∇f``
(steepest descent). :class:`gdviz.widgets.direction.DirectionExplorer` shows it.

Examples
--------
>>> from gdviz import surfaces
>>> bowl = surfaces.get("quadratic", condition=1)      # ½(x² + y²): ∇f = (x, y)
>>> s = directional_slope(bowl, (3.0, 4.0), 90.0)
>>> round(s.slope, 9), round(s.steepest_slope, 9)
(4.0, 5.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .surfaces import Surface
from .validation import check_number, check_point


@dataclass(frozen=True)
class DirectionalSlope:
    """The slope of a surface at a point in one direction.

    Attributes
    ----------
    point : ndarray
        ``p``, shape (2,).
    angle : float
        ``θ`` in degrees, counter-clockwise from the +x axis.
    direction : ndarray
        The unit vector ``u = (cos θ, sin θ)``.
    gradient : ndarray
        ``∇f(p)``.
    slope : float
        The directional derivative ``∇f(p) · u``.
    steepest_angle : float
        The angle of ``∇f`` in degrees, in [0, 360): where the slope is largest.
    """

    point: np.ndarray
    angle: float
    direction: np.ndarray
    gradient: np.ndarray
    slope: float
    steepest_angle: float

    @property
    def steepest_slope(self) -> float:
        """``|∇f(p)|``: the largest slope over all directions (its negative is the smallest)."""
        return float(np.linalg.norm(self.gradient))


def unit_vector(angle_degrees) -> np.ndarray:
    """``(cos θ, sin θ)`` for ``θ`` in degrees; shape ``(..., 2)``.

    Examples
    --------
    >>> unit_vector([0.0, 90.0]).round(12)
    array([[1., 0.],
           [0., 1.]])
    """
    theta = np.deg2rad(np.asarray(angle_degrees, dtype=float))
    return np.stack([np.cos(theta), np.sin(theta)], axis=-1)


def gradient_angle(gradient) -> float:
    """The angle of a 2-D vector in degrees, in [0, 360)."""
    return float(np.degrees(np.arctan2(gradient[1], gradient[0])) % 360.0)


def directional_slope(surface: Surface, point, angle_degrees) -> DirectionalSlope:
    """The slope ``∇f(p) · u`` of ``surface`` at ``point`` in the direction ``angle_degrees``."""
    p = check_point("point", point, size=2)
    angle = check_number("angle", angle_degrees)
    u = unit_vector(angle)
    g = np.asarray(surface.grad(p), dtype=float)
    return DirectionalSlope(p, angle, u, g, float(g @ u), gradient_angle(g))


def slices(surface: Surface, point, angles, reach: float, samples: int = 201):
    """The slices ``t ↦ f(p + t·u)`` through ``point`` for ``t`` in ``[−reach, reach]``.

    Returns ``(t, heights)``: ``t`` of shape ``(samples,)`` and ``heights`` of shape
    ``(len(angles), samples)``, one slice per direction.

    Examples
    --------
    >>> from gdviz import surfaces
    >>> t, h = slices(surfaces.get("quadratic", condition=1), (1.0, 0.0), [0.0, 90.0], 1.0, 3)
    >>> t.tolist(), h.round(12).tolist()
    ([-1.0, 0.0, 1.0], [[0.0, 0.5, 2.0], [1.0, 0.5, 1.0]])
    """
    p = check_point("point", point, size=2)
    t = np.linspace(-reach, reach, samples)
    u = unit_vector(angles)
    return t, np.asarray(surface(p + t[None, :, None] * u[:, None, :]), dtype=float)
