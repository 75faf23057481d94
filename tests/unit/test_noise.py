"""The mini-batch gradient cloud: unbiased, spread ∝ 1/√B, zero for the full batch, seeded."""

import numpy as np
import pytest

from gdviz import problems
from gdviz.noise import gradient_cloud, gradient_clouds


@pytest.fixture(scope="module")
def line():
    return problems.linear_regression(n=1024, noise=0.5, seed=0)


def _finite_population_factor(n: int, batch_size: int) -> float:
    return np.sqrt((n - batch_size) / (n - 1))


def test_spread_shrinks_like_one_over_root_batch_size(line):
    sizes = [1, 4, 16, 64, 256]
    spreads = [gradient_cloud(line, line.start, b, n_batches=1000, seed=1).spread for b in sizes]
    # spread · √B, corrected for drawing without replacement, is one constant: σ
    sigma = [
        s * np.sqrt(b) / _finite_population_factor(line.n, b)
        for s, b in zip(spreads, sizes, strict=True)
    ]
    np.testing.assert_allclose(sigma, np.mean(sigma), rtol=0.08)
    ratio = spreads[1] / spreads[3]  # B = 4 against B = 64: √16 = 4
    assert ratio == pytest.approx(
        4 * _finite_population_factor(line.n, 4) / _finite_population_factor(line.n, 64), rel=0.1
    )


def test_spread_matches_the_per_example_variance(line):
    per_example = np.array([line.grad(line.start, [i]) for i in range(line.n)])
    sigma = np.sqrt(np.sum(per_example.var(axis=0)))
    cloud = gradient_cloud(line, line.start, 32, n_batches=2000, seed=3)
    expected = sigma / np.sqrt(32) * _finite_population_factor(line.n, 32)
    assert cloud.spread == pytest.approx(expected, rel=0.05)


def test_batch_gradients_are_unbiased(line):
    cloud = gradient_cloud(line, [0.5, 0.5], 8, n_batches=2000, seed=0)
    standard_error = cloud.spread / np.sqrt(len(cloud.grads))
    assert np.linalg.norm(cloud.mean - cloud.full) < 4 * standard_error
    np.testing.assert_allclose(cloud.full, line.grad([0.5, 0.5]))


def test_full_batch_has_no_spread(line):
    cloud = gradient_cloud(line, line.start, line.n, n_batches=5)
    assert cloud.spread == 0.0
    np.testing.assert_array_equal(cloud.grads, np.tile(line.grad(line.start), (5, 1)))


def test_same_seed_same_cloud_other_seed_other_cloud(line):
    a = gradient_cloud(line, line.start, 16, seed=7)
    b = gradient_cloud(line, line.start, 16, seed=7)
    c = gradient_cloud(line, line.start, 16, seed=8)
    np.testing.assert_array_equal(a.grads, b.grads)
    assert not np.array_equal(a.grads, c.grads)


def test_each_batch_draws_distinct_examples():
    # two examples, one of each sign: a batch of 2 with a repeat would not average to 0
    data = problems.LinearRegression([0.0, 0.0], [1.0, -1.0])
    cloud = gradient_cloud(data, [0.0, 0.0], 2, n_batches=50)
    np.testing.assert_allclose(cloud.grads, 0.0, atol=1e-15)


def test_repr_gives_the_numbers(line):
    text = repr(gradient_cloud(line, line.start, 16, n_batches=10))
    assert text.startswith("GradientCloud(10 batches of 16:") and "spread" in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 0}, r"batch_size must be a whole number in \[1, 1024\]"),
        ({"batch_size": 4, "n_batches": 0}, r"n_batches must be a whole number in \[1, 100000\]"),
        (
            {"batch_size": 4, "n_batches": 10**6},
            r"n_batches must be a whole number in \[1, 100000\]",
        ),
        ({"batch_size": 4, "seed": -1}, "seed must be a whole number >= 0"),
        ({"batch_size": 4, "params": [np.nan, 0.0]}, "params must be a point of finite numbers"),
        ({"batch_size": 4, "params": [[0.0, 0.0]]}, r"params must be a point of shape \(d,\)"),
    ],
)
def test_bad_values_are_refused_with_value_error(line, kwargs, message):
    kwargs = {"params": [0.0, 0.0], **kwargs}
    with pytest.raises(ValueError, match=message):
        gradient_cloud(line, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 2.5}, "batch_size must be a whole number"),
        ({"batch_size": float("inf")}, "batch_size must be a whole number"),
        ({"batch_size": 4, "seed": 1.5}, "seed must be a whole number"),
        ({"batch_size": 4, "params": ["a", "b"]}, "params must be a point of real numbers"),
    ],
)
def test_values_of_the_wrong_type_are_refused_with_type_error(line, kwargs, message):
    kwargs = {"params": [0.0, 0.0], **kwargs}
    with pytest.raises(TypeError, match=message):
        gradient_cloud(line, **kwargs)


def test_clouds_along_a_path_are_the_clouds_at_each_point(line):
    points = np.array([line.start, [0.0, 0.0], line.minima[0]])
    for size in (1, 16, line.n):
        clouds = gradient_clouds(line, points, size, n_batches=20, seed=5)
        for point, cloud in zip(points, clouds, strict=True):
            alone = gradient_cloud(line, point, size, n_batches=20, seed=5)
            np.testing.assert_array_equal(cloud.grads, alone.grads)
            np.testing.assert_array_equal(cloud.full, alone.full)
            assert cloud.batch_size == size


def test_clouds_need_a_stack_of_points(line):
    with pytest.raises(ValueError, match="points must be a stack of points"):
        gradient_clouds(line, [0.0, 0.0], 4)
