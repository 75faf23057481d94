"""MinibatchExplorer: mini-batch against full-batch descent, driven from code, headless."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from gdviz import problems
from gdviz.widgets.minibatch import MinibatchExplorer, batch_sizes


@pytest.fixture(scope="module")
def explorer():
    return MinibatchExplorer(backend="inline")


def _finite(artist) -> bool:
    return bool(np.all(np.isfinite(np.asarray(artist.get_xydata(), dtype=float))))


def test_default_data_set_is_large_enough_for_real_mini_batches(explorer):
    assert explorer.problem.n >= 1000
    options = list(explorer.controls["batch_size"].options)
    assert options[0] == 1 and options[-1] == explorer.problem.n and 256 in options
    assert set(explorer.controls) >= {"batch_size", "step_size", "seed", "steps", "frame", "play"}


def test_full_batch_path_whatever_the_seed(explorer):
    explorer.controls["batch_size"].value = explorer.problem.n
    for seed in (0, 7, 42):
        explorer.controls["seed"].value = seed
        np.testing.assert_array_equal(explorer.result.points, explorer.full_result.points)
        assert explorer.cloud.spread == 0.0


def test_batch_size_change_resamples_and_redraws(explorer):
    c = explorer.controls
    with explorer.holding():
        c["seed"].value = 0
        c["batch_size"].value = 8
        c["frame"].value = 20
    small = explorer.result
    shown = explorer._batch_points.get_xydata().copy()
    contours = [seg.copy() for seg in explorer._batch_contours.get_segments()]
    assert len(shown) == 8 and small.batch_size == 8
    c["batch_size"].value = 128
    assert explorer.result.batch_size == 128
    assert len(explorer._batch_points.get_xydata()) == 128
    assert not np.array_equal(explorer.result.points, small.points)
    assert len(explorer._batch_contours.get_segments()) != len(contours) or not all(
        np.array_equal(a, b)
        for a, b in zip(explorer._batch_contours.get_segments(), contours, strict=True)
    )
    for artist in (explorer._batch_points, explorer._mini_fit, explorer._mini_path.line):
        assert _finite(artist)


def test_each_step_uses_the_batch_shown(explorer):
    explorer.controls["batch_size"].value = 16
    run, problem = explorer.result, explorer.problem
    assert len(explorer.batches) == len(run.points)
    for t in (0, 1, 37, run.steps):
        np.testing.assert_array_equal(
            run.grads[t], problem.grad(run.points[t], explorer.batches[t])
        )
    # batches are without replacement within an epoch: 64 batches of 16 cover all 1,024 examples
    first_epoch = np.concatenate(explorer.batches[:64])
    assert len(np.unique(first_epoch)) == problem.n


def test_frame_moves_the_current_point_and_its_batch(explorer):
    c = explorer.controls
    c["batch_size"].value = 32
    c["frame"].value = 10
    run = explorer.result
    np.testing.assert_array_equal(explorer._mini_path.end.get_xydata()[0], run.points[10])
    batch = explorer.batches[10]
    np.testing.assert_array_equal(
        explorer._batch_points.get_xydata(),
        np.c_[explorer.problem.x[batch], explorer.problem.y[batch]],
    )
    np.testing.assert_array_equal(explorer.cloud.params, run.points[10])
    before = explorer._batch_contours.get_segments()[0].copy()
    c["frame"].value = 11
    assert not np.array_equal(explorer._batch_contours.get_segments()[0], before)
    assert "step 11 of 100" in explorer.status.value


def test_gradient_spread_shrinks_like_one_over_root_batch_size(explorer):
    c = explorer.controls
    c["frame"].value = 0  # the start: the same point for every batch size
    spreads = {}
    for size in (4, 64):
        c["batch_size"].value = size
        spreads[size] = explorer.cloud.spread
    n = explorer.problem.n
    expected = 4 * np.sqrt((n - 4) / (n - 64))  # √(64/4), drawn without replacement
    assert spreads[4] / spreads[64] == pytest.approx(expected, rel=0.2)


def test_seed_changes_only_the_minibatch_run(explorer):
    c = explorer.controls
    c["batch_size"].value = 8
    c["seed"].value = 1
    first, full = explorer.result.points.copy(), explorer.full_result.points.copy()
    c["seed"].value = 2
    assert not np.array_equal(explorer.result.points, first)
    np.testing.assert_array_equal(explorer.full_result.points, full)


def test_step_size_changes_both_runs(explorer):
    c = explorer.controls
    c["step_size"].value = 0.2
    slow = explorer.full_result.losses[-1]
    c["step_size"].value = 0.6
    assert explorer.full_result.losses[-1] < slow


def test_loss_curve_against_examples_seen(explorer):
    c = explorer.controls
    c["batch_size"].value = 32
    c["x_axis"].value = "examples"
    ax = explorer._axes["loss"]
    assert ax.get_xscale() == "log"
    x = explorer._mini_curve.line.get_xdata()
    assert np.nanmax(x) == explorer.result.examples_seen[-1] == 32 * 100
    assert np.nanmax(explorer._full_curve.line.get_xdata()) == explorer.problem.n * 100
    c["x_axis"].value = "updates"
    assert ax.get_xscale() == "linear"
    assert np.nanmax(explorer._mini_curve.line.get_xdata()) == 100


def test_steps_change_the_frames(explorer):
    c = explorer.controls
    c["steps"].value = 200
    assert len(explorer.result.points) == 201 and c["frame"].max == 200
    c["steps"].value = 100
    assert c["frame"].max == 100 and c["frame"].value <= 100


def test_divergence_is_shown_without_warnings_or_errors():
    explorer = MinibatchExplorer(backend="inline")
    explorer.controls["step_size"].value = 4.0
    run = explorer.result
    assert run.diverged and explorer.full_result.diverged
    assert "diverged at step" in explorer._diverged_text.get_text()
    assert "diverged at step" in explorer.status.value and explorer.last_error is None
    for artist in (explorer._mini_path.line, explorer._full_path.line, explorer._mini_fit):
        assert _finite(artist)
    assert explorer.summary().endswith(f"diverged at step {run.diverged_at}")
    explorer.controls["step_size"].value = 0.5
    assert not explorer.result.diverged and explorer._diverged_text.get_text() == ""


def test_a_batch_size_not_offered_snaps_with_a_message():
    explorer = MinibatchExplorer(backend="inline")
    explorer.controls["batch_size"].value = 100
    assert explorer.controls["batch_size"].value == 128 and explorer.result.batch_size == 128
    assert "not offered" in explorer.message.value
    explorer.controls["step_size"].value = 50.0
    assert explorer.controls["step_size"].value == 4.0 and "clamped" in explorer.message.value


def test_frame_changes_blit_instead_of_redrawing():
    explorer = MinibatchExplorer(backend="inline")
    explorer.controls["frame"].value = 5
    full = explorer.view.full_draws
    for frame in (6, 7, 8):
        explorer.controls["frame"].value = frame
    assert explorer.view.full_draws == full


def test_works_on_the_ipympl_canvas():
    explorer = MinibatchExplorer(backend="ipympl")
    explorer.controls["batch_size"].value = 4
    explorer.controls["frame"].value = 3
    assert explorer.last_error is None and explorer.view.blits > 0


def test_other_data_sets_and_bad_problems():
    data = problems.linear_regression(n=1000, noise=1.0, seed=3)
    assert batch_sizes(1000)[-2:] == [512, 1000]
    explorer = MinibatchExplorer(data, batch_size=1000, backend="inline")
    np.testing.assert_array_equal(explorer.result.points, explorer.full_result.points)
    with pytest.raises(ValueError, match="one-feature regression"):
        MinibatchExplorer(problems.logistic_regression())


def test_static_picture_and_stable_text(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == explorer.summary()
    assert bundle["text/plain"].startswith("MinibatchExplorer: batch size ")
    assert len(bundle["image/png"]) > 1000


def test_the_spread_readout_stays_off_the_gradient_cloud_after_a_divergence():
    explorer = MinibatchExplorer(backend="inline")
    explorer.controls["step_size"].value = 3.0  # the gradients grow past the panel
    assert explorer.result.diverged
    ax, text = explorer._axes["cloud"], explorer._cloud_text
    explorer.view.png()
    box = text.get_window_extent(explorer.figure.canvas.get_renderer())
    # the gradients' lines, as far as the panel shows them
    corner = np.hypot(ax.get_xlim()[1], ax.get_ylim()[1])
    grads = explorer.cloud.grads
    ends = grads * np.minimum(1.0, corner / np.linalg.norm(grads, axis=1, keepdims=True))
    drawn = ax.transData.transform((np.linspace(0, 1, 50)[:, None, None] * ends).reshape(-1, 2))
    inside = (box.x0 <= drawn[:, 0]) & (drawn[:, 0] <= box.x1)
    inside &= (box.y0 <= drawn[:, 1]) & (drawn[:, 1] <= box.y1)
    assert not np.any(inside)
