"""OptimizerRace: one start, one budget, each racer tuned apart; the budget and the tolerance
answered in the browser from what the kernel sent.

The race draws in the browser from its scene's traits; these tests check those traits
(what the browser is sent) and the static picture, without a browser.
"""

import html
import io

import numpy as np
import pytest
from PIL import Image

import gdviz
from gdviz import optimizers
from gdviz.widgets import OptimizerRace
from gdviz.widgets.race import BUDGETS, DASHES, TOLERANCES, evaluations_per_step, look
from gdviz.widgets.scene import payload_bytes, unpack_stop


@pytest.fixture
def race():
    return OptimizerRace("quadratic")


def _shown(race) -> dict[str, np.ndarray]:
    """The series the browser draws now: the typed tolerance's, or the stop's."""
    scene = race.scene
    if scene.extra.get("value") == scene.value:
        return unpack_stop(scene.extra)
    return unpack_stop(scene.family, scene.stop)


def _html(race) -> str:
    scene = race.scene
    if scene.extra.get("value") == scene.value:
        return scene.extra["html"][0]
    return scene.family["html"][scene.stop]


def test_every_racer_runs_from_one_start_with_one_budget(race):
    assert set(race.result) == {"gd", "momentum", "adam"}
    for name, run in race.result.items():
        np.testing.assert_array_equal(run.points[0], race.start)
        assert run.steps == 200 // evaluations_per_step(name)
        expected = gdviz.descend(race.surface, race.optimizer(name), race.start, steps=run.steps)
        np.testing.assert_array_equal(run.points, expected.points)


def test_each_racer_has_a_path_and_a_curve_in_its_class_colour(race):
    tracks = race.scene.tracks
    for name in race.racers:
        colour = optimizers.registry()[name].color
        mine = [t for t in tracks if t["y"] in (f"{name}.y", f"{name}.gap")]
        assert [(t["panel"], t["kind"], t["colour"]) for t in mine] == [
            (0, "path", colour),
            (1, "curve", colour),
        ]


def test_no_two_built_in_racers_look_alike():
    looks = [(look(n)["colour"], look(n)["dash"]) for n in optimizers.names()]
    assert len(set(looks)) == len(looks)
    assert len({dash for _, dash in looks}) == min(len(looks), len(DASHES))


class _Sign(optimizers.Optimizer):
    name, label, color = "sign-race", "sign descent", "#F0E442"

    def __init__(self, lr=0.05):
        self.lr = lr

    def init(self, params):
        return optimizers.GDState(0)

    def step(self, params, grad, state, hessian=None):
        return np.asarray(params) - self.lr * np.sign(grad), optimizers.GDState(state.step + 1)


def test_an_optimizer_registered_later_races_with_its_own_label_and_colour():
    optimizers.register(_Sign)
    try:
        race = OptimizerRace("quadratic", racers=("gd", "sign-race"))
        assert race.last_error is None
        assert race.controls["sign-race"].description == "sign descent"
        assert race.result["sign-race"].optimizer == "_Sign(lr=0.1)"  # the surface's default
        assert {t["colour"] for t in race.scene.tracks if t["y"].startswith("sign-race.")} == {
            "#F0E442"
        }
        assert "_Sign(lr=0.1)" in race.table.value
    finally:
        optimizers.unregister("sign-race")


def test_a_hyper_parameter_reruns_only_its_racer(race):
    adam = race._runs["adam"][1]
    gd = unpack_stop(race.scene.family, race.scene.stop)["gd.x"].copy()
    race.controls["momentum.lr"].value = 0.05
    race.controls["momentum.beta"].value = 0.5
    assert race.result["momentum"].optimizer == "Momentum(lr=0.05, beta=0.5)"
    assert race._runs["adam"][1] is adam
    shown = _shown(race)
    np.testing.assert_array_equal(shown["gd.x"], gd)
    np.testing.assert_allclose(shown["momentum.x"], race.result["momentum"].points[:, 0], rtol=1e-6)


def test_a_typed_step_size_is_run_exactly(race):
    race.entries["momentum.lr"].value = "0.0042"
    assert race.result["momentum"].optimizer == "Momentum(lr=0.0042, beta=0.9)"


def test_the_tolerance_stops_are_powers_of_ten_each_with_its_own_table(race):
    family = race.scene.family
    assert family["values"] == list(TOLERANCES)
    assert race.scene.value == 1e-4 and family["values"][race.scene.stop] == 1e-4
    for index, tolerance in enumerate(TOLERANCES):
        assert f"steps to {tolerance:.2g}" in family["html"][index]
        series = unpack_stop(family, index)
        assert series["tolerance.y"].tolist() == pytest.approx([tolerance] * 2, rel=1e-6)


