"""DescentExplorer: driven from code, headless, through divergence, typed values and bad input.

The explorer draws in the browser from its scene's traits; these tests check those traits
(what the browser is sent) and the static picture, without a browser.
"""

import html
import io

import numpy as np
import pytest
from PIL import Image

import gdviz
from gdviz import optimizers
from gdviz.stability import stability_limit
from gdviz.widgets import DescentExplorer
from gdviz.widgets.descent import FAMILY_BUDGET, MAX_STEPS
from gdviz.widgets.scene import payload_bytes, unpack_stop


@pytest.fixture
def explorer():
    return DescentExplorer("quadratic")


def _shown(explorer) -> dict[str, np.ndarray]:
    """The columns the browser draws now (the typed run's, or the stop's), cut after the
    last frame shown, as the browser cuts them."""
    scene = explorer.scene
    if scene.extra.get("value") == scene.value:
        shown = unpack_stop(scene.extra)
    else:
        shown = unpack_stop(scene.family, scene.stop)
    return {name: values[: scene.last_frame + 1] for name, values in shown.items()}


def test_the_default_run_and_its_summary(explorer):
    assert explorer.summary() == (
        "DescentExplorer: quadratic, GradientDescent(lr=0.1), 100 steps → loss 7.9e-10"
    )
    expected = gdviz.descend(gdviz.surfaces.get("quadratic"), gdviz.optimizers.GradientDescent(0.1))
    np.testing.assert_allclose(explorer.result.points, expected.points, rtol=1e-12)
    shown = _shown(explorer)
    np.testing.assert_allclose(shown["x"], expected.points[:, 0], rtol=1e-6)
    np.testing.assert_allclose(shown["loss"], expected.losses, rtol=1e-6)
    assert explorer.limit_readout.value == "lr = 0.5 × limit (2/λ_max = 0.2)"
    assert set(explorer.controls) >= {"surface", "optimizer", "step_size", "steps", "play", "frame"}


def test_every_stop_is_sent_once_with_its_words(explorer):
    family = explorer.scene.family
    labels = explorer.scene.labels
    assert family["count"] == len(explorer.stops) == len(labels["lines"])
    assert labels["for"] == explorer.scene.last_frame == 100
    np.testing.assert_allclose(family["values"], explorer.stops)
    stop = int(np.argmin(np.abs(explorer.stops - 0.2)))
    assert family["readouts"][stop] == "lr = 1 × limit (2/λ_max = 0.2)"
    assert labels["lines"][explorer.scene.stop] == explorer.status.value


def test_a_step_size_on_a_stop_is_a_look_up_that_resends_no_picture(explorer):
    panels = explorer.scene.panels
    stop = explorer.stops[explorer.scene.stop + 3]
    explorer.controls["step_size"].value = stop
    assert explorer.scene.extra == {}
    assert explorer.scene.panels is panels
    assert explorer.result.optimizer == repr(gdviz.optimizers.GradientDescent(stop))


@pytest.mark.parametrize("typed", ["0.1995", "0.224", "0.3"])
def test_a_typed_step_size_runs_exactly_as_typed(explorer, typed):
    explorer.entries["step_size"].value = typed
    lr = float(typed)
    assert explorer.result.optimizer == f"GradientDescent(lr={typed})"
    expected = gdviz.descend(explorer.surface, gdviz.optimizers.GradientDescent(lr), steps=100)
    np.testing.assert_allclose(explorer.result.points, expected.points, rtol=1e-12)
    scene = explorer.scene
    assert scene.value == lr and scene.extra["value"] == lr
    np.testing.assert_allclose(_shown(explorer)["loss"], expected.losses, rtol=1e-6)
    # the handle sits on the nearest stop
    assert scene.stop == int(np.argmin(np.abs(np.log10(explorer.stops / lr))))
    assert explorer.entries["step_size"].value == typed
    assert explorer.status.value == scene.extra["labels"][0]


def test_the_loss_axis_is_fitted_to_every_stop_so_a_drag_never_changes_it(explorer):
    ylim = explorer._loss_ax.get_ylim()
    for lr in explorer.stops[::50]:
        explorer.controls["step_size"].value = lr
        assert explorer._loss_ax.get_ylim() == ylim
    axes = explorer.scene.panels[1]["axes"]
    assert axes["yscale"] == "log" and axes["ylim"] == list(ylim)


