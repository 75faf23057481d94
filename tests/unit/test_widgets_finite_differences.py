"""FiniteDifferenceExplorer: secants, error against h, the gradient check, driven from code.

Headless: what the browser would draw is read from the scene's packed stops
(:func:`gdviz.widgets.scene.unpack_stop`), the static layers from its panels.
"""

import html
import math
import re
import warnings

import numpy as np
import pytest

from gdviz import plotting, surfaces
from gdviz.surfaces import Surface
from gdviz.widgets.finite_differences import ZERO_ERROR, FiniteDifferenceExplorer
from gdviz.widgets.scene import payload_bytes, unpack_stop

LAB_WIDTH = 934  # JupyterLab's output area at 1366×768 with the file browser open
GAP = 4  # between panels (scene.css)


@pytest.fixture(scope="module")
def lab():
    return FiniteDifferenceExplorer()


def f_x0(x: float) -> float:
    """The lab's default function, sin(x) + x²/4."""
    return float(np.sin(x) + x**2 / 4)


def shown(lab) -> dict:
    """The series the browser draws now: the typed step's, or the stop's."""
    if lab.scene.extra:
        return unpack_stop(lab.scene.extra)
    return unpack_stop(lab.scene.family, lab.scene.stop)


def test_controls_are_named_as_the_lessons_use_them(lab):
    assert set(lab.controls) == {"h", "function", "x", "precision", "method", "surface"}
    assert set(lab.entries) == {"h", "x"}
    assert lab.scene.slider == {"name": "h", "label": "step h", "player": False}


def test_every_stop_of_h_is_computed_once_and_sent(lab):
    family = lab.scene.family
    assert family["count"] == len(lab.stops) == 161
    np.testing.assert_allclose(family["values"], lab.stops)
    # the decades are exact, as a student types and reads them
    assert {1e-16, 1e-8, 1e-5, 1e-3, 1.0} <= set(lab.stops)
    assert len(family["html"]) == family["count"]
    assert np.all(np.frombuffer(family["frames"], "<i4") == 0)


def test_h_moves_the_secants_and_the_marker(lab):
    lab.controls["h"].value = 0.5
    wide = shown(lab)["s_forward"].copy()
    lab.controls["h"].value = 1e-4
    r, series = lab.result, shown(lab)
    assert r.h == pytest.approx(1e-4) and not lab.scene.extra
    assert not np.allclose(series["s_forward"], wide)
    # the forward secant runs through (x₀, f(x₀)) and (x₀ + h, f(x₀ + h)), the central one
    # through (x₀ ± h, f(x₀ ± h))
    np.testing.assert_allclose(series["fpx"], [r.x + r.h], rtol=1e-6)
    np.testing.assert_allclose(series["cpx"], [r.x - r.h, r.x + r.h], rtol=1e-6)
    np.testing.assert_allclose(series["hx"], [1e-4, 1e-4], rtol=1e-6)
    np.testing.assert_allclose(series["e_central"], [r.error("central")], rtol=1e-5)
    for name, values in series.items():
        assert np.all(np.isfinite(values)), name
    lab.controls["h"].value = 0.1  # wide enough for the float32 the browser gets
    forward, r = shown(lab), lab.result
    slope = (forward["fpy"][0] - f_x0(r.x)) / r.h
    assert slope == pytest.approx(r.estimate("forward"), rel=1e-5)


def test_secants_approach_the_tangent(lab):
    gaps = []
    for h in (0.5, 1e-2, 1e-5):
        lab.controls["h"].value = h
        series, r = shown(lab), lab.result
        ends = series["sx"].astype(float)
        tangent = f_x0(r.x) + r.derivative * (ends - r.x)
        gaps.append(np.max(np.abs(series["s_central"] - tangent)))
    assert gaps[0] > gaps[1] > gaps[2]


