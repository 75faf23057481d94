"""MinibatchExplorer: driven from code, headless, through typed batch sizes, divergence and bad input.

The explorer draws in the browser from its scene's traits; these tests check those traits
(what the browser is sent, read back as the browser reads it) and the static picture.
"""

import html
import io

import numpy as np
import pytest
from PIL import Image

from gdviz import minibatch_descend, problems
from gdviz.noise import gradient_cloud
from gdviz.optimizers import GradientDescent
from gdviz.widgets import MinibatchExplorer
from gdviz.widgets.minibatch import CLOUD_BATCHES, MAX_STEPS, batch_sizes
from gdviz.widgets.scene import payload_bytes, unpack_stop


@pytest.fixture(scope="module")
def shared():
    return MinibatchExplorer()


@pytest.fixture
def explorer(shared):
    """The shared explorer at batch size 32, its last frame (the kernel settings untouched)."""
    shared.controls["batch_size"].value = 32
    shared.message.value = ""
    return shared


def _shown(explorer, frame=None) -> dict[str, np.ndarray]:
    """The series the browser draws now: the typed stop's, or the slider's stop's."""
    scene = explorer.scene
    frame = scene.frame if frame is None else frame
    if scene.extra.get("value") == scene.value:
        return unpack_stop(scene.extra, 0, frame)
    return unpack_stop(scene.family, scene.stop, frame)


def test_the_default_explorer_and_its_summary(explorer):
    assert explorer.problem.n == 1024
    assert explorer.summary() == (
        "MinibatchExplorer: batch size 32, step size 0.5, seed 0: loss 1.15 → 0.131 in 100 "
        "steps (full batch → 0.13)"
    )
    assert repr(explorer) == explorer.summary()
    assert set(explorer.controls) == {
        "batch_size", "step_size", "seed", "steps", "x_axis", "frame", "play",
    }  # fmt: skip


def test_every_batch_size_offered_is_a_stop_sent_once_with_its_words(explorer):
    family = explorer.scene.family
    assert family["values"] == [float(b) for b in batch_sizes(1024)]
    assert family["labels"][explorer.scene.stop] == explorer.status.value
    assert family["readouts"][5] == "32 of 1,024 examples a step, 32 steps an epoch"
    assert family["readouts"][-1] == "all 1,024 examples at each step"


def test_a_stop_shows_the_run_minibatch_descend_gives(explorer):
    problem = explorer.problem
    expected = minibatch_descend(problem, GradientDescent(lr=0.5), batch_size=32, steps=100)
    np.testing.assert_array_equal(explorer.result.points, expected.points)
    shown = _shown(explorer)
    np.testing.assert_allclose(shown["w"], expected.points[:, 0], rtol=1e-6)
    np.testing.assert_allclose(shown["b"], expected.points[:, 1], rtol=1e-6)
    best = problem(problem.minima[0])
    np.testing.assert_allclose(shown["loss"], expected.losses - best, rtol=1e-5)


def test_the_full_batch_stop_is_the_full_batch_run(explorer):
    explorer.controls["batch_size"].value = 1024
    np.testing.assert_array_equal(explorer.result.points, explorer.full_result.points)
    assert explorer.cloud.spread == 0.0
    shown = _shown(explorer)
    # every batch is the whole data set: drawn once, not once a frame
    assert len(shown["batch_x"]) == 0 and len(shown["whole_x"]) == 1024
    assert len(shown["cloud_w"]) == 1


