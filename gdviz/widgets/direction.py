"""The slope in every direction at a point: why the gradient is the way uphill.

:class:`DirectionExplorer` turns the direction ``u = (cos θ, sin θ)`` at a point ``p``
with a slider and shows the directional derivative ``∇f(p) · u``
(:mod:`gdviz.directions`) three ways:

1. the contour map with ``p``, the arrows ``∇f`` and ``−∇f``, the contour's direction,
   and the direction ``u`` with the line the slice follows;
2. the slice ``t ↦ f(p + t u)`` with its tangent at ``t = 0``, of slope ``∇f · u``;
3. the slope against ``θ``: a cosine, highest at ``∇f``, zero at the contour, lowest at ``−∇f``.

Drawn in the browser (see :mod:`gdviz.widgets.template`): the arrow, slice, tangent and
slope marker of every whole degree are computed once and sent, so turning the direction
is answered in the browser; an angle typed between whole degrees is computed by the
kernel, exactly as typed. A click on the map moves the point (the kernel computes every
direction again there).

Examples
--------
>>> explorer = DirectionExplorer("quadratic", point=(1.0, 0.5))
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

from numbers import Real

import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from .. import surfaces as _surfaces
from ..directions import DirectionalSlope, directional_slope, gradient_angle, slices, unit_vector
from ..plotting import (
    COLORS,
    LEVEL_SCALES,
    contour,
    move_to_emptiest_corner,
    projector_style,
)
from ..surfaces import Surface
from ..validation import Interval, Options, check_number, check_point
from .scene import nearest_stop, pack_family
from .template import SceneExplorer

UPHILL, DOWNHILL, DIRECTION, CONTOUR, TANGENT = COLORS[1], COLORS[2], COLORS[3], "white", COLORS[0]
# a white halo keeps the arrows visible on the dark and the light ends of cividis
_HALO = [patheffects.withStroke(linewidth=5, foreground="white"), patheffects.Normal()]

STOPS = np.arange(0.0, 361.0)
"""The direction slider's stops, in degrees: every whole degree, 0 and 360 included."""

SAMPLES = 201
"""Points of each slice ``t ↦ f(p + t u)``."""

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