def test_central_beats_forward_at_h_1e_3(lab):
    lab.controls["h"].value = 1e-3
    assert lab.result.error("central") < lab.result.error("forward") / 100


def test_float32_error_is_smallest_at_a_larger_h(lab):
    errors = lab.result.errors
    for method in ("forward", "central"):
        assert errors.best_h(method, "float32") > errors.best_h(method, "float64")


def test_precision_switches_the_secants_and_markers_to_float32():
    lab = FiniteDifferenceExplorer(h=1e-6)
    before = shown(lab)
    lab.controls["precision"].value = "float32"
    after, r = shown(lab), lab.result
    assert lab.last_error is None
    assert not np.allclose(after["s_central"], before["s_central"])
    # the marker sits on the dashed float32 curve: the float32 error, not float64's
    np.testing.assert_allclose(after["e_central"], [r.error("central", "float32")], rtol=1e-5)
    assert r.error("central", "float32") > 100 * r.error("central", "float64")
    assert "in float32" in lab.status.value


def test_complex_step_is_exact_at_tiny_h(lab):
    lab.controls["h"].value = 1e-12
    assert lab.result.error("complex") <= 1e-14
    assert lab.result.error("central") > 1e-8  # round-off ruins the others there
    assert shown(lab)["e_complex"][0] == pytest.approx(max(lab.result.error("complex"), ZERO_ERROR))


def test_gradient_check_passes_only_in_a_window_of_h(lab):
    c = lab.controls
    c["method"].value = "central"
    for h, passed in ((0.5, False), (1e-5, True), (1e-14, False)):
        c["h"].value = h
        assert lab.result.check.passed is passed, h
        verdict = "PASSED" if passed else "FAILED"
        assert verdict in lab.tables and verdict in lab.status.value
        words = lab.scene.extra or lab.scene.family  # 0.5 is between two stops
        stop = 0 if lab.scene.extra else lab.scene.stop
        assert words["readouts"][stop] == f"gradient check: {verdict}"
        assert words["html"][stop] == lab.tables
    assert lab.result.check.method == "central"


def test_a_typed_h_between_stops_is_used_exactly(lab):
    lab.entries["h"].value = "3.3e-6"
    assert lab.result.h == 3.3e-6 and lab.scene.value == 3.3e-6
    assert lab.entries["h"].value == "3.3e-06"
    extra = lab.scene.extra
    assert extra["value"] == 3.3e-6 and extra["values"] == [3.3e-6]
    np.testing.assert_allclose(shown(lab)["hx"], [3.3e-6, 3.3e-6], rtol=1e-6)
    assert lab.scene.stop == int(np.argmin(np.abs(np.log10(lab.stops) - math.log10(3.3e-6))))
    lab.entries["h"].value = "1e-5"  # a stop again: drawn from the family
    assert lab.scene.extra == {} and lab.result.h == pytest.approx(1e-5)


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
    lab.clicked(2, 0.5, 2.0)
    np.testing.assert_allclose(lab.point, [0.5, 2.0])
    np.testing.assert_allclose(lab.result.check.analytical, lab.surface.grad(lab.point))
    series = shown(lab)
    np.testing.assert_allclose([series["px"][0], series["py"][0]], [0.5, 2.0])
    # both arrows start at the point and point down the gradient
    np.testing.assert_allclose([series["aax"][0], series["nax"][0]], [0.5, 0.5])
    downhill = -lab.surface.grad(lab.point)
    step = np.array([series["aax"][1] - 0.5, series["aay"][1] - 2.0])
    assert np.dot(step, downhill) > 0.99 * np.linalg.norm(step) * np.linalg.norm(downhill)


def test_click_on_the_function_moves_x0(lab):
    before = lab.result.errors.errors["forward", "float64"].copy()
    lab.clicked(0, -1.0, 0.0)
    assert lab.controls["x"].value == -1.0 and lab.result.x == -1.0
    assert not np.array_equal(lab.result.errors.errors["forward", "float64"], before)
    lab.controls["x"].value = 1.0