def test_the_table_counts_steps_to_the_tolerance_and_dashes_for_never(race):
    reached = race.steps_to_tolerance()
    for name, step in reached.items():
        gaps = race.gaps(name)
        assert gaps[step] <= 1e-4 < gaps[step - 1]
        assert f"<td>{step}</td>" in race.table.value
    race.controls["tolerance"].value = 1e-12
    assert race.steps_to_tolerance()["momentum"] is None
    assert "<td>—</td>" in race.table.value


def test_the_budget_is_the_frame_and_needs_no_new_family(race):
    family = race.scene.family
    race.controls["budget"].value = 40
    assert race.scene.frame == 40 and race.budget == 40
    assert race.scene.family is family  # answered from what the browser has
    assert race.result["gd"].steps == 40
    assert race.steps_to_tolerance()["gd"] is None
    assert race.summary().startswith("OptimizerRace: quadratic, 40 gradient evaluations")
    assert family["frame_text"][0] == "budget: {frame} of {last} gradient evaluations"
    assert race.scene.slider["keep_frame"] is True  # the tolerance slider keeps the budget


def test_a_tolerance_change_keeps_the_budget(race):
    race.controls["budget"].value = 40
    race.controls["tolerance"].value = 1e-6
    assert race.scene.frame == 40


def test_the_longest_budget_reruns_the_race_that_far_and_shows_all_of_it(race):
    race.controls["max_budget"].value = 1000
    assert race.scene.frame == 1000
    assert race.result["gd"].steps == 1000
    assert np.frombuffer(race.scene.family["frames"], "<i4").tolist() == [1000] * len(TOLERANCES)
    assert len(_shown(race)["gd.x"]) == 1001


def test_newton_pays_three_evaluations_a_step(race):
    race.controls["newton"].value = True
    assert race.result["newton"].steps == 200 // 3
    shown = _shown(race)
    points = race.result["newton"].points
    np.testing.assert_allclose(shown["newton.x"][:7], points[[0, 0, 0, 1, 1, 1, 2], 0], rtol=1e-6)
    assert shown["newton.e"][:7].tolist() == [0, 0, 0, 3, 3, 3, 6]


def test_a_diverging_racer_is_reported_and_ends_its_drawing(race):
    race.controls["gd.lr"].value = 0.3
    run = race.result["gd"]
    assert run.diverged
    assert f"ran off uphill (diverged at step {run.diverged_at})" in race.table.value
    assert f"GradientDescent(lr=0.3) diverged at step {run.diverged_at}" in race.summary()
    x = _shown(race)["gd.x"]
    assert np.all(np.isfinite(x[: run.steps + 1])) and np.all(np.isnan(x[run.steps + 1 :]))


def test_a_loss_at_the_minimum_is_drawn_on_the_log_axis_floor(race):
    race.controls["newton"].value = True
    floor = race._loss_ax.get_ylim()[0]
    gaps = _shown(race)["newton.gap"]
    assert race.gaps("newton")[-1] == 0.0
    assert gaps[-1] == pytest.approx(floor, rel=1e-6)


def test_unticking_hides_a_racer_and_its_sliders(race):
    race.controls["momentum"].value = False
    assert "momentum" not in race.result
    assert not [t for t in race.scene.tracks if t["y"].startswith("momentum.")]
    assert race._lines["momentum"].layout.display == "none"
    assert "Momentum" not in race.summary()
    race.controls["momentum"].value = True
    assert race._lines["momentum"].layout.display is None


def test_a_surface_switch_restarts_the_race_there_and_says_the_step_sizes_were_reset(race):
    race.controls["gd.lr"].value = 0.05
    race.controls["surface"].value = "rosenbrock"
    assert race.last_error is None
    for run in race.result.values():
        assert run.objective == "rosenbrock"
        np.testing.assert_array_equal(run.points[0], [-1.2, 1.0])
    message = race.message.value
    assert "Step sizes reset to rosenbrock" in message
    for name in race.racers:
        assert f"{race.controls[f'{name}.lr'].value:.3g}" in message
    race.controls["budget"].value = 100  # the note was about the switch: it goes
    assert race.message.value == ""


