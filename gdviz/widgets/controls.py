"""Controls shared by the explorers: sliders that report clamped values, typed entries.

Sliders made with :func:`log_slider`, :func:`float_slider` and :func:`int_slider` tell
``on_clamp(requested, used)`` when a value set on them (typed, or from code) is outside
their range and was clamped, so that an explorer can say so. :class:`SceneControl` is a
control whose value lives in an explorer's :class:`~gdviz.widgets.scene.Scene` (the
browser answers it without a kernel round trip), with the ``value``, ``min``, ``max``,
``step`` and ``observe`` of a slider for code and tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np
import traitlets
from traitlets import validate

from ..stability import STOPS_PER_DECADE
from ..validation import Options, check_number, check_whole


class _CheckedNumber(traitlets.TraitType):
    """A slider's value: a real number (or a whole one), never a bool, a string, None or NaN.

    ipywidgets' own ``CFloat``/``CInt`` would turn ``True`` into 1, ``"0.1"`` into 0.1 and
    2.5 into 2 without a word; this refuses them with the message of
    :mod:`gdviz.validation`, naming the slider (a ``TypeError`` for a wrong type, a
    ``ValueError`` for NaN or infinity).
    """

    def __init__(self, *, whole: bool, **kwargs) -> None:
        self.whole = whole
        super().__init__(default_value=0 if whole else 0.0, **kwargs)

    def validate(self, obj, value):
        name = getattr(obj, "description", "") or "value"
        return check_whole(name, value) if self.whole else check_number(name, value)


class _ReportsClamping:
    """Mixin for sliders: refuse a value that is not a number, clamp one outside the range and
    tell ``on_clamp(requested, used)``."""

    on_clamp: Callable | None = None

    def bounds(self) -> tuple[float, float]:
        """The smallest and largest value (a log slider's min and max are exponents)."""
        return self.min, self.max

    # replaces ipywidgets' clamp of the same name (the one validator traitlets keeps for
    # "value"), so that a clamped value is reported
    @validate("value")
    def _validate_value(self, proposal):
        low, high = self.bounds()
        used = min(max(proposal["value"], low), high)
        if used != proposal["value"] and self.on_clamp is not None:
            self.on_clamp(proposal["value"], used)
        return used


class ClampingFloatLogSlider(_ReportsClamping, widgets.FloatLogSlider):
    """A ``FloatLogSlider`` that refuses non-numbers and reports values clamped to its range."""

    value = _CheckedNumber(whole=False).tag(sync=True)

    def bounds(self) -> tuple[float, float]:
        return self.base**self.min, self.base**self.max


class ClampingFloatSlider(_ReportsClamping, widgets.FloatSlider):
    """A ``FloatSlider`` that refuses non-numbers and reports values clamped to its range."""

    value = _CheckedNumber(whole=False).tag(sync=True)


class ClampingIntSlider(_ReportsClamping, widgets.IntSlider):
    """An ``IntSlider`` that refuses non-whole numbers and reports values clamped to its range."""

    value = _CheckedNumber(whole=True).tag(sync=True)


class _Selected(traitlets.Any):
    allow_none = False  # traitlets' Any takes None without asking the validator


class Choice(widgets.Dropdown):
    """A ``Dropdown`` whose value must be one of its options (ipywidgets' allows None).

    Examples
    --------
    >>> surface = Choice(options=["quadratic", "rosenbrock"], description="surface")
    >>> surface.value = None
    Traceback (most recent call last):
    ...
    TypeError: surface must be one of: 'quadratic', 'rosenbrock'; got None (a NoneType)
    """

    value = _Selected().tag(sync=True)

    # replaces ipywidgets' check of the same name, which lets None through (no selection)
    @validate("value")
    def _validate_value(self, proposal):
        values = [o[1] if isinstance(o, tuple) else o for o in self.options]
        Options(values).check(self.description or "value", proposal["value"])
        return proposal["value"]


class ChoiceButtons(widgets.ToggleButtons):
    """``ToggleButtons`` whose value must be one of their options, as :class:`Choice`.

    Examples
    --------
    >>> method = ChoiceButtons(options=["forward", "central"], description="check with")
    >>> method.value = None
    Traceback (most recent call last):
    ...
    TypeError: check with must be one of: 'forward', 'central'; got None (a NoneType)
    """

    value = _Selected().tag(sync=True)
    _validate_value = Choice._validate_value


class _Bool(traitlets.TraitType):
    """True or False, and nothing else: ipywidgets' ``Bool`` raises a ``TraitError`` that
    names no control; this raises a ``TypeError`` that does."""

    default_value = False

    def validate(self, obj, value):
        if not isinstance(value, bool | np.bool_):
            name = getattr(obj, "description", "") or "value"
            raise TypeError(f"{name} must be True or False; got {value!r}")
        return bool(value)


class Tick(widgets.Checkbox):
    """A ``Checkbox`` that refuses anything but True or False, naming itself.

    Examples
    --------
    >>> tick = Tick(value=True, description="momentum")
    >>> tick.value = None
    Traceback (most recent call last):
    ...
    TypeError: momentum must be True or False; got None
    """

    value = _Bool().tag(sync=True)


_SLIDER_LAYOUT = {"width": "22em"}
_SLIDER_STYLE = {"description_width": "7em"}


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"{name}: the range must be finite with low < high; got [{low}, {high}]")
    if not low <= value <= high:
        raise ValueError(f"{name}: the value {value} is outside the range [{low}, {high}]")