def test_a_new_surface_redraws_only_the_map():
    lab = FiniteDifferenceExplorer()
    pngs = [panel["png"] for panel in lab.scene.panels]
    lab.controls["surface"].value = "himmelblau"
    assert lab.surface.name == "himmelblau" and lab.last_error is None
    np.testing.assert_array_equal(lab.point, surfaces.get("himmelblau").start)
    now = [panel["png"] for panel in lab.scene.panels]
    assert now[:2] == pngs[:2] and now[2] != pngs[2]
    lab.controls["h"].value = 1e-5
    lab.set_point((3.0, 2.0))
    np.testing.assert_array_equal(lab.result.check.analytical, [0.0, 0.0])
    assert lab.result.check.passed  # a correct zero gradient passes by the absolute floor


def test_a_new_function_or_x0_redraws_the_curves_but_not_the_map():
    lab = FiniteDifferenceExplorer()
    pngs = [panel["png"] for panel in lab.scene.panels]
    lab.controls["function"].value = "exp(x)"
    now = [panel["png"] for panel in lab.scene.panels]
    assert now[0] != pngs[0] and now[1] != pngs[1] and now[2] == pngs[2]
    assert lab.result.derivative == pytest.approx(math.e)
    assert lab.summary().startswith("FiniteDifferenceExplorer of exp(x): ")


def test_changes_and_back_give_the_picture_of_a_fresh_explorer():
    lab = FiniteDifferenceExplorer()
    fresh = FiniteDifferenceExplorer()
    for name, other in (
        ("function", "exp(x)"),
        ("x", -0.5),
        ("precision", "float32"),
        ("method", "forward"),
        ("surface", "beale"),
    ):
        first = lab.controls[name].value
        lab.controls[name].value = other
        lab.controls[name].value = first
    lab.entries["h"].value = "2.2e-7"
    lab.controls["h"].value = 0.5
    assert lab.scene.panels == fresh.scene.panels
    assert lab.scene.family == fresh.scene.family
    assert (lab.scene.value, lab.scene.stop) == (0.5, fresh.scene.stop)
    assert lab.scene.extra == fresh.scene.extra  # 0.5 is between two stops
    assert lab.summary() == fresh.summary()


def test_a_wrong_gradient_is_caught():
    bowl = surfaces.get("quadratic", condition=4)
    wrong = Surface(bowl, lambda p: 2 * bowl.grad(p), name="bowl with a factor-2 bug")
    lab = FiniteDifferenceExplorer(surface=wrong, h=1e-5)
    assert lab.controls["surface"].value == "bowl with a factor-2 bug (yours)"
    assert not lab.result.check.passed and lab.result.check.verdict == "probably wrong"
    lab.controls["surface"].value = "quadratic"
    assert lab.result.check.passed


def test_a_nan_gradient_never_shows_passed():
    bowl = surfaces.get("quadratic")
    broken = Surface(bowl, lambda p: np.full(np.shape(p), np.nan), name="NaN gradient")
    lab = FiniteDifferenceExplorer(surface=broken, h=1e-5)
    assert not lab.result.check.passed and lab.result.check.verdict == "probably wrong"
    family = lab.scene.family
    # FAILED, or NOT RUN where h is too small for x + h to differ from x
    assert set(family["readouts"]) == {"gradient check: FAILED", "gradient check: NOT RUN"}
    assert not any("PASSED" in text for text in (*family["labels"], *family["html"]))
    assert np.all(np.isnan(shown(lab)["aax"]))  # no arrow drawn for a NaN gradient
    assert lab.last_error is None