def test_divergence_is_shown_in_the_status_and_the_summary(explorer):
    explorer.controls["step_size"].value = 0.25
    assert explorer.result.diverged
    assert "diverged at step 18" in explorer.status.value
    assert explorer.summary().endswith(
        "ran off uphill, diverged at step 18 (the loss moved a million-fold)"
    )
    assert explorer.controls["frame"].max == explorer.result.steps == explorer.scene.frame


def test_a_step_size_outside_the_range_is_clamped_with_a_message(explorer):
    explorer.entries["step_size"].value = "1000"
    high = explorer.stops[-1]
    assert explorer.controls["step_size"].value == pytest.approx(high)
    assert "clamped" in explorer.message.value and "1e+03" in explorer.message.value
    assert explorer.result.optimizer == repr(gdviz.optimizers.GradientDescent(high))


@pytest.mark.parametrize("text", ["abc", "-1", "nan"])
def test_text_that_is_not_a_step_size_is_refused_and_nothing_changes(explorer, text):
    before = explorer.result
    explorer.entries["step_size"].value = text
    assert "is not a number > 0" in html.unescape(explorer.message.value)
    assert explorer.result is before


def test_a_step_size_of_the_wrong_type_is_a_type_error_shown_in_the_app(explorer):
    explorer.controls["step_size"].value = "0.1"
    assert isinstance(explorer.last_error, TypeError)
    assert "step size must be a finite number > 0; got '0.1'" in html.unescape(
        explorer.message.value
    )


def test_frames_scrub_the_run_and_the_static_picture_follows(explorer):
    explorer.controls["frame"].value = 10
    assert explorer.scene.frame == 10
    explorer.draw_static_picture()
    assert len(explorer._path.line.get_xydata()) == 11
    assert explorer._loss_marker.get_ydata()[0] == explorer.result.losses[10]
    explorer.controls["play"].value = 500  # past the end: the last frame
    assert explorer.controls["frame"].value == 100


def test_steps_change_the_runs_and_the_step_axis(explorer):
    explorer.controls["steps"].value = 30
    assert explorer.result.steps == 30
    assert explorer.scene.panels[1]["axes"]["xlim"][1] == pytest.approx(30.6)
    assert len(_shown(explorer)["x"]) == 31
    explorer.controls["steps"].value = 400
    assert explorer.result.steps == 400 and explorer.scene.frame == 400


def test_fewer_or_more_steps_within_those_computed_cut_the_runs_the_browser_already_has(explorer):
    family = explorer.scene.family
    assert np.frombuffer(family["frames"], "<i4").max() == 200  # twice the 100 steps shown
    explorer.controls["steps"].value = 150
    assert explorer.scene.family is family  # nothing re-sent but the words and the loss axis
    assert explorer.scene.last_frame == explorer.scene.labels["for"] == 150
    fresh = DescentExplorer("quadratic", steps=150)
    assert explorer.result.points.tolist() == fresh.result.points.tolist()
    assert explorer.status.value == fresh.status.value
    assert explorer.scene.labels["lines"] == fresh.scene.labels["lines"]
    for name, values in _shown(fresh).items():
        np.testing.assert_array_equal(_shown(explorer)[name], values)
    assert explorer.scene.panels[1]["axes"] == fresh.scene.panels[1]["axes"]


def test_more_steps_than_computed_compute_the_runs_anew(explorer):
    family = explorer.scene.family
    explorer.controls["steps"].value = 201
    assert explorer.scene.family is not family
    assert np.frombuffer(explorer.scene.family["frames"], "<i4").max() >= 201
    assert explorer.result.steps == 201


def test_a_run_that_diverges_just_after_the_steps_shown_has_not_diverged(explorer):
    explorer.controls["step_size"].value = 0.25  # diverges at step 18
    explorer.controls["steps"].value = 17
    expected = gdviz.descend(
        gdviz.surfaces.get("quadratic"), gdviz.optimizers.GradientDescent(0.25), steps=17
    )
    assert not explorer.result.diverged and not expected.diverged
    assert explorer.result.points.tolist() == expected.points.tolist()
    assert "17 steps, loss" in explorer.status.value


