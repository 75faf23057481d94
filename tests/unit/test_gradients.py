"""Finite-difference gradients and the gradient check."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gdviz import GradientCheck, gradient_check, numerical_gradient, relative_error
from gdviz.gradients import verdict

CHECK = settings(derandomize=True, database=None, deadline=None, max_examples=40)

X0 = np.array([0.3, -1.1, 0.7])


def smooth(x):
    """A real-analytic test function with non-zero third derivatives."""
    return np.sum(np.exp(x) * np.sin(2 * x))


def smooth_grad(x):
    return np.exp(x) * (np.sin(2 * x) + 2 * np.cos(2 * x))


def error(method, h):
    return np.max(
        np.abs(numerical_gradient(smooth, X0.copy(), h=h, method=method) - smooth_grad(X0))
    )


@pytest.mark.parametrize(("method", "order"), [("forward", 1), ("central", 2), ("complex", 2)])
def test_error_shrinks_by_two_to_the_order_when_h_halves(method, order):
    # truncation-dominated steps, where round-off (ε/h ≈ 1e-14) is negligible
    for h in (1e-2, 4e-3):
        ratio = error(method, h) / error(method, h / 2)
        assert ratio == pytest.approx(2**order, rel=0.05), (h, ratio)


def test_central_differences_beat_forward_differences_at_the_same_step():
    assert error("central", 1e-5) < 1e-3 * error("forward", 1e-5)


def test_round_off_makes_too_small_a_step_worse_than_the_usual_one():
    assert error("central", 1e-13) > 100 * error("central", 1e-5)
    assert error("forward", 1e-14) > 10 * error("forward", 1e-8)


def test_complex_step_is_exact_to_machine_precision_with_a_tiny_step():
    g = numerical_gradient(smooth, X0.copy(), h=1e-20, method="complex")
    np.testing.assert_allclose(g, smooth_grad(X0), rtol=4e-16, atol=0)


def test_works_for_a_two_dimensional_weight_matrix():
    rng = np.random.default_rng(0)
    inputs, targets = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    weights = rng.standard_normal((4, 3))

    def loss(w):
        return 0.5 * np.sum((inputs @ w - targets) ** 2)

    exact = inputs.T @ (inputs @ weights - targets)
    for method, h, rtol in [("central", 1e-5, 1e-8), ("complex", 1e-20, 1e-14)]:
        g = numerical_gradient(loss, weights, h=h, method=method)
        assert g.shape == (4, 3)
        np.testing.assert_allclose(g, exact, rtol=rtol, atol=rtol)


float_arrays = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
    elements=st.floats(-1e6, 1e6, allow_subnormal=True),
)


@CHECK
@given(x=float_arrays, fail_at=st.integers(0, 40), method=st.sampled_from(["forward", "central"]))
def test_x_is_restored_exactly_when_f_raises_midway(x, fail_at, method):
    before = x.copy()
    calls = []

    def fragile(w):
        calls.append(1)
        if len(calls) > fail_at:
            raise RuntimeError("boom")
        return float(np.sum(w))

    try:
        numerical_gradient(fragile, x, method=method)
    except RuntimeError:
        pass
    assert x.tobytes() == before.tobytes()  # bit for bit, -0.0 included


def test_f_raising_midway_propagates_its_exception():
    x = np.ones((2, 2))

    def fragile(w):
        if w[1, 0] != 1.0:
            raise KeyError("perturbed the third entry")
        return float(np.sum(w))

    with pytest.raises(KeyError):
        numerical_gradient(fragile, x)
    np.testing.assert_array_equal(x, np.ones((2, 2)))


def test_f_is_handed_a_fresh_float64_copy_with_one_entry_moved():
    x = np.zeros(3, dtype=np.float32)
    seen = []
    numerical_gradient(lambda w: seen.append(w) or 0.0, x)
    assert len(seen) == 6 and all(w is not x and w.dtype == np.float64 for w in seen)
    assert len({id(w) for w in seen}) == 6
    assert [int(np.count_nonzero(w)) for w in seen] == [1] * 6


def test_an_f_that_writes_into_its_argument_changes_neither_x_nor_the_gradient():
    def mutating(w):
        w[0] = 99.0
        return float(np.sum(w**2))

    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(numerical_gradient(mutating, x), [0.0, 4.0], atol=1e-8)
    np.testing.assert_array_equal(x, [1.0, 2.0])
    check = gradient_check(mutating, lambda w: np.array([0.0, 2 * w[1]]), x)
    assert check.passed
    np.testing.assert_array_equal(x, [1.0, 2.0])


@CHECK
@given(x=float_arrays, method=st.sampled_from(["forward", "central", "complex"]))
def test_x_is_never_changed(x, method):
    before = x.copy()
    numerical_gradient(lambda w: np.sum(w * w), x, method=method)
    assert x.dtype == np.float64
    assert x.tobytes() == before.tobytes()


def test_a_read_only_x_is_not_written_to():
    x = X0.copy()
    x.flags.writeable = False
    np.testing.assert_allclose(numerical_gradient(smooth, x), smooth_grad(X0), rtol=1e-8)
    np.testing.assert_array_equal(x, X0)


def test_lists_and_integer_arrays_are_accepted():
    f = lambda w: np.sum(w**2)  # noqa: E731
    np.testing.assert_allclose(numerical_gradient(f, [1, 2]), [2, 4], rtol=1e-9)
    ints = np.array([1, 2])
    np.testing.assert_allclose(numerical_gradient(f, ints), [2, 4], rtol=1e-9)
    np.testing.assert_array_equal(ints, [1, 2])


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_a_low_precision_x_is_computed_in_float64(dtype):
    x = X0.astype(dtype)
    before = x.copy()
    g = numerical_gradient(smooth, x)
    assert g.dtype == np.float64 and g.shape == x.shape
    assert x.dtype == dtype and x.tobytes() == before.tobytes()
    np.testing.assert_allclose(g, smooth_grad(x.astype(np.float64)), rtol=1e-8)
    check = gradient_check(smooth, smooth_grad, x)
    assert check.passed and check.max_rel_error < 1e-8


@pytest.mark.parametrize("h", [1e-300, 1e-17])
def test_a_step_that_rounds_away_next_to_x_raises_value_error_naming_h(h):
    with pytest.raises(ValueError, match=r"h must be large enough that x \+ h differs from x"):
        numerical_gradient(lambda w: np.sum(w**2), np.array([1.0, 2.0]), h=h)
    with pytest.raises(ValueError, match=r"h must be large enough"):
        gradient_check(lambda w: np.sum(w**2), lambda w: 2 * w, np.array([1.0, 2.0]), h=h)


def test_the_complex_step_may_be_tiny_next_to_x():
    g = numerical_gradient(lambda w: np.sum(w**2), np.array([1.0, 2.0]), h=1e-300, method="complex")
    np.testing.assert_allclose(g, [2.0, 4.0])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_x_raises_value_error_naming_x(bad):
    x = np.array([1.0, bad])
    for call in (
        lambda: numerical_gradient(lambda w: np.sum(w**2), x),
        lambda: gradient_check(lambda w: np.sum(w**2), lambda w: 2 * w, x),
    ):
        with pytest.raises(
            ValueError, match=r"x must be a point of finite numbers; got .* index 1"
        ):
            call()


@pytest.mark.parametrize("x", [np.array([1.0 + 2j, 0.5]), ["a", "b"], [True, False], None])
def test_an_x_that_is_not_real_numbers_raises_type_error_naming_x(x):
    with pytest.raises(TypeError, match="x must be a point of real numbers"):
        numerical_gradient(lambda w: np.sum(w**2), x)


def test_an_f_returning_a_complex_number_at_a_real_point_raises_value_error():
    with pytest.raises(ValueError, match="f must return a real number"):
        numerical_gradient(lambda w: np.sum(w**2) + 1j, np.ones(2))
    # a zero imaginary part is a real number
    np.testing.assert_allclose(
        numerical_gradient(lambda w: np.sum(w**2) + 0j, np.ones(2)), [2.0, 2.0], rtol=1e-8
    )


def test_a_zero_dimensional_x_works():
    assert numerical_gradient(lambda w: float(w) ** 3, np.array(2.0)) == pytest.approx(12.0)


def test_f_returning_an_array_raises_value_error():
    with pytest.raises(ValueError, match="single number"):
        numerical_gradient(lambda w: w * 2, np.ones(3))


@pytest.mark.parametrize(
    ("h", "error"),
    [
        (0.0, ValueError),
        (-1e-5, ValueError),
        (np.nan, ValueError),
        (np.inf, ValueError),
        (None, TypeError),
        ("small", TypeError),
        (True, TypeError),
    ],
)
def test_a_bad_step_raises_an_error_naming_the_value(h, error):
    with pytest.raises(error, match=rf"h must be .*; got {h!r}"):
        numerical_gradient(smooth, X0.copy(), h=h)
    with pytest.raises(error, match=rf"h must be .*; got {h!r}"):
        gradient_check(smooth, smooth_grad, X0.copy(), h=h)


@pytest.mark.parametrize("method", ["backward", "Central", ""])
def test_an_unknown_method_raises_value_error_listing_the_methods(method):
    for call in (
        lambda: numerical_gradient(smooth, X0.copy(), method=method),
        lambda: gradient_check(smooth, smooth_grad, X0.copy(), method=method),
    ):
        with pytest.raises(ValueError, match=rf"'forward', 'central', 'complex'; got {method!r}"):
            call()


# gradient_check


def test_gradient_check_passes_a_right_gradient():
    check = gradient_check(smooth, smooth_grad, X0.copy())
    assert isinstance(check, GradientCheck)
    assert check.passed
    assert check.max_rel_error < 1e-7
    assert check.verdict == "good"
    np.testing.assert_allclose(check.analytical, smooth_grad(X0))
    assert check.indices == ((0,), (1,), (2,))


@pytest.mark.parametrize("method", ["central", "complex"])
def test_gradient_check_passes_a_right_gradient_with_each_method(method):
    h = 1e-20 if method == "complex" else 1e-5
    check = gradient_check(smooth, smooth_grad, X0.copy(), h=h, method=method)
    assert check.passed and check.method == method


def test_gradient_check_hands_the_analytical_gradient_a_real_copy_of_x():
    x = X0.copy()
    seen = []

    def grad(w):
        seen.append(w)
        w += 1.0  # a careless gradient function must not spoil the check
        return smooth_grad(w - 1.0)

    for method in ("central", "complex"):
        check = gradient_check(
            smooth, grad, x, h=1e-20 if method == "complex" else 1e-5, method=method
        )
        assert check.passed
        assert seen[-1] is not x and seen[-1].dtype == np.float64
        np.testing.assert_array_equal(x, X0)


def test_gradient_check_fails_a_planted_bug_with_verdict_probably_wrong():
    def buggy(x):
        g = smooth_grad(x)
        g[1] *= 2  # the planted bug
        return g

    check = gradient_check(smooth, buggy, X0.copy())
    assert not check.passed
    assert check.verdict == "probably wrong"
    assert check.max_rel_error > 1e-2
    assert check.indices[int(np.argmax(check.rel_errors))] == (1,)
    assert check.rel_errors[0] < 1e-7 and check.rel_errors[2] < 1e-7


def test_gradient_check_accepts_the_gradient_value_instead_of_a_function():
    assert gradient_check(smooth, smooth_grad(X0), X0.copy()).passed


def test_gradient_check_leaves_x_exactly_as_it_was():
    x = np.random.default_rng(1).standard_normal((6, 7))
    before = x.copy()
    gradient_check(lambda w: np.sum(w**3), lambda w: 3 * w**2, x, n_checks=10)
    assert x.tobytes() == before.tobytes()


def big_problem():
    x = np.random.default_rng(2).standard_normal((20, 50))
    return (lambda w: np.sum(np.sin(w))), np.cos, x


def test_n_checks_is_reproducible_for_a_seed():
    f, grad, x = big_problem()
    a = gradient_check(f, grad, x, n_checks=15, seed=7)
    b = gradient_check(f, grad, x, n_checks=15, seed=7)
    assert a.indices == b.indices
    np.testing.assert_array_equal(a.numerical, b.numerical)
    assert gradient_check(f, grad, x, n_checks=15, seed=8).indices != a.indices


@CHECK
@given(n_checks=st.integers(1, 1000), seed=st.integers(0, 2**32 - 1))
def test_n_checks_checks_that_many_distinct_coordinates(n_checks, seed):
    f, grad, x = big_problem()
    check = gradient_check(f, grad, x, n_checks=n_checks, seed=seed)
    assert len(check.indices) == len(set(check.indices)) == n_checks
    assert all(0 <= i < 20 and 0 <= j < 50 for i, j in check.indices)
    assert check.analytical.shape == check.numerical.shape == check.rel_errors.shape == (n_checks,)
    np.testing.assert_array_equal(check.analytical, [np.cos(x[i]) for i in check.indices])


def test_n_checks_beyond_the_size_checks_every_coordinate_once():
    f, grad, _ = big_problem()
    check = gradient_check(f, grad, np.ones((2, 3)), n_checks=100)
    assert sorted(check.indices) == [(i, j) for i in range(2) for j in range(3)]


def test_both_zero_relative_error_is_zero():
    np.testing.assert_array_equal(relative_error([0.0, 0.0], [0.0, -0.0]), [0.0, 0.0])
    check = gradient_check(lambda w: 0.0, np.zeros_like, np.zeros(4))
    assert check.max_rel_error == 0.0 and check.passed and check.verdict == "good"


@CHECK
@given(a=st.floats(-1e6, 1e6), n=st.floats(-1e6, 1e6))
def test_relative_error_is_the_difference_over_the_larger_magnitude(a, n):
    scale = max(abs(a), abs(n))
    expected = abs(a - n) / scale if scale > 0 else 0.0
    assert float(relative_error(a, n)) == pytest.approx(expected, rel=1e-15)
    assert float(relative_error(a, n)) == float(relative_error(n, a))


@pytest.mark.parametrize(
    ("rel_error", "words"),
    [
        (np.inf, "probably wrong"),
        (np.nan, "probably wrong"),
        (0.5, "probably wrong"),
        (1e-2, "probably wrong"),
        (1e-3, "uncomfortable: look closer"),
        (1e-5, "acceptable only where the function has kinks"),
        (1e-8, "good"),
        (0.0, "good"),
    ],
)
def test_verdict_reads_the_relative_error_with_the_cs231n_thresholds(rel_error, words):
    assert verdict(rel_error) == words


def test_passed_compares_the_worst_error_with_tol():
    def off_by(scale):
        return lambda x: smooth_grad(x) * (1 + scale)

    assert gradient_check(smooth, off_by(1e-6), X0.copy(), tol=1e-5).passed
    assert not gradient_check(smooth, off_by(1e-4), X0.copy(), tol=1e-5).passed
    assert gradient_check(smooth, off_by(1e-4), X0.copy(), tol=1e-3).passed


def test_the_repr_is_a_small_table_with_the_outcome():
    text = repr(gradient_check(smooth, smooth_grad, X0.copy()))
    assert "PASSED" in text and "rel. error" in text and "good" in text
    assert len(text.splitlines()) == 2 + 3 + 1
    f, grad, x = big_problem()
    long = repr(gradient_check(f, grad, x, n_checks=50))
    assert "40 more rows" in long and len(long.splitlines()) == 2 + 10 + 2


@pytest.mark.parametrize(
    ("n_checks", "error"),
    [(0, ValueError), (-3, ValueError), (2.5, TypeError), (True, TypeError), ("10", TypeError)],
)
def test_bad_n_checks_raises_an_error_naming_the_value(n_checks, error):
    with pytest.raises(error, match=rf"n_checks must be .*; got {n_checks!r}"):
        gradient_check(smooth, smooth_grad, X0.copy(), n_checks=n_checks)


@pytest.mark.parametrize("tol", [0.0, -1.0, np.nan])
def test_bad_tol_raises_value_error_naming_the_value(tol):
    with pytest.raises(ValueError, match=rf"tol must be .*; got {tol!r}"):
        gradient_check(smooth, smooth_grad, X0.copy(), tol=tol)


def test_an_analytical_gradient_of_the_wrong_shape_raises_value_error_naming_both_shapes():
    with pytest.raises(ValueError, match=r"shape \(2,\), but x has shape \(3,\)"):
        gradient_check(smooth, lambda x: x[:2], X0.copy())


# gradient_check: non-finite gradients and the absolute floor


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_analytical_gradient_never_passes(bad):
    check = gradient_check(lambda w: np.sum(w**2), lambda w: np.full(3, bad), np.ones(3))
    assert not check.passed
    assert check.verdict == "probably wrong"
    assert check.max_rel_error == np.inf
    assert "FAILED" in check.table()


def test_a_non_finite_numerical_gradient_never_passes():
    check = gradient_check(lambda w: np.sum(w**2) * np.inf, lambda w: 2 * w, np.ones(2))
    assert not check.passed and check.verdict == "probably wrong"


def test_a_non_finite_value_is_infinitely_far_from_everything():
    np.testing.assert_array_equal(
        relative_error([np.nan, np.inf, 1.0, np.inf], [np.inf, np.inf, np.nan, 1.0]), [np.inf] * 4
    )


def test_a_correct_gradient_passes_at_a_minimum_by_the_absolute_floor():
    rosenbrock = lambda w: (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2  # noqa: E731
    check = gradient_check(rosenbrock, np.zeros(2), np.array([1.0, 1.0]))
    assert check.numerical[0] == pytest.approx(4e-8, rel=1e-3)  # the truncation error alone
    assert check.rel_errors[0] == 1.0
    assert check.passed and check.verdict == "good"
    assert check.criteria == ("absolute", "absolute")
    # the old purely relative check failed it
    assert not gradient_check(rosenbrock, np.zeros(2), np.array([1.0, 1.0]), atol=0).passed


def test_a_wrong_small_gradient_still_fails_the_absolute_floor():
    check = gradient_check(lambda w: np.sum(w**3), lambda w: 3 * w, np.array([1e-3, 2.0]))
    assert check.criteria == ("absolute", "relative")
    assert not check.passed
    np.testing.assert_array_equal(check.row_passed, [False, False])


def test_the_criterion_is_relative_where_the_gradient_is_large_next_to_the_floor():
    check = gradient_check(smooth, smooth_grad, X0.copy(), atol=1e-7, tol=1e-5)
    scale = np.maximum(np.abs(check.analytical), np.abs(check.numerical))
    assert check.criteria == tuple("absolute" if s < 1e-2 else "relative" for s in scale)


def test_the_table_says_which_criterion_judged_each_row():
    rosenbrock = lambda w: (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2  # noqa: E731
    text = gradient_check(rosenbrock, lambda w: np.array([0.0, 1e-3]), np.array([1.0, 1.0])).table()
    rows = text.splitlines()[2:4]
    assert rows[0].endswith("abs") and rows[1].endswith("abs FAIL")
    assert "floor 1e-07" in text.splitlines()[0]
    assert "judged by |a − n| <= 1e-07" in text