def test_the_saddle_at_1e300_refuses_with_the_cores_message_and_never_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lab = FiniteDifferenceExplorer(surface="saddle", point=(1e300, 1e300), h=1e-5)
        assert lab.result.check is None and lab.result.verdict == "NOT RUN"
        assert "x + h differs from x" in lab.result.refusal
        assert "NOT RUN" in lab.status.value and "x + h differs" in lab.tables
        for h in (1e-3, 0.5, 1e-16):  # later updates
            lab.controls["h"].value = h
        lab.entries["h"].value = "3e-4"
        lab.controls["method"].value = "forward"
        lab.controls["precision"].value = "float32"
        assert lab.result.verdict == "NOT RUN" and lab.last_error is None
        assert np.all(np.isnan(shown(lab)["px"]))  # far off the map: not drawn
        lab._repr_mimebundle_()


def test_your_own_function_with_its_derivative():
    lab = FiniteDifferenceExplorer(lambda x: x**3, lambda x: 3 * x**2, x=2.0, h=1e-3)
    assert lab.controls["function"].value == "<lambda> (yours)"
    assert lab.result.derivative == 12.0
    assert lab.result.error("forward") == pytest.approx(6 * 2.0 * 1e-3 / 2, rel=1e-2)  # h f″/2
    assert lab.result.error("central") == pytest.approx(1e-6, rel=1e-2)  # h² f‴/6 = h²
    exp = FiniteDifferenceExplorer("exp(x)", x=0.0)
    assert exp.result.derivative == 1.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"f": np.sin}, ValueError, "give df too"),
        ({"f": "tan(x)"}, ValueError, "unknown function"),
        ({"f": "exp(x)", "df": np.exp}, ValueError, "built in with its derivative"),
        ({"x": 10.0}, ValueError, "inside x_range"),
        ({"x": "1"}, TypeError, "x must be a number"),
        ({"x_range": (1.0, -1.0)}, ValueError, "low < high"),
        ({"surface": "bowl"}, ValueError, "unknown surface"),
        ({"point": (np.nan, 0.0)}, ValueError, "one finite"),
        ({"method": "backward"}, ValueError, "unknown method"),
        ({"precision": "float16"}, ValueError, "unknown precision"),
        ({"h": np.nan}, ValueError, "h must be a finite number"),
        ({"h": None}, TypeError, "h must be a number"),
    ],
)
def test_bad_arguments_are_refused_with_a_helpful_message(kwargs, error, message):
    with pytest.raises(error, match=message):
        FiniteDifferenceExplorer(**kwargs)


def test_h_outside_the_range_is_clamped_with_a_message():
    lab = FiniteDifferenceExplorer()
    lab.controls["h"].value = 10.0
    assert lab.result.h == 1.0 and "clamped to 1" in lab.message.value
    assert lab.entries["h"].value == "1"  # the entry shows the value used
    lab.controls["h"].value = 1e-3  # the next valid change clears the message
    assert lab.message.value == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [(np.nan, "h must be a finite number"), (None, "h must be a number"), ("0.1", "h must be")],
)
def test_a_bad_h_from_code_is_refused_naming_h(lab, value, message):
    lab.controls["h"].value = 1e-3
    lab.controls["h"].value = value
    assert message in lab.message.value and lab.result.h == pytest.approx(1e-3)
    assert repr(lab) == lab.summary()
    lab.controls["h"].value = 1e-4
    assert lab.message.value == "" and lab.last_error is None


def test_text_typed_into_h_that_is_not_a_step_is_refused(lab):
    lab.controls["h"].value = 1e-3
    lab.entries["h"].value = "abc"
    assert "'abc' is not a number > 0; it stays 0.001" in html.unescape(lab.message.value)
    assert lab.entries["h"].value == "0.001" and lab.result.h == pytest.approx(1e-3)