def test_a_surface_without_minimum_has_no_winner_and_no_tolerance_line():
    race = OptimizerRace("saddle")
    assert race.last_error is None
    assert set(race.steps_to_tolerance().values()) == {None}
    assert "no known minimum" in race.status.value
    assert not [t for t in race.scene.tracks if t["kind"] == "line"]
    assert race._loss_ax.get_yscale() == "symlog"  # the losses run off below 0
    assert race._loss_ax.get_title() == "loss (no known minimum)"
    for run in race.result.values():
        if not run.diverged:
            assert f"<td>{run.losses[-1]:.3g}</td>" in race.table.value


def test_a_click_on_the_contours_moves_the_common_start(race):
    race.clicked(0, 1.0, 1.0)
    for run in race.result.values():
        np.testing.assert_array_equal(run.points[0], [1.0, 1.0])
    race.clicked(1, 50.0, 1e-3)  # on the loss panel: nothing
    np.testing.assert_array_equal(race.start, [1.0, 1.0])


def test_a_tolerance_typed_between_stops_is_used_exactly(race):
    race.entries["tolerance"].value = "3e-5"
    assert race.scene.value == 3e-5
    assert race.scene.extra["value"] == 3e-5
    assert race.scene.family["values"][race.scene.stop] == 1e-5  # the handle's nearest stop
    assert race.entries["tolerance"].value == "0.00003"  # as the browser writes it
    assert "steps to 3e-05" in _html(race) and race.table.value == _html(race)
    reached = race.steps_to_tolerance()
    assert race.gaps("gd")[reached["gd"]] <= 3e-5 < race.gaps("gd")[reached["gd"] - 1]
    race.controls["tolerance"].value = 1e-4  # back on a stop: nothing extra
    assert race.scene.extra == {}


@pytest.mark.parametrize(
    ("control", "value", "message"),
    [
        ("tolerance", "abc", "tolerance: 'abc' is not a number > 0; it stays 0.0001"),
        ("tolerance", "-1", "tolerance: '-1' is not a number > 0"),
        ("tolerance", "nan", "tolerance: 'nan' is not a number > 0"),
        ("tolerance", "5", "tolerance: 5 is outside [1e-12, 1]; clamped to 1."),
    ],
)
def test_a_refused_or_clamped_tolerance_says_so_until_the_next_change(
    race, control, value, message
):
    race.entries[control].value = value
    assert message in html.unescape(race.message.value)
    assert race.entries["tolerance"].value == f"{race.scene.value:.3g}"
    race.controls["budget"].value = 100
    assert race.message.value == ""


@pytest.mark.parametrize(
    ("control", "value", "message"),
    [
        ("tolerance", None, "TypeError: tolerance must be a finite number > 0; got None"),
        ("tolerance", float("nan"), "ValueError: tolerance must be a finite number > 0; got nan"),
        ("tolerance", True, "TypeError: tolerance must be a finite number > 0; got True"),
        (
            "budget",
            2.5,
            "TypeError: budget must be a whole number; got 2.5",
        ),
        ("budget", None, "TypeError: budget must be a whole number"),
        ("budget", 5000, "budget: 5000 is outside [0, 200]; clamped to 200."),
    ],
)
def test_bad_values_from_code_are_refused_or_clamped_with_a_message(race, control, value, message):
    race.controls[control].value = value
    assert message in html.unescape(race.message.value)
    assert race.scene.value == 1e-4 and race.scene.frame == 200


def test_a_typed_step_size_outside_the_range_is_clamped_with_a_message(race):
    race.entries["adam.lr"].value = "1e9"
    assert "clamped" in race.message.value
    slider = race.controls["adam.lr"]
    assert slider.value == pytest.approx(10**slider.max)
    assert race.result["adam"].optimizer == repr(optimizers.Adam(lr=slider.value))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"racers": ["sgd"]}, ValueError, "racers must be some of"),
        ({"racers": []}, ValueError, "racers must be some of"),
        ({"budget": -1}, ValueError, r"budget must be a whole number in \[0, 2000\]; got -1"),
        ({"budget": 2.5}, TypeError, "budget must be a whole number"),
        ({"tolerance": 0.0}, ValueError, r"tolerance must be a finite number in \[1e-12, 1\]"),
        ({"tolerance": "1e-4"}, TypeError, "tolerance must be a finite number"),
        ({"start": (0.0, np.nan)}, ValueError, "start must be a point of finite numbers"),
        ({"racers": None}, TypeError, "racers must be a sequence of optimizer names"),
        ({"surface": None}, ValueError, "surface must be a Surface or one of"),
        ({"surface": "nowhere"}, ValueError, "surface must be a Surface or one of"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs, error, message):
    with pytest.raises(error, match=message):
        OptimizerRace(**kwargs)


