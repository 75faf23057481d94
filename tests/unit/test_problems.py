"""Losses over data: gradients, batches as unbiased means, data safety, training."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz import Surface, datasets, gradient_check, minibatch_descend, numerical_gradient, problems
from gdviz.optimizers import GradientDescent

CHECK = settings(derandomize=True, database=None, deadline=None, max_examples=40)
unit = st.floats(0.0, 1.0)

LINE = problems.linear_regression(n=300, noise=0.5, seed=2)
LOGISTIC = problems.logistic_regression(n=300, seed=2)
DIGITS = problems.softmax_digits()
TWO_PARAMETER = {"linear": LINE, "logistic": LOGISTIC}
ALL = {**TWO_PARAMETER, "softmax": DIGITS}


def point_in(domain, u, v):
    (x0, x1), (y0, y1) = domain
    return np.array([x0 + u * (x1 - x0), y0 + v * (y1 - y0)])


def assert_matches_differences(analytical, numerical, scale):
    """As for the surfaces: truncation ~1e-6 relative, round-off ~50·ε·|f|/h."""
    tol = 1e-6 * np.maximum(1.0, np.abs(analytical)) + 1e-9 * scale
    bad = np.abs(np.asarray(analytical) - numerical) > tol
    assert not bad.any(), f"analytical {analytical} vs central differences {numerical}"


def some_batch(problem, size, seed):
    return np.random.default_rng(seed).choice(problem.n, size=size, replace=False)


@pytest.mark.parametrize("name", TWO_PARAMETER)
@pytest.mark.parametrize("batch_size", [None, 1, 17])
@CHECK
@given(u=unit, v=unit, seed=st.integers(0, 1000))
def test_gradient_matches_central_differences_anywhere_in_the_domain(name, batch_size, u, v, seed):
    problem = TWO_PARAMETER[name]
    batch = None if batch_size is None else some_batch(problem, batch_size, seed)
    p = point_in(problem.domain, u, v)
    numeric = numerical_gradient(lambda q: float(problem.loss(q, batch)), p.copy())
    assert_matches_differences(problem.grad(p, batch), numeric, abs(float(problem.loss(p, batch))))


@pytest.mark.parametrize("name", TWO_PARAMETER)
@pytest.mark.parametrize("batch_size", [None, 17])
@CHECK
@given(u=unit, v=unit, seed=st.integers(0, 1000))
def test_hessian_matches_central_differences_of_the_gradient(name, batch_size, u, v, seed):
    problem = TWO_PARAMETER[name]
    batch = None if batch_size is None else some_batch(problem, batch_size, seed)
    p = point_in(problem.domain, u, v)
    numeric = np.stack(
        [
            numerical_gradient(lambda q, i=i: float(problem.grad(q, batch)[i]), p.copy())
            for i in range(2)
        ]
    )
    hessian = problem.hessian(p, batch)
    assert hessian.shape == (2, 2)
    assert_matches_differences(hessian, numeric, float(np.max(np.abs(problem.grad(p, batch)))))


@pytest.mark.parametrize("batch_size", [None, 1, 40])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_softmax_gradient_passes_gradient_check_on_random_coordinates(batch_size, seed):
    batch = None if batch_size is None else some_batch(DIGITS, batch_size, seed)
    params = DIGITS.initial_params(seed=seed, scale=0.5)
    # Round-off in a loss of about 3 costs ε·3/h ≈ 1e-10 in each difference, which reads as
    # a relative 1e-5 on the few entries of about 1e-5 (weights of pixels that are almost
    # always blank): tol 1e-4, and the absolute agreement asserted too. A wrong gradient is
    # off by more than 1e-2.
    check = gradient_check(
        lambda p: DIGITS.loss(p, batch),
        lambda p: DIGITS.grad(p, batch),
        params,
        n_checks=60,
        seed=seed,
        tol=1e-4,
    )
    assert len(check.indices) == 60
    assert check.passed, check
    assert np.max(np.abs(check.analytical - check.numerical)) < 1e-9


def test_softmax_gradient_check_catches_a_forgotten_regularisation_term():
    strong = problems.softmax_digits(reg=0.5)
    params = strong.initial_params(seed=0, scale=0.5)

    def forgot_reg(p):
        weights, bias = strong.unpack(p)
        return strong.grad(p) - strong.pack(strong.reg * weights, np.zeros_like(bias))

    check = gradient_check(strong.loss, forgot_reg, params, n_checks=30, seed=0)
    assert not check.passed and check.verdict == "probably wrong"


def per_example_losses(name, params, rows):
    """Each example's loss, written independently of the package."""
    if name == "linear":
        w, b = params
        return 0.5 * (w * LINE.x[rows] + b - LINE.y[rows]) ** 2
    if name == "logistic":
        w, b = params
        z = w * LOGISTIC.x[rows] + b
        return np.log1p(np.exp(z)) - LOGISTIC.labels[rows] * z
    weights, bias = DIGITS.unpack(params)
    scores = DIGITS.features[rows] @ weights.T + bias
    log_norm = np.log(np.sum(np.exp(scores), axis=1))
    penalty = 0.5 * DIGITS.reg * np.sum(weights**2)
    return log_norm - scores[np.arange(len(rows)), DIGITS.labels[rows]] + penalty


