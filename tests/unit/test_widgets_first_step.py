"""FirstStepExplorer: the welcome lesson's first slider (gradient descent on w²), drawn in the browser."""

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from PIL import Image

from gdviz.runs import descent_on_parabola
from gdviz.widgets.first_step import STOPS, W_LIMIT, FirstStepExplorer
from gdviz.widgets.scene import payload_bytes, unpack_stop


@pytest.fixture
def explorer():
    return FirstStepExplorer()


def shown(explorer) -> dict:
    """The series the browser draws now: the typed stop's, else the slider's stop's."""
    scene = explorer.scene
    if scene.extra:
        return unpack_stop(scene.extra, 0, scene.frame)
    return unpack_stop(scene.family, scene.stop, scene.frame)


def test_default_is_the_warm_up_exercise_step(explorer):
    np.testing.assert_allclose(explorer.result, [3.0, 2.4])
    assert (
        explorer.summary() == "FirstStepExplorer: step size 0.10, 1 step: w 3 → 2.4, loss 9 → 5.76"
    )
    assert explorer.status.value == explorer.summary().removeprefix("FirstStepExplorer: ")


def test_every_stop_from_0_01_to_1_2_is_computed_and_0_5_and_1_are_exact(explorer):
    values = explorer.scene.family["values"]
    assert len(values) == 120 and values[0] == 0.01 and values[-1] == 1.2
    assert 0.5 in values and 1.0 in values
    for value in (0.5, 1.0):
        explorer.controls["step_size"].value = value
        assert explorer.scene.extra == {}  # the stop's own data, no kernel run
        assert explorer.scene.value == value


def test_step_size_change_updates_result_and_what_is_drawn(explorer):
    explorer.controls["step_size"].value = 0.25
    np.testing.assert_allclose(explorer.result, [3.0, 1.5])
    np.testing.assert_allclose(shown(explorer)["w"], [3.0, 1.5])
    np.testing.assert_allclose(shown(explorer)["loss"], [9.0, 2.25])
    assert explorer.scene.frame == 1  # the whole run is shown


def test_half_step_lands_on_the_minimum(explorer):
    explorer.controls["step_size"].value = 0.5
    assert explorer.result[-1] == 0.0
    assert "w 3 → 0, loss 9 → 0" in explorer.summary()


def test_step_one_bounces(explorer):
    explorer.controls["steps"].value = 4
    explorer.controls["step_size"].value = 1.0
    np.testing.assert_allclose(explorer.result, [3, -3, 3, -3, 3])
    assert "bouncing between 3 and −3 forever" in explorer.summary()


def test_points_beyond_the_picture_are_reported_not_drawn(explorer):
    explorer.controls["steps"].value = 10
    explorer.controls["step_size"].value = 1.2
    assert abs(explorer.result[-1]) > W_LIMIT
    w = shown(explorer)["w"]
    assert np.all(np.isnan(w[np.abs(explorer.result) > W_LIMIT]))  # gaps, not off-frame lines
    assert np.all(np.abs(w[np.isfinite(w)]) <= W_LIMIT)
    texts = explorer.scene.family["frame_texts"][explorer.scene.stop]
    assert texts[-1] == "step 10 of 10: w = 86.8, loss 7.53e+03 (off the picture)"
    assert "(off the picture)" not in texts[0]
    assert "off the picture" in explorer.summary()
    assert explorer.last_error is None


def test_steps_sets_how_many_steps_are_computed_and_shown(explorer):
    explorer.controls["steps"].value = 7
    assert np.frombuffer(explorer.scene.family["frames"], "<i4").tolist() == [7] * len(STOPS)
    assert explorer.scene.frame == 7 and explorer.controls["frame"].max == 7
    assert len(explorer.result) == 8


def test_each_frame_is_one_step_with_its_own_readout(explorer):
    explorer.controls["steps"].value = 3
    explorer.controls["frame"].value = 2
    assert explorer.scene.frame == 2
    np.testing.assert_allclose(shown(explorer)["dots_w"], [3.0, 2.4, 1.92])
    texts = explorer.scene.family["frame_texts"][explorer.scene.stop]
    assert texts == [
        "step 0 of 3: w = 3, loss 9",
        "step 1 of 3: w = 2.4, loss 5.76",
        "step 2 of 3: w = 1.92, loss 3.69",
        "step 3 of 3: w = 1.54, loss 2.36",
    ]