def test_the_longest_runs_thin_the_stops_to_keep_the_payload_within_a_few_megabytes():
    explorer = DescentExplorer("quadratic", steps=MAX_STEPS)
    assert explorer.last_error is None and explorer.result.steps == MAX_STEPS
    assert len(explorer.stops) * 10_001 <= FAMILY_BUDGET
    payload = payload_bytes(explorer.scene.family)
    assert payload <= 3 * 4 * FAMILY_BUDGET <= 4_000_000
    assert len(explorer.stops) >= 20
    explorer.controls["step_size"].value = explorer.stops[-5]
    assert explorer.last_error is None


def test_every_surface_and_optimizer_can_be_picked():
    explorer = DescentExplorer("saddle")
    for name in gdviz.surfaces.names():
        explorer.controls["surface"].value = name
        assert explorer.last_error is None, name
        assert explorer.result.objective == name
        np.testing.assert_array_equal(explorer.result.points[0], explorer.surface.start)
        (x0, x1), (y0, y1) = explorer.surface.domain
        axes = explorer.scene.panels[0]["axes"]
        assert axes["xlim"] == [x0, x1] and axes["ylim"] == [y0, y1]
    for name in gdviz.optimizers.names():
        explorer.controls["optimizer"].value = name
        assert explorer.last_error is None, name
        assert explorer.result.optimizer.startswith(type(gdviz.optimizers.get(name)).__name__)
        assert "lr = " in explorer.limit_readout.value


def test_a_loss_below_zero_is_drawn_on_a_symmetric_log_axis():
    explorer = DescentExplorer("saddle")
    axes = explorer.scene.panels[1]["axes"]
    assert axes["yscale"] == "symlog" and axes["ylinthresh"] > 0
    assert "below 0" in explorer._loss_ax.get_title()
    explorer.controls["surface"].value = "quadratic"
    assert explorer.scene.panels[1]["axes"]["yscale"] == "log"


def test_reset_goes_back_to_the_initial_state(explorer):
    fresh = DescentExplorer("quadratic")
    explorer.controls["surface"].value = "rosenbrock"
    explorer.controls["steps"].value = 40
    explorer.entries["step_size"].value = "0.0123"
    explorer.reset()
    assert explorer.summary() == fresh.summary()
    for trait in ("value", "stop", "frame", "extra", "family", "panels"):
        assert getattr(explorer.scene, trait) == getattr(fresh.scene, trait), trait


def test_a_browser_message_is_answered(explorer):
    explorer._on_message(explorer.scene, {"event": "typed", "text": "0.15"}, [])
    assert explorer.result.optimizer == "GradientDescent(lr=0.15)"
    explorer._on_message(explorer.scene, {"event": "click", "panel": 0, "x": 1.0, "y": -1.0}, [])
    np.testing.assert_allclose(explorer.result.points[0], [1.0, -1.0])
    explorer._on_message(explorer.scene, {"event": "reset"}, [])
    assert explorer.scene.value == 0.1


def test_a_value_from_the_browser_updates_the_result_without_recomputing(explorer):
    stop = explorer.scene.stop + 7
    with explorer.scene.hold_sync():
        explorer.scene.stop = stop
        explorer.scene.value = float(explorer.stops[stop])
    assert explorer.result.optimizer == repr(gdviz.optimizers.GradientDescent(explorer.stops[stop]))
    assert explorer.scene.extra == {}


def test_stability_limits_are_where_runs_start_to_diverge():
    bowl = gdviz.surfaces.get("quadratic")
    for name in ("gd", "momentum", "nesterov"):
        limit, _ = stability_limit(name, {"beta": 0.9}, 10.0)
        below = gdviz.descend(bowl, gdviz.optimizers.get(name, lr=0.97 * limit), steps=3000)
        above = gdviz.descend(bowl, gdviz.optimizers.get(name, lr=1.03 * limit), steps=3000)
        assert not below.diverged and above.diverged, name


def test_the_stops_reach_09_1_and_11_times_the_limit():
    explorer = DescentExplorer(gdviz.surfaces.get("quadratic", condition=10))
    for surface, optimizer in [("quadratic", "gd"), ("quadratic", "momentum"), ("booth", "gd")]:
        explorer.controls["surface"].value = surface
        explorer.controls["optimizer"].value = optimizer
        limit, _ = explorer._limit()
        ratios = explorer.stops / limit
        assert np.min(np.abs(ratios - 1)) < 1e-9
        for wanted in (0.9, 1.1):
            assert any(float(f"{r:.2g}") == wanted for r in ratios), (surface, optimizer, wanted)


