"""The validation layer, and bad-value tests generated from every declared constraint."""

import re
from numbers import Integral, Real

import numpy as np
import pytest

import gdviz
from gdviz import datasets, noise, optimizers, problems, runs, surfaces
from gdviz.gradients import gradient_check, numerical_gradient
from gdviz.validation import (
    DECLARED,
    Interval,
    Options,
    check_number,
    check_point,
    check_whole,
    validate_params,
)

LINE = problems.linear_regression(n=50, seed=0)
DIGITS = problems.softmax_digits()
BOWL = surfaces.get("quadratic")


def _square(w):
    return float(np.sum(w**2))


def _minibatch(**kwargs):
    kwargs.setdefault("steps", None if "epochs" in kwargs else 3)
    return runs.minibatch_descend(
        LINE, optimizers.GradientDescent(lr=0.01), batch_size=10, **kwargs
    )


def _softmax(**kwargs):
    rows = np.arange(20)
    return problems.SoftmaxClassifier(
        DIGITS.features[rows],
        DIGITS.labels[rows],
        DIGITS.test_features,
        DIGITS.test_labels,
        **kwargs,
    )


# One valid call per declared function: the generated tests change one argument at a time.
CALLS = {
    "gdviz.gradients.numerical_gradient": lambda **kw: numerical_gradient(
        _square, [1.0, 2.0], **kw
    ),
    "gdviz.gradients.gradient_check": lambda **kw: gradient_check(
        _square, lambda w: 2 * w, [1.0, 2.0], **kw
    ),
    "gdviz.runs.descend": lambda **kw: runs.descend(BOWL, optimizers.GradientDescent(), **kw),
    "gdviz.runs.minibatch_descend": _minibatch,
    "gdviz.noise.gradient_cloud": lambda **kw: noise.gradient_cloud(LINE, [0.0, 0.0], 4, **kw),
    "gdviz.noise.gradient_clouds": lambda **kw: noise.gradient_clouds(LINE, [[0.0, 0.0]], 4, **kw),
    "gdviz.datasets.make_line": lambda **kw: datasets.make_line(**kw),
    "gdviz.datasets.make_two_classes": lambda **kw: datasets.make_two_classes(**kw),
    "gdviz.surfaces.quadratic": lambda **kw: surfaces.quadratic(**kw),
    "gdviz.problems.softmax_digits": lambda **kw: problems.softmax_digits(**kw),
    "gdviz.problems.SoftmaxClassifier.__init__": _softmax,
    "gdviz.problems.SoftmaxClassifier.initial_params": DIGITS.initial_params,
    **{f"gdviz.optimizers.{cls.__name__}.__init__": cls for cls in optimizers.registry().values()},
}

CASES = [
    pytest.param(qualname, name, bad, error, id=f"{qualname.removeprefix('gdviz.')}-{name}={bad!r}")
    for qualname, func in sorted(DECLARED.items())
    if qualname.startswith("gdviz.") and not qualname.startswith("gdviz.validation")
    for name, constraint in func.parameter_constraints.items()
    for bad, error in constraint.bad_values()
]

GOOD = [
    pytest.param(qualname, name, constraint.good_value(), id=f"{qualname}-{name}")
    for qualname, func in sorted(DECLARED.items())
    if qualname.startswith("gdviz.") and not qualname.startswith("gdviz.validation")
    for name, constraint in func.parameter_constraints.items()
    if isinstance(constraint, Interval)
]


def test_every_declared_function_has_a_valid_call_for_the_generated_tests():
    declared = {q for q in DECLARED if q.startswith("gdviz.") and ".validation" not in q}
    assert declared == set(CALLS)
    assert len(CASES) > 200


@pytest.mark.parametrize(("qualname", "name", "bad", "error"), CASES)
def test_a_declared_parameter_refuses_a_bad_value_naming_it(qualname, name, bad, error):
    with pytest.raises(error, match=rf"^{name} must be .*; got "):
        CALLS[qualname](**{name: bad})


@pytest.mark.parametrize(("qualname", "name", "good"), GOOD)
def test_a_declared_parameter_accepts_a_good_value(qualname, name, good):
    CALLS[qualname](**{name: good})