@pytest.mark.parametrize("typed", ["100", "3", "1000"])
def test_a_batch_size_typed_between_stops_is_run_exactly(explorer, typed):
    explorer.entries["batch_size"].value = typed
    size = int(typed)
    assert explorer.result.batch_size == size
    expected = minibatch_descend(
        explorer.problem, GradientDescent(lr=0.5), batch_size=size, steps=100
    )
    np.testing.assert_array_equal(explorer.result.points, expected.points)
    scene = explorer.scene
    assert scene.value == size and scene.extra["value"] == size
    np.testing.assert_allclose(_shown(explorer)["w"], expected.points[:, 0], rtol=1e-6)
    # the handle sits on the nearest stop (on a log scale)
    assert scene.stop == int(np.argmin(np.abs(np.log2(np.array(batch_sizes(1024)) / size))))
    assert explorer.entries["batch_size"].value == typed
    assert explorer.status.value == scene.extra["labels"][0]
    assert scene.extra["readouts"][0].startswith(f"{size:,} of 1,024 examples a step")
    assert explorer.summary().startswith(f"MinibatchExplorer: batch size {size}, ")


def test_a_batch_size_set_from_code_between_stops_is_run_exactly(explorer):
    explorer.controls["batch_size"].value = 100
    assert explorer.result.batch_size == 100 and explorer.controls["batch_size"].value == 100
    assert explorer.last_error is None and explorer.message.value == ""


def test_a_stop_after_a_typed_size_is_a_look_up_that_resends_nothing_else(explorer):
    explorer.entries["batch_size"].value = "100"
    family, panels = explorer.scene.family, explorer.scene.panels
    explorer.controls["batch_size"].value = 8
    assert explorer.scene.extra == {}
    assert explorer.scene.family is family and explorer.scene.panels is panels
    assert explorer.result.batch_size == 8


@pytest.mark.parametrize("text", ["abc", "2.5", "nan", ""])
def test_text_that_is_not_a_batch_size_is_refused_and_nothing_changes(explorer, text):
    before = explorer.result
    explorer.entries["batch_size"].value = text
    message = html.unescape(explorer.message.value)
    assert f"batch size: {text!r} is not a whole number; it stays 32." in message
    assert explorer.result is before and explorer.entries["batch_size"].value == "32"


@pytest.mark.parametrize("value", ["8", 2.5, float("nan"), None, True])
def test_a_batch_size_of_the_wrong_type_is_refused_naming_the_control(explorer, value):
    explorer.controls["batch_size"].value = value
    assert isinstance(explorer.last_error, TypeError)
    assert "batch size must be a whole number" in html.unescape(explorer.message.value)
    assert explorer.result.batch_size == 32


@pytest.mark.parametrize(("value", "used"), [(5000, 1024), (0, 1), (-3, 1)])
def test_a_batch_size_outside_the_range_is_clamped_with_a_message(explorer, value, used):
    explorer.controls["batch_size"].value = value
    assert explorer.result.batch_size == used
    assert f"{value} is outside [1, 1024]; clamped to {used}" in explorer.message.value
    assert explorer.entries["batch_size"].value == str(used)


def test_a_refused_entry_message_goes_at_the_next_valid_change(explorer):
    explorer.entries["batch_size"].value = "abc"
    assert "is not a whole number" in explorer.message.value
    explorer.controls["batch_size"].value = 16
    assert explorer.message.value == ""


def test_each_frame_shows_the_batch_the_run_drew_and_its_step(explorer):
    explorer.controls["batch_size"].value = 16
    run, problem, batches = explorer.result, explorer.problem, explorer.batches
    assert len(batches) == len(run.points)
    for t in (0, 1, 37, run.steps):
        np.testing.assert_array_equal(run.grads[t], problem.grad(run.points[t], batches[t]))
        shown = _shown(explorer, t)
        np.testing.assert_allclose(shown["batch_x"], problem.x[batches[t]], rtol=1e-6)
        np.testing.assert_allclose(shown["batch_y"], problem.y[batches[t]], rtol=1e-6)
        ends = [problem.x.min(), problem.x.max()]
        np.testing.assert_allclose(shown["mini_fit"], problem.predict(run.points[t], ends),
                                   rtol=1e-5)  # fmt: skip
        step_end = run.points[t] - 0.5 * run.grads[t]
        np.testing.assert_allclose(shown["step_w"], [run.points[t, 0], step_end[0]], rtol=1e-6)
        if t < run.steps:  # the step drawn is the step taken
            np.testing.assert_allclose(step_end, run.points[t + 1])


