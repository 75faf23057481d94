"""Finite-difference error against h: truncation, round-off, float32 against float64."""

import numpy as np
import pytest

from gdviz.gradients import METHODS, STEP_RANGE, difference_errors, difference_quotient


def f(x):
    return np.sin(x) + x**2 / 4


def df(x):
    return np.cos(x) + x / 2


@pytest.fixture(scope="module")
def errors():
    return difference_errors(f, df, 1.0)


def test_default_steps_span_the_range_and_every_curve_is_there(errors):
    assert errors.hs[0] == pytest.approx(STEP_RANGE[0]) and errors.hs[-1] == pytest.approx(1.0)
    assert set(errors.errors) == {(m, p) for m in METHODS for p in ("float64", "float32")}
    for curve in errors.errors.values():
        assert curve.shape == errors.hs.shape and np.all(np.isfinite(curve))


def test_central_beats_forward_at_h_1e_3(errors):
    at = errors.at(1e-3)
    assert at["central", "float64"] < at["forward", "float64"] / 100
    # truncation: forward ≈ h·|f″|/2, central ≈ h²·|f‴|/6
    second = -np.sin(1.0) + 0.5
    assert at["forward", "float64"] == pytest.approx(1e-3 * abs(second) / 2, rel=0.05)


def test_float32_round_off_takes_over_at_a_larger_h(errors):
    for method in ("forward", "central"):
        assert errors.best_h(method, "float32") > 100 * errors.best_h(method, "float64")
    # the textbook optimum: h ≈ √ε forward, ε^(1/3) central
    assert 1e-9 < errors.best_h("forward") < 1e-7
    assert 1e-7 < errors.best_h("central") < 1e-4


def test_truncation_falls_then_round_off_rises(errors):
    curve = errors.errors["central", "float64"]
    best = np.argmin(curve)
    big, small = errors.hs > 1e-2, errors.hs < 1e-9
    assert np.all(np.diff(np.log(curve[big])) > 0)  # right of the optimum: error ∝ h²
    assert curve[small].min() > 100 * curve[best]  # far left: round-off dominates


def test_complex_step_is_exact_to_machine_precision_at_tiny_h(errors):
    tiny = errors.hs < 1e-8
    assert np.max(errors.errors["complex", "float64"][tiny]) <= 1e-14
    assert np.max(errors.errors["complex", "float32"][tiny]) <= 1e-6


def test_float32_evaluates_in_float32():
    # exp(1 + 1e-5) − exp(1) keeps about two significant digits in float32, eleven in float64
    estimate32 = difference_quotient(np.exp, 1.0, 1e-5, "forward", "float32")
    estimate64 = difference_quotient(np.exp, 1.0, 1e-5, "forward", "float64")
    assert abs(estimate32 - np.exp(1.0)) > 100 * abs(estimate64 - np.exp(1.0))


def test_f_computing_in_float64_is_still_rounded_to_float32():
    def wide(x):
        return np.sin(np.asarray(x, dtype=np.float64))

    narrow = difference_quotient(np.sin, 1.0, 1e-5, precision="float32")
    assert float(difference_quotient(wide, 1.0, 1e-5, precision="float32")) == pytest.approx(
        float(narrow), abs=1e-2
    )
    assert abs(difference_quotient(wide, 1.0, 1e-5, precision="float32") - np.cos(1.0)) > 1e-5


def test_forward_and_central_give_0_when_x_plus_h_rounds_to_x():
    assert float(difference_quotient(np.sin, 1.0, 1e-17, "forward")) == 0.0
    assert float(difference_quotient(np.sin, 1.0, 1e-9, "central", "float32")) == 0.0


def test_a_function_that_drops_the_imaginary_part_fails_the_complex_step_visibly():
    def real_only(x):
        return np.sin(np.real(x))

    assert float(difference_quotient(real_only, 1.0, 1e-20, "complex")) == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: difference_quotient(np.sin, 1.0, 0.0), "h must be finite numbers > 0"),
        (
            lambda: difference_quotient(np.sin, 1.0, 1e-50, precision="float32"),
            "too small for float32",
        ),
        (
            lambda: difference_quotient(np.sin, 1.0, 1e-3, method="backward"),
            "method must be one of",
        ),
        (lambda: difference_quotient(np.sin, 1.0, 1e-3, precision="float16"), "unknown precision"),
        (lambda: difference_quotient(lambda x: 1.0, 1.0, [1e-3, 1e-2]), "elementwise"),
        (lambda: difference_quotient(lambda x: float(x.real[0]), 1.0, [1e-3]), "elementwise"),
        (lambda: difference_errors(np.sin, None, 1.0), "df must both be callables"),
        (lambda: difference_errors(np.sin, np.cos, np.inf), "x must be a finite number"),
    ],
)
def test_bad_input_is_refused_with_a_helpful_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_f_refusing_complex_input_is_explained():
    import math

    def scalar_only(x):
        return np.array([math.sin(complex(v)) for v in x])

    with pytest.raises(ValueError, match="cannot take complex input"):
        difference_quotient(scalar_only, 1.0, [1e-3], method="complex")
