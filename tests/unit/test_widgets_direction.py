"""DirectionExplorer: the slope in every direction at a point (lesson 01's instrument), drawn in the browser."""

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from PIL import Image

from gdviz import surfaces
from gdviz.directions import directional_slope, unit_vector
from gdviz.widgets.direction import STOPS, DirectionExplorer
from gdviz.widgets.scene import payload_bytes, unpack_stop


@pytest.fixture(scope="module")
def built():
    return DirectionExplorer("himmelblau", point=(-1.0, 0.5), angle=30.0)


@pytest.fixture
def explorer(built):
    built.reset()
    return built


def shown(explorer) -> dict:
    """The series the browser draws now: the typed angle's, else the slider's stop's."""
    scene = explorer.scene
    if scene.extra:
        return unpack_stop(scene.extra)
    return unpack_stop(scene.family, scene.stop)


def test_slope_is_gradient_dot_direction(explorer):
    g = surfaces.get("himmelblau").grad([-1.0, 0.5])
    for angle in (0.0, 45.0, 200.0):
        explorer.controls["angle"].value = angle
        assert explorer.result.slope == pytest.approx(g @ unit_vector(angle))


def test_slope_is_largest_along_the_gradient(explorer):
    r = explorer.result
    explorer.controls["angle"].value = round(r.steepest_angle)
    at_gradient = explorer.result.slope
    others = [directional_slope(explorer.surface, explorer.point, a).slope for a in range(360)]
    assert at_gradient == pytest.approx(max(others))
    assert max(others) == pytest.approx(r.steepest_slope, rel=1e-4)


def test_slope_is_zero_along_the_contour_and_most_negative_downhill():
    bowl = surfaces.get("quadratic", condition=1)  # ∇f = (x, y): at (1, 0) it points at 0°
    s = DirectionExplorer(bowl, point=(1.0, 0.0))
    s.controls["angle"].value = 90.0
    assert s.result.slope == pytest.approx(0.0, abs=1e-12)
    s.controls["angle"].value = 180.0
    assert s.result.slope == pytest.approx(-1.0)
    assert "steepest way down" in s.status.value


def test_every_whole_degree_is_computed_once_with_its_own_words(explorer):
    family = explorer.scene.family
    assert family["values"] == [float(a) for a in range(361)]
    assert family["labels"][120].startswith("θ = 120° ")
    assert family["readouts"][0] == "slope ∇f·u = +22.5 (|∇f| = 41.2)"


def test_each_stop_draws_its_arrow_slice_tangent_and_slope_marker(explorer):
    explorer.controls["angle"].value = 120.0
    assert explorer.scene.extra == {} and explorer.scene.stop == 120
    drawn, r, p = shown(explorer), explorer.result, explorer.point
    u = unit_vector(120.0)
    np.testing.assert_allclose(
        drawn["arrow_x"], [p[0], p[0] + explorer._arrow_length * u[0]], rtol=1e-6
    )
    heights = explorer.surface(p + drawn["t"].astype(float)[:, None] * u)
    np.testing.assert_allclose(drawn["height"], heights, rtol=1e-5)
    tangent_slope = np.diff(drawn["tangent_y"]) / np.diff(drawn["tangent_t"])
    np.testing.assert_allclose(tangent_slope, [r.slope], rtol=1e-5)
    np.testing.assert_allclose(drawn["mark_x"], [120.0])
    np.testing.assert_allclose(drawn["mark_y"], [r.slope], rtol=1e-6)


def test_an_angle_typed_between_whole_degrees_is_computed_exactly(explorer):
    explorer.entries["angle"].value = "30.5"
    assert explorer.result.angle == 30.5 and explorer.scene.value == 30.5
    assert explorer.scene.extra["value"] == 30.5 and explorer.scene.stop in (30, 31)
    assert explorer.entries["angle"].value == "30.5"
    np.testing.assert_allclose(shown(explorer)["mark_x"], [30.5])
    assert explorer.status.value.startswith("θ = 30.5° ")


def test_set_point_moves_the_point_and_computes_every_direction_there(explorer):
    explorer.set_point((2.0, -1.0))
    np.testing.assert_array_equal(explorer.result.point, [2.0, -1.0])
    np.testing.assert_allclose(shown(explorer)["point_x"], [2.0])
    g = explorer.surface.grad([2.0, -1.0])
    np.testing.assert_allclose(explorer.result.gradient, g)
    assert "p = (2.00, -1.00)" in explorer.summary()
    assert explorer.map_ax.get_title().startswith("you stand at p = (2.00, -1.00)")


def test_click_on_the_map_moves_the_point(explorer):
    explorer.clicked(0, 1.5, 1.0)
    np.testing.assert_array_equal(explorer.point, [1.5, 1.0])


def test_click_outside_the_map_keeps_the_point(explorer):
    explorer.clicked(2, 90.0, 0.0)
    np.testing.assert_array_equal(explorer.point, [-1.0, 0.5])


def test_bad_point_is_shown_in_the_app_not_raised(explorer):
    explorer.set_point((np.nan, 1.0))
    assert isinstance(explorer.last_error, ValueError)
    assert "finite" in explorer.message.value
    np.testing.assert_array_equal(explorer.point, [-1.0, 0.5])


def test_angle_outside_the_range_is_clamped_with_a_message(explorer):
    explorer.controls["angle"].value = 400.0
    assert explorer.result.angle == 360.0
    assert "400 is outside [0, 360]; clamped to 360" in explorer.message.value
    assert explorer.entries["angle"].value == "360"


