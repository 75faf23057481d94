"""DescentExplorer: driven from code, on both backends, through divergence and bad input."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

import gdviz
from gdviz.widgets import DescentExplorer
from gdviz.widgets.base import CORNERS
from gdviz.widgets.descent import FAMILY_BUDGET, stability_limit

BACKENDS = ["ipympl", "inline"]


@pytest.fixture(params=BACKENDS)
def explorer(request):
    return DescentExplorer("quadratic", backend=request.param)


@pytest.fixture
def inline():
    return DescentExplorer("quadratic", backend="inline")


def _drawn(explorer) -> np.ndarray:
    return explorer._path.line.get_xydata()


def test_the_default_run_and_its_summary(explorer):
    assert explorer.summary() == (
        "DescentExplorer: quadratic, GradientDescent(lr=0.1), 100 steps → loss 7.9e-10"
    )
    expected = gdviz.descend(gdviz.surfaces.get("quadratic"), gdviz.optimizers.GradientDescent(0.1))
    np.testing.assert_allclose(explorer.result.points, expected.points, rtol=1e-12)
    np.testing.assert_allclose(_drawn(explorer), expected.points, rtol=1e-12)
    assert explorer.limit_readout.value == "lr = 0.5 × limit (2/λ_max = 0.2)"
    assert set(explorer.controls) >= {"surface", "optimizer", "step_size", "steps", "play", "frame"}


def test_a_step_size_change_redraws_the_path_in_place(explorer):
    before = _drawn(explorer).copy()
    draws = explorer.view.full_draws
    explorer.controls["step_size"].value = 0.08  # its losses stay inside the loss axis
    assert explorer.result.optimizer == "GradientDescent(lr=0.08)"
    assert not np.array_equal(_drawn(explorer), before)
    assert explorer.view.full_draws == draws
    assert explorer.limit_readout.value == "lr = 0.4 × limit (2/λ_max = 0.2)"


def test_the_loss_axis_fits_the_run_on_show_to_whole_decades(inline):
    losses = inline.result.losses  # 1.125 down to 7.9e-10
    low, high = inline._loss_ax.get_ylim()
    assert (low, high) == (1e-10, 10.0)
    assert low < losses.min() / 2 and high > losses.max() * 2


def test_a_run_that_leaves_the_loss_axis_widens_it_once(inline):
    draws = inline.view.full_draws
    inline.controls["step_size"].value = 0.16  # converges to 8e-16, below the axis
    assert inline._loss_ax.get_ylim() == (1e-16, 10.0)
    assert inline.view.full_draws == draws + 1
    inline.controls["step_size"].value = 0.12
    inline.controls["step_size"].value = 0.1
    assert inline.view.full_draws == draws + 1  # back inside: no more full redraws


def test_a_diverging_run_leaves_the_top_of_the_loss_axis_four_decades_up(inline):
    inline.controls["step_size"].value = 0.5
    assert inline.result.diverged
    assert inline._loss_ax.get_ylim()[1] == 1e5  # the start's 1.125 times 1e4, to a decade


def test_a_new_surface_refits_the_loss_axis_to_its_run():
    explorer = DescentExplorer("quadratic", backend="inline")
    explorer.controls["step_size"].value = 0.5  # diverges: the axis grows upwards
    explorer.controls["surface"].value = "rosenbrock"
    losses = explorer.result.losses
    assert explorer._loss_ax.get_ylim() == (
        10 ** np.floor(np.log10(losses.min() / 2)),
        10 ** np.ceil(np.log10(losses.max() * 2)),
    )


@pytest.mark.parametrize("lr", [10**-0.65, 0.123456])  # a slider position, and a typed value
def test_every_step_size_gives_the_run_descend_gives(inline, lr):
    inline.controls["step_size"].value = lr
    expected = gdviz.descend(inline.surface, gdviz.optimizers.GradientDescent(lr), steps=100)
    assert inline.result.diverged == expected.diverged
    assert inline.result.diverged_at == expected.diverged_at
    np.testing.assert_allclose(inline.result.points, expected.points, rtol=1e-12)
    np.testing.assert_allclose(inline.result.losses, expected.losses, rtol=1e-12)


def test_divergence_is_shown_and_everything_drawn_stays_finite_on_the_domain(explorer):
    explorer.controls["step_size"].value = 0.25
    assert explorer.result.diverged
    assert "diverged at step 18" in explorer.status.value
    assert "diverged at step 18" in explorer._status_text.get_text()
    assert explorer.summary().endswith("diverged at step 18")
    for artist in (*explorer._path.artists, explorer._loss_line, explorer._loss_marker):
        assert np.all(np.isfinite(artist.get_xydata()))
    assert explorer._ax.get_xlim() == (-2.0, 2.0)
    assert explorer._ax.get_ylim() == (-2.0, 2.0)
    assert explorer.controls["frame"].max == explorer.result.steps


def test_the_step_size_slider_reaches_past_the_stability_limit(inline):
    slider = inline.controls["step_size"]
    assert 10**slider.max > 3 * 0.2
    inline.controls["step_size"].value = 10**slider.max
    assert inline.result.diverged


def test_a_typed_step_size_outside_the_range_is_clamped_with_a_message(inline):
    inline.entries["step_size"].value = "1000"
    slider = inline.controls["step_size"]
    assert slider.value == pytest.approx(10**slider.max)
    assert "clamped" in inline.message.value
    assert inline.result.optimizer == repr(gdviz.optimizers.GradientDescent(slider.value))


def test_frames_scrub_the_precomputed_path(explorer):
    explorer.controls["frame"].value = 10
    assert len(_drawn(explorer)) == 11
    assert explorer._loss_marker.get_xdata()[0] == 10
    assert explorer._loss_marker.get_ydata()[0] == explorer.result.losses[10]
    explorer.controls["play"].value = 4
    assert len(_drawn(explorer)) == 5
    assert explorer.result.steps == 100


def test_steps_change_the_run_and_the_step_axis(inline):
    inline.controls["steps"].value = 30
    assert inline.result.steps == 30
    assert inline._loss_ax.get_xlim()[1] == pytest.approx(30.6)
    inline.controls["steps"].value = 400
    assert inline.result.steps == 400
    assert inline.controls["frame"].value == 400


def test_a_long_path_is_thinned_when_drawn_not_when_computed():
    explorer = DescentExplorer("rosenbrock", steps=3000, backend="inline")
    assert explorer.result.steps == 3000
    assert len(_drawn(explorer)) <= 1001
    assert len(explorer._loss_line.get_xdata()) <= 1001


def test_every_surface_and_optimizer_can_be_picked():
    explorer = DescentExplorer("saddle", backend="inline")
    for name in gdviz.surfaces.names():
        draws = explorer.view.full_draws
        explorer.controls["surface"].value = name
        assert explorer.last_error is None, name
        assert explorer.result.objective == name
        assert explorer.view.full_draws == draws + 1  # new contours: one full draw
        np.testing.assert_array_equal(explorer.result.points[0], explorer.surface.start)
        (x0, x1), (y0, y1) = explorer.surface.domain
        assert explorer._ax.get_xlim() == (x0, x1)
        assert explorer._ax.get_ylim() == (y0, y1)
        assert name in explorer.summary()
    for name in gdviz.optimizers.names():
        explorer.controls["optimizer"].value = name
        assert explorer.last_error is None, name
        assert explorer.result.optimizer.startswith(type(gdviz.optimizers.get(name)).__name__)
        assert "lr = " in explorer.limit_readout.value


def test_a_start_where_the_surface_curves_down_has_no_limit():
    explorer = DescentExplorer("himmelblau", backend="inline")
    assert explorer.curvature() < 0
    assert "no stability limit here" in explorer.limit_readout.value
    assert not explorer.result.diverged  # the default step size still converges


def test_a_non_quadratic_limit_comes_from_the_hessian_at_the_start():
    explorer = DescentExplorer("rosenbrock", backend="inline")
    assert "from the Hessian at the start" in explorer.limit_readout.value


def test_stability_limits_are_where_runs_start_to_diverge():
    bowl = gdviz.surfaces.get("quadratic")
    for name in ("gd", "momentum", "nesterov"):
        limit, _ = stability_limit(name, {"beta": 0.9}, 10.0)
        below = gdviz.descend(bowl, gdviz.optimizers.get(name, lr=0.97 * limit), steps=3000)
        above = gdviz.descend(bowl, gdviz.optimizers.get(name, lr=1.03 * limit), steps=3000)
        assert not below.diverged and above.diverged, name


def test_given_surface_and_optimizer_instances():
    bowl = gdviz.surfaces.get("quadratic", condition=4)
    explorer = DescentExplorer(
        bowl, gdviz.optimizers.Momentum(lr=0.05, beta=0.5), start=(1.0, 1.0), backend="inline"
    )
    assert explorer.surface is bowl
    assert explorer.result.optimizer == "Momentum(lr=0.05, beta=0.5)"
    np.testing.assert_array_equal(explorer.result.points[0], [1.0, 1.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"surface": "bowl"}, "surface must be a Surface or one of"),
        ({"optimizer": "sgd"}, "unknown optimizer 'sgd'"),
        ({"start": (1.0,)}, "start must be two finite numbers"),
        ({"steps": 0}, "steps must be from 1 to 100000"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DescentExplorer(backend="inline", **kwargs)


def test_a_click_on_the_contours_moves_the_start():
    explorer = DescentExplorer("quadratic", backend="ipympl")
    x, y = explorer._ax.transData.transform((1.0, -1.0))
    MouseEvent("button_press_event", explorer.view.canvas, x, y, button=1)._process()
    np.testing.assert_allclose(explorer.result.points[0], [1.0, -1.0], atol=0.02)
    np.testing.assert_allclose(explorer.start, explorer.result.points[0])


def test_an_error_inside_a_callback_is_shown_in_the_app():
    def gradient(p):
        if np.any(p[..., 0] > 1.5):
            raise ArithmeticError("no gradient past x = 1.5")
        return 2 * p

    fragile = gdviz.Surface(
        lambda p: np.sum(p**2, axis=-1), gradient, name="fragile", start=(-1.0, 1.0)
    )
    explorer = DescentExplorer(fragile, backend="inline")
    explorer.set_start(1.8, 0.0)
    assert "ArithmeticError: no gradient past x = 1.5" in explorer.message.value


def test_the_mimebundle_shows_the_current_run(explorer):
    explorer.controls["step_size"].value = 0.25
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == (
        "DescentExplorer: quadratic, GradientDescent(lr=0.25), diverged at step 18"
    )
    assert bundle["image/png"]


def _stops(explorer) -> np.ndarray:
    """Every value the step-size slider can be dragged or stepped (arrow keys) to."""
    slider = explorer.controls["step_size"]
    count = round((slider.max - slider.min) / slider.step) + 1
    return 10 ** (slider.min + np.arange(count) * slider.step)


def _reachable(stops: np.ndarray, wanted: float) -> bool:
    """A stop that reads as ``wanted`` to two significant digits."""
    return any(float(f"{stop:.2g}") == wanted for stop in stops)


def test_a_loss_below_zero_is_drawn_on_a_symmetric_log_axis_never_blank():
    explorer = DescentExplorer(gdviz.surfaces.get("saddle"), backend="inline")
    ax = explorer._loss_ax
    assert explorer.result.losses.min() < -1e5  # the saddle has no minimum: it runs off
    assert ax.get_yscale() == "symlog"
    assert "below 0" in ax.get_title()
    for lr in (0.5, 0.01):  # running off downhill, and creeping towards the saddle point
        explorer.controls["step_size"].value = lr
        low, high = ax.get_ylim()
        drawn = explorer._loss_line.get_ydata()
        assert len(drawn) == explorer.result.steps + 1
        assert np.all((low <= drawn) & (drawn <= high)), lr
        assert explorer.last_error is None
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ax.get_yticks()) <= 8, labels  # every other decade, not 17 of them
    explorer.controls["surface"].value = "quadratic"  # all above 0 again: log, as before
    assert ax.get_yscale() == "log" and ax.get_title() == "loss at each step"


def test_the_step_size_stops_reach_what_a_teacher_names_near_the_stability_limit():
    valley = gdviz.surfaces.get("quadratic", condition=10)  # limit 2/λ_max = 0.2
    explorer = DescentExplorer(valley, backend="inline")
    stops = _stops(explorer)
    for wanted in (0.19, 0.2, 0.21):
        assert _reachable(stops, wanted), wanted
    assert np.min(np.abs(stops / 0.2 - 1)) < 1e-9  # a stop exactly at the limit
    # and 0.9, 1 and 1.1 × the limit wherever there is one
    for surface, optimizer in [
        ("quadratic", "gd"),
        ("quadratic", "momentum"),
        ("quadratic", "nesterov"),
        ("rosenbrock", "gd"),
        ("booth", "gd"),
        ("quadratic", "newton"),
    ]:
        explorer.controls["surface"].value = surface
        explorer.controls["optimizer"].value = optimizer
        name = explorer.controls["optimizer"].value
        limit, _ = stability_limit(name, explorer._hyperparameters, explorer.curvature())
        for wanted in (0.9, 1.0, 1.1):
            assert _reachable(_stops(explorer) / limit, wanted), (surface, optimizer, wanted)


def test_the_default_step_size_is_kept_and_the_limit_is_a_precomputed_stop(inline):
    assert inline.controls["step_size"].value == 0.1  # half the limit, as before
    stops = _stops(inline)
    assert np.min(np.abs(stops / 0.2 - 1)) < 1e-9
    near = stops[np.abs(stops / 0.2 - 1) < 0.12]  # 0.9 to 1.1 × the limit, stop by stop
    for lr in near:
        inline.controls["step_size"].value = lr
        assert inline._family.run(lr, 100, "", "") is not None  # a look-up, not a new run
    draws = inline.view.full_draws
    for lr in near[::-1]:  # the loss axis has widened to these runs: blits only now
        inline.controls["step_size"].value = lr
    assert inline.view.full_draws == draws
    inline.controls["step_size"].value = near[np.argmin(np.abs(near / 0.2 - 1))]
    assert inline.limit_readout.value == "lr = 1 × limit (2/λ_max = 0.2)"


def test_long_runs_thin_the_stops_to_keep_the_precomputed_runs_small():
    explorer = DescentExplorer("quadratic", steps=10_000, backend="inline")
    family = explorer._family
    assert len(family.exponents) * (family.steps + 1) <= FAMILY_BUDGET
    assert len(family.exponents) > 20 * 3  # still finer than 20 a decade
    assert len(_stops(explorer)) == len(family.exponents)
    explorer.controls["step_size"].value = _stops(explorer)[-5]
    assert explorer.last_error is None


def test_the_status_box_of_the_static_picture_stays_off_the_path():
    explorer = DescentExplorer("quadratic", backend="inline")
    explorer.set_start(-1.7, 1.7)  # the path starts where the box was, in the upper left
    text = explorer._status_text
    explorer.view.png()  # lays the figure out
    text.set_visible(True)
    box = text.get_window_extent(explorer.figure.canvas.get_renderer())
    text.set_visible(False)
    points = explorer._ax.transData.transform(explorer.result.points)
    inside = (box.x0 <= points[:, 0]) & (points[:, 0] <= box.x1)
    inside &= (box.y0 <= points[:, 1]) & (points[:, 1] <= box.y1)
    assert not np.any(inside)
    assert tuple(text.get_position()) != CORNERS["upper left"][:2]  # it moved