def test_batches_are_drawn_without_replacement_within_an_epoch(explorer):
    explorer.controls["batch_size"].value = 16
    # 64 batches of 16 cover all 1,024 examples once
    assert len(np.unique(np.concatenate(explorer.batches[:64]))) == explorer.problem.n


def test_each_frame_shows_the_gradient_cloud_of_other_batches_at_its_point(explorer):
    explorer.controls["batch_size"].value = 8
    run = explorer.result
    for t in (0, 50):
        cloud = gradient_cloud(explorer.problem, run.points[t], 8, n_batches=CLOUD_BATCHES)
        shown = _shown(explorer, t)
        np.testing.assert_allclose(shown["cloud_w"], cloud.grads[:, 0], rtol=1e-6)
        np.testing.assert_allclose(shown["full_grad_b"], [0, cloud.full[1]], rtol=1e-6)
        radius = np.hypot(shown["ring_w"] - cloud.full[0], shown["ring_b"] - cloud.full[1])
        np.testing.assert_allclose(radius, cloud.spread, rtol=1e-5)
    explorer.controls["frame"].value = 50
    np.testing.assert_array_equal(explorer.cloud.params, run.points[50])


def test_the_cloud_spread_shrinks_like_one_over_root_batch_size(explorer):
    spreads = {}
    for size in (4, 64):
        explorer.controls["batch_size"].value = size
        explorer.controls["frame"].value = 0  # the start: the same point for every size
        spreads[size] = explorer.cloud.spread
    n = explorer.problem.n
    expected = 4 * np.sqrt((n - 4) / (n - 64))  # √(64/4), drawn without replacement
    assert spreads[4] / spreads[64] == pytest.approx(expected, rel=0.25)


def test_the_batch_contour_passes_through_the_point_and_the_batch_minimum_is_its_fit(explorer):
    problem = explorer.problem
    for size in (2, 32):
        explorer.controls["batch_size"].value = size
        t = 20
        batch, here = explorer.batches[t], explorer.result.points[t]
        shown = _shown(explorer, t)
        ring = np.c_[shown["ring_of_batch_w"], shown["ring_of_batch_b"]]
        ring = ring[np.isfinite(ring).all(axis=1)]
        assert len(ring) > 10
        level = problem.loss(here, batch)
        np.testing.assert_allclose(problem.loss(ring, batch), level, rtol=0.05)
        assert np.min(np.linalg.norm(ring - here, axis=1)) < 0.1
        minimum = [shown["batch_min_w"][t], shown["batch_min_b"][t]]
        np.testing.assert_allclose(minimum, problem.minimum(batch), rtol=1e-5)
    explorer.controls["batch_size"].value = 1  # one example: a whole line of minima
    assert np.isnan(_shown(explorer)["batch_min_w"]).all()


def test_frames_scrub_the_runs_and_the_static_picture_follows(explorer):
    explorer.controls["frame"].value = 10
    assert explorer.scene.frame == 10
    explorer.draw_static_picture()
    assert len(explorer._mini_path.line.get_xydata()) == 11
    assert explorer._mini_curve.get_ydata()[-1] == pytest.approx(_shown(explorer)["loss"][10])
    batch = explorer.batches[10]
    np.testing.assert_array_equal(explorer._batch_points.get_xdata(), explorer.problem.x[batch])
    assert explorer._frame_text.get_text().startswith("step 10 of 100: ")
    explorer.controls["play"].value = 500  # past the end: the last frame
    assert explorer.controls["frame"].value == 100


def test_a_frame_of_the_wrong_type_is_refused(explorer):
    explorer.controls["frame"].value = 2.5
    assert isinstance(explorer.last_error, TypeError)
    assert "frame must be a whole number" in html.unescape(explorer.message.value)


