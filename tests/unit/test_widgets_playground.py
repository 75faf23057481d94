"""Playground: the explorers in tabs, built when opened, driven from code, headless."""

import matplotlib

matplotlib.use("Agg")

import base64

import numpy as np
import pytest

from gdviz.widgets import DescentExplorer, MinibatchExplorer, OptimizerRace, Playground
from gdviz.widgets.playground import TABS


@pytest.fixture(scope="module")
def playground():
    """One playground with every tab built (building is the slow part)."""
    playground = Playground()
    for name in TABS:
        playground.explorer(name)
    playground.select("surfaces")
    return playground


def test_only_the_open_tab_is_built_at_first():
    playground = Playground()
    assert playground.selected == "surfaces"
    assert list(playground.explorers) == ["surfaces"]
    assert isinstance(playground.tabs.children[0].children[0], DescentExplorer)


def test_the_tabs_have_their_titles_in_order():
    playground = Playground()
    assert playground.tabs.titles == ("Surfaces", "Mini-batches", "Race")


def test_opening_a_tab_builds_its_explorer_into_it():
    playground = Playground()
    playground.tabs.selected_index = 2  # as a click on the "Race" tab does
    assert playground.selected == "race"
    assert isinstance(playground.tabs.children[2].children[0], OptimizerRace)
    assert "minibatch" not in playground.explorers


def test_starting_on_another_tab_builds_only_that_one():
    playground = Playground(tab="minibatch")
    assert playground.selected == "minibatch"
    assert list(playground.explorers) == ["minibatch"]
    assert isinstance(playground.explorer("minibatch"), MinibatchExplorer)


def test_an_explorer_is_built_once(playground):
    first = playground.explorer("race")
    playground.select("race")
    playground.select("surfaces")
    assert playground.explorer("race") is first


def test_the_surface_reaches_the_surfaces_and_race_tabs():
    playground = Playground("rosenbrock")
    assert playground.explorer("surfaces").controls["surface"].value == "rosenbrock"
    assert playground.explorer("race").controls["surface"].value == "rosenbrock"


def test_controls_hold_every_control_the_dashboard_promises(playground):
    controls = playground.controls
    wanted = {
        "surfaces.surface",
        "surfaces.optimizer",
        "surfaces.step_size",
        "surfaces.steps",
        "surfaces.play",
        "minibatch.batch_size",
        "minibatch.step_size",
        "minibatch.seed",
        "race.surface",
        "race.budget",
        "race.momentum",
        "race.momentum.lr",
    }
    assert wanted <= set(controls)


def test_a_step_size_set_from_code_changes_the_run(playground):
    explorer = playground.explorer("surfaces")
    before = explorer.result.points.copy()
    playground.controls["surfaces.step_size"].value = 0.16
    assert explorer.result.optimizer == "GradientDescent(lr=0.16)"
    assert not np.array_equal(explorer.result.points, before)


def test_a_batch_size_set_from_code_changes_the_minibatch_run(playground):
    explorer = playground.explorer("minibatch")
    playground.controls["minibatch.batch_size"].value = 4
    assert explorer.result.batch_size == 4
    playground.controls["minibatch.batch_size"].value = explorer.problem.n
    np.testing.assert_array_equal(explorer.result.points, explorer.full_result.points)


def test_a_start_set_on_the_surfaces_tab_moves_the_path(playground):
    explorer = playground.explorer("surfaces")
    explorer.set_start(1.0, -1.0)
    np.testing.assert_allclose(explorer.result.points[0], [1.0, -1.0])


def test_an_optimizer_ticked_in_the_race_joins_it(playground):
    race = playground.explorer("race")
    playground.controls["race.nesterov"].value = True
    assert "nesterov" in race.result
    playground.controls["race.nesterov"].value = False
    assert "nesterov" not in race.result


def test_an_unknown_tab_is_refused_with_the_names():
    with pytest.raises(ValueError, match="surfaces, minibatch, race"):
        Playground(tab="bowl")
    with pytest.raises(ValueError, match="unknown tab 'bowl'"):
        Playground().explorer("bowl")


def test_a_tab_that_cannot_be_built_says_so_in_the_app():
    playground = Playground()

    def broken():
        raise RuntimeError("no data")

    playground._factories["minibatch"] = broken
    playground.select("minibatch")  # no exception escapes the tab change
    assert "Could not open the Mini-batches tab" in playground.message.value
    assert "no data" in playground.message.value
    with pytest.raises(RuntimeError, match="could not be built"):
        playground.explorer("minibatch")


def test_the_summary_names_the_tabs_and_the_open_explorer():
    playground = Playground()
    assert playground.summary() == (
        "Playground (Surfaces, Mini-batches, Race), showing Surfaces: "
        "DescentExplorer: quadratic, GradientDescent(lr=0.1), 100 steps → loss 7.9e-10"
    )
    assert repr(playground) == playground.summary()


def test_the_mimebundle_has_the_open_tabs_picture_and_the_summary():
    playground = Playground(tab="race")
    bundle = playground._repr_mimebundle_()
    assert bundle["text/plain"] == playground.summary()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert "application/vnd.jupyter.widget-view+json" in bundle
