"""DirectionExplorer: the slope in every direction at a point (lesson 01's instrument)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

from gdviz import surfaces
from gdviz.widgets.direction import DirectionExplorer, directional_slope, unit_vector


@pytest.fixture
def explorer():
    return DirectionExplorer("himmelblau", point=(-1.0, 0.5), angle=30.0, backend="inline")


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
    s = DirectionExplorer(bowl, point=(1.0, 0.0), backend="inline")
    s.controls["angle"].value = 90.0
    assert s.result.slope == pytest.approx(0.0, abs=1e-12)
    s.controls["angle"].value = 180.0
    assert s.result.slope == pytest.approx(-1.0)
    assert "steepest way down" in s.status.value


def test_angle_change_moves_the_drawn_artists(explorer):
    before = (explorer._slice_line.get_ydata().copy(), explorer._slope_marker.get_xdata()[0])
    explorer.controls["angle"].value = 120.0
    assert not np.allclose(explorer._slice_line.get_ydata(), before[0])
    assert explorer._slope_marker.get_xdata()[0] == 120.0
    assert explorer._tangent.get_ydata()[-1] == pytest.approx(
        float(explorer.surface(explorer.point)) + explorer.result.slope * explorer.reach
    )


def test_angle_change_redraws_in_place_without_a_full_draw(explorer):
    explorer.controls["angle"].value = 40.0  # the first refresh draws everything once
    full = explorer.view.full_draws
    for angle in (50.0, 60.0, 70.0):
        explorer.controls["angle"].value = angle
    assert explorer.view.full_draws == full
    assert explorer.view.blits >= 3


def test_set_point_moves_the_point_and_the_arrows(explorer):
    explorer.set_point((2.0, -1.0))
    np.testing.assert_array_equal(explorer.result.point, [2.0, -1.0])
    np.testing.assert_array_equal(explorer._point_dot.get_xydata()[0], [2.0, -1.0])
    g = explorer.surface.grad([2.0, -1.0])
    np.testing.assert_allclose(explorer.result.gradient, g)
    assert "p = (2.00, -1.00)" in explorer.summary()


def test_click_on_the_map_moves_the_point(explorer):
    explorer.view.canvas.draw()
    x, y = explorer.map_ax.transData.transform((1.5, 1.0))
    event = MouseEvent("button_press_event", explorer.view.canvas, x, y, button=1)
    explorer.view.canvas.callbacks.process("button_press_event", event)
    np.testing.assert_allclose(explorer.point, [1.5, 1.0], atol=0.05)


def test_click_outside_the_map_keeps_the_point(explorer):
    explorer.view.canvas.draw()
    x, y = explorer.slope_ax.transData.transform((90.0, 0.0))
    event = MouseEvent("button_press_event", explorer.view.canvas, x, y, button=1)
    explorer.view.canvas.callbacks.process("button_press_event", event)
    np.testing.assert_array_equal(explorer.point, [-1.0, 0.5])


def test_bad_point_is_shown_in_the_app_not_raised(explorer):
    explorer.set_point((np.nan, 1.0))
    assert isinstance(explorer.last_error, ValueError)
    assert "finite" in explorer.message.value
    np.testing.assert_array_equal(explorer.point, [-1.0, 0.5])


def test_angle_outside_the_range_is_clamped_with_a_message(explorer):
    explorer.controls["angle"].value = 400.0
    assert explorer.result.angle == 360.0
    assert "clamped" in explorer.message.value


def test_stationary_point_is_flat_in_every_direction():
    bowl = surfaces.get("quadratic")
    s = DirectionExplorer(bowl, point=(0.0, 0.0), backend="inline")
    assert s.result.slope == 0.0
    assert "flat in every direction" in s.summary()
    assert np.all(np.isfinite(s._slice_line.get_ydata()))


def test_summary_is_the_static_text(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == explorer.summary()
    assert bundle["text/plain"].startswith("DirectionExplorer on himmelblau at p = (-1.00, 0.50)")
    assert bundle["image/png"]


def test_default_point_is_the_surface_start():
    s = DirectionExplorer("rosenbrock", backend="inline")
    np.testing.assert_array_equal(s.point, surfaces.get("rosenbrock").start)


def test_unknown_surface_is_refused():
    with pytest.raises(ValueError, match="unknown surface"):
        DirectionExplorer("bowl", backend="inline")


def test_non_positive_reach_is_refused():
    with pytest.raises(ValueError, match="reach"):
        DirectionExplorer("himmelblau", reach=0.0, backend="inline")


def test_ipympl_backend_builds_and_updates():
    s = DirectionExplorer("himmelblau", point=(-1.0, 0.5), backend="ipympl")
    s.controls["angle"].value = 90.0
    assert s.result.slope == pytest.approx(surfaces.get("himmelblau").grad([-1.0, 0.5])[1])


def test_map_levels_are_equally_spaced_by_default(explorer):
    filled = explorer.map_ax.collections[0]
    steps = np.diff(filled.levels)
    np.testing.assert_allclose(steps, steps[0])


def test_unknown_contour_scale_is_refused():
    with pytest.raises(ValueError, match="scale must be one of"):
        DirectionExplorer("himmelblau", contour_scale="sqrt", backend="inline")


def test_the_slice_readout_of_the_static_picture_stays_off_the_curves():
    explorer = DirectionExplorer(backend="inline")  # the slice is a hump over the panel's top
    for angle in (0.0, 90.0, 200.0):
        explorer.controls["angle"].value = angle
        text = explorer._slice_text
        explorer.view.png()
        text.set_visible(True)
        box = text.get_window_extent(explorer.figure.canvas.get_renderer())
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
    s = DirectionExplorer(bowl, point=(1.0, 0.0), angle=90.0, backend="inline")
    assert s.result.slope != 0.0  # cos 90° in floating point
    assert "slope ∇f·u = +0;" in s.status.value and "e-" not in s.status.value.split(";")[0]


def test_a_tiny_gradient_near_a_hill_top_gets_no_direction():
    himmelblau = surfaces.get("himmelblau")
    hill_top = (-0.270845, -0.923039)  # the local maximum, to six decimals
    s = DirectionExplorer(himmelblau, point=hill_top, angle=65.0, backend="inline")
    assert 0 < s.result.steepest_slope < 1e-4
    assert "from ∇f" not in s.summary() and "nearly flat" in s.summary()
