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

import io
import math
from collections.abc import Sequence
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from contourpy import LineType, contour_generator  # matplotlib's own contouring engine
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.ticker import Locator, NullLocator

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


def contour_polyline(X, Y, Z, level: float) -> np.ndarray:
    """The contour of ``Z`` at ``level`` as one ``(k, 2)`` polyline, its pieces split by NaN rows.

    The form a browser-drawn line takes (a non-finite point is a gap), computed by
    matplotlib's own contouring engine; empty when ``Z`` never crosses ``level``.

    Examples
    --------
    >>> X, Y = np.meshgrid(np.linspace(-2, 2, 41), np.linspace(-2, 2, 41))
    >>> ring = contour_polyline(X, Y, X**2 + Y**2, 1.0)
    >>> bool(np.allclose(np.hypot(*ring[:-1].T), 1.0, atol=0.01)), bool(np.isnan(ring[-1]).all())
    (True, True)
    """
    lines = contour_generator(X, Y, Z, line_type=LineType.Separate).lines(level)
    gap = np.full((1, 2), np.nan)
    return np.concatenate([part for line in lines for part in (line, gap)] or [np.zeros((0, 2))])


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


def render_png(figure, hidden=()) -> bytes:
    """The figure as PNG at its own size and dpi, with the artists in ``hidden`` left out.

    Not cropped (no ``bbox_inches``), so that a pixel of the PNG is a pixel of
    :func:`axes_geometry`: a browser can draw on top of it in data coordinates.
    """
    shown = [artist.get_visible() for artist in hidden]
    for artist in hidden:
        artist.set_visible(False)
    try:
        canvas = FigureCanvasAgg(figure)
        with io.BytesIO() as out:
            canvas.print_png(out)
            return out.getvalue()
    finally:
        for artist, visible in zip(hidden, shown, strict=True):
            artist.set_visible(visible)


def axes_geometry(ax) -> dict:
    """Where ``ax`` is in its figure's PNG and how data map to it, for drawing on top of it.

    Returns a dict: ``box`` (left, top, width, height in pixels from the image's top left),
    ``xlim``, ``ylim``, ``xscale``, ``yscale`` (``"linear"``, ``"log"`` or ``"symlog"``)
    and, for symmetric log axes, ``xlinthresh`` and ``ylinthresh``. Call it after the
    figure was drawn (:func:`render_png`), when a constrained layout has placed the axes.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(2, 1), dpi=100)
    >>> ax = figure.add_axes((0.25, 0.5, 0.5, 0.5))
    >>> geometry = axes_geometry(ax)
    >>> geometry["box"], geometry["xscale"]
    ([50.0, 0.0, 100.0, 50.0], 'linear')
    """
    x0, y0, x1, y1 = ax.get_position().extents
    width, height = ax.figure.bbox.width, ax.figure.bbox.height
    geometry = {
        "box": [
            float(x0 * width),
            float((1 - y1) * height),
            float((x1 - x0) * width),
            float((y1 - y0) * height),
        ],
        "xlim": [float(v) for v in ax.get_xlim()],
        "ylim": [float(v) for v in ax.get_ylim()],
        "xscale": ax.get_xscale(),
        "yscale": ax.get_yscale(),
    }
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        if axis.get_scale() == "symlog":
            geometry[f"{name}linthresh"] = float(axis.get_transform().linthresh)
    return geometry


CORNERS = {
    "upper left": (0.03, 0.96, "left", "top"),
    "upper right": (0.97, 0.96, "right", "top"),
    "lower left": (0.03, 0.04, "left", "bottom"),
    "lower right": (0.97, 0.04, "right", "bottom"),
    "lower center": (0.5, 0.04, "center", "bottom"),
    "upper center": (0.5, 0.96, "center", "top"),
}
"""Where :func:`move_to_emptiest_corner` may put a text: (x, y) in axes fraction, alignments."""


def move_to_emptiest_corner(
    text,
    points: np.ndarray,
    size: tuple[float, float] = (0.5, 0.35),
    places: Sequence[str] = tuple(CORNERS),
) -> str:
    """Put an axes text in the corner (or edge centre) where the fewest ``points`` fall.

    ``points`` are in data coordinates; ``size`` is the text's (width, height) in axes
    fraction, roughly. ``places`` are the names in :data:`CORNERS` to choose from (leave
    out a legend's); ties go to the first. Returns the place's name.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> note = ax.text(0, 0, "note", transform=ax.transAxes)
    >>> move_to_emptiest_corner(note, np.array([[0.1, 0.9], [0.9, 0.9], [0.1, 0.1]]))
    'lower right'
    """
    ax = text.axes
    where = (ax.transScale + ax.transLimits).transform(
        np.asarray(points, dtype=float).reshape(-1, 2)
    )
    width, height = size
    counts = {}
    for name in places:
        x, y, align, valign = CORNERS[name]
        left = {"left": x, "center": x - width / 2, "right": x - width}[align]
        bottom = y - height if valign == "top" else y
        inside = (
            (where[:, 0] >= left)
            & (where[:, 0] <= left + width)
            & (where[:, 1] >= bottom)
            & (where[:, 1] <= bottom + height)
        )
        counts[name] = int(np.count_nonzero(inside))
    corner = min(places, key=counts.get)
    x, y, align, valign = CORNERS[corner]
    text.set_position((x, y))
    text.set_horizontalalignment(align)
    text.set_verticalalignment(valign)
    return corner


# loss axes ----------------------------------------------------------------------------