def test_the_valid_calls_are_valid():
    for call in CALLS.values():
        call()


# the layer itself


@pytest.mark.parametrize(
    ("value", "error"),
    [
        *[(2.5, TypeError), (2.0, TypeError), (True, TypeError), (None, TypeError)],
        *[("3", TypeError), (np.float64(3.0), TypeError), (-1, ValueError), (11, ValueError)],
    ],
)
def test_check_whole_refuses_what_is_not_a_whole_number_in_range(value, error):
    expected = rf"^steps must be a whole number in \[0, 10\]; got {re.escape(repr(value))}"
    with pytest.raises(error, match=expected):
        check_whole("steps", value, 0, 10)


def test_check_whole_accepts_numpy_integers_and_returns_an_int():
    value = check_whole("steps", np.int64(3), 0)
    assert value == 3 and type(value) is int


@pytest.mark.parametrize(
    ("value", "error"),
    [
        *[(True, TypeError), (None, TypeError), ("0.1", TypeError), (1j, TypeError)],
        *[(np.nan, ValueError), (np.inf, ValueError), (0.0, ValueError), (-1, ValueError)],
    ],
)
def test_check_number_refuses_bools_strings_none_and_non_finite_values(value, error):
    with pytest.raises(error, match=r"^lr must be a finite number > 0; got "):
        check_number("lr", value, 0, closed="neither")


def test_check_number_returns_a_float():
    assert type(check_number("lr", np.float32(0.5), 0)) is float


def test_check_point_copies_converts_and_names_the_bad_entry():
    given = np.array([1, 2], dtype=np.int32)
    point = check_point("start", given)
    assert point.dtype == np.float64 and point is not given
    point[0] = 7
    np.testing.assert_array_equal(given, [1, 2])
    with pytest.raises(
        ValueError, match=r"start must be a point of finite numbers; got inf at index 1"
    ):
        check_point("start", [0.0, np.inf])
    with pytest.raises(ValueError, match=r"start must be a point of shape \(d,\); got shape \(\)"):
        check_point("start", 3.0)
    with pytest.raises(ValueError, match=r"start must have 2 coordinates"):
        check_point("start", [1.0, 2.0, 3.0], size=2)
    for bad in ([1 + 1j, 0], ["a", "b"], None, [True, False]):
        with pytest.raises(TypeError, match="start must be a point of real numbers"):
            check_point("start", bad)


def test_an_array_interval_names_the_index_of_the_bad_entry():
    lrs = Interval(Real, 0, None, closed="neither", arrays=True)
    np.testing.assert_array_equal(lrs.check("lr", [[0.1], [0.2]]), [[0.1], [0.2]])
    with pytest.raises(ValueError, match=r"got -1.0 \(at index \(1, 0\) of the array\)"):
        lrs.check("lr", [[0.1], [-1.0]])


def test_options_refuse_a_non_string_with_type_error_and_an_unknown_one_with_value_error():
    methods = Options(("a", "b"))
    assert methods.check("method", "a") == "a"
    with pytest.raises(TypeError, match=r"^method must be one of: 'a', 'b'; got None"):
        methods.check("method", None)
    with pytest.raises(ValueError, match=r"^method must be one of: 'a', 'b'; got 'c'$"):
        methods.check("method", "c")


def test_validate_params_passes_on_the_checked_values_and_records_the_declaration():
    @validate_params(n=Interval(Integral, 1, None), x=Interval(Real, None, None, allow_none=True))
    def f(n, x=None):
        return n, x

    assert f(np.int64(2)) == (2, None) and type(f(np.int64(2))[0]) is int
    assert f(2, x=1) == (2, 1.0)
    assert set(f.parameter_constraints) == {"n", "x"}
    assert DECLARED[f"{__name__}.{f.__qualname__}"] is f
    with pytest.raises(TypeError, match="has no parameters"):
        validate_params(m=Interval(Integral, 1, None))(lambda n: n)


def test_the_public_names_are_exported():
    assert gdviz.Path is gdviz.DescentPath is runs.DescentPath
    assert gdviz.validation.check_point is check_point