def test_given_surface_and_optimizer_instances_start_exactly():
    bowl = gdviz.surfaces.get("quadratic", condition=4)
    explorer = DescentExplorer(bowl, gdviz.optimizers.Momentum(lr=0.05, beta=0.5), start=(1.0, 1.0))
    assert explorer.surface is bowl
    assert explorer.result.optimizer == "Momentum(lr=0.05, beta=0.5)"
    np.testing.assert_array_equal(explorer.result.points[0], [1.0, 1.0])
    assert DescentExplorer(optimizer=gdviz.optimizers.GradientDescent(lr=0.19)).scene.value == 0.19


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"surface": "bowl"}, "surface must be a Surface or one of"),
        ({"optimizer": "sgd"}, "unknown optimizer 'sgd'"),
        ({"start": (1.0,)}, "start must be two finite numbers"),
        ({"steps": 0}, r"steps must be a whole number in \[1, 10000\]; got 0"),
        ({"steps": 100_000}, r"steps must be a whole number in \[1, 10000\]; got 100000"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DescentExplorer(**kwargs)


def test_an_error_inside_a_callback_is_shown_in_the_app():
    def gradient(p):
        if np.any((p[..., 0] > 1.5) & (p[..., 1] == 0)):
            raise ArithmeticError("no gradient past x = 1.5 on the x axis")
        return 2 * p

    fragile = gdviz.Surface(
        lambda p: np.sum(p**2, axis=-1), gradient, name="fragile", start=(-1.0, 1.0)
    )
    explorer = DescentExplorer(fragile)
    explorer.set_start(1.8, 0.0)
    assert "ArithmeticError: no gradient past x = 1.5" in explorer.message.value
    assert explorer.result.points[0].tolist() == [-1.0, 1.0]  # the last run stays shown
    with pytest.raises(ArithmeticError):  # nothing to show at all: the constructor says why
        DescentExplorer(fragile, start=(1.8, 0.0))


def test_the_static_picture_shows_both_panels_and_the_mimebundle_the_summary(explorer):
    explorer.controls["step_size"].value = 0.25
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == (
        "DescentExplorer: quadratic, GradientDescent(lr=0.25), ran off uphill, diverged at step 18"
        " (the loss moved a million-fold)"
    )
    widths = sum(panel["width"] for panel in explorer.scene.panels)
    with Image.open(io.BytesIO(explorer.png())) as picture:
        assert picture.width == widths
    # the browser's static layer leaves the path out; the static picture has it
    layer = np.asarray(Image.open(io.BytesIO(explorer.scene.panels[0]["png"])).convert("RGB"))
    with Image.open(io.BytesIO(explorer.png())) as picture:
        full = np.asarray(picture.convert("RGB"))[: layer.shape[0], : layer.shape[1]]
    assert np.any(layer != full)


def test_the_panels_fit_side_by_side_beside_jupyterlabs_file_browser(explorer):
    assert sum(panel["width"] for panel in explorer.scene.panels) + 4 <= 934


def test_the_saddle_has_no_stability_limit_and_runs_off_downhill():
    explorer = DescentExplorer("saddle", optimizers.GradientDescent(lr=0.5), steps=500)
    assert "× limit" not in explorer.limit_readout.value
    assert "a curvature is negative (-2)" in explorer.limit_readout.value
    assert "ran off downhill" in explorer.status.value


def test_a_run_just_past_the_limit_is_called_diverging_before_it_is_stopped():
    explorer = DescentExplorer("quadratic", steps=50)
    explorer.entries["step_size"].value = "0.214"  # 1.07 × the limit 0.2 of the κ = 10 bowl
    assert not explorer.result.diverged
    assert "above the limit, this run is diverging" in explorer.status.value
    explorer.entries["step_size"].value = "0.19"
    assert "grew" not in explorer.status.value


def test_a_start_where_the_loss_is_not_finite_is_refused_when_built():
    with pytest.raises(ValueError, match="loss"):
        DescentExplorer("quadratic", start=(1e200, 1e200))


def test_a_start_where_the_loss_is_not_finite_is_refused_and_the_explorer_keeps_working(explorer):
    explorer.set_start(1e200, 1e200)
    assert isinstance(explorer.last_error, ValueError) and "loss" in str(explorer.last_error)
    assert explorer.start.tolist() == [-1.5, 0.5]
    explorer.controls["step_size"].value = 0.05
    assert explorer.last_error is None and explorer.result.optimizer == "GradientDescent(lr=0.05)"