class SignedDecades(Locator):
    """Ticks at 0 and at ±10^k on a symmetric log axis, every decade or every few, at most 8.

    Examples
    --------
    >>> SignedDecades(1.0).tick_values(-2e6, 20.0)
    array([-1.e+06, -1.e+04, -1.e+02, -1.e+00,  0.e+00,  1.e+00])
    """

    def __init__(self, linthresh: float, most: int = 8) -> None:
        self.linthresh = linthresh
        self.most = most

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin: float, vmax: float) -> np.ndarray:
        low, high = sorted((vmin, vmax))
        first = math.floor(math.log10(self.linthresh))
        reach = max(abs(low), abs(high), self.linthresh)
        last = math.floor(math.log10(reach))
        powers = 10.0 ** np.arange(first, last + 1)
        stride = 1
        while True:
            # every stride-th decade counted from the largest, so that the far ends keep ticks
            kept = powers[::-1][::stride]
            ticks = np.concatenate([-kept[kept <= -low], [0.0], kept[kept <= high][::-1]])
            ticks = ticks[(ticks >= low) & (ticks <= high)]
            if len(ticks) <= self.most or stride >= len(powers):
                return np.sort(ticks)
            stride += 1


def use_loss_scale(ax, losses: np.ndarray) -> bool:
    """A log y axis for these losses, or a symmetric log one if some are below 0; True if changed.

    ``losses`` has the steps in its first axis (runs sharing one start in the others).
    Below 0 (a surface without a minimum, like the saddle) a log axis would show nothing:
    the symmetric log axis is linear within ±``linthresh`` (a hundredth of the power of
    ten at or below ``max(1, |loss at the start|)``, the scale of :func:`gdviz.descend`'s
    divergence test) and logarithmic beyond, on both sides of 0.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> use_loss_scale(ax, np.array([2.25, 0.1, -40.0])), ax.get_yscale()
    (True, 'symlog')
    >>> use_loss_scale(ax, np.array([2.25, 0.1, 0.0])), ax.get_yscale()
    (True, 'log')
    """
    finite = losses[np.isfinite(losses)]
    start = np.asarray(losses[0], dtype=float)
    start = start[np.isfinite(start)]
    if finite.size and finite.min() < 0:
        scale = max(1.0, float(np.max(np.abs(start))) if start.size else 1.0)
        linthresh = 10.0 ** (math.floor(math.log10(scale)) - 2)
        if ax.get_yscale() == "symlog" and ax.yaxis.get_transform().linthresh == linthresh:
            return False
        ax.set_yscale("symlog", linthresh=linthresh)
        ax.yaxis.set_major_locator(SignedDecades(linthresh))
    else:
        if ax.get_yscale() == "log":
            return False
        ax.set_yscale("log")
    # minor ticks over many decades cost a full redraw time and add nothing
    ax.yaxis.set_minor_locator(NullLocator())
    return True


def _signed_decade(value: float, linthresh: float, up: bool) -> float:
    """The symmetric-log axis end beyond ``value``: a signed power of ten, with a factor 2 to spare."""
    if (value >= 0) == up:
        magnitude = abs(value)
        if magnitude <= linthresh / 2:
            return math.copysign(linthresh, 1 if up else -1) if magnitude > 0 else 0.0
        return math.copysign(10.0 ** math.ceil(math.log10(2 * magnitude)), value)
    # the end on the other side of 0 from the losses: keep 0 in view
    return 0.0


def fit_loss_range(ax, losses: np.ndarray, *, always: bool = False) -> bool:
    """Fit the y-range of ``ax`` to these losses, with a margin; True if it changed.

    With ``always`` the range is set to fit the losses; otherwise it is only widened, when
    the losses leave it, which keeps the axis still while a slider moves, so that an
    update is a blit. ``losses`` has the steps in its first axis and runs sharing one
    start in the others. On a log axis the range ends on whole decades with at least a
    factor 2 to spare, so that a widening is rare and leaves room for the next runs; it
    stops 16 decades below the start (a run down there has converged and there is
    nothing more to see) and 4 decades above it (a diverging run just leaves the top).
    On a symmetric log axis (see :func:`use_loss_scale`) it ends on signed powers of ten
    and keeps 0 in view; such losses are bounded by the divergence test.
    """
    scale = ax.get_yscale()
    finite = losses[np.isfinite(losses)]
    if scale == "log":
        finite = finite[finite > 0]
    if finite.size == 0:
        return False
    low, high = float(finite.min()), float(finite.max())
    if scale == "log":
        start = float(np.nanmax(np.abs(losses[0]))) if np.any(np.isfinite(losses[0])) else 0.0
        if start > 0:
            low, high = max(low, start * 1e-16), min(high, start * 1e4)
        wanted = (
            10.0 ** math.floor(math.log10(low / 2)),
            10.0 ** math.ceil(math.log10(high * 2)),
        )
    elif scale == "symlog":
        linthresh = ax.yaxis.get_transform().linthresh
        wanted = (
            _signed_decade(low, linthresh, up=False),
            _signed_decade(high, linthresh, up=True),
        )
        if wanted[0] == wanted[1]:  # every loss is 0
            wanted = (-linthresh, linthresh)
    else:
        margin = 0.05 * (high - low) if high > low else 1.0
        wanted = (low - margin, high + margin)
    current = ax.get_ylim()
    if always:
        if tuple(current) == wanted:
            return False
    elif not (wanted[0] < current[0] or wanted[1] > current[1]):
        return False
    else:
        wanted = (min(wanted[0], current[0]), max(wanted[1], current[1]))
    ax.set_ylim(*wanted)
    return True