def some_params(name, seed):
    problem = ALL[name]
    if name == "softmax":
        return problem.initial_params(seed=seed, scale=0.3)
    rng = np.random.default_rng(seed)
    return point_in(problem.domain, *rng.uniform(0, 1, 2))


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_batch_loss_is_the_mean_of_per_example_losses(name, batch_size):
    problem = ALL[name]
    for seed in range(5):
        rows = some_batch(problem, batch_size, seed)
        params = some_params(name, seed)
        expected = np.mean(per_example_losses(name, params, rows))
        assert float(problem.loss(params, rows)) == pytest.approx(expected, rel=1e-12, abs=1e-14)
        singles = [float(problem.loss(params, np.array([i]))) for i in rows]
        assert float(problem.loss(params, rows)) == pytest.approx(np.mean(singles), rel=1e-12)


@pytest.mark.parametrize("name", ALL)
def test_the_full_loss_and_gradient_are_those_of_the_batch_of_all_examples(name):
    problem = ALL[name]
    params = some_params(name, 3)
    everyone = np.arange(problem.n)
    assert float(problem.loss(params)) == float(problem.loss(params, everyone))
    np.testing.assert_array_equal(problem.grad(params), problem.grad(params, everyone))
    assert float(problem.loss(params)) == pytest.approx(
        np.mean(per_example_losses(name, params, everyone)), rel=1e-12
    )


@pytest.mark.parametrize(
    ("name", "batch_size"), [("linear", 30), ("logistic", 25), ("softmax", 337)]
)
def test_batch_gradients_are_unbiased_over_the_batches_of_an_epoch(name, batch_size):
    problem = ALL[name]
    assert problem.n % batch_size == 0  # equal-size batches
    params = some_params(name, 4)
    order = np.random.default_rng(4).permutation(problem.n)
    batches = order.reshape(-1, batch_size)
    mean_of_batches = np.mean([problem.grad(params, b) for b in batches], axis=0)
    np.testing.assert_allclose(mean_of_batches, problem.grad(params), rtol=1e-10, atol=1e-13)
    mean_loss = np.mean([problem.loss(params, b) for b in batches])
    assert mean_loss == pytest.approx(float(problem.loss(params)), rel=1e-12)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize(
    "batch",
    [
        np.array([], dtype=int),
        np.array([0.0, 1.0]),
        np.array([[0, 1]]),
        np.array([-1, 2]),
        [0, 10**6],
    ],
    ids=["empty", "floats", "2-d", "negative", "too large"],
)
def test_a_bad_batch_raises_value_error(name, batch):
    problem = ALL[name]
    with pytest.raises(ValueError, match="batch"):
        problem.grad(some_params(name, 0), batch)
    with pytest.raises(ValueError, match="batch"):
        problem.loss(some_params(name, 0), batch)


@pytest.mark.parametrize("name", TWO_PARAMETER)
def test_two_parameter_problems_are_surfaces_with_analytical_gradients(name):
    problem = TWO_PARAMETER[name]
    assert isinstance(problem, Surface)
    assert not problem.grad_is_numerical
    assert "analytical" in repr(problem)
    (x0, x1), (y0, y1) = problem.domain
    minimum = problem.minima[0]
    assert x0 < minimum[0] < x1 and y0 < minimum[1] < y1
    assert x0 <= problem.start[0] <= x1 and y0 <= problem.start[1] <= y1
    assert np.max(np.abs(problem.grad(minimum))) < 1e-10
    assert np.all(np.linalg.eigvalsh(problem.hessian(minimum)) > 0)


