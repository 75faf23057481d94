"""Every control of every explorer under bad input (issue 9): refused clearly, never broken.

Generated from the explorers' own ``controls``: each control is set, from code, to values
that are not one of its values (None, NaN, infinities, a bool, a string, a fraction, a
huge number, a list). For each, one of two things must happen:

- it is refused: a ``TypeError`` (wrong type) or ``ValueError`` (bad value), raised or
  shown in the explorer (``last_error``), whose message names the control; or
- it is a number the control can take after clamping, and the value used is finite.

Either way the explorer keeps working: its ``repr`` and ``summary()`` run, the control's
value is one of its values again, the next valid change is shown without an error,
nothing is printed to stderr and no warning is raised (pytest turns warnings into errors).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz.widgets import (
    DescentExplorer,
    DirectionExplorer,
    FiniteDifferenceExplorer,
    FirstStepExplorer,
    MinibatchExplorer,
    OptimizerRace,
)

EXPLORERS = {
    "DescentExplorer": lambda: DescentExplorer("quadratic", steps=30),
    "FirstStepExplorer": lambda: FirstStepExplorer(steps=3),
    "DirectionExplorer": lambda: DirectionExplorer("himmelblau"),
    "FiniteDifferenceExplorer": FiniteDifferenceExplorer,
    "MinibatchExplorer": lambda: MinibatchExplorer(steps=20),
    "OptimizerRace": lambda: OptimizerRace("quadratic"),
}
"""How to build each explorer, small enough to be quick."""

BAD_VALUES = [None, math.nan, math.inf, -math.inf, True, "abc", 2.5, -1, 10**9, [1, 2]]


def _is_valid(value) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, bool | np.bool_):
        return True  # a checkbox's value
    return value is not None and np.ndim(value) == 0 and math.isfinite(value)


def _named(error: Exception, name: str, control) -> bool:
    words = {name, name.split(".")[-1], str(getattr(control, "description", "")).strip()}
    message = str(error)
    return any(word and word in message for word in words)


def _cases():
    for explorer_name, build in EXPLORERS.items():
        for control in build().controls:
            yield pytest.param(explorer_name, control, id=f"{explorer_name}-{control}")


@pytest.mark.parametrize(("explorer_name", "control_name"), list(_cases()))
def test_every_bad_value_is_refused_clearly_or_clamped_and_the_explorer_keeps_working(
    explorer_name, control_name, capfd
):
    explorer = EXPLORERS[explorer_name]()
    control = explorer.controls[control_name]
    good = control.value
    for bad in BAD_VALUES:
        if isinstance(good, bool) and isinstance(bad, bool):
            continue  # a checkbox takes True
        try:
            control.value = bad
        except (TypeError, ValueError) as error:
            assert _named(error, control_name, control), (bad, error)
        else:
            error = explorer.last_error
            if error is not None:
                assert isinstance(error, TypeError | ValueError), (bad, repr(error))
                assert _named(error, control_name, control), (bad, error)
        assert _is_valid(control.value), (bad, control.value)
        assert repr(explorer) and explorer.summary()
        control.value = good
        assert explorer.last_error is None, (bad, explorer.last_error)
        assert control.value == good
    assert capfd.readouterr().err == ""
