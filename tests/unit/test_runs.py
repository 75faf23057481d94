"""Runs: descend (one run or a vectorised batch of runs) and minibatch_descend."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz import Path, Surface, descend, minibatch_descend, problems, surfaces
from gdviz.batches import minibatches
from gdviz.optimizers import (
    AdaGrad,
    Adam,
    GradientDescent,
    Momentum,
    Nesterov,
    Newton,
    RMSProp,
)
from gdviz.runs import MAX_LOSS_GROWTH

CHECK = settings(derandomize=True, database=None, deadline=None, max_examples=30)

LINE = problems.linear_regression(n=200, seed=1)
LOGISTIC = problems.logistic_regression(n=200, seed=1)
DIGITS = problems.softmax_digits()

# descend: one run


def test_one_run_has_steps_plus_one_points_losses_and_gradients():
    bowl = surfaces.get("quadratic")
    path = descend(bowl, GradientDescent(lr=0.1), start=[1.0, -1.0], steps=25)
    assert isinstance(path, Path)
    assert path.points.shape == (26, 2) and path.grads.shape == (26, 2)
    assert path.losses.shape == (26,)
    assert path.steps == 25
    assert path.diverged is False and path.diverged_at is None
    np.testing.assert_array_equal(path.points[0], [1.0, -1.0])
    np.testing.assert_array_equal(path.losses, bowl(path.points))
    np.testing.assert_array_equal(path.grads, bowl.grad(path.points))


def test_one_run_starts_at_the_surface_default_start():
    banana = surfaces.get("rosenbrock")
    path = descend(banana, Adam(lr=0.01), steps=3)
    np.testing.assert_array_equal(path.points[0], banana.start)


def test_zero_steps_is_just_the_start():
    path = descend(surfaces.get("booth"), GradientDescent(lr=0.01), steps=0)
    assert path.points.shape == (1, 2) and not path.diverged


def test_the_start_is_never_modified():
    start = np.array([1.0, 1.0])
    start.flags.writeable = False
    descend(surfaces.get("booth"), Momentum(lr=0.01), start=start, steps=5)
    np.testing.assert_array_equal(start, [1.0, 1.0])


@pytest.mark.parametrize(
    ("steps", "error"),
    [(-1, ValueError), (2.5, TypeError), (True, TypeError), ("10", TypeError), (None, TypeError)],
)
def test_a_bad_step_count_raises_an_error_naming_it(steps, error):
    with pytest.raises(error, match=rf"steps must be a whole number >= 0; got {steps!r}"):
        descend(surfaces.get("booth"), GradientDescent(lr=0.01), steps=steps)


@pytest.mark.parametrize("start", [[np.nan, 0.0], [0.0, np.inf], 3.0])
def test_a_start_that_is_not_a_finite_point_raises_value_error(start):
    with pytest.raises(ValueError, match="start must be a"):
        descend(surfaces.get("booth"), GradientDescent(lr=0.01), start=start)


def test_a_surface_without_a_start_needs_one():
    class Bare:
        name = "bare"

        def __call__(self, p):
            return np.sum(p * p, -1)

        def grad(self, p):
            return 2 * p

    with pytest.raises(ValueError, match="bare has no default start: pass start="):
        descend(Bare(), GradientDescent(lr=0.1))
    assert descend(Bare(), GradientDescent(lr=0.1), start=[1.0, 1.0], steps=2).steps == 2


# descend: many runs in one call


def test_a_stack_of_starts_gives_steps_plus_one_by_k_points_and_per_run_divergence():
    starts = np.array([[1.0, 1.0], [-1.0, 0.5], [0.0, 2.0]])
    path = descend(surfaces.get("quadratic"), GradientDescent(lr=0.1), start=starts, steps=10)
    assert path.points.shape == (11, 3, 2) and path.grads.shape == (11, 3, 2)
    assert path.losses.shape == (11, 3)
    assert path.diverged.dtype == bool and path.diverged.shape == (3,)
    assert np.issubdtype(path.diverged_at.dtype, np.integer)
    np.testing.assert_array_equal(path.diverged_at, [-1, -1, -1])
    np.testing.assert_array_equal(path.points[0], starts)


def test_an_array_of_learning_rates_turns_one_start_into_k_runs():
    lrs = np.array([0.01, 0.1, 0.3])
    path = descend(surfaces.get("quadratic"), GradientDescent(lr=lrs[:, None]), steps=50)
    assert path.points.shape == (51, 3, 2)
    np.testing.assert_array_equal(path.diverged, [False, False, True])
    assert "3 runs, 1 diverged" in repr(path)


OBJECTIVES = {name: surfaces.get(name) for name in surfaces.names()} | {
    "tilted quadratic": surfaces.get("quadratic", condition=50, angle=30),
    "linear regression": LINE,
    "logistic regression": LOGISTIC,
}
OPTIMIZERS = [GradientDescent, Momentum, Nesterov, AdaGrad, RMSProp, Adam]


def single_run_hyperparameters(opt, i):
    return {k: (v[i, 0] if np.ndim(v) else v) for k, v in opt.hyperparameters().items()}


@pytest.mark.parametrize("cls", OPTIMIZERS)
@pytest.mark.parametrize("name", OBJECTIVES)
def test_a_sweep_of_learning_rates_equals_the_loop_of_single_runs(name, cls):
    objective = OBJECTIVES[name]
    lrs = np.geomspace(1e-4, 1e2, 24)  # from crawling to diverging
    sweep = descend(objective, cls(lr=lrs[:, None]), steps=120)
    for i, lr in enumerate(lrs):
        single = descend(objective, cls(lr=lr), steps=120)
        n = len(single.points)
        # bit for bit: the same points, the same gradients
        np.testing.assert_array_equal(sweep.points[:n, i], single.points)
        np.testing.assert_array_equal(sweep.grads[:n, i], single.grads)
        # a loss computed on a 0-d scalar may take a different libm path (x ** 2 as pow)
        np.testing.assert_array_max_ulp(sweep.losses[:n, i], single.losses, maxulp=2)
        assert sweep.diverged[i] == single.diverged
        assert sweep.diverged_at[i] == (single.diverged_at if single.diverged else -1)
        # after its divergence a run of the sweep is NaN, and only then
        assert np.all(np.isnan(sweep.points[n:, i])) and np.all(np.isnan(sweep.losses[n:, i]))
        assert np.all(np.isfinite(sweep.points[:n, i]))


def test_a_sweep_of_learning_rates_and_momenta_equals_the_single_runs():
    lrs, betas = np.array([[1e-3], [1e-2], [5e-2]]), np.array([[0.5], [0.9], [0.99]])
    banana = surfaces.get("rosenbrock")
    sweep = descend(banana, Momentum(lr=lrs, beta=betas), steps=200)
    for i in range(3):
        single = descend(banana, Momentum(lr=lrs[i, 0], beta=betas[i, 0]), steps=200)
        np.testing.assert_array_equal(sweep.points[: len(single.points), i], single.points)


def test_a_sweep_of_starts_equals_the_single_runs():
    starts = np.random.default_rng(0).uniform(-4, 4, (20, 2))
    himmelblau = surfaces.get("himmelblau")
    sweep = descend(himmelblau, Adam(lr=0.1), start=starts, steps=100)
    for i, start in enumerate(starts):
        single = descend(himmelblau, Adam(lr=0.1), start=start, steps=100)
        np.testing.assert_array_equal(sweep.points[:, i], single.points)


# divergence


def test_divergence_emits_no_runtime_warning_for_one_run_or_many():
    bowl = surfaces.get("quadratic")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as pytest's filterwarnings=error, stated here too
        one = descend(bowl, GradientDescent(lr=1e150), start=[1e150, 1e150], steps=50)
        many = descend(bowl, GradientDescent(lr=np.array([[0.1], [1e150]])), steps=50)
        quartic = Surface(
            lambda p: np.sum(p**4, -1),
            grad=lambda p: 4 * p**3,
            hessian=lambda p: 12 * p[..., None, :] ** 2 * np.eye(2),
        )
        with pytest.raises(ValueError, match="the Hessian is singular"):
            descend(quartic, Newton(), start=[1.0, 0.0], steps=3)
    assert one.diverged and many.diverged[1] and not many.diverged[0]


def test_one_diverged_run_keeps_only_its_finite_prefix():
    bowl = surfaces.get("quadratic")  # κ = 10: GD diverges beyond lr = 0.2
    path = descend(bowl, GradientDescent(lr=0.25), steps=200)
    assert path.diverged is True
    assert path.points.shape == (path.diverged_at, 2) == (18, 2)
    assert path.losses.shape == (18,) and path.grads.shape == (18, 2)
    assert np.all(np.isfinite(path.points)) and np.all(np.isfinite(path.losses))
    assert path.steps == path.diverged_at - 1
    assert "diverged at step 18" in repr(path)
    longer = descend(bowl, GradientDescent(lr=np.array([[0.25]])), steps=200)
    np.testing.assert_array_equal(longer.points[:18, 0], path.points)


def test_divergence_is_declared_at_the_first_loss_beyond_the_documented_limit():
    bowl = surfaces.get("quadratic")
    lr, start = 0.21, np.array([-1.5, 0.5])
    path = descend(bowl, GradientDescent(lr=lr), start=start, steps=400)
    # closed form: (I − lr·H)^k x0, loss ½ xᵀHx; the limit is loss0 + 1e6·max(1, |loss0|)
    hessian = bowl.hessian(start)
    xs = [start]
    for _ in range(400):
        xs.append(xs[-1] - lr * hessian @ xs[-1])
    losses = np.array([0.5 * x @ hessian @ x for x in xs])
    limit = losses[0] + MAX_LOSS_GROWTH * max(1.0, abs(losses[0]))
    assert path.diverged_at == int(np.argmax(losses > limit))
    assert np.all(np.isfinite(losses))  # finite: it is the growth rule that stopped it


def test_a_loss_without_a_floor_running_off_downwards_counts_as_divergence():
    saddle = surfaces.get("saddle")
    path = descend(saddle, GradientDescent(lr=0.5), steps=1000)
    assert path.diverged
    band = MAX_LOSS_GROWTH * max(1.0, abs(path.losses[0]))
    assert np.all(np.abs(path.losses - path.losses[0]) <= band)  # the kept prefix is in the band
    # the step that stopped it left the band: after step 1, x = 0 and y doubles, so loss = -y² quadruples
    assert abs(4 * path.losses[-1] - path.losses[0]) > band
    assert np.all(np.isfinite(path.points))


@pytest.mark.parametrize(
    ("name", "params", "lam_max"),
    [
        ("quadratic", {"condition": 10}, 10.0),
        ("quadratic", {"condition": 100, "angle": 30}, 100.0),
        ("quadratic", {"condition": 1}, 1.0),
        ("booth", {}, 18.0),
    ],
)
def test_gd_diverges_exactly_beyond_lr_two_over_lambda_max(name, params, lam_max):
    s = surfaces.get(name, **params)
    critical = 2 / lam_max
    lrs = critical * np.array([0.9, 0.999, 1.001, 1.1])
    path = descend(s, GradientDescent(lr=lrs[:, None]), steps=6000)
    np.testing.assert_array_equal(path.diverged, [False, False, True, True])
    # the two below the limit converge to the minimum
    minimum = s.minima[0]
    for i in (0, 1):
        assert np.max(np.abs(path.points[-1, i] - minimum)) < 1e-3


# minibatch_descend


@pytest.mark.parametrize("problem", [LINE, LOGISTIC, DIGITS], ids=["line", "logistic", "digits"])
@pytest.mark.parametrize("cls", [GradientDescent, Adam])
def test_batch_size_n_reproduces_descend_exactly(problem, cls):
    steps = 10 if problem is DIGITS else 60
    full = descend(problem, cls(lr=0.05), steps=steps)
    batched = minibatch_descend(problem, cls(lr=0.05), batch_size=problem.n, steps=steps, seed=3)
    np.testing.assert_array_equal(batched.points, full.points)
    np.testing.assert_array_equal(batched.losses, full.losses)
    np.testing.assert_array_equal(batched.grads, full.grads)
    np.testing.assert_array_equal(batched.batch_losses, full.losses)
    assert batched.diverged == full.diverged


def test_the_same_seed_gives_the_same_path_and_another_seed_another():
    def run(seed):
        return minibatch_descend(LINE, Momentum(lr=0.05), batch_size=8, steps=50, seed=seed)

    a, b, c = run(5), run(5), run(6)
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.batch_losses, b.batch_losses)
    assert not np.array_equal(a.points, c.points)


def test_each_step_uses_the_gradient_of_the_next_seeded_batch():
    path = minibatch_descend(LOGISTIC, GradientDescent(lr=0.5), batch_size=30, steps=20, seed=9)
    sampler = minibatches(LOGISTIC.n, 30, np.random.default_rng(9))
    for t in range(21):
        batch = next(sampler)
        np.testing.assert_array_equal(path.grads[t], LOGISTIC.grad(path.points[t], batch))
        assert path.batch_losses[t] == LOGISTIC.loss(path.points[t], batch)
        assert path.losses[t] == LOGISTIC.loss(path.points[t])
        if t < 20:
            np.testing.assert_array_equal(path.points[t + 1], path.points[t] - 0.5 * path.grads[t])


@CHECK
@given(n=st.integers(2, 60), data=st.data())
def test_epochs_count_steps_including_a_last_short_batch(n, data):
    batch_size = data.draw(st.integers(1, n))
    epochs = data.draw(st.integers(0, 3))
    problem = problems.linear_regression(n=n, seed=0)
    path = minibatch_descend(
        problem, GradientDescent(lr=0.01), batch_size=batch_size, epochs=epochs
    )
    per_epoch = -(-n // batch_size)
    assert path.steps == epochs * per_epoch
    sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    expected = np.concatenate([[0], np.cumsum(sizes * epochs)]).astype(int)
    np.testing.assert_array_equal(path.examples_seen, expected)
    assert path.examples_seen[-1] == epochs * n
    assert path.batch_size == batch_size


def test_examples_seen_counts_batch_sizes_when_steps_are_given():
    path = minibatch_descend(LINE, GradientDescent(lr=0.01), batch_size=64, steps=5)
    # 200 examples: batches of 64, 64, 64, then the short 8, then a new epoch
    np.testing.assert_array_equal(path.examples_seen, [0, 64, 128, 192, 200, 264])
    assert path.batch_losses.shape == path.losses.shape == (6,)


def test_every_example_is_used_once_per_epoch_of_a_run():
    problem = problems.linear_regression(n=23, seed=0)
    path = minibatch_descend(problem, GradientDescent(lr=0.01), batch_size=5, epochs=3, seed=4)
    sampler = minibatches(23, 5, np.random.default_rng(4))
    for _ in range(3):
        epoch = np.concatenate([next(sampler) for _ in range(5)])
        np.testing.assert_array_equal(np.sort(epoch), np.arange(23))
    assert path.steps == 15


@pytest.mark.parametrize(
    ("batch_size", "error"),
    [
        *[(0, ValueError), (-1, ValueError), (201, ValueError)],
        *[(2.5, TypeError), (True, TypeError), ("8", TypeError), (None, TypeError)],
        *[(np.inf, TypeError), (np.nan, TypeError)],
    ],
)
def test_a_bad_batch_size_raises_an_error_that_says_so(batch_size, error):
    with pytest.raises(error, match=r"batch_size must be a whole number in \[1, 200\]; got"):
        minibatch_descend(LINE, GradientDescent(lr=0.01), batch_size=batch_size, steps=3)


def test_a_numpy_integer_batch_size_is_fine():
    path = minibatch_descend(LINE, GradientDescent(lr=0.01), batch_size=np.int64(10), steps=3)
    assert path.batch_size == 10 and type(path.batch_size) is int


@pytest.mark.parametrize(("steps", "epochs"), [(None, None), (10, 1), (0, 0)])
def test_giving_both_or_neither_of_steps_and_epochs_raises_value_error_that_says_so(steps, epochs):
    with pytest.raises(ValueError, match="give exactly one of steps and epochs"):
        minibatch_descend(LINE, GradientDescent(lr=0.01), batch_size=10, steps=steps, epochs=epochs)


@pytest.mark.parametrize(
    ("epochs", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_a_bad_epoch_count_raises_an_error_naming_it(epochs, error):
    with pytest.raises(error, match=rf"epochs must be a whole number >= 0.*; got {epochs!r}"):
        minibatch_descend(LINE, GradientDescent(lr=0.01), batch_size=10, epochs=epochs)


def test_minibatch_descend_runs_one_start_only():
    with pytest.raises(
        ValueError, match=r"start must be a point of shape \(d,\); got shape \(3, 2\)"
    ):
        minibatch_descend(
            LINE, GradientDescent(lr=0.01), start=np.zeros((3, 2)), batch_size=4, steps=2
        )


def test_a_diverging_minibatch_run_keeps_its_finite_prefix_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = minibatch_descend(LINE, GradientDescent(lr=50.0), batch_size=16, steps=500, seed=0)
    assert path.diverged and path.diverged_at == len(path.points)
    assert np.all(np.isfinite(path.points)) and np.all(np.isfinite(path.losses))
    assert len(path.batch_losses) == len(path.examples_seen) == len(path.points)


# bad input: a start where the loss is not finite, too much work, wrong shapes, complex values


@pytest.mark.parametrize(
    ("surface", "start"),
    [
        (Surface(lambda p: np.log(p[..., 0]), grad=lambda p: 1 / p), [-1.0, 1.0]),
        (surfaces.get("saddle"), [1e300, 1e300]),
        (Surface(lambda p: np.full(p.shape[:-1], np.nan)), [0.0, 0.0]),
    ],
    ids=["log of a negative number", "overflow", "all NaN"],
)
def test_a_start_where_the_loss_is_not_finite_raises_value_error_naming_the_start(surface, start):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the surfaces' own numpy warnings, not descend's
        with pytest.raises(ValueError, match=r"start must be a point where the loss .* finite"):
            descend(surface, GradientDescent(lr=0.1), start=start, steps=5)


def test_a_stack_of_starts_names_the_run_whose_start_is_not_finite():
    saddle = surfaces.get("saddle")
    with pytest.raises(ValueError, match=r"\(run 1\)"):
        descend(saddle, GradientDescent(lr=0.1), start=[[1.0, 1.0], [1e300, 1e300]], steps=5)


def test_a_non_finite_start_for_minibatch_descend_raises_value_error():
    with pytest.raises(ValueError, match="start must be a point of finite numbers"):
        minibatch_descend(LINE, GradientDescent(lr=0.1), start=[np.nan, 0.0], steps=3)


def test_more_work_than_the_maximum_is_refused_at_once_saying_the_bound():
    from gdviz.runs import MAX_MINIBATCH_STEPS

    bowl = surfaces.get("quadratic")
    with pytest.raises(
        ValueError, match=r"steps × runs × d must be <= 2_000_000 .*10_000_000 steps"
    ):
        descend(bowl, GradientDescent(lr=0.1), steps=10**7)
    lrs = np.full((11, 1), 0.1)
    with pytest.raises(ValueError, match=r"100_000 steps × 11 runs × 2 coordinates = 2_200_000"):
        descend(bowl, GradientDescent(lr=lrs), steps=100_000)
    with pytest.raises(ValueError, match=r"5_000 steps × 1 run × 650 coordinates"):
        descend(DIGITS, GradientDescent(lr=0.1), steps=5_000)
    big = problems.linear_regression(n=100_000)
    with pytest.raises(
        ValueError, match=r"steps × runs × \(n \+ batch_size\) × d must be <= 1e\+10"
    ):
        descend(big, GradientDescent(lr=0.1), steps=100_000)
    with pytest.raises(ValueError, match=r"steps must be a whole number in \[0, 250000\] or None"):
        minibatch_descend(
            LINE, GradientDescent(lr=0.1), batch_size=1, steps=MAX_MINIBATCH_STEPS + 1
        )
    with pytest.raises(ValueError, match=r"epochs must be at most 1_250 with batch_size=1"):
        minibatch_descend(LINE, GradientDescent(lr=0.1), batch_size=1, epochs=10**5)
    with pytest.raises(ValueError, match=r"3_100 steps × 1 run × 650 coordinates"):
        minibatch_descend(DIGITS, GradientDescent(lr=0.1), batch_size=32, steps=3_100)
    big = problems.linear_regression(n=100_000)
    with pytest.raises(
        ValueError, match=r"steps × runs × \(n \+ batch_size\) × d must be <= 1e\+10"
    ):
        minibatch_descend(big, GradientDescent(lr=0.1), batch_size=32, steps=100_000)


def test_the_largest_descend_allowed_is_accepted():
    lrs = np.full((1000, 1), 0.1)
    path = descend(surfaces.get("quadratic"), GradientDescent(lr=lrs), steps=1000)
    assert path.points.shape == (1001, 1000, 2)


def test_an_lr_array_that_does_not_fit_the_start_raises_value_error_naming_lr():
    with pytest.raises(ValueError, match=r"lr has shape \(3,\), which does not fit a start"):
        descend(surfaces.get("booth"), GradientDescent(lr=[0.1, 0.2, 0.3]), steps=2)


@pytest.mark.parametrize(
    ("surface", "message"),
    [
        (Surface(lambda p: np.zeros(3), grad=lambda p: p), r"loss of shape \(3,\)"),
        (Surface(lambda p: p[..., 0], grad=lambda p: p[..., 0]), r"gradient of shape \(\)"),
    ],
)
def test_a_surface_returning_the_wrong_shape_raises_value_error_saying_so(surface, message):
    with pytest.raises(ValueError, match=message):
        descend(surface, GradientDescent(lr=0.1), start=[1.0, 1.0], steps=2)


def test_a_complex_valued_surface_raises_type_error_without_warnings():
    complex_bowl = Surface(lambda p: np.sum(p * p, -1) + 1j, grad=lambda p: 2 * p + 0j)
    with pytest.raises(TypeError, match="custom returned a complex loss"):
        descend(complex_bowl, GradientDescent(lr=0.1), start=[1.0, 1.0], steps=3)


# where the run ends: minimum, maximum or saddle point


def test_newton_on_the_saddle_says_it_ended_at_a_saddle_point():
    path = descend(surfaces.get("saddle"), Newton(), steps=5)
    assert path.stationary == "saddle point"
    np.testing.assert_allclose(path.end_eigenvalues, [-2.0, 2.0])
    assert "ends at a saddle point, not a minimum (Hessian eigenvalues -2, 2)" in repr(path)


def test_newton_from_himmelblaus_default_start_says_it_ended_at_the_local_maximum():
    path = descend(surfaces.get("himmelblau"), Newton(), steps=50)
    assert path.stationary == "maximum"
    assert np.all(path.end_eigenvalues < 0)
    assert "ends at a maximum, not a minimum" in repr(path)


def test_a_run_that_reaches_a_minimum_says_minimum_and_its_repr_is_unchanged():
    path = descend(surfaces.get("quadratic"), GradientDescent(lr=0.1), steps=400)
    assert path.stationary == "minimum"
    assert repr(path).endswith("→ 0)") or "not a minimum" not in repr(path)


def test_a_run_that_has_not_arrived_has_no_stationary_point():
    path = descend(surfaces.get("rosenbrock"), GradientDescent(lr=1e-4), steps=10)
    assert path.stationary is None and path.end_eigenvalues is None


def test_a_singular_hessian_makes_newton_raise_value_error_naming_the_point():
    flat = Surface(
        lambda p: p[..., 0] ** 2, grad=lambda p: np.stack([2 * p[..., 0], 0 * p[..., 1]], -1)
    )
    with pytest.raises(ValueError, match=r"the Hessian is singular at \[1. 1.\]"):
        descend(flat, Newton(), start=[1.0, 1.0], steps=2)


def test_a_singular_hessian_in_three_dimensions_raises_the_same_value_error():
    opt = Newton()
    with pytest.raises(ValueError, match="Newton needs an invertible Hessian"):
        opt.step(np.ones(3), np.ones(3), opt.init(None), hessian=np.zeros((3, 3)))


# progress


def test_no_progress_bar_and_nothing_on_stderr_in_tests(capsys):
    descend(surfaces.get("quadratic"), GradientDescent(lr=0.1), steps=2000)
    assert capsys.readouterr().err == ""


def test_a_long_run_shows_a_progress_bar_when_asked(monkeypatch, capsys):
    from gdviz import runs

    monkeypatch.setattr(runs, "PROGRESS", True)
    monkeypatch.setattr(runs, "PROGRESS_AFTER", 0.0)  # every run counts as long
    path = descend(surfaces.get("quadratic"), GradientDescent(lr=0.01), steps=3000)
    assert path.steps == 3000
    err = capsys.readouterr().err
    assert "descend (quadratic)" in err and "3000" in err


def test_a_short_run_shows_no_progress_bar_even_when_asked(monkeypatch, capsys):
    from gdviz import runs

    monkeypatch.setattr(runs, "PROGRESS", True)
    descend(surfaces.get("quadratic"), GradientDescent(lr=0.01), steps=3000)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("value", "expected"), [("0", False), ("1", True), ("", None)])
def test_the_progress_variable_sets_progress_at_import(value, expected):
    import subprocess
    import sys

    code = "import gdviz.runs as r; print(r.PROGRESS)"
    env = {"GDVIZ_PROGRESS": value, "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == str(expected), out.stderr


def test_the_first_steps_of_a_run_diverging_right_after_them_have_not_diverged():
    run = descend(surfaces.get("quadratic"), GradientDescent(0.25))
    assert run.diverged and run.diverged_at == 18 and run.steps == 17
    assert not run.first(17).diverged and run.first(17).steps == 17
    assert run.first(18) is run