class DirectionExplorer(SceneExplorer):
    """Turn a direction at a point and watch the slope ``∇f · u`` in that direction.

    Parameters
    ----------
    surface : str or Surface
        A built-in surface's name (see :func:`gdviz.surfaces.names`) or a ``Surface``.
    point : (x, y), optional
        Where to stand; the surface's ``start`` if None. Click the map to move it.
    angle : float
        The first direction, in degrees counter-clockwise from the +x axis.
    reach : float, optional
        How far the slice runs each side of the point, in the surface's units; 15 % of
        the domain's width if None.
    contour_scale : {"linear", "log", "auto"}
        How the map's contour levels are spaced (see :func:`gdviz.plotting.contour_levels`):
        equally, by default, so that crowded lines mean a steep slope.

    Attributes
    ----------
    controls : dict
        ``"angle"``: the direction in degrees, 0 to 360, drawn in the browser.
    entries : dict
        ``"angle"``: type a direction (between whole degrees it is computed exactly).
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
    ) -> None:
        self.surface = _resolve_surface(surface)
        self._typical_gradient = _median_gradient_length(self.surface)
        self.contour_scale = Options(LEVEL_SCALES).check("contour_scale", contour_scale)
        (x0, x1), (y0, y1) = self.surface.domain
        self.reach = 0.15 * min(x1 - x0, y1 - y0) if reach is None else float(reach)
        if not (np.isfinite(self.reach) and self.reach > 0):
            raise ValueError(f"reach must be a number > 0; got {reach!r}")
        self._arrow_length = 0.17 * min(x1 - x0, y1 - y0)
        self.point = check_point("point", self.surface.start if point is None else point, size=2)
        angle = check_number("angle", angle) % 360.0
        self._initial = (self.point.copy(), angle)
        super().__init__(
            caption=(
                "Predict first: in which direction is the slope largest, zero, most negative? "
                "Then turn the direction (or click the map to stand somewhere else)."
            ),
            slider={"name": "angle", "label": "direction θ (°)", "player": False},
            download_name="direction-explorer.png",
        )
        self.add_scene_control(
            "angle", "direction θ (°)", lambda: (float(STOPS[0]), float(STOPS[-1]), 1.0)
        )
        # what the browser draws for each direction (the series of _stop)
        self.scene.tracks = [
            {"panel": 0, "kind": "line", "x": "path_x", "y": "path_y", "colour": DIRECTION,
             "width": 1.5, "dash": [6, 4], "halo": True},
            {"panel": 0, "kind": "arrow", "x": "arrow_x", "y": "arrow_y", "colour": DIRECTION,
             "width": 3, "halo": True},
            {"panel": 0, "kind": "marker", "x": "point_x", "y": "point_y", "colour": "white",
             "size": 9},
            {"panel": 1, "kind": "line", "x": "t", "y": "height", "colour": DIRECTION,
             "width": 2.2},
            {"panel": 1, "kind": "line", "x": "tangent_t", "y": "tangent_y", "colour": TANGENT,
             "width": 2, "dash": [7, 4]},
            {"panel": 1, "kind": "marker", "x": "dot_t", "y": "dot_y", "colour": "white",
             "size": 9},
            {"panel": 2, "kind": "line", "x": "stem_x", "y": "stem_y", "colour": DIRECTION,
             "width": 1.2, "dash": [4, 3]},
            {"panel": 2, "kind": "marker", "x": "mark_x", "y": "mark_y", "colour": DIRECTION,
             "size": 10},
        ]  # fmt: skip
        self.arrange()
        self.begin(lambda: self._recompute(angle))

    # the scene ------------------------------------------------------------------------

    def _arrow(self, ax, color, *, width=2.5, zorder=5):
        arrow = FancyArrowPatch(
            (0, 0),
            (0, 0),
            arrowstyle="-|>",
            mutation_scale=22,
            color=color,
            linewidth=width,
            zorder=zorder,
            path_effects=_HALO,
        )
        ax.add_patch(arrow)
        return arrow

    def _build_figures(self) -> None:
        """The three panels for the current point: what does not depend on the direction."""
        p, g = self.point, np.asarray(self.surface.grad(self.point), dtype=float)
        norm = float(np.linalg.norm(g))
        with projector_style():
            maps = Figure(figsize=(4.6, 4.0), layout="constrained")
            self.map_ax = maps.subplots()
            self._build_map(p, g, norm)
            sliced = Figure(figsize=(4.6, 4.0), layout="constrained")
            self.slice_ax = sliced.subplots()
            self._build_slice()
            slopes = Figure(figsize=(9.2, 2.45), layout="constrained")
            self.slope_ax = slopes.subplots()
            self._build_slope(g, norm)
        self.set_panels(
            (maps, [self._u_arrow, self._slice_path], []),
            (sliced, [self._slice_line, self._tangent, self._slice_dot], [self._slice_text]),
            (slopes, [self._slope_stem, self._slope_marker], []),
        )

    def _build_map(self, p, g, norm) -> None:
        ax = self.map_ax
        contour(ax, self.surface, colorbar=False, scale=self.contour_scale)
        ax.set_title(f"you stand at p = ({p[0]:.2f}, {p[1]:.2f}): click to move", fontsize=12)
        ghat = g / norm if norm > 0 else np.zeros(2)
        length = self._arrow_length
        along = np.array([-ghat[1], ghat[0]])
        ends = np.array([p - 0.8 * length * along, p + 0.8 * length * along])
        ax.plot(ends[:, 0], ends[:, 1], color=CONTOUR, linestyle=":", linewidth=2.5)
        self._arrow(ax, UPHILL).set_positions(tuple(p), tuple(p + length * ghat))
        self._arrow(ax, DOWNHILL).set_positions(tuple(p), tuple(p - length * ghat))
        # the direction's own artists, drawn by the browser (and in the static picture)
        (self._slice_path,) = ax.plot(
            [], [], color=DIRECTION, linestyle="--", linewidth=1.5, path_effects=_HALO
        )
        self._u_arrow = self._arrow(ax, DIRECTION, width=3.0, zorder=6)
        ax.plot([p[0]], [p[1]], "o", color="white", markeredgecolor="black", markersize=9, zorder=7)

    def _build_slice(self) -> None:
        ax = self.slice_ax
        ax.set_xlabel("distance t along u")
        ax.set_ylabel("f(p + t·u)")
        ax.set_title("the slice along u", fontsize=13)
        ax.axvline(0.0, color="0.5", linewidth=0.8)
        ax.grid(True, alpha=0.3)
        (self._slice_line,) = ax.plot([], [], color=DIRECTION, linewidth=2.2)
        (self._tangent,) = ax.plot([], [], color=TANGENT, linestyle="--", linewidth=2.0)
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

    def _build_slope(self, g, norm) -> None:
        ax = self.slope_ax
        ax.set_xlabel("direction θ (degrees)")
        ax.set_ylabel("slope ∇f·u")
        ax.set_title("the slope in every direction", fontsize=13)
        ax.set_xlim(0, 360)
        ax.set_xticks(np.arange(0, 361, 90))
        ax.axhline(0.0, color="0.5", linewidth=0.8)
        ax.grid(True, alpha=0.3)
        angles = np.linspace(0.0, 360.0, 361)
        ax.plot(angles, unit_vector(angles) @ g, color=TANGENT, linewidth=2.0)
        steepest = gradient_angle(g)
        ax.plot([steepest], [norm], "^", color=UPHILL, markersize=11)
        ax.plot([(steepest + 180) % 360], [-norm], "v", color=DOWNHILL, markersize=11)
        zeros = np.sort([(steepest + 90) % 360, (steepest + 270) % 360])
        ax.plot(zeros, [0.0, 0.0], "o", color="0.6", markeredgecolor="black", markersize=8)
        pad = max(norm, 1e-12) * 0.15
        ax.set_ylim(-norm - pad, norm + pad)
        (self._slope_stem,) = ax.plot([], [], color=DIRECTION, linewidth=1.2, linestyle="--")
        (self._slope_marker,) = ax.plot([], [], "o", color=DIRECTION, markersize=10)
        # one legend for the three panels: each colour means the same thing in all of them
        handles = [
            Line2D([], [], color=UPHILL, marker="^", markersize=9, label="∇f: steepest up"),
            Line2D([], [], color=DOWNHILL, marker="v", markersize=9, label="−∇f: steepest down"),
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
            Line2D([], [], color=DIRECTION, marker="o", markersize=8, label="u: your direction"),
            Line2D([], [], color=TANGENT, linestyle="--", label="tangent, slope ∇f·u"),
        ]
        ax.figure.legend(handles=handles, loc="outside right center", fontsize=10.5)

    def _slice_limits(self, heights: np.ndarray, height: float, norm: float) -> None:
        """The slice panel's height range: every direction's slice and tangent fit in it."""
        tangents = height + np.outer([-self.reach, self.reach], [norm, -norm])
        low = float(min(np.nanmin(heights), np.min(tangents)))
        high = float(max(np.nanmax(heights), np.max(tangents)))
        span = high - low if high > low else 1.0
        self.slice_ax.set_ylim(low - 0.05 * span, high + 0.05 * span)

    def _stop(self, r: DirectionalSlope, heights: np.ndarray, height: float) -> dict:
        """One direction as the scene draws it (see :func:`.scene.pack_family`)."""
        p, u, angle, t = r.point, r.direction, r.angle, self._t
        arrow = np.array([p, p + self._arrow_length * u])
        path = p + np.outer([-self.reach, self.reach], u)
        shown = _shown(r.slope, r.steepest_slope)
        return {
            "value": angle,
            "label": self._describe(r),
            "readout": f"slope ∇f·u = {shown:+.3g} (|∇f| = {r.steepest_slope:.3g})",
            "frames": 0,
            "series": {
                "arrow_x": arrow[:, 0],
                "arrow_y": arrow[:, 1],
                "path_x": path[:, 0],
                "path_y": path[:, 1],
                "point_x": p[:1],
                "point_y": p[1:],
                "t": t,
                "height": heights,
                "tangent_t": t[[0, -1]],
                "tangent_y": height + r.slope * t[[0, -1]],
                "dot_t": [0.0],
                "dot_y": [height],
                "stem_x": [angle, angle],
                "stem_y": [0.0, r.slope],
                "mark_x": [angle],
                "mark_y": [r.slope],
            },
        }

    # changes ----------------------------------------------------------------------------

    def _recompute(self, angle: float | None = None) -> None:
        """Every direction at the current point, sent once; the panels drawn anew; show one."""
        angle = self.scene.value if angle is None else angle
        self._build_figures()
        p = self.point
        self._t, heights = slices(self.surface, p, STOPS, self.reach, SAMPLES)
        g = np.asarray(self.surface.grad(p), dtype=float)
        height = float(self.surface(p))
        self._slice_limits(heights, height, float(np.linalg.norm(g)))
        # every direction at once: one gradient, one slope per direction
        directions = unit_vector(STOPS)
        steepest = gradient_angle(g)
        stops = [
            DirectionalSlope(p, float(a), u, g, float(u @ g), steepest)
            for a, u in zip(STOPS, directions, strict=True)
        ]
        self.scene.family = pack_family(
            [self._stop(r, h, height) for r, h in zip(stops, heights, strict=True)]
        )
        self.publish_panels()
        self.show(angle)

    def nearest_stop(self, angle: float) -> tuple[int, bool]:
        return nearest_stop(STOPS, angle)

    def show(self, angle: float) -> None:
        """Show the direction ``angle``: a stop's, or one computed now between stops."""
        index, on_stop = self.nearest_stop(angle)
        if on_stop:
            angle = float(STOPS[index])
        self.result = directional_slope(self.surface, self.point, angle)
        extra = {}
        if not on_stop:
            heights = slices(self.surface, self.point, [angle], self.reach, SAMPLES)[1][0]
            extra = pack_family([self._stop(self.result, heights, float(self.surface(self.point)))])
            extra["value"] = angle  # the browser shows it while the value is this one
        self.status.value = self._describe(self.result)
        self.show_on_scene(value=angle, stop=index, extra=extra, frame=0)

    def set_value(self, value) -> None:
        value = Interval(Real, None, None).check("direction θ (°)", value)
        self.show(self.clamp("direction θ (°)", value, float(STOPS[0]), float(STOPS[-1])))

    def set_point(self, point) -> None:
        """Stand at ``point`` instead (a click on the map does the same)."""
        self.run(lambda: self._move_to(point))

    def _move_to(self, point) -> None:
        point = check_point("point", point, size=2)
        with np.errstate(all="ignore"):  # an overflow is refused below, not warned about
            height, slope = self.surface(point), self.surface.grad(point)
        if not (np.isfinite(height) and np.all(np.isfinite(slope))):
            raise ValueError(
                f"point must be where {self.surface.name} and its gradient are finite; "
                f"got {point.tolist()}"
            )
        self.point = point
        self._recompute()

    def clicked(self, panel: int, x: float, y: float) -> None:
        if panel == 0:
            self._move_to((x, y))

    def reset(self) -> None:
        point, angle = self._initial
        if np.array_equal(point, self.point):
            self.show(angle)  # every direction here is computed and drawn already
            return
        self.point = point.copy()
        self._recompute(angle)

    # words and the static picture ------------------------------------------------------

    def _describe(self, r) -> str:
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
            f"θ = {r.angle:.6g}° ({where}): slope ∇f·u = {_shown(r.slope, r.steepest_slope):+.3g}"
        )
        if flat:
            return text
        g = r.gradient
        return f"{text}; ∇f = ({g[0]:.3g}, {g[1]:.3g}) points at {r.steepest_angle:.0f}°"

    def draw_static_picture(self) -> None:
        r = self.result
        p, u = r.point, r.direction
        self._u_arrow.set_positions(tuple(p), tuple(p + self._arrow_length * u))
        path = p + np.outer([-self.reach, self.reach], u)
        self._slice_path.set_data(path[:, 0], path[:, 1])
        t = self._t
        heights = slices(self.surface, p, [r.angle], self.reach, SAMPLES)[1][0]
        height = float(self.surface(p))
        self._slice_line.set_data(t, heights)
        self._tangent.set_data(t, height + r.slope * t)
        self._slice_dot.set_data([0.0], [height])
        self._slice_text.set_text(
            f"θ = {r.angle:.6g}°\nslope ∇f·u = {_shown(r.slope, r.steepest_slope):+.2f}\n"
            f"(steepest: ±|∇f| = ±{r.steepest_slope:.2f})"
        )
        # off the slice, the tangent and the dot, whichever way they run
        drawn = [np.column_stack([t, heights]), np.column_stack([t, height + r.slope * t])]
        move_to_emptiest_corner(self._slice_text, np.concatenate(drawn), size=(0.55, 0.4))
        self._slope_marker.set_data([r.angle], [r.slope])
        self._slope_stem.set_data([r.angle, r.angle], [0.0, r.slope])

    def summary(self) -> str:
        p = self.point
        return f"DirectionExplorer on {self.surface.name} at p = ({p[0]:.2f}, {p[1]:.2f}): " + (
            self._describe(self.result)
        )
