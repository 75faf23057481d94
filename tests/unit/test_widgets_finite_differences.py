"""FiniteDifferenceExplorer: secants, error against h, the gradient check, driven from code."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

from gdviz import surfaces
from gdviz.surfaces import Surface
from gdviz.widgets.finite_differences import FiniteDifferenceExplorer


@pytest.fixture(scope="module")
def lab():
    return FiniteDifferenceExplorer(backend="inline")


def _click(lab, ax, x, y) -> None:
    lab.view.canvas.draw()
    px, py = ax.transData.transform((x, y))
    event = MouseEvent("button_press_event", lab.view.canvas, px, py, button=1)
    lab.view.canvas.callbacks.process("button_press_event", event)


def test_controls_are_named_as_the_lessons_use_them(lab):
    assert set(lab.controls) == {"h", "x", "method", "surface"}


def test_h_moves_the_secants_and_the_marker(lab):
    lab.controls["h"].value = 0.5
    wide = lab._secants["forward"].get_ydata().copy()
    lab.controls["h"].value = 1e-4
    r = lab.result
    assert r.h == pytest.approx(1e-4)
    assert not np.allclose(lab._secants["forward"].get_ydata(), wide)
    # the forward secant runs through (x₀, f(x₀)) and (x₀ + h, f(x₀ + h))
    np.testing.assert_allclose(lab._forward_points.get_xdata(), [r.x, r.x + r.h])
    assert lab._h_line.get_xdata()[0] == pytest.approx(1e-4)
    for artist in (*lab._secants.values(), lab._tangent, *lab._error_marks.values()):
        assert np.all(np.isfinite(artist.get_xydata()))


def test_secants_approach_the_tangent(lab):
    gaps = []
    for h in (0.5, 1e-2, 1e-5):
        lab.controls["h"].value = h
        gaps.append(np.max(np.abs(lab._secants["central"].get_ydata() - lab._tangent.get_ydata())))
    assert gaps[0] > gaps[1] > gaps[2]


def test_central_beats_forward_at_h_1e_3(lab):
    lab.controls["h"].value = 1e-3
    assert lab.result.error("central") < lab.result.error("forward") / 100


def test_float32_error_is_smallest_at_a_larger_h(lab):
    errors = lab.result.errors
    for method in ("forward", "central"):
        assert errors.best_h(method, "float32") > errors.best_h(method, "float64")
    drawn = lab._error_curves["central", "float32"].get_ydata()
    np.testing.assert_allclose(drawn, np.maximum(errors.errors["central", "float32"], 1e-18))


def test_complex_step_is_exact_at_tiny_h(lab):
    lab.controls["h"].value = 1e-12
    assert lab.result.error("complex") <= 1e-14
    assert lab.result.error("central") > 1e-8  # round-off ruins the others there


def test_gradient_check_passes_only_in_a_window_of_h(lab):
    c = lab.controls
    c["method"].value = "central"
    for h, passed in ((0.5, False), (1e-5, True), (1e-14, False)):
        c["h"].value = h
        assert lab.result.check.passed is passed, h
        assert ("PASSED" if passed else "FAILED") in lab.tables.value
    assert lab.result.check.method == "central"


def test_method_control_changes_the_check(lab):
    lab.controls["h"].value = 1e-3
    lab.controls["method"].value = "forward"
    forward = lab.result.check
    lab.controls["method"].value = "complex"
    assert forward.method == "forward" and lab.result.check.method == "complex"
    assert lab.result.check.max_rel_error < forward.max_rel_error
    lab.controls["method"].value = "central"


def test_click_on_the_map_checks_there(lab):
    lab.controls["h"].value = 1e-5
    _click(lab, lab._ax_map, 0.5, 2.0)
    np.testing.assert_allclose(lab.point, [0.5, 2.0], atol=0.05)
    np.testing.assert_allclose(lab.result.check.analytical, lab.surface.grad(lab.point))
    np.testing.assert_allclose(lab._map_point.get_xydata()[0], lab.point)


def test_click_on_the_function_moves_x0(lab):
    before = lab.result.errors.errors["forward", "float64"].copy()
    _click(lab, lab._ax_f, -1.0, 0.0)
    assert lab.controls["x"].value == pytest.approx(-1.0, abs=0.05)
    assert lab.result.x == lab.controls["x"].value
    assert not np.array_equal(lab.result.errors.errors["forward", "float64"], before)
    lab.controls["x"].value = 1.0


def test_surface_picker_redraws_the_map():
    lab = FiniteDifferenceExplorer(backend="inline")
    count = len(lab._ax_map.collections)
    lab.controls["surface"].value = "himmelblau"
    assert lab.surface.name == "himmelblau"
    np.testing.assert_array_equal(lab.point, surfaces.get("himmelblau").start)
    assert len(lab._ax_map.collections) == count  # the old contours are gone
    assert "himmelblau" in lab._ax_map.get_title() and lab.last_error is None
    lab.set_point((3.0, 2.0))
    np.testing.assert_array_equal(lab.result.check.analytical, [0.0, 0.0])


def test_a_wrong_gradient_is_caught():
    bowl = surfaces.get("quadratic", condition=4)
    wrong = Surface(bowl, lambda p: 2 * bowl.grad(p), name="bowl with a factor-2 bug")
    lab = FiniteDifferenceExplorer(surface=wrong, h=1e-5, backend="inline")
    assert lab.controls["surface"].value == "bowl with a factor-2 bug (yours)"
    assert not lab.result.check.passed and lab.result.check.verdict == "probably wrong"
    lab.controls["surface"].value = "quadratic"
    assert lab.result.check.passed


def test_your_own_function_with_its_derivative():
    lab = FiniteDifferenceExplorer(
        lambda x: x**3, lambda x: 3 * x**2, x=2.0, h=1e-3, backend="inline"
    )
    assert lab.result.derivative == 12.0
    assert lab.result.error("forward") == pytest.approx(6 * 2.0 * 1e-3 / 2, rel=1e-2)  # h f″/2
    assert lab.result.error("central") == pytest.approx(1e-6, rel=1e-2)  # h² f‴/6 = h²
    exp = FiniteDifferenceExplorer("exp(x)", x=0.0, backend="inline")
    assert exp.result.derivative == 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"f": np.sin}, "give df too"),
        ({"f": "tan(x)"}, "unknown function"),
        ({"f": "exp(x)", "df": np.exp}, "built in with its derivative"),
        ({"x": 10.0}, "inside x_range"),
        ({"x_range": (1.0, -1.0)}, "low < high"),
        ({"surface": "bowl"}, "unknown surface"),
        ({"point": (np.nan, 0.0)}, "one finite"),
        ({"method": "backward"}, "unknown method"),
    ],
)
def test_bad_arguments_are_refused_with_a_helpful_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FiniteDifferenceExplorer(backend="inline", **kwargs)


def test_h_outside_the_range_is_clamped_with_a_message():
    lab = FiniteDifferenceExplorer(backend="inline")
    lab.controls["h"].value = 10.0
    assert lab.result.h == 1.0 and "clamped" in lab.message.value


def test_h_changes_blit_instead_of_redrawing():
    lab = FiniteDifferenceExplorer(backend="inline")
    lab.controls["h"].value = 0.1
    full = lab.view.full_draws
    for h in (1e-2, 1e-3, 1e-4):
        lab.controls["h"].value = h
    assert lab.view.full_draws == full


def test_works_on_the_ipympl_canvas():
    lab = FiniteDifferenceExplorer(backend="ipympl")
    lab.controls["h"].value = 1e-6
    assert lab.last_error is None and lab.result.check.passed


def test_static_picture_and_stable_text(lab):
    bundle = lab._repr_mimebundle_()
    assert bundle["text/plain"] == lab.summary()
    assert bundle["text/plain"].startswith("FiniteDifferenceExplorer of sin(x) + x²/4: h = ")
    assert len(bundle["image/png"]) > 1000


def test_error_legend_sits_above_the_flat_float32_errors():
    fresh = FiniteDifferenceExplorer(backend="inline")
    fresh.view.canvas.draw()
    ax = fresh._ax_err
    legend = ax.get_legend().get_window_extent()
    flat = max(
        float(np.nanmax(line.get_ydata())) for line in fresh._error_curves.values()
    )  # a few units: float32 differences that are all rounding noise
    # clear of the curves by two decades, whatever the size the figure is drawn at
    _, clearance = ax.transData.transform((1e-10, 100 * flat))
    assert legend.y0 > clearance


def test_round_off_and_truncation_labels_sit_below_the_error_axes():
    fresh = FiniteDifferenceExplorer(backend="inline")
    renderer = fresh.figure.canvas.get_renderer()
    ax = fresh._ax_err
    labels = [t for t in ax.texts if "round-off" in t.get_text() or "truncation" in t.get_text()]
    assert len(labels) == 2
    axes_bottom = ax.get_window_extent(renderer).y0
    assert all(t.get_window_extent(renderer).y1 < axes_bottom for t in labels)


def test_the_figure_fits_beside_jupyterlabs_file_browser_with_readable_labels():
    fresh = FiniteDifferenceExplorer(backend="inline")
    figure = fresh.figure
    assert figure.bbox.width <= 950  # the right panel was cut off at 1200 px
    fresh.view.png()
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox.padded(1)
    words = []
    for ax in (fresh._ax_f, fresh._ax_err, fresh._ax_map):
        words += [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        ticks = [*ax.get_xticklabels(), *ax.get_yticklabels()]
        assert all(t.get_fontsize() >= 12 for t in ticks)  # projector style
        legend = ax.get_legend()
        assert legend is None or all(t.get_fontsize() >= 9 for t in legend.get_texts())
    words = [t for t in words if t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in words]
    for box in boxes:
        assert frame.containsx(box.x0) and frame.containsx(box.x1)
        assert frame.containsy(box.y0) and frame.containsy(box.y1)
    overlapping = [
        (a.get_text(), b.get_text())
        for i, (a, box_a) in enumerate(zip(words, boxes, strict=True))
        for b, box_b in list(zip(words, boxes, strict=True))[i + 1 :]
        if box_a.overlaps(box_b)
    ]
    assert overlapping == []
