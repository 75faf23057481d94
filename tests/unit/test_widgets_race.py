"""OptimizerRace: one start, one budget, each racer tuned and drawn apart from the others."""

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

import gdviz
from gdviz import optimizers
from gdviz.widgets import OptimizerRace
from gdviz.widgets.race import (
    CONTROL_LINES,
    OPTIMIZER_COLORS,
    SECOND_PARAMETER,
    evaluations_per_step,
)


@pytest.fixture(params=["ipympl", "inline"])
def race(request):
    return OptimizerRace("quadratic", backend=request.param)


@pytest.fixture
def inline():
    return OptimizerRace("quadratic", backend="inline")


def test_every_racer_runs_from_one_start_with_one_budget(race):
    assert set(race.result) == {"gd", "momentum", "adam"}
    for name, run in race.result.items():
        np.testing.assert_array_equal(run.points[0], race.start)
        assert run.steps == 200 // evaluations_per_step(name)
        expected = gdviz.descend(race.surface, race.optimizer(name), race.start, steps=run.steps)
        np.testing.assert_array_equal(run.points, expected.points)


def test_racers_are_told_apart_by_colour_and_by_marker_or_line_style(race):
    race.controls["newton"].value = True
    looks = [
        (p.line.get_color(), p.line.get_marker(), p.line.get_linestyle())
        for p in race._paths.values()
    ]
    assert len({color for color, _, _ in looks}) == len(looks)
    assert len({(marker, style) for _, marker, style in looks}) == len(looks)
    legend = [t.get_text() for t in race._ax.get_legend().get_texts()]
    assert legend == ["gradient descent", "momentum", "Adam", "Newton"]


def test_each_optimizer_has_its_own_colour_and_the_default_racers_distinct_ones(inline):
    for name, path in inline._paths.items():
        assert path.line.get_color() == OPTIMIZER_COLORS[name]
    assert len(set(OPTIMIZER_COLORS.values())) == len(OPTIMIZER_COLORS)
    defaults = {OPTIMIZER_COLORS[name] for name in ("gd", "momentum", "adam")}
    assert defaults == {"#0072B2", "#D55E00", "#009E73"}  # blue, vermillion, green


def test_the_loss_panel_title_says_what_it_plots(inline):
    assert inline._loss_ax.get_ylabel() == "loss − minimum"
    assert inline._loss_ax.get_title() == "loss above the minimum"


def test_a_hyper_parameter_reruns_only_its_racer_and_redraws_in_place(race):
    adam = race.result["adam"]
    gd_line = race._paths["gd"].line.get_xydata().copy()
    draws = race.view.full_draws
    race.controls["momentum.lr"].value = 0.05
    race.controls["momentum.beta"].value = 0.5
    assert race.result["momentum"].optimizer == "Momentum(lr=0.05, beta=0.5)"
    assert race.result["adam"] is adam
    np.testing.assert_array_equal(race._paths["gd"].line.get_xydata(), gd_line)
    np.testing.assert_allclose(
        race._paths["momentum"].line.get_xydata(), race.result["momentum"].points
    )
    assert race.view.full_draws == draws


def test_the_table_counts_steps_to_the_tolerance_and_dashes_for_never(inline):
    inline.controls["tolerance"].value = 1e-4
    reached = inline.steps_to_tolerance()
    for name, step in reached.items():
        gaps = inline.gaps(name)
        assert gaps[step] <= 1e-4 < gaps[step - 1]
    inline.controls["tolerance"].value = 1e-12
    inline.controls["budget"].value = 20
    assert inline.steps_to_tolerance() == {"gd": None, "momentum": None, "adam": None}
    assert inline.table.value.count("<td>—</td>") == 6


def test_newton_pays_three_evaluations_a_step(inline):
    inline.controls["newton"].value = True
    assert inline.result["newton"].steps == 200 // 3
    assert inline._loss_markers["newton"].get_xdata()[0] == 3 * (200 // 3)


def test_a_diverging_racer_is_reported_and_drawn_finite(race):
    race.controls["gd.lr"].value = 0.3
    run = race.result["gd"]
    assert run.diverged
    assert f"diverged at step {run.diverged_at}" in race.table.value
    assert f"GradientDescent(lr=0.3) diverged at step {run.diverged_at}" in race.summary()
    for artist in (*race._paths["gd"].artists, race._loss_lines["gd"], race._loss_markers["gd"]):
        assert np.all(np.isfinite(artist.get_xydata()))
    assert race._ax.get_xlim() == (-2.0, 2.0)


def test_one_frame_animates_every_racer_by_evaluations(race):
    race.controls["newton"].value = True
    race.controls["frame"].value = 30
    for name in ("gd", "momentum", "adam"):
        assert len(race._paths[name].line.get_xydata()) == 31
    assert len(race._paths["newton"].line.get_xydata()) == 11
    race.controls["play"].value = 60
    assert len(race._paths["gd"].line.get_xydata()) == 61


def test_unticking_hides_a_racer(inline):
    inline.controls["momentum"].value = False
    assert "momentum" not in inline.result
    assert not inline._paths["momentum"].line.get_visible()
    assert "Momentum" not in inline.summary()


def test_a_surface_switch_restarts_the_race_there(inline):
    inline.controls["surface"].value = "rosenbrock"
    assert inline.last_error is None
    for run in inline.result.values():
        assert run.objective == "rosenbrock"
        np.testing.assert_array_equal(run.points[0], [-1.2, 1.0])
    assert inline._ax.get_ylim() == (-1.0, 3.0)


def test_a_surface_without_minimum_has_no_winner():
    race = OptimizerRace("saddle", backend="inline")
    assert race.last_error is None
    assert set(race.steps_to_tolerance().values()) == {None}
    assert "no known minimum" in race.table.value


def test_a_click_moves_the_common_start():
    race = OptimizerRace("quadratic", backend="ipympl")
    x, y = race._ax.transData.transform((1.0, 1.0))
    MouseEvent("button_press_event", race.view.canvas, x, y, button=1)._process()
    for run in race.result.values():
        np.testing.assert_allclose(run.points[0], [1.0, 1.0], atol=0.02)


def test_a_typed_learning_rate_outside_the_range_is_clamped_with_a_message(inline):
    inline.entries["adam.lr"].value = "1e9"
    assert "clamped" in inline.message.value
    slider = inline.controls["adam.lr"]
    assert slider.value == pytest.approx(10**slider.max)
    assert inline.result["adam"].optimizer == repr(gdviz.optimizers.Adam(lr=slider.value))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"racers": ["sgd"]}, "racers must be some of"),
        ({"racers": []}, "racers must be some of"),
        ({"budget": 2}, "budget must be a whole number"),
        ({"tolerance": 0.0}, "tolerance must be a number"),
        ({"start": (0.0, np.nan)}, "start must be two finite numbers"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=message):
        OptimizerRace(backend="inline", **kwargs)