@pytest.mark.parametrize(
    ("name", "bad", "error", "words"),
    [
        ("x", np.nan, ValueError, "x₀ must be a finite number; got nan"),
        ("surface", None, TypeError, "surface must be one of: "),
        ("method", None, TypeError, "check with must be one of: 'forward', 'central', 'complex'"),
        ("precision", "float16", ValueError, "secants in must be one of: 'float64', 'float32'"),
        ("function", None, TypeError, "f(x) must be one of: "),
    ],
)
def test_a_bad_kernel_control_value_is_refused_naming_the_control(lab, name, bad, error, words):
    kept = lab.controls[name].value
    with pytest.raises(error, match=re.escape(words)):
        lab.controls[name].value = bad
    assert lab.controls[name].value == kept and repr(lab) == lab.summary()


def test_reset_returns_to_how_it_was_built():
    lab = FiniteDifferenceExplorer(h=1e-3)
    fresh = FiniteDifferenceExplorer(h=1e-3)
    lab.controls["function"].value = "exp(x)"
    lab.controls["surface"].value = "saddle"
    lab.controls["precision"].value = "float32"
    lab.set_point((0.5, 0.5))
    lab.entries["h"].value = "4e-9"
    lab.reset()
    assert lab.scene.panels == fresh.scene.panels and lab.scene.family == fresh.scene.family
    assert lab.scene.value == pytest.approx(1e-3) and lab.scene.extra == {}
    assert lab.summary() == fresh.summary()


def test_the_first_two_panels_fit_side_by_side_beside_jupyterlabs_file_browser(lab):
    widths = [panel["width"] for panel in lab.scene.panels]
    assert widths[0] + GAP + widths[1] <= LAB_WIDTH
    assert max(widths) <= LAB_WIDTH


@pytest.mark.parametrize("panel", [0, 1, 2])
def test_every_word_is_inside_its_panel_readable_and_apart(lab, panel):
    figure = [lab._function_figure, lab._error_figure, lab._map_figure][panel]
    plotting.render_png(figure)
    renderer = figure.canvas.get_renderer()
    (ax,) = figure.axes
    ticks = [*ax.get_xticklabels(), *ax.get_yticklabels()]
    assert all(t.get_fontsize() >= 12 for t in ticks if t.get_text())  # projector style
    legend = ax.get_legend()
    words = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts, *legend.get_texts()]
    assert all(t.get_fontsize() >= 10 for t in words)
    words = [t for t in words if t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in words]
    frame = figure.bbox.padded(1)
    for text, box in zip(words, boxes, strict=True):
        assert frame.containsx(box.x0) and frame.containsx(box.x1), text.get_text()
        assert frame.containsy(box.y0) and frame.containsy(box.y1), text.get_text()
    overlapping = [
        (a.get_text(), b.get_text())
        for i, (a, box_a) in enumerate(zip(words, boxes, strict=True))
        for b, box_b in list(zip(words, boxes, strict=True))[i + 1 :]
        if box_a.overlaps(box_b)
    ]
    assert overlapping == []


def test_error_legend_sits_above_the_flat_float32_errors(lab):
    figure = lab._error_figure
    plotting.render_png(figure)
    (ax,) = figure.axes
    legend = ax.get_legend().get_window_extent()
    flat = max(float(np.max(line.get_ydata())) for line in ax.lines if len(line.get_ydata()))
    # clear of the curves by two decades, whatever the size the figure is drawn at
    _, clearance = ax.transData.transform((1e-10, 100 * flat))
    assert legend.y0 > clearance


def test_the_payload_stays_well_under_a_megabyte(lab):
    family = lab.scene.family
    words = sum(len(t.encode()) for key in ("html", "labels", "readouts") for t in family[key])
    assert payload_bytes(family) + words < 1_000_000


def test_static_picture_and_stable_text(lab):
    lab.controls["h"].value = 0.5
    bundle = lab._repr_mimebundle_()
    assert bundle["text/plain"] == lab.summary()
    assert bundle["text/plain"].startswith(
        "FiniteDifferenceExplorer of sin(x) + x²/4: h = 5.0e-01: errors of f′(1.00) forward "
    )
    assert len(bundle["image/png"]) > 1000
