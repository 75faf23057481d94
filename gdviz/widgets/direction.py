"""The slope in every direction at a point: why the gradient is the way uphill.

Stand at a point ``p`` of a surface and face the direction ``u = (cos θ, sin θ)``. Walk
a little: the height changes at the rate ``∇f(p) · u = |∇f| cos(θ − θ_∇)``, the
*directional derivative*. It is largest along ``∇f`` (steepest ascent), zero along the
contour through ``p`` (at right angles to ``∇f``) and most negative along ``−∇f``
(steepest descent). :class:`DirectionExplorer` turns ``θ`` with a slider and shows

1. the contour map with ``p``, the arrows ``∇f`` and ``−∇f``, the contour's direction,
   and the direction ``u`` with the line the slice follows;
2. the slice ``t ↦ f(p + t u)`` with its tangent at ``t = 0``, of slope ``∇f · u``;
3. the slope against ``θ``: a cosine, highest at ``∇f``, zero at the contour, lowest at ``−∇f``.

Examples
--------
>>> explorer = DirectionExplorer("quadratic", point=(1.0, 0.5), backend="inline")
>>> explorer.controls["angle"].value = 0.0
>>> round(explorer.result.slope, 3)          # ∂f/∂x of ½(x² + 10 y²) at (1, 0.5)
1.0
>>> explorer.controls["angle"].value = 180.0
>>> round(explorer.result.slope, 3)
-1.0
>>> float(round(explorer.result.steepest_angle))   # ∇f = (1, 5) points at 78.7°
79.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from .. import surfaces as _surfaces
from ..plotting import COLORS, contour, projector_style
from ..surfaces import Surface, as_points
from .base import Explorer, float_slider, move_to_emptiest_corner

UPHILL, DOWNHILL, DIRECTION, CONTOUR = COLORS[1], COLORS[2], COLORS[3], "white"
# a white halo keeps the arrows visible on the dark and the light ends of cividis
_HALO = [patheffects.withStroke(linewidth=5, foreground="white"), patheffects.Normal()]


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
    """``(cos θ, sin θ)`` for ``θ`` in degrees; shape ``(..., 2)``."""
    theta = np.deg2rad(np.asarray(angle_degrees, dtype=float))
    return np.stack([np.cos(theta), np.sin(theta)], axis=-1)


def directional_slope(surface: Surface, point, angle_degrees) -> DirectionalSlope:
    """The slope ``∇f(p) · u`` of ``surface`` at ``point`` in the direction ``angle_degrees``.

    Examples
    --------
    >>> bowl = _surfaces.get("quadratic", condition=1)      # ½(x² + y²): ∇f = (x, y)
    >>> s = directional_slope(bowl, (3.0, 4.0), 90.0)
    >>> round(s.slope, 9), round(s.steepest_slope, 9)
    (4.0, 5.0)
    """
    p = as_points(point).astype(float)
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ValueError(f"point must be one finite (x, y) pair; got {point!r}")
    angle = float(angle_degrees)
    if not np.isfinite(angle):
        raise ValueError(f"the angle must be a finite number of degrees; got {angle_degrees!r}")
    u = unit_vector(angle)
    g = np.asarray(surface.grad(p), dtype=float)
    steepest = float(np.degrees(np.arctan2(g[1], g[0])) % 360.0)
    return DirectionalSlope(p, angle, u, g, float(g @ u), steepest)


NEARLY_FLAT = 1e-3
"""A gradient shorter than this fraction of its median length on the map counts as flat."""


def _shown(slope: float, steepest: float) -> float:
    """The slope as printed: 0 where it is only rounding noise next to the steepest slope."""
    return 0.0 if abs(slope) <= 1e-12 * max(1.0, steepest) else slope


def _median_gradient_length(surface: Surface) -> float:
    (x0, x1), (y0, y1) = surface.domain
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41)), -1)
    return float(np.median(np.linalg.norm(surface.grad(grid), axis=-1)))


def _resolve_surface(surface) -> Surface:
    if isinstance(surface, Surface):
        return surface
    if isinstance(surface, str):
        return _surfaces.get(surface)
    raise ValueError(f"surface must be a Surface or one of {_surfaces.names()}; got {surface!r}")


ANGLES = np.linspace(0.0, 360.0, 361)
"""The directions, in degrees, drawn in the slope-against-angle panel."""


class DirectionExplorer(Explorer):
    """Turn a direction at a point and watch the slope ``∇f · u`` in that direction.

    Parameters
    ----------
    surface : str or Surface
        A built-in surface's name (see :func:`gdviz.surfaces.names`) or a ``Surface``.
    point : (x, y), optional
        Where to stand; the surface's ``start`` if None. Click the map to move it (ipympl).
    angle : float
        The first direction, in degrees counter-clockwise from the +x axis.
    reach : float, optional
        How far the slice runs each side of the point, in the surface's units; 15 % of
        the domain's width if None.
    contour_scale : {"linear", "log", "auto"}
        How the map's contour levels are spaced (see :func:`gdviz.plotting.contour_levels`):
        equally, by default, so that crowded lines mean a steep slope.
    backend : {"ipympl", "inline"}, optional
        See :func:`gdviz.widgets.base.choose_backend`.

    Attributes
    ----------
    controls : dict
        ``"angle"``: the direction in degrees, 0 to 360.
    result : DirectionalSlope
        The slope in the current direction at the current point.
    point : ndarray
        The current point; set it with :meth:`set_point` (or a click on the map).
    """

    def __init__(
        self,
        surface="himmelblau",
        point=None,
        angle: float = 0.0,
        *,
        reach: float | None = None,
        contour_scale: str = "linear",
        backend: str | None = None,
    ) -> None:
        self.surface = _resolve_surface(surface)
        self._typical_gradient = _median_gradient_length(self.surface)
        self.contour_scale = contour_scale
        (x0, x1), (y0, y1) = self.surface.domain
        self.reach = 0.15 * min(x1 - x0, y1 - y0) if reach is None else float(reach)
        if not (np.isfinite(self.reach) and self.reach > 0):
            raise ValueError(f"reach must be a number > 0; got {reach!r}")
        self._arrow_length = 0.17 * min(x1 - x0, y1 - y0)
        self.point = self._checked_point(self.surface.start if point is None else point)

        with projector_style():
            # at most about 950 px wide: what JupyterLab shows beside its file browser
            figure = Figure(figsize=(9.5, 6.0), layout="constrained")
            grid = figure.add_gridspec(2, 2, width_ratios=[1.05, 1])
            self.map_ax = figure.add_subplot(grid[:, 0])
            self.slice_ax = figure.add_subplot(grid[0, 1])
            self.slope_ax = figure.add_subplot(grid[1, 1])
            self._build_map()
            self._build_slice()
            self._build_slope()
            self._build_legend(figure)
        super().__init__(
            figure,
            caption=(
                "Predict first: in which direction is the slope largest, zero, most negative? "
                "Then turn the direction slider (or click the map to stand somewhere else)."
            ),
            backend=backend,
        )
        self.view.animate(
            self._u_arrow,
            self._slice_path,
            self._slice_line,
            self._tangent,
            self._slice_dot,
            self._slope_marker,
            self._slope_stem,
        )
        # text is slow to redraw; live, the status line below the figure says the same
        self.view.show_in_static_picture_only(self._slice_text)
        self.add_control(
            "angle", float_slider("direction θ (°)", float(angle) % 360, 0.0, 360.0, step=1.0)
        )
        self.watch(["angle"], self._update)
        self.on_click(self._clicked)
        self.arrange(["angle"])
        self._update_point()
        self._update()

    # building -------------------------------------------------------------------------

    def _checked_point(self, point) -> np.ndarray:
        p = np.asarray(point, dtype=float)
        if p.shape != (2,) or not np.all(np.isfinite(p)):
            raise ValueError(f"point must be one finite (x, y) pair; got {point!r}")
        return p

    def _arrow(self, ax, color, *, width=2.5, style="-|>", linestyle="-", zorder=5):
        arrow = FancyArrowPatch(
            (0, 0),
            (0, 0),
            arrowstyle=style,
            mutation_scale=22,
            color=color,
            linewidth=width,
            linestyle=linestyle,
            zorder=zorder,
            path_effects=_HALO,
        )
        ax.add_patch(arrow)
        return arrow

    def _build_map(self) -> None:
        ax = self.map_ax
        contour(ax, self.surface, colorbar=False, scale=self.contour_scale)
        ax.set_title("where you stand (click to move)")
        (self._contour_dir,) = ax.plot([], [], color=CONTOUR, linestyle=":", linewidth=2.5)
        self._up_arrow = self._arrow(ax, UPHILL)
        self._down_arrow = self._arrow(ax, DOWNHILL)
        (self._slice_path,) = ax.plot(
            [], [], color=DIRECTION, linestyle="--", linewidth=1.5, path_effects=_HALO
        )
        self._u_arrow = self._arrow(ax, DIRECTION, width=3.0, zorder=6)
        (self._point_dot,) = ax.plot(
            [], [], "o", color="white", markeredgecolor="black", markersize=9, zorder=7
        )

    def _build_legend(self, figure) -> None:
        """One legend for the three panels: each colour means the same thing in all of them."""
        handles = [
            Line2D([], [], color=UPHILL, marker="^", markersize=9, label="∇f: steepest up"),
            Line2D([], [], color=DOWNHILL, marker="v", markersize=9, label="−∇f: steepest down"),
            Line2D([], [], color=DIRECTION, marker="o", markersize=8, label="u: your direction"),
            Line2D(
                [],
                [],
                color="0.6",
                linestyle=":",
                marker="o",
                markeredgecolor="black",
                markersize=7,
                label="along the contour: flat",
            ),
            Line2D([], [], color=COLORS[0], linestyle="--", label="tangent, slope ∇f·u"),
        ]
        figure.legend(handles=handles, loc="outside upper center", ncol=3, fontsize=10.5)

    def _build_slice(self) -> None:
        ax = self.slice_ax
        ax.set_xlabel("distance t along u")
        ax.set_ylabel("f(p + t·u)")
        ax.set_title("the slice along u")
        ax.axvline(0.0, color="0.5", linewidth=0.8)
        ax.grid(True, alpha=0.3)
        (self._slice_line,) = ax.plot([], [], color=DIRECTION, linewidth=2.2)
        (self._tangent,) = ax.plot([], [], color=COLORS[0], linestyle="--", linewidth=2.0)
        (self._slice_dot,) = ax.plot(
            [], [], "o", color="white", markeredgecolor="black", markersize=9, zorder=5
        )
        self._slice_text = ax.text(
            0.03,
            0.95,
            "",
            transform=ax.transAxes,
            va="top",
            fontsize=11,
            bbox={"facecolor": "white", "edgecolor": "0.7", "alpha": 0.9},
        )
        ax.set_xlim(-self.reach, self.reach)

    def _build_slope(self) -> None:
        ax = self.slope_ax
        ax.set_xlabel("direction θ (degrees)")
        ax.set_ylabel("slope ∇f·u")
        ax.set_title("the slope in every direction")
        ax.set_xlim(0, 360)
        ax.set_xticks(np.arange(0, 361, 90))
        ax.axhline(0.0, color="0.5", linewidth=0.8)
        ax.grid(True, alpha=0.3)
        (self._slope_curve,) = ax.plot([], [], color=COLORS[0], linewidth=2.0)
        (self._up_mark,) = ax.plot([], [], "^", color=UPHILL, markersize=11, label="along ∇f")
        (self._down_mark,) = ax.plot([], [], "v", color=DOWNHILL, markersize=11, label="along −∇f")
        (self._zero_marks,) = ax.plot(
            [],
            [],
            "o",
            color="0.6",
            markeredgecolor="black",
            markersize=8,
            label="along the contour",
        )
        (self._slope_stem,) = ax.plot([], [], color=DIRECTION, linewidth=1.2, linestyle="--")
        (self._slope_marker,) = ax.plot(
            [], [], "o", color=DIRECTION, markersize=10, label="your direction u"
        )

    # updating ---------------------------------------------------------------------------

    def set_point(self, point) -> None:
        """Stand at ``point`` instead (a click on the map does the same)."""
        self.run(lambda: self._move_to(point), redraw=True)

    def _clicked(self, ax, x, y) -> None:
        if ax is self.map_ax:
            self._move_to((x, y))
            self.view.invalidate()

    def _move_to(self, point) -> None:
        self.point = self._checked_point(point)
        self._update_point()
        self._update()

    def _update_point(self) -> None:
        """Everything that depends on the point only: arrows, contour direction, axis limits."""
        p = self.point
        g = np.asarray(self.surface.grad(p), dtype=float)
        norm = float(np.linalg.norm(g))
        self._gradient = g
        ghat = g / norm if norm > 0 else np.zeros(2)
        length = self._arrow_length
        self._point_dot.set_data([p[0]], [p[1]])
        self._up_arrow.set_positions(tuple(p), tuple(p + length * ghat))
        self._down_arrow.set_positions(tuple(p), tuple(p - length * ghat))
        along = np.array([-ghat[1], ghat[0]])
        ends = np.array([p - 0.8 * length * along, p + 0.8 * length * along])
        self._contour_dir.set_data(ends[:, 0], ends[:, 1])

        # the slope panel: a cosine of amplitude |∇f|
        slopes = unit_vector(ANGLES) @ g
        self._slope_curve.set_data(ANGLES, slopes)
        steepest = float(np.degrees(np.arctan2(g[1], g[0])) % 360.0)
        self._up_mark.set_data([steepest], [norm])
        self._down_mark.set_data([(steepest + 180) % 360], [-norm])
        zeros = np.sort([(steepest + 90) % 360, (steepest + 270) % 360])
        self._zero_marks.set_data(zeros, [0.0, 0.0])
        pad = max(norm, 1e-12) * 0.15
        self.slope_ax.set_ylim(-norm - pad, norm + pad)

        # the slice panel: the same height range whatever the direction
        t = np.linspace(-self.reach, self.reach, 201)
        self._t = t
        everywhere = self.surface(p + t[:, None, None] * unit_vector(ANGLES[::10])[None])
        tangents = self.surface(p) + np.outer(t[[0, -1]], [norm, -norm])
        low = float(min(np.min(everywhere), np.min(tangents)))
        high = float(max(np.max(everywhere), np.max(tangents)))
        span = high - low if high > low else 1.0
        self.slice_ax.set_ylim(low - 0.05 * span, high + 0.05 * span)
        self.map_ax.set_title(f"where you stand: p = ({p[0]:.2f}, {p[1]:.2f})")

    def _update(self) -> None:
        self.result = directional_slope(self.surface, self.point, self.controls["angle"].value)
        r = self.result
        p, u = r.point, r.direction
        self._u_arrow.set_positions(tuple(p), tuple(p + self._arrow_length * u))
        path = p + np.outer([-self.reach, self.reach], u)
        self._slice_path.set_data(path[:, 0], path[:, 1])
        t = self._t
        heights = self.surface(p + t[:, None] * u)
        height = float(self.surface(p))
        self._slice_line.set_data(t, heights)
        self._tangent.set_data(t, height + r.slope * t)
        self._slice_dot.set_data([0.0], [height])
        self._slice_text.set_text(
            f"θ = {r.angle:.0f}°\nslope ∇f·u = {_shown(r.slope, r.steepest_slope):+.2f}\n"
            f"(steepest: ±|∇f| = ±{r.steepest_slope:.2f})"
        )
        # off the slice, the tangent and the dot, whichever way they run
        drawn = [np.column_stack([t, heights]), np.column_stack([t, height + r.slope * t])]
        move_to_emptiest_corner(self._slice_text, np.concatenate(drawn), size=(0.55, 0.4))
        self._slope_marker.set_data([r.angle], [r.slope])
        self._slope_stem.set_data([r.angle, r.angle], [0.0, r.slope])
        self.show_status(self._describe())

    def _describe(self) -> str:
        r = self.result
        off = (r.angle - r.steepest_angle + 180) % 360 - 180  # in (−180, 180]
        flat = r.steepest_slope < NEARLY_FLAT * self._typical_gradient
        if r.steepest_slope == 0:
            where = "∇f = 0 here: flat in every direction"
        elif flat:
            where = f"|∇f| = {r.steepest_slope:.1g}: nearly flat, every direction's slope is tiny"
        elif abs(off) < 0.5:
            where = "along ∇f: the steepest way up"
        elif abs(abs(off) - 180) < 0.5:
            where = "along −∇f: the steepest way down"
        elif abs(abs(off) - 90) < 0.5:
            where = "along the contour: flat"
        else:
            where = f"{abs(off):.0f}° from ∇f"
        text = (
            f"θ = {r.angle:.0f}° ({where}): slope ∇f·u = {_shown(r.slope, r.steepest_slope):+.3g}"
        )
        if flat:
            return text
        g = r.gradient
        return f"{text}; ∇f = ({g[0]:.3g}, {g[1]:.3g}) points at {r.steepest_angle:.0f}°"

    def summary(self) -> str:
        p = self.point
        return f"DirectionExplorer on {self.surface.name} at p = ({p[0]:.2f}, {p[1]:.2f}): " + (
            self._describe()
        )