def test_a_frame_past_the_last_step_is_clamped_and_a_fraction_refused(explorer):
    explorer.controls["frame"].value = 99
    assert explorer.scene.frame == 1
    assert "frame: 99 is outside [0, 1]; clamped to 1." in explorer.message.value
    explorer.controls["frame"].value = 0.5
    assert isinstance(explorer.last_error, TypeError)
    assert "frame must be a whole number" in explorer.message.value


def test_a_step_size_typed_between_stops_is_run_exactly(explorer):
    explorer.controls["steps"].value = 10
    explorer.entries["step_size"].value = "0.1995"
    np.testing.assert_array_equal(explorer.result, descent_on_parabola(0.1995, 10))
    assert explorer.scene.value == 0.1995 and explorer.scene.extra["value"] == 0.1995
    assert explorer.entries["step_size"].value == "0.1995"
    assert explorer.scene.family["values"][explorer.scene.stop] == 0.2  # the handle's stop
    assert "step size 0.1995, 10 steps" in explorer.summary()
    assert "1 − 2 × 0.1995 = 0.601" in explorer.scene.extra["readouts"][0]


def test_a_step_size_typed_on_a_stop_uses_the_stop(explorer):
    explorer.entries["step_size"].value = "0.3"
    assert explorer.scene.extra == {} and explorer.scene.value == 0.3


def test_step_size_out_of_range_is_clamped_and_the_entry_shows_the_value_used(explorer):
    explorer.controls["step_size"].value = 5.0
    assert explorer.controls["step_size"].value == 1.2
    assert "clamped to 1.2" in explorer.message.value
    assert explorer.entries["step_size"].value == "1.2"


def test_text_that_is_not_a_number_is_refused_and_the_message_goes_at_the_next_change(explorer):
    explorer.entries["step_size"].value = "abc"
    assert "&#x27;abc&#x27; is not a number; it stays 0.1." in explorer.message.value
    explorer.controls["step_size"].value = 0.2
    assert explorer.message.value == ""


@pytest.mark.parametrize(
    ("bad", "error"), [(float("nan"), ValueError), (None, TypeError), (True, TypeError)]
)
def test_a_bad_step_size_from_code_is_refused_naming_the_control(explorer, bad, error):
    explorer.controls["step_size"].value = bad
    assert isinstance(explorer.last_error, error)
    assert "step size must be a finite number" in explorer.message.value
    assert explorer.scene.value == 0.1


def test_reset_goes_back_to_the_first_state(explorer):
    explorer.controls["steps"].value = 6
    explorer.entries["step_size"].value = "0.777"
    explorer.reset()
    assert explorer.controls["steps"].value == 1 and explorer.scene.value == 0.1
    assert explorer.scene.extra == {} and explorer.scene.frame == 1
    assert explorer.summary() == FirstStepExplorer().summary()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"step_size": 2.0}, "step_size must be"), ({"steps": 11}, "steps must be"),
     ({"steps": 2.5}, "steps must be a whole number")],
)  # fmt: skip
def test_bad_arguments_are_refused_naming_them(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        FirstStepExplorer(**kwargs)


def test_the_static_picture_shows_the_frame(explorer):
    explorer.controls["steps"].value = 4
    explorer.controls["frame"].value = 2
    explorer.draw_static_picture()
    np.testing.assert_allclose(explorer._path.get_xdata(), [3.0, 2.4, 1.92])
    np.testing.assert_allclose(explorer._end.get_xdata(), [1.92])
    assert explorer._text.get_text().startswith("step size 0.10, 2 steps: w 3 → 1.92")


def test_the_static_picture_draws_no_end_off_the_picture(explorer):
    explorer.controls["steps"].value = 10
    explorer.controls["step_size"].value = 1.2
    explorer.draw_static_picture()
    drawn = explorer._path.get_xdata()
    assert np.all(np.abs(drawn[np.isfinite(drawn)]) <= W_LIMIT)
    assert np.all(np.isnan(explorer._end.get_xdata()))


def test_saved_notebooks_get_the_summary_and_a_png(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == explorer.summary()
    assert bundle["image/png"]


def test_save_gif_has_a_frame_per_step(explorer, tmp_path):
    explorer.controls["steps"].value = 5
    path = explorer.save_gif(tmp_path / "first.gif")
    assert Image.open(io.BytesIO(path.read_bytes())).n_frames == 6


def test_the_payload_is_small(explorer):
    explorer.controls["steps"].value = 10
    assert payload_bytes(explorer.scene.family) < 200_000


def test_descent_on_parabola_multiplies_by_one_minus_twice_the_step():
    np.testing.assert_allclose(descent_on_parabola(0.1, 3), 3 * 0.8 ** np.arange(4))
