"""Controls refuse what is not a value of theirs, and say what they clamped (issue 9, item 8)."""

from __future__ import annotations

import html
import math

import pytest

from gdviz.widgets import DescentExplorer
from gdviz.widgets.controls import Choice, float_slider, int_slider, log_slider

NOT_NUMBERS = [None, True, "0.1", [0.1]]


@pytest.mark.parametrize("bad", NOT_NUMBERS, ids=repr)
@pytest.mark.parametrize("make", [log_slider, float_slider], ids=["log", "linear"])
def test_a_number_slider_refuses_what_is_not_a_number_naming_itself(make, bad):
    slider = make("step size", 0.1, 1e-3, 1.0, **({} if make is log_slider else {"step": 0.01}))
    with pytest.raises(TypeError, match=r"^step size must be a finite number; got"):
        slider.value = bad
    assert slider.value == 0.1


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_number_slider_refuses_nan_and_infinity(bad):
    slider = log_slider("step size", 0.1, 1e-3, 1.0)
    with pytest.raises(ValueError, match="step size must be a finite number; got"):
        slider.value = bad
    assert slider.value == 0.1


@pytest.mark.parametrize("bad", [2.5, 3.0, math.nan, None, True, "3"], ids=repr)
def test_a_whole_number_slider_refuses_fractions_instead_of_truncating(bad):
    slider = int_slider("steps", 100, 1, 1000)
    with pytest.raises(TypeError, match="steps must be a whole number; got"):
        slider.value = bad
    assert slider.value == 100


def test_a_value_outside_the_range_is_clamped_and_reported_in_its_own_units():
    slider = log_slider("step size", 0.1, 1e-3, 1.0)
    seen = []
    slider.on_clamp = lambda requested, used: seen.append((requested, used, slider.bounds()))
    slider.value = 5.0
    assert slider.value == 1.0
    assert seen == [(5.0, 1.0, (1e-3, 1.0))]


def test_a_choice_refuses_none_and_unknown_options_naming_them():
    surface = Choice(options=["quadratic", "rosenbrock"], value="quadratic", description="surface")
    with pytest.raises(TypeError, match=r"surface must be one of: 'quadratic', 'rosenbrock'"):
        surface.value = None
    with pytest.raises(ValueError, match="got 'nope'"):
        surface.value = "nope"
    assert surface.value == "quadratic"


def test_a_refused_dropdown_value_leaves_the_explorer_working():
    explorer = DescentExplorer()
    with pytest.raises(TypeError):
        explorer.controls["surface"].value = None
    assert repr(explorer).startswith("DescentExplorer: quadratic")
    explorer.controls["surface"].value = "rosenbrock"
    assert explorer.last_error is None and explorer.result.objective == "rosenbrock"


@pytest.mark.parametrize("bad", [math.nan, math.inf, None, "0.1", True, -1.0], ids=repr)
def test_the_step_size_refuses_a_bad_value_and_keeps_the_run(bad):
    explorer = DescentExplorer()
    explorer.controls["step_size"].value = bad
    assert "step size must be a finite number > 0" in str(explorer.last_error)
    assert explorer.controls["step_size"].value == 0.1
    assert "nan" not in explorer.entries["step_size"].value


def test_a_refused_entry_message_goes_at_the_next_valid_change():
    explorer = DescentExplorer()
    explorer.entries["step_size"].value = "abc"
    assert "'abc' is not a number" in html.unescape(explorer.message.value)
    explorer.entries["step_size"].value = "0.15"
    assert explorer.message.value == ""
    assert explorer.entries["step_size"].value == "0.15"


def test_a_clamp_message_stays_with_the_change_it_clamped_and_the_entry_shows_the_value_used():
    explorer = DescentExplorer()
    explorer.entries["steps"].value = "1e7"
    assert "steps: 10000000 is outside [1, 1000]; clamped to 1000." in explorer.message.value
    assert explorer.entries["steps"].value == "1000" and explorer.result.steps == 1000
    explorer.entries["steps"].value = "40"
    assert explorer.message.value == ""