def test_the_race_is_run_to_the_smallest_longest_budget_that_holds_it():
    race = OptimizerRace(budget=150, tolerance=1e-6)
    assert race.controls["max_budget"].value == 200 and race.budget == 150
    assert race.scene.value == 1e-6


def test_reset_returns_to_the_first_state(race):
    fresh = OptimizerRace("quadratic")
    race.controls["surface"].value = "rosenbrock"
    race.controls["nesterov"].value = True
    race.controls["momentum.beta"].value = 0.5
    race.controls["max_budget"].value = 500
    race.controls["tolerance"].value = 1e-8
    race.clicked(0, 0.5, 0.5)
    race.reset()
    assert race.summary() == fresh.summary()
    for trait in ("family", "tracks", "panels", "value", "stop", "frame", "extra"):
        assert getattr(race.scene, trait) == getattr(fresh.scene, trait), trait
    assert race.controls["momentum.beta"].value == 0.9


def test_the_payload_stays_within_a_few_megabytes_with_every_racer_and_the_longest_budget():
    race = OptimizerRace("quadratic", racers=optimizers.names(), budget=BUDGETS[-1])
    assert payload_bytes(race.scene.family) < 3_000_000


def test_the_mimebundle_has_the_picture_and_the_standings(race):
    bundle = race._repr_mimebundle_()
    assert bundle["text/plain"] == race.summary()
    assert bundle["text/plain"].startswith(
        "OptimizerRace: quadratic, 200 gradient evaluations, tolerance 0.0001: "
        "GradientDescent(lr=0.1) within tolerance at step 45"
    )
    image = Image.open(io.BytesIO(race.png()))
    assert image.size == (910, 420)


def test_the_static_picture_shows_the_race_at_the_budget(race):
    race.controls["budget"].value = 30
    race.draw_static_picture()
    assert len(race._paths["gd"].line.get_xydata()) == 31
    assert list(race._loss_markers["gd"].get_xdata()) == [30]
    assert list(race._tolerance_line.get_ydata()) == [1e-4, 1e-4]


def test_save_gif_plays_the_budget(race, tmp_path):
    path = race.save_gif(tmp_path / "race.gif", max_frames=3)
    with Image.open(path) as image:
        assert image.n_frames == 3
    assert race.scene.frame == 200


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (float("nan"), ValueError, "step size must be a finite number; got nan"),
        (None, TypeError, "step size must be a finite number; got None"),
        (True, TypeError, "step size must be a finite number; got True"),
    ],
)
def test_a_bad_step_size_from_code_is_refused_naming_the_slider(race, value, error, message):
    with pytest.raises(error, match=message):
        race.controls["gd.lr"].value = value
    assert race.controls["gd.lr"].value == 0.1
    assert race.result["gd"].optimizer == "GradientDescent(lr=0.1)"


def test_a_wrong_choice_from_code_is_refused_naming_the_dropdown(race):
    with pytest.raises(TypeError, match="budget up to must be a whole number; got None"):
        race.controls["max_budget"].value = None
    with pytest.raises(ValueError, match="budget up to must be one of: 100, 200, 500"):
        race.controls["max_budget"].value = 300
    with pytest.raises(ValueError, match="surface must be one of"):
        race.controls["surface"].value = "nowhere"
    assert race.summary().startswith("OptimizerRace: quadratic, 200 gradient evaluations")


def test_a_race_without_racers_asks_for_one(race):
    for name in race.racers:
        race.controls[name].value = False
    assert race.last_error is None
    assert race.status.value == "Tick an optimizer to race it."
    assert [t["kind"] for t in race.scene.tracks] == ["line"]  # the tolerance line only
    assert race.result == {} and race.summary().endswith("tolerance 0.0001: no racers")


def test_a_start_where_the_loss_is_not_finite_is_refused_and_the_race_goes_on(race):
    race.clicked(0, 1e200, 1e200)
    assert "loss" in race.message.value and race.last_error is not None
    np.testing.assert_array_equal(race.start, [-1.5, 0.5])
    race.controls["budget"].value = 100  # later changes work
    assert race.last_error is None and race.result["gd"].steps == 100
    with pytest.raises(ValueError, match="start"):
        OptimizerRace(start=(1e200, 1e200))
