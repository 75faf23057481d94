"""Figures for the lessons: loss contours, descent paths, gradient arrows, loss curves.

Everything is drawn once and updated in place: :class:`PathArtist` and
:class:`LossCurve` change their data with ``update`` instead of being redrawn, which is
what keeps a slider smooth. Colours are the Okabe–Ito palette and the colormap is
``cividis``, both readable with any common colour-vision deficiency.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import gdviz
>>> bowl = gdviz.surfaces.get("quadratic")
>>> fig, ax = new_figure()
>>> _ = contour(ax, bowl)
>>> path = PathArtist(ax, label="gradient descent")
>>> run = gdviz.descend(bowl, gdviz.optimizers.GradientDescent(lr=0.15), steps=30)
>>> path.update(run.points)
>>> path.line.get_xydata().shape
(31, 2)
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

# Okabe & Ito (2008): eight colours distinguishable with any common colour-vision deficiency.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", "-", "--", "-.", ":")
CMAP = "cividis"

PROJECTOR_STYLE = {
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 11,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "figure.dpi": 100,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
}
"""Font sizes and line widths readable from the back of a room."""

MAX_DRAWN_POINTS = 1000
"""A path is thinned to about this many drawn points; every point is still computed."""


def use_projector_style() -> None:
    """Make every later figure use :data:`PROJECTOR_STYLE`."""
    mpl.rcParams.update(PROJECTOR_STYLE)


@contextmanager
def projector_style():
    """Use :data:`PROJECTOR_STYLE` inside a ``with`` block only."""
    with mpl.rc_context(PROJECTOR_STYLE):
        yield


def new_figure(ncols: int = 1, width: float = 6.0, height: float = 5.0, **kwargs):
    """A figure with ``ncols`` axes side by side, in the projector style.

    Returns ``(figure, axes)``; ``axes`` is one Axes when ``ncols == 1``.
    """
    with projector_style():
        fig, axes = plt.subplots(
            1, ncols, figsize=(width * ncols, height), layout="constrained", **kwargs
        )
    return fig, axes


def grid(surface, resolution: int = 200):
    """``(X, Y, Z)``: a ``resolution × resolution`` grid over the surface's domain and its values."""
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    X, Y = np.meshgrid(xs, ys)
    return X, Y, np.asarray(surface(np.stack([X, Y], axis=-1)))


LEVEL_SCALES = ("auto", "linear", "log")


def contour_levels(values: np.ndarray, count: int = 20, scale: str = "auto") -> np.ndarray:
    """Contour levels: log-spaced above the minimum when most of the range is in a few tall walls.

    A wide range (Rosenbrock climbs from 0 to thousands) would leave linear levels all
    on the walls and none near the minimum, which is where the path ends. ``scale`` is
    ``"auto"`` (that choice), or ``"linear"`` or ``"log"`` to impose one: equally spaced
    levels are the ones whose crowding shows where the surface is steep.

    Examples
    --------
    >>> import numpy as np
    >>> contour_levels(np.array([0.0, 1.0]), count=3)
    array([0. , 0.5, 1. ])
    >>> contour_levels(np.array([0.0, 0.5, 1.0, 2.0, 1e4]), count=3)
    array([1.e-02, 1.e+01, 1.e+04])
    >>> contour_levels(np.array([0.0, 0.5, 1.0, 2.0, 1e4]), count=3, scale="linear")
    array([    0.,  5000., 10000.])
    """
    if scale not in LEVEL_SCALES:
        raise ValueError(f"scale must be one of {', '.join(LEVEL_SCALES)}; got {scale!r}")
    finite = values[np.isfinite(values)]
    low, high = float(finite.min()), float(finite.max())
    spread = high - low
    floor = spread * 1e-6 if spread > 0 else 1.0
    walls = spread > 20 * max(np.quantile(finite, 0.1) - low, floor)
    if scale == "log" or (scale == "auto" and walls):
        return low + np.geomspace(spread * 1e-6, spread, count)
    return np.linspace(low, high, count)


def axis_labels(surface) -> tuple[str, str]:
    """Axis labels: ``w``/``b`` for problems over data, ``x``/``y`` for surfaces."""
    if hasattr(surface, "n"):
        return "weight w", "bias b"
    return "x", "y"


def contour(
    ax,
    surface,
    *,
    resolution: int = 200,
    levels: int = 20,
    colorbar: bool = True,
    scale: str = "auto",
):
    """Draw the surface's contours, its minima (white stars) and labels; return the contour set.

    ``scale`` spaces the levels (see :func:`contour_levels`): ``"linear"`` when the
    picture should show steepness by how close the contour lines are.
    """
    X, Y, Z = grid(surface, resolution)
    lv = contour_levels(Z, levels, scale)
    norm = mpl.colors.LogNorm(lv[0], lv[-1]) if _is_log(lv) else None
    shifted = np.maximum(Z, lv[0]) if norm else Z
    filled = ax.contourf(X, Y, shifted, levels=lv, cmap=CMAP, norm=norm)
    ax.contour(X, Y, shifted, levels=lv, colors="white", linewidths=0.4, alpha=0.5, norm=norm)
    if len(surface.minima):
        ax.plot(
            surface.minima[:, 0],
            surface.minima[:, 1],
            "*",
            color="white",
            markeredgecolor="black",
            markersize=14,
            linestyle="none",
            label="minimum" if len(surface.minima) == 1 else "minima",
        )
    (x0, x1), (y0, y1) = surface.domain
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(
            mpl.ticker.MaxNLocator(5, steps=[1, 2, 2.5, 5, 10])
        )  # few ticks: readable from afar
    xlabel, ylabel = axis_labels(surface)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(f"${surface.latex}$" if len(surface.latex) < 60 else surface.name)
    if abs((x1 - x0) - (y1 - y0)) < 1e-9:
        ax.set_aspect("equal")  # contours meet the gradient at right angles only at equal scale
    if colorbar:
        ticks = mpl.ticker.LogLocator() if norm else mpl.ticker.MaxNLocator(6)
        ax.figure.colorbar(filled, ax=ax, label="loss", shrink=0.85, ticks=ticks)
    return filled