def log_slider(
    description: str,
    value: float,
    low: float,
    high: float,
    *,
    points_per_decade: int = 20,
    continuous_update: bool = True,
) -> ClampingFloatLogSlider:
    """A log-scale slider from ``low`` to ``high`` (both > 0), ``points_per_decade`` stops a decade.

    With ``continuous_update=False`` the kernel hears of a drag only when it ends: use it
    for controls whose update is slow (a full redraw, a long recomputation).

    Examples
    --------
    >>> s = log_slider("step size", 0.1, 1e-3, 1.0)
    >>> s.min, s.max, s.value
    (-3.0, 0.0, 0.1)
    """
    if not (low > 0 and value > 0):
        raise ValueError(
            f"{description}: a log slider needs low > 0 and value > 0; got {low}, {value}"
        )
    _check_range(description, value, low, high)
    return ClampingFloatLogSlider(
        value=value,
        min=math.log10(low),
        max=math.log10(high),
        step=1 / points_per_decade,
        base=10,
        description=description,
        continuous_update=continuous_update,
        readout=False,
        layout=_SLIDER_LAYOUT,
        style=_SLIDER_STYLE,
    )


def float_slider(
    description: str,
    value: float,
    low: float,
    high: float,
    *,
    step: float,
    continuous_update: bool = True,
) -> ClampingFloatSlider:
    """A linear slider from ``low`` to ``high`` in steps of ``step`` (see :func:`log_slider`)."""
    _check_range(description, value, low, high)
    return ClampingFloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=continuous_update,
        readout=False,
        layout=_SLIDER_LAYOUT,
        style=_SLIDER_STYLE,
    )


def int_slider(
    description: str,
    value: int,
    low: int,
    high: int,
    *,
    step: int = 1,
    continuous_update: bool = True,
) -> ClampingIntSlider:
    """A slider of whole numbers from ``low`` to ``high`` (see :func:`log_slider`)."""
    _check_range(description, value, low, high)
    return ClampingIntSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=continuous_update,
        readout=False,
        layout=_SLIDER_LAYOUT,
        style=_SLIDER_STYLE,
    )


def set_log_slider(
    slider,
    low: float,
    high: float,
    value: float,
    *,
    stops_per_decade: float = STOPS_PER_DECADE,
    anchor: float = 0.0,
) -> None:
    """Give a log slider the range [low, high], widened to whole stops and to hold ``value``.

    The stops are the exponents ``anchor + k / stops_per_decade`` for whole ``k``: with
    ``anchor = log10(limit)`` the stability limit is one of them.

    Examples
    --------
    >>> slider = log_slider("lr", 0.1, 1e-3, 1.0)
    >>> set_log_slider(slider, 0.03, 0.9, 0.1, stops_per_decade=10, anchor=math.log10(0.2))
    >>> round(10**slider.min, 4), round(10**slider.max, 4), slider.step
    (0.0252, 1.0024, 0.1)
    """
    low, high = min(low, value), max(high, value)
    first = math.floor((math.log10(low) - anchor) * stops_per_decade + 1e-9)
    last = math.ceil((math.log10(high) - anchor) * stops_per_decade - 1e-9)
    exponents = (anchor + first / stops_per_decade, anchor + last / stops_per_decade)
    # widen first, so that neither bound is ever set past the other or the value
    slider.min, slider.max = min(exponents[0], slider.min), max(exponents[1], slider.max)
    slider.step = 1 / stops_per_decade
    slider.value = value
    slider.min, slider.max = exponents