def test_the_mimebundle_has_the_picture_and_the_standings(race):
    bundle = race._repr_mimebundle_()
    assert bundle["text/plain"] == race.summary()
    assert bundle["text/plain"].startswith(
        "OptimizerRace: quadratic, 200 gradient evaluations, tolerance 0.0001: "
        "GradientDescent(lr=0.1) within tolerance at step 45"
    )
    assert bundle["image/png"]


def test_a_surface_without_minimum_shows_its_losses_on_a_symmetric_log_axis():
    race = OptimizerRace("saddle", backend="inline")
    ax = race._loss_ax
    assert ax.get_yscale() == "symlog"  # the losses run off below 0: a log axis was blank
    assert ax.get_ylabel() == "loss" and ax.get_title() == "loss (no known minimum)"
    assert not race._tolerance_line.get_visible()
    low, high = ax.get_ylim()
    for name, run in race.result.items():
        drawn = race._loss_lines[name].get_ydata()
        assert len(drawn) == run.steps + 1
        assert np.all((low <= drawn) & (drawn <= high)), name
    assert len(ax.get_yticks()) <= 8
    race.controls["surface"].value = "quadratic"
    assert ax.get_yscale() == "log" and ax.get_title() == "loss above the minimum"
    assert race._tolerance_line.get_visible()


def test_the_table_says_how_far_each_racer_got_without_a_minimum():
    race = OptimizerRace("saddle", backend="inline")
    table = race.table.value
    assert "e+1" not in table  # no −4.2e+114 (the core now stops such runs)
    for run in race.result.values():
        if run.diverged:
            assert f"ran off downhill (diverged at step {run.diverged_at})" in table
        else:
            assert f"<td>{run.losses[-1]:.3g}</td>" in table
            assert f"{run.optimizer} final loss {run.losses[-1]:.3g}" in race.summary()
    assert "<td>—</td>" not in table  # steps and evaluations used, not dashes
    assert "no known minimum" in table


def test_final_losses_above_the_minimum_have_three_significant_digits(inline):
    momentum = inline.gaps("momentum")[-1]
    assert f"<td>{momentum:.3g}</td>" in inline.table.value
    inline.controls["gd.lr"].value = 0.3
    assert "ran off uphill (diverged at step" in inline.table.value


def test_a_surface_switch_says_that_the_step_sizes_were_reset(inline):
    inline.controls["gd.lr"].value = 0.05
    inline.controls["surface"].value = "rosenbrock"
    message = inline.message.value
    assert "Step sizes reset to rosenbrock" in message and "<br" not in message
    for name in inline.racers:
        lr = inline.controls[f"{name}.lr"].value
        assert f"{lr:.3g}" in message
    assert inline.last_error is None
    inline.controls["budget"].value = 100  # the note is about the switch: it goes
    assert inline.message.value == ""


def test_the_controls_are_compact_two_optimizers_a_line_with_the_same_names(inline):
    rows = [child for child in inline.children if isinstance(child, widgets.HBox)]
    assert len(rows) == 6  # surface, budget, tolerance; four lines of optimizers; play
    assert sorted(sum(CONTROL_LINES, ())) == sorted(optimizers.names())
    for line, row in zip(CONTROL_LINES, rows[1:5], strict=True):
        assert len(row.children) == len(line)
        for name, cell in zip(line, row.children, strict=True):
            # an optimizer's checkbox, step size and second parameter, side by side
            keys = [name, f"{name}.lr"]
            if name in SECOND_PARAMETER:
                keys.append(f"{name}.{SECOND_PARAMETER[name]}")
            assert all(inline.controls[key] in cell.children for key in keys), name
            # two to a line fit in 900 px (13 px to an em), beside JupyterLab's file browser
            assert 2 * float(cell.layout.width.removesuffix("em")) * 13 <= 900