@pytest.mark.parametrize("name", TWO_PARAMETER)
def test_a_grid_in_one_call_equals_pointwise_calls(name):
    problem = TWO_PARAMETER[name]
    (x0, x1), (y0, y1) = problem.domain
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 60), np.linspace(y0, y1, 50)), axis=-1)
    values, grads, hessians = problem(grid), problem.grad(grid), problem.hessian(grid)
    assert values.shape == (50, 60) and grads.shape == (50, 60, 2)
    assert hessians.shape == (50, 60, 2, 2)
    for i, j in [(0, 0), (49, 59), (13, 37), (25, 2)]:
        assert float(problem(grid[i, j])) == values[i, j]
        np.testing.assert_array_equal(problem.grad(grid[i, j]), grads[i, j])
        np.testing.assert_array_equal(problem.hessian(grid[i, j]), hessians[i, j])


def test_linear_regression_minimum_is_the_least_squares_line():
    slope, intercept = np.polyfit(LINE.x, LINE.y, 1)
    np.testing.assert_allclose(LINE.minima[0], [slope, intercept], rtol=1e-10)


def test_linear_regression_loss_is_never_negative_even_for_noiseless_data():
    exact = problems.LinearRegression(*datasets.make_line(n=1000, noise=0.0, seed=0))
    np.testing.assert_allclose(exact.minima[0], [2.0, -1.0], rtol=1e-12)
    grid = np.stack(np.meshgrid(np.linspace(1.99, 2.01, 41), np.linspace(-1.01, -0.99, 41)), -1)
    assert np.min(exact(grid)) >= 0.0
    assert float(exact(exact.minima[0])) >= 0.0
    assert float(exact.loss(exact.minima[0], np.arange(7))) >= 0.0
    assert float(exact(exact.minima[0])) < 1e-14


@pytest.mark.parametrize(
    ("make", "args"),
    [
        (problems.LinearRegression, ("x", "y")),
        (problems.LogisticRegression, ("x", "labels")),
        (problems.SoftmaxClassifier, ("features", "labels", "test_features", "test_labels")),
    ],
)
def test_user_data_arrays_are_not_modified_and_are_kept_as_read_only_copies(make, args):
    rng = np.random.default_rng(0)
    if make is problems.SoftmaxClassifier:
        data = [
            rng.uniform(0, 1, (40, 3)),
            np.arange(40) % 3,
            rng.uniform(0, 1, (10, 3)),
            np.arange(10) % 3,
        ]
    else:
        data = [rng.standard_normal(50), (rng.standard_normal(50) > 0).astype(float)]
    originals = [a.copy() for a in data]
    problem = make(*data)
    start = getattr(problem, "start", None)
    minibatch_descend(problem, GradientDescent(lr=0.1), start=start, batch_size=8, steps=20)
    for attribute, theirs, original in zip(args, data, originals, strict=True):
        kept = getattr(problem, attribute)
        np.testing.assert_array_equal(theirs, original)  # untouched
        assert theirs.flags.writeable  # still the user's to change
        assert not np.shares_memory(kept, theirs)  # a copy
        assert not kept.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            kept[0] = 0
        theirs[0] = 123  # the user changing their array changes nothing in the problem
        np.testing.assert_array_equal(kept[0], original[0])


def test_softmax_accuracy_improves_after_a_few_hundred_sgd_steps():
    before = DIGITS.accuracy(DIGITS.start)
    path = minibatch_descend(DIGITS, GradientDescent(lr=0.5), batch_size=32, steps=300, seed=0)
    after = DIGITS.accuracy(path.points[-1])
    assert before < 0.2  # all-zero weights: one class for every image
    assert after > 0.9
    assert DIGITS.accuracy(path.points[-1], split="train") > 0.9
    assert path.losses[-1] < 0.25 * path.losses[0]


def test_softmax_pack_and_unpack_are_inverse():
    params = DIGITS.initial_params(seed=1)
    weights, bias = DIGITS.unpack(params)
    assert weights.shape == (10, 64) and bias.shape == (10,)
    np.testing.assert_array_equal(DIGITS.pack(weights, bias), params)
    with pytest.raises(ValueError, match=r"params must have shape \(650,\)"):
        DIGITS.unpack(np.zeros(649))


def test_softmax_accuracy_rejects_an_unknown_split():
    with pytest.raises(ValueError, match="split must be 'test' or 'train'; got 'validation'"):
        DIGITS.accuracy(DIGITS.start, split="validation")