def _is_log(levels: np.ndarray) -> bool:
    steps = np.diff(levels)
    return bool(steps[-1] > 10 * steps[0])


def thin(count: int, max_points: int = MAX_DRAWN_POINTS) -> np.ndarray:
    """Indices of the points of a ``count``-point path worth drawing.

    All points while there are few; otherwise every early point (where the path moves
    most), then pairs of consecutive points at growing intervals — pairs, so that a
    zig-zag still looks like a zig-zag — and always the last point.

    Examples
    --------
    >>> thin(5)
    array([0, 1, 2, 3, 4])
    >>> len(thin(10_000)) <= 1000
    True
    """
    if count <= max_points:
        return np.arange(count)
    head = max_points // 2
    starts = np.unique(np.geomspace(head, count - 2, (max_points - head) // 2).astype(int))
    picked = np.concatenate([np.arange(head), starts, starts + 1, [count - 1]])
    return np.unique(picked)


class PathArtist:
    """A descent path on a contour plot: a line with dots, an open start and a filled end.

    Parameters
    ----------
    ax : Axes
    color, marker, linestyle, label
        How this path looks; vary more than the colour when paths are compared.
    """

    def __init__(
        self,
        ax,
        *,
        color: str = COLORS[1],
        marker: str = "o",
        linestyle: str = "-",
        label: str | None = None,
    ) -> None:
        (self.line,) = ax.plot(
            [],
            [],
            color=color,
            marker=marker,
            markersize=3.5,
            linestyle=linestyle,
            linewidth=1.8,
            label=label,
        )
        (self.start,) = ax.plot(
            [],
            [],
            marker="o",
            color=color,
            markerfacecolor="white",
            markersize=10,
            linestyle="none",
        )
        (self.end,) = ax.plot(
            [],
            [],
            marker=marker,
            color=color,
            markeredgecolor="black",
            markersize=11,
            linestyle="none",
        )

    @property
    def artists(self) -> list:
        """The matplotlib artists, for blitting."""
        return [self.line, self.start, self.end]

    def update(self, points, upto: int | None = None) -> None:
        """Show ``points[: upto + 1]`` (all when ``upto`` is None); NaN rows are left out."""
        points = np.asarray(points, dtype=float)
        points = points[np.all(np.isfinite(points), axis=-1)]
        if upto is not None:
            points = points[: upto + 1]
        if len(points) == 0:
            for artist in self.artists:
                artist.set_data([], [])
            return
        shown = points[thin(len(points))]
        self.line.set_data(shown[:, 0], shown[:, 1])
        self.start.set_data(points[:1, 0], points[:1, 1])
        self.end.set_data(points[-1:, 0], points[-1:, 1])


def gradient_arrows(ax, surface, count: int = 15, color: str = "white"):
    """Arrows of −∇f on a ``count × count`` grid: the way downhill, across the contours.

    Arrows have one length, so the picture shows directions; where the slope is steep
    the contours crowd instead. Returns the ``Quiver``.
    """
    (x0, x1), (y0, y1) = surface.domain
    X, Y = np.meshgrid(np.linspace(x0, x1, count), np.linspace(y0, y1, count))
    downhill = -np.asarray(surface.grad(np.stack([X, Y], axis=-1)))
    length = np.linalg.norm(downhill, axis=-1, keepdims=True)
    unit = np.divide(downhill, length, out=np.zeros_like(downhill), where=length > 0)
    size = 0.6 * min(x1 - x0, y1 - y0) / count
    return ax.quiver(
        X,
        Y,
        unit[..., 0] * size,
        unit[..., 1] * size,
        angles="xy",
        scale_units="xy",
        scale=1,
        color=color,
        width=0.004,
    )


class LossCurve:
    """Loss against step on a log scale, updated in place; non-positive losses are skipped."""

    def __init__(self, ax, *, color: str = COLORS[1], linestyle: str = "-", label=None) -> None:
        (self.line,) = ax.plot([], [], color=color, linestyle=linestyle, label=label)
        self.ax = ax
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
        ax.grid(True, which="major", alpha=0.3)

    def update(self, losses, steps=None, upto: int | None = None) -> None:
        """Show ``losses`` (against ``steps``, default 0, 1, 2, …) up to index ``upto``."""
        losses = np.asarray(losses, dtype=float)
        x = np.arange(len(losses)) if steps is None else np.asarray(steps, dtype=float)
        if upto is not None:
            losses, x = losses[: upto + 1], x[: upto + 1]
        keep = np.isfinite(losses) & (losses > 0)
        idx = np.flatnonzero(keep)
        idx = idx[thin(len(idx))]
        self.line.set_data(x[idx], losses[idx])