def test_the_step_size_changes_both_runs_and_the_seed_only_the_minibatch_run():
    explorer = MinibatchExplorer(batch_size=8, steps=30)
    slow = explorer.full_result.losses[-1]
    explorer.controls["step_size"].value = 0.8
    assert explorer.full_result.losses[-1] < slow
    assert explorer.result.optimizer == "GradientDescent(lr=0.8)"
    first, full = explorer.result.points.copy(), explorer.full_result.points.copy()
    explorer.controls["seed"].value = 2
    assert not np.array_equal(explorer.result.points, first)
    np.testing.assert_array_equal(explorer.full_result.points, full)
    assert explorer.scene.value == 8 and explorer.result.batch_size == 8


def test_a_typed_step_size_is_run_exactly():
    explorer = MinibatchExplorer(steps=20)
    explorer.entries["step_size"].value = "0.4321"
    assert explorer.result.optimizer == "GradientDescent(lr=0.4321)"
    assert explorer.full_result.optimizer == "GradientDescent(lr=0.4321)"


def test_steps_change_the_frames_and_the_loss_axis():
    explorer = MinibatchExplorer(steps=20)
    explorer.controls["steps"].value = 40
    assert len(explorer.result.points) == 41 and explorer.controls["frame"].max == 40
    assert explorer.scene.frame == 40
    assert explorer.scene.panels[4]["axes"]["xlim"][1] > 40


def test_divergence_is_shown_without_warnings_or_errors():
    explorer = MinibatchExplorer(step_size=4.0, steps=20)
    run = explorer.result
    assert run.diverged and explorer.full_result.diverged
    assert explorer.last_error is None
    assert f"diverged at step {run.diverged_at}" in explorer.status.value
    assert explorer.summary().endswith(f"diverged at step {run.diverged_at}")
    # the frames run to the longer run's end; the shorter one stays at its last point
    frames = max(run.steps, explorer.full_result.steps)
    assert explorer.controls["frame"].max == frames
    ends = [explorer.problem.x.min(), explorer.problem.x.max()]
    np.testing.assert_allclose(_shown(explorer, frames)["mini_fit"],
                               explorer.problem.predict(run.points[-1], ends), rtol=1e-5)  # fmt: skip
    explorer.draw_static_picture()


def test_loss_against_examples_seen(explorer):
    explorer.controls["x_axis"].value = "examples"
    try:
        assert explorer.scene.panels[4]["axes"]["xscale"] == "log"
        curves = [t for t in explorer.scene.tracks if t["kind"] == "curve"]
        assert [t["x"] for t in curves] == ["full_seen", "seen"]
        shown = _shown(explorer)
        assert np.nanmax(shown["seen"]) == explorer.result.examples_seen[-1] == 32 * 100
        assert np.nanmax(shown["full_seen"]) == 1024 * 100
        assert np.isnan(shown["seen"][0])  # no place for 0 examples on a log axis
    finally:
        explorer.controls["x_axis"].value = "updates"
    assert explorer.scene.panels[4]["axes"]["xscale"] == "linear"
    assert [t["x"] for t in explorer.scene.tracks if t["kind"] == "curve"] == [None, None]


def test_reset_goes_back_to_the_initial_state():
    explorer = MinibatchExplorer(batch_size=100, steps=30)
    fresh = MinibatchExplorer(batch_size=100, steps=30)
    explorer.controls["step_size"].value = 1.0
    explorer.controls["steps"].value = 50
    explorer.controls["x_axis"].value = "examples"
    explorer.controls["batch_size"].value = 4
    explorer.controls["frame"].value = 3
    explorer.reset()
    assert explorer.summary() == fresh.summary()
    for trait in ("value", "stop", "frame", "extra", "family", "panels", "tracks"):
        assert getattr(explorer.scene, trait) == getattr(fresh.scene, trait), trait