@pytest.mark.parametrize(
    ("make", "kwargs"),
    [
        (datasets.make_line, {"n": 50, "noise": 0.3}),
        (datasets.make_two_classes, {"n": 50, "separation": 1.5}),
    ],
)
def test_data_sets_are_deterministic_for_a_seed(make, kwargs):
    a, b, c = make(**kwargs, seed=11), make(**kwargs, seed=11), make(**kwargs, seed=12)
    for first, second in zip(a, b, strict=True):
        np.testing.assert_array_equal(first, second)
    assert not np.array_equal(a[0], c[0])


def test_problems_and_the_digits_split_are_deterministic_for_a_seed():
    np.testing.assert_array_equal(
        problems.linear_regression(n=100, seed=5).y, problems.linear_regression(n=100, seed=5).y
    )
    np.testing.assert_array_equal(
        problems.logistic_regression(n=100, seed=5).minima,
        problems.logistic_regression(n=100, seed=5).minima,
    )
    a, b, c = (
        problems.softmax_digits(seed=1),
        problems.softmax_digits(seed=1),
        problems.softmax_digits(seed=2),
    )
    np.testing.assert_array_equal(a.features, b.features)
    np.testing.assert_array_equal(a.test_labels, b.test_labels)
    assert not np.array_equal(a.labels, c.labels)
    assert a.n + len(a.test_labels) == 1797


def test_two_classes_have_equal_counts_and_overlap():
    x, labels = datasets.make_two_classes(n=400, seed=0)
    assert labels.sum() == 200
    assert x[labels == 0].max() > x[labels == 1].min()  # not separable


def test_load_digits_returns_copies():
    images, labels = datasets.load_digits()
    images[0] = -1
    labels[:] = 0
    fresh_images, fresh_labels = datasets.load_digits()
    assert fresh_images[0].min() >= 0 and fresh_labels[1] == 1


@pytest.mark.parametrize(
    ("n", "error"), [(1, ValueError), (0, ValueError), (2.5, TypeError), (True, TypeError)]
)
def test_a_bad_example_count_raises_an_error_naming_it(n, error):
    with pytest.raises(error, match=rf"n must be a whole number in \[2, 10000000\]; got {n!r}"):
        datasets.make_line(n=n)


@pytest.mark.parametrize("noise", [-0.1, np.nan, np.inf])
def test_bad_noise_raises_value_error_naming_it(noise):
    with pytest.raises(ValueError, match=rf"noise must be a finite number >= 0; got {noise!r}"):
        datasets.make_line(noise=noise)


def test_separable_classes_are_refused_with_a_value_error_that_says_why():
    with pytest.raises(ValueError, match="separable"):
        problems.LogisticRegression([-2.0, -1.0, 1.0, 2.0], [0, 0, 1, 1])


def test_linear_regression_on_data_with_a_nan_raises_value_error_and_prints_nothing(capfd):
    with pytest.raises(
        ValueError, match=r"x must be a point of finite numbers; got nan at index 1"
    ):
        problems.LinearRegression([1, np.nan, 3], [1, 2, 3])
    with pytest.raises(ValueError, match=r"y must be a point of finite numbers"):
        problems.LinearRegression([1, 2, 3], [1, np.inf, 3])
    assert capfd.readouterr() == ("", "")  # nothing from LAPACK on the real stderr


def test_logistic_regression_on_data_with_a_nan_raises_value_error():
    with pytest.raises(ValueError, match=r"x must be a point of finite numbers"):
        problems.LogisticRegression([1, np.nan, 3, 4], [0, 1, 0, 1])


def test_a_batch_minimum_is_that_batch_least_squares_line():
    line = problems.linear_regression(n=200, seed=1)
    np.testing.assert_allclose(line.minimum(), line.minima[0], atol=1e-12)
    pair = np.array([3, 50])  # two examples with different x: the line through both
    w, b = line.minimum(pair)
    np.testing.assert_allclose(w * line.x[pair] + b, line.y[pair], atol=1e-9)
    batch = np.arange(20, 60)
    np.testing.assert_allclose(line.grad(line.minimum(batch), batch), 0.0, atol=1e-9)


def test_a_batch_of_one_example_has_no_single_minimum():
    line = problems.linear_regression(n=50)
    assert np.isnan(line.minimum([4])).all()
    same_x = problems.LinearRegression([1.0, 1.0, 2.0], [0.0, 1.0, 3.0])
    assert np.isnan(same_x.minimum([0, 1])).all()