@pytest.mark.parametrize(
    ("bad", "error"), [(float("nan"), ValueError), (None, TypeError), ("45", TypeError)]
)
def test_a_bad_angle_from_code_is_refused_naming_the_control(explorer, bad, error):
    explorer.controls["angle"].value = bad
    assert isinstance(explorer.last_error, error)
    assert "direction θ (°) must be a finite number" in explorer.message.value
    assert explorer.result.angle == 30.0


def test_a_refused_entry_says_so_until_the_next_valid_change(explorer):
    explorer.entries["angle"].value = "east"
    assert "is not a number; it stays 30." in explorer.message.value
    explorer.controls["angle"].value = 31.0
    assert explorer.message.value == ""


def test_reset_goes_back_to_the_first_point_and_angle(explorer):
    explorer.set_point((2.0, -1.0))
    explorer.entries["angle"].value = "77.7"
    explorer.reset()
    np.testing.assert_array_equal(explorer.point, [-1.0, 0.5])
    assert explorer.scene.value == 30.0 and explorer.scene.extra == {}


def test_stationary_point_is_flat_in_every_direction():
    bowl = surfaces.get("quadratic")
    s = DirectionExplorer(bowl, point=(0.0, 0.0))
    assert s.result.slope == 0.0
    assert "flat in every direction" in s.summary()
    assert np.all(np.isfinite(shown(s)["height"]))


def test_summary_is_the_static_text(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == explorer.summary()
    assert bundle["text/plain"].startswith("DirectionExplorer on himmelblau at p = (-1.00, 0.50)")
    assert bundle["image/png"]


def test_default_point_is_the_surface_start():
    s = DirectionExplorer("rosenbrock")
    np.testing.assert_array_equal(s.point, surfaces.get("rosenbrock").start)


def test_unknown_surface_is_refused():
    with pytest.raises(ValueError, match="unknown surface"):
        DirectionExplorer("bowl")


def test_non_positive_reach_is_refused():
    with pytest.raises(ValueError, match="reach"):
        DirectionExplorer("himmelblau", reach=0.0)


def test_unknown_contour_scale_is_refused():
    with pytest.raises(ValueError, match="contour_scale must be one of"):
        DirectionExplorer("himmelblau", contour_scale="sqrt")


def test_map_levels_are_equally_spaced_by_default(explorer):
    filled = explorer.map_ax.collections[0]
    steps = np.diff(filled.levels)
    np.testing.assert_allclose(steps, steps[0])


def test_the_slice_panel_holds_every_direction_and_tangent(explorer):
    low, high = explorer.scene.panels[1]["axes"]["ylim"]
    for stop in range(0, len(STOPS), 15):
        drawn = unpack_stop(explorer.scene.family, stop)
        for name in ("height", "tangent_y"):
            assert low <= drawn[name].min() and drawn[name].max() <= high


def test_it_has_no_player_and_says_so_when_asked_for_a_gif(explorer, tmp_path):
    assert explorer.scene.slider["player"] is False
    with pytest.raises(ValueError, match="no animation"):
        explorer.save_gif(tmp_path / "direction.gif")


def test_the_payload_stays_under_a_megabyte(explorer):
    assert payload_bytes(explorer.scene.family) < 1_000_000


def test_the_slice_readout_of_the_static_picture_stays_off_the_curves():
    explorer = DirectionExplorer()  # the slice is a hump over the panel's top
    for angle in (0.0, 90.0, 200.0):
        explorer.controls["angle"].value = angle
        explorer.png()
        text = explorer._slice_text
        figure = explorer.slice_ax.figure
        text.set_visible(True)
        box = text.get_window_extent(figure.canvas.get_renderer())
        text.set_visible(False)
        ax = explorer.slice_ax
        drawn = np.concatenate(
            [
                ax.transData.transform(line.get_xydata())
                for line in (explorer._slice_line, explorer._tangent)
            ]
        )
        inside = (box.x0 <= drawn[:, 0]) & (drawn[:, 0] <= box.x1)
        inside &= (box.y0 <= drawn[:, 1]) & (drawn[:, 1] <= box.y1)
        assert not np.any(inside), angle


def test_a_slope_that_is_only_rounding_noise_is_printed_as_zero():
    bowl = surfaces.get("quadratic", condition=1)
    s = DirectionExplorer(bowl, point=(1.0, 0.0), angle=90.0)
    assert s.result.slope != 0.0  # cos 90° in floating point
    assert "slope ∇f·u = +0;" in s.status.value and "e-" not in s.status.value.split(";")[0]


def test_a_tiny_gradient_near_a_hill_top_gets_no_direction():
    himmelblau = surfaces.get("himmelblau")
    hill_top = (-0.270845, -0.923039)  # the local maximum, to six decimals
    s = DirectionExplorer(himmelblau, point=hill_top, angle=65.0)
    assert 0 < s.result.steepest_slope < 1e-4
    assert "from ∇f" not in s.summary() and "nearly flat" in s.summary()


def test_the_saved_picture_wraps_its_panels_as_the_page_does(explorer):
    picture = Image.open(io.BytesIO(explorer.png()))
    assert picture.size == (920, 400 + 245)  # map and slice side by side, the slopes below


def test_a_point_where_the_surface_overflows_is_refused_and_the_explorer_keeps_working():
    explorer = DirectionExplorer("himmelblau", point=(-1.0, 0.5))
    explorer.set_point((1e200, 1e200))
    assert isinstance(explorer.last_error, ValueError)
    assert "gradient are finite" in str(explorer.last_error)
    assert explorer.point.tolist() == [-1.0, 0.5]
    explorer.controls["angle"].value = 45.0
    assert explorer.last_error is None
