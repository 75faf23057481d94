"""FirstStepExplorer: the welcome lesson's first slider (gradient descent on w²)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from gdviz.widgets.first_step import W_LIMIT, FirstStepExplorer, descent_on_parabola


@pytest.fixture
def explorer():
    return FirstStepExplorer(backend="inline")


def test_default_is_the_warm_up_exercise_step(explorer):
    np.testing.assert_allclose(explorer.result, [3.0, 2.4])
    assert (
        explorer.summary() == "FirstStepExplorer: step size 0.10, 1 step: w 3 → 2.4, loss 9 → 5.76"
    )


def test_step_size_change_updates_result_and_drawing(explorer):
    explorer.controls["step_size"].value = 0.25
    np.testing.assert_allclose(explorer.result, [3.0, 1.5])
    np.testing.assert_allclose(explorer._end.get_xdata(), [1.5])
    np.testing.assert_allclose(explorer._path.get_ydata(), [9.0, 2.25])


def test_half_step_lands_on_the_minimum(explorer):
    explorer.controls["step_size"].value = 0.5
    assert explorer.result[-1] == 0.0
    assert "w 3 → 0, loss 9 → 0" in explorer.summary()


def test_step_one_bounces(explorer):
    explorer.controls["steps"].value = 4
    explorer.controls["step_size"].value = 1.0
    np.testing.assert_allclose(explorer.result, [3, -3, 3, -3, 3])
    assert "bouncing between 3 and −3 forever" in explorer.summary()


def test_divergent_run_leaves_the_picture_without_errors(explorer):
    explorer.controls["steps"].value = 10
    explorer.controls["step_size"].value = 1.2
    assert abs(explorer.result[-1]) > W_LIMIT
    assert np.all(np.abs(explorer._path.get_xdata()) <= W_LIMIT)
    assert len(explorer._end.get_xdata()) == 0
    assert "off the picture" in explorer.summary()
    assert explorer.last_error is None


def test_slider_changes_redraw_in_place(explorer):
    explorer.controls["step_size"].value = 0.2
    full = explorer.view.full_draws
    explorer.controls["step_size"].value = 0.3
    explorer.controls["steps"].value = 5
    assert explorer.view.full_draws == full


def test_typed_step_size_out_of_range_is_clamped(explorer):
    explorer.controls["step_size"].value = 5.0
    assert explorer.controls["step_size"].value == 1.2
    assert "clamped" in explorer.message.value


def test_descent_on_parabola_multiplies_by_one_minus_twice_the_step():
    np.testing.assert_allclose(descent_on_parabola(0.1, 3), 3 * 0.8 ** np.arange(4))


def test_ipympl_backend_builds():
    e = FirstStepExplorer(step_size=0.5, backend="ipympl")
    assert e.result[-1] == 0.0