def _format_number(value) -> str:
    if isinstance(value, int | np.integer):
        return str(int(value))
    return f"{value:.3g}"


class SceneControl:
    """A control drawn by the browser: its value is read and set through the explorer.

    Parameters
    ----------
    description : str
        What the control is called in the page.
    get, set : callables
        Read the value; set it (the explorer validates, clamps and reports).
    observe : callable
        ``observe(handler)``: call ``handler(change)`` when the value changes.
    limits : callable
        ``limits()`` returns ``(min, max, step)`` as a slider would (a log slider's in
        exponents of 10).

    Examples
    --------
    >>> box = {"v": 1.0}
    >>> control = SceneControl("v", lambda: box["v"], lambda v: box.update(v=v),
    ...                        lambda handler: None, lambda: (0.0, 2.0, 0.5))
    >>> control.value = 1.5
    >>> control.value, control.max
    (1.5, 2.0)
    """

    def __init__(
        self,
        description: str,
        get: Callable[[], object],
        set: Callable[[object], None],
        observe: Callable[[Callable], None],
        limits: Callable[[], tuple[float, float, float]],
    ) -> None:
        self.description = description
        self._get, self._set, self._observe, self._limits = get, set, observe, limits

    @property
    def value(self):
        return self._get()

    @value.setter
    def value(self, value) -> None:
        self._set(value)

    @property
    def min(self) -> float:
        return self._limits()[0]

    @property
    def max(self) -> float:
        return self._limits()[1]

    @property
    def step(self) -> float:
        return self._limits()[2]

    def observe(self, handler: Callable, names: str = "value") -> None:
        """Call ``handler(change)`` (a dict with ``"new"``) when the value changes."""
        if names != "value":
            raise ValueError(f"a scene control has only a 'value' to observe; got {names!r}")
        self._observe(handler)


class TypedEntry:
    """The text entry of a :class:`SceneControl`: setting ``value`` is typing it and Enter.

    Examples
    --------
    >>> seen = []
    >>> entry = TypedEntry(lambda: "0.1", seen.append)
    >>> entry.value = "0.2"
    >>> seen, entry.value
    (['0.2'], '0.1')
    """

    def __init__(self, shown: Callable[[], str], typed: Callable[[str], None]) -> None:
        self._shown, self._typed = shown, typed

    @property
    def value(self) -> str:
        """What the entry shows: the control's value, as the browser writes it."""
        return self._shown()

    @value.setter
    def value(self, text: str) -> None:
        self._typed(text)


def parse_number(text: str, *, whole: bool = False) -> float | int | None:
    """The number typed, or None if ``text`` is not one (a whole one with ``whole``).

    Examples
    --------
    >>> parse_number(" 0.1995 "), parse_number("1e3", whole=True), parse_number("abc")
    (0.1995, 1000, None)
    """
    try:
        number = float(str(text).strip())
    except ValueError:
        return None
    if not math.isfinite(number) or (whole and number != int(number)):
        return None
    return int(number) if whole else number


def control_rows(controls: dict, entries: dict, rows) -> list[widgets.HBox]:
    """One wrapping line per row: a name stands for its control and its text entry, if any."""
    lines = []
    for row in rows:
        items = []
        for item in row:
            if isinstance(item, str):
                items.append(controls[item])
                if item in entries:
                    items.append(entries[item])
            else:
                items.append(item)
        lines.append(widgets.HBox(items, layout=widgets.Layout(flex_flow="row wrap")))
    return lines