def test_browser_messages_are_answered(explorer):
    explorer._on_message(explorer.scene, {"event": "typed", "text": "48"}, [])
    assert explorer.result.batch_size == 48
    explorer._on_message(explorer.scene, {"event": "reset"}, [])
    assert explorer.result.batch_size == 32 and explorer.scene.extra == {}


def test_a_stop_from_the_browser_updates_the_result_without_recomputing(explorer):
    family = explorer.scene.family
    with explorer.scene.hold_sync():
        explorer.scene.stop = 2
        explorer.scene.value = 4.0
    assert explorer.result.batch_size == 4 and explorer.scene.family is family
    assert explorer.status.value == family["labels"][2]


def test_the_payload_stays_within_a_few_megabytes_at_the_most_steps():
    explorer = MinibatchExplorer(steps=MAX_STEPS)
    assert payload_bytes(explorer.scene.family) < 5_000_000


def test_the_panels_fit_beside_jupyterlabs_file_browser(explorer):
    widths = [panel["width"] for panel in explorer.scene.panels]
    # two rows of two, then the loss curves: each row within the 934 px output area
    assert widths[0] + widths[1] + 4 <= 934 and widths[2] + widths[3] + 4 <= 934
    assert widths[4] <= 934
    with Image.open(io.BytesIO(explorer.png())) as picture:
        assert picture.width <= 934 and picture.height > 2 * explorer.scene.panels[0]["height"]


def test_the_static_picture_draws_what_the_browser_leaves_out_and_the_summary(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == explorer.summary()
    layer = np.asarray(Image.open(io.BytesIO(explorer.scene.panels[0]["png"])).convert("RGB"))
    with Image.open(io.BytesIO(explorer.png())) as picture:
        full = np.asarray(picture.convert("RGB"))[: layer.shape[0], : layer.shape[1]]
    assert np.any(layer != full)  # the paths


def test_save_gif_steps_through_the_frames(explorer, tmp_path):
    explorer.controls["frame"].value = 7
    path = explorer.save_gif(tmp_path / "minibatch.gif", max_frames=3)
    with Image.open(path) as gif:
        assert gif.n_frames == 3
    assert explorer.controls["frame"].value == 7


def test_other_data_sets_and_bad_arguments():
    data = problems.linear_regression(n=1000, noise=1.0, seed=3)
    explorer = MinibatchExplorer(data, batch_size=1000, steps=10)
    assert explorer.scene.family["values"][-2:] == [512.0, 1000.0]
    np.testing.assert_array_equal(explorer.result.points, explorer.full_result.points)
    with pytest.raises(ValueError, match="one-feature regression"):
        MinibatchExplorer(problems.logistic_regression())
    with pytest.raises(TypeError, match="step_size must be a finite number in"):
        MinibatchExplorer(step_size="0.1")
    with pytest.raises(TypeError, match="batch_size must be a whole number in"):
        MinibatchExplorer(batch_size=2.5)
    with pytest.raises(ValueError, match=f"steps must be a whole number in \\[10, {MAX_STEPS}\\]"):
        MinibatchExplorer(steps=1000)


def test_a_new_step_size_sends_the_shown_batch_sizes_run_before_the_other_stops(
    explorer, monkeypatch
):
    before = explorer.scene.family
    first = {}

    def sent_first(panels=False):
        first["panels"] = panels  # the loss axis is the same: its picture is not re-sent
        first["family"] = explorer.scene.family
        first["value"] = explorer.scene.extra["value"]
        first["series"] = unpack_stop(explorer.scene.extra)

    monkeypatch.setattr(explorer, "show_first", sent_first)
    explorer.controls["step_size"].value = 0.2
    assert first["family"] is before  # the other stops were not yet computed
    assert first["panels"] is False
    assert first["value"] == explorer.scene.value
    now = unpack_stop(explorer.scene.family, explorer.scene.stop)
    assert explorer.scene.family is not before and explorer.scene.extra == {}
    for name, values in now.items():
        np.testing.assert_array_equal(first["series"][name], values)
