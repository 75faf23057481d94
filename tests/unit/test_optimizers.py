"""Optimizer steppers: closed forms, hand computations, purity, validation."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz import descend, optimizers, problems, surfaces
from gdviz.optimizers import (
    AdaGrad,
    AdaGradState,
    Adam,
    AdamState,
    GDState,
    GradientDescent,
    Momentum,
    MomentumState,
    Nesterov,
    Newton,
    NewtonState,
    Optimizer,
    RMSProp,
    RMSPropState,
)

CHECK = settings(derandomize=True, database=None, deadline=None, max_examples=40)

FIRST_ORDER = [GradientDescent, Momentum, Nesterov, AdaGrad, RMSProp, Adam]

# closed forms


@CHECK
@given(
    condition=st.floats(1.0, 100.0),
    angle=st.floats(0.0, 180.0),
    fraction=st.floats(0.01, 1.05),
    x=st.floats(-2.0, 2.0),
    y=st.floats(-2.0, 2.0),
)
def test_gd_on_a_quadratic_equals_the_matrix_power_closed_form(condition, angle, fraction, x, y):
    bowl = surfaces.get("quadratic", condition=condition, angle=angle)
    # from well inside to a little beyond the stability limit (but within the divergence rule)
    lr = fraction * 2 / condition
    hessian = bowl.hessian([0.0, 0.0])
    x0 = np.array([x, y])
    path = descend(bowl, GradientDescent(lr=lr), start=x0, steps=40)
    assert not path.diverged
    iteration = np.eye(2) - lr * hessian
    expected = np.stack([np.linalg.matrix_power(iteration, k) @ x0 for k in range(41)])
    np.testing.assert_allclose(path.points, expected, rtol=1e-9, atol=1e-12)


def test_adam_first_step_has_size_lr_per_coordinate_whatever_the_gradient_scale():
    grad = np.array([1e3, -2.5, 1e-3, -7e-2])
    for lr in (1e-3, 0.1, 2.0):
        opt = Adam(lr=lr)
        params = np.array([0.5, -1.0, 2.0, 0.0])
        new, state = opt.step(params, grad, opt.init(params))
        np.testing.assert_allclose(params - new, lr * np.sign(grad), rtol=1e-4)
        assert state.step == 1


@CHECK
@given(
    g=st.lists(
        st.floats(1e-3, 1e6).flatmap(lambda m: st.sampled_from([m, -m])), min_size=1, max_size=5
    ),
    lr=st.floats(1e-4, 10.0),
)
def test_adam_first_step_is_lr_times_the_sign_of_the_gradient(g, lr):
    g = np.array(g)
    opt = Adam(lr=lr, beta1=0.8, beta2=0.99)
    new, _ = opt.step(np.zeros_like(g), g, opt.init(np.zeros_like(g)))
    # exactly −lr·g/(|g| + eps): eps = 1e-8 moves it by at most 1e-5 of lr here
    np.testing.assert_allclose(new, -lr * np.sign(g), rtol=2e-5)


def test_gd_one_step_by_hand():
    new, state = GradientDescent(lr=0.5).step(
        np.array([1.0, -2.0]), np.array([4.0, 1.0]), GDState(7)
    )
    np.testing.assert_allclose(new, [-1.0, -2.5])
    assert state == GDState(8)


def test_momentum_one_step_by_hand():
    # v ← βv − lr·g = 0.9·[0.2, −0.1] − 0.1·[1, 2] = [0.08, −0.29];  x ← x + v
    state = MomentumState(step=3, velocity=np.array([0.2, -0.1]))
    new, after = Momentum(lr=0.1, beta=0.9).step(np.array([1.0, 1.0]), np.array([1.0, 2.0]), state)
    np.testing.assert_allclose(after.velocity, [0.08, -0.29], rtol=1e-14)
    np.testing.assert_allclose(new, [1.08, 0.71], rtol=1e-14)
    assert after.step == 4


def test_nesterov_one_step_by_hand():
    # v ← βv_prev − lr·g = [0.08, −0.29];  x ← x − βv_prev + (1 + β)v
    #   = [1 − 0.18 + 1.9·0.08, 1 + 0.09 − 1.9·0.29] = [0.972, 0.539]
    state = MomentumState(step=3, velocity=np.array([0.2, -0.1]))
    new, after = Nesterov(lr=0.1, beta=0.9).step(np.array([1.0, 1.0]), np.array([1.0, 2.0]), state)
    np.testing.assert_allclose(after.velocity, [0.08, -0.29], rtol=1e-14)
    np.testing.assert_allclose(new, [0.972, 0.539], rtol=1e-14)
    assert after.step == 4


def test_nesterov_tracks_the_look_ahead_point_of_the_classic_form():
    # Sutskever et al.: v ← βv − lr·∇f(x + βv), x ← x + v. gdviz tracks w = x + βv,
    # where that gradient is taken, so it needs the gradient at its own point only.
    banana = surfaces.get("rosenbrock")
    lr, beta = 1e-4, 0.9
    x, v = banana.start.copy(), np.zeros(2)
    opt = Nesterov(lr=lr, beta=beta)
    w, state = banana.start.copy(), opt.init(banana.start)
    for _ in range(50):
        v = beta * v - lr * banana.grad(x + beta * v)
        x = x + v
        w, state = opt.step(w, banana.grad(w), state)
        np.testing.assert_allclose(w, x + beta * v, rtol=1e-12, atol=1e-14)


def test_adagrad_one_step_by_hand():
    # G ← G + g² = [1 + 9, 4 + 0];  x ← x − lr·g / (√G + eps)
    state = AdaGradState(step=2, sum_sq_grad=np.array([1.0, 4.0]))
    new, after = AdaGrad(lr=0.5, eps=1e-8).step(np.array([1.0, 1.0]), np.array([3.0, 0.0]), state)
    np.testing.assert_allclose(after.sum_sq_grad, [10.0, 4.0])
    np.testing.assert_allclose(new, [1.0 - 0.5 * 3 / (np.sqrt(10) + 1e-8), 1.0], rtol=1e-15)
    assert after.step == 3


def test_rmsprop_one_step_by_hand():
    # s ← ρs + (1 − ρ)g² = [0.9 + 0.4, 3.6 + 0.1];  x ← x − lr·g / (√s + eps)
    state = RMSPropState(step=5, mean_sq_grad=np.array([1.0, 4.0]))
    opt = RMSProp(lr=0.01, rho=0.9, eps=1e-8)
    new, after = opt.step(np.array([1.0, 1.0]), np.array([2.0, -1.0]), state)
    np.testing.assert_allclose(after.mean_sq_grad, [1.3, 3.7], rtol=1e-15)
    expected = [1.0 - 0.01 * 2 / (np.sqrt(1.3) + 1e-8), 1.0 + 0.01 / (np.sqrt(3.7) + 1e-8)]
    np.testing.assert_allclose(new, expected, rtol=1e-15)
    assert after.step == 6


def test_adam_second_step_by_hand_with_bias_correction():
    # t = 2: m = 0.9·0.1 + 0.1·2 = 0.29, v = 0.999·0.01 + 0.001·4 = 0.01399,
    # m̂ = 0.29 / (1 − 0.81), v̂ = 0.01399 / (1 − 0.998001)
    state = AdamState(step=1, first_moment=np.array([0.1]), second_moment=np.array([0.01]))
    new, after = Adam(lr=0.1).step(np.array([1.0]), np.array([2.0]), state)
    m_hat, v_hat = 0.29 / 0.19, 0.01399 / 0.001999
    np.testing.assert_allclose(after.first_moment, [0.29], rtol=1e-14)
    np.testing.assert_allclose(after.second_moment, [0.01399], rtol=1e-14)
    np.testing.assert_allclose(new, [1.0 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)], rtol=1e-12)
    assert after.step == 2


@CHECK
@given(
    condition=st.floats(1.0, 1e4),
    angle=st.floats(0.0, 180.0),
    x=st.floats(-2.0, 2.0),
    y=st.floats(-2.0, 2.0),
)
def test_newton_reaches_a_quadratic_minimum_in_one_step(condition, angle, x, y):
    bowl = surfaces.get("quadratic", condition=condition, angle=angle)
    path = descend(bowl, Newton(lr=1.0), start=[x, y], steps=1)
    np.testing.assert_allclose(path.points[1], [0.0, 0.0], atol=1e-12)


@pytest.mark.parametrize(
    "objective", [surfaces.get("booth"), problems.linear_regression(n=500)], ids=["booth", "line"]
)
def test_newton_reaches_the_minimum_of_booth_and_of_least_squares_in_one_step(objective):
    path = descend(objective, Newton(), steps=1)
    np.testing.assert_allclose(path.points[1], objective.minima[0], rtol=1e-10, atol=1e-10)


def test_newton_without_a_hessian_raises_value_error_saying_so():
    opt = Newton()
    with pytest.raises(ValueError, match="Newton needs the Hessian"):
        opt.step(np.zeros(2), np.ones(2), opt.init(np.zeros(2)))


def test_newton_solves_larger_systems_too():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 4))
    hessian, grad = a @ a.T + 4 * np.eye(4), rng.standard_normal(4)
    opt = Newton(lr=0.5)
    new, _ = opt.step(np.zeros(4), grad, opt.init(np.zeros(4)), hessian=hessian)
    np.testing.assert_allclose(new, -0.5 * np.linalg.solve(hessian, grad), rtol=1e-12)


# purity


def read_only(arr):
    arr = np.array(arr, dtype=float)
    arr.flags.writeable = False
    return arr


def frozen_state(state):
    return type(state)(*(read_only(v) if isinstance(v, np.ndarray) else v for v in state))


@pytest.mark.parametrize("cls", [*FIRST_ORDER, Newton])
def test_step_never_modifies_params_grad_or_state(cls):
    opt = cls(lr=0.1)
    params, grad = read_only([1.0, -2.0]), read_only([0.5, 3.0])
    hessian = read_only([[2.0, 0.5], [0.5, 1.0]])
    state = frozen_state(opt.init(params))
    for _ in range(3):  # read-only inputs: any in-place write would raise
        before = [np.copy(v) for v in (params, grad, hessian, *state)]
        new, new_state = opt.step(params, grad, state, hessian=hessian)
        for old, now in zip(before, (params, grad, hessian, *state), strict=True):
            np.testing.assert_array_equal(old, now)
        assert not np.shares_memory(new, params)
        params, state = read_only(new), frozen_state(new_state)


@pytest.mark.parametrize("cls", FIRST_ORDER)
def test_init_never_aliases_params(cls):
    params = np.array([1.0, 2.0])
    state = cls(lr=0.1).init(params)
    for value in state:
        if isinstance(value, np.ndarray):
            assert not np.shares_memory(value, params)
            np.testing.assert_array_equal(value, 0.0)
    assert state.step == 0


@pytest.mark.parametrize(
    ("opt", "text"),
    [
        (Momentum(lr=0.1), "MomentumState(step=0, velocity=array([0., 0.]))"),
        (
            Adam(lr=0.1),
            "AdamState(step=0, first_moment=array([0., 0.]), second_moment=array([0., 0.]))",
        ),
        (AdaGrad(), "AdaGradState(step=0, sum_sq_grad=array([0., 0.]))"),
        (RMSProp(), "RMSPropState(step=0, mean_sq_grad=array([0., 0.]))"),
        (GradientDescent(), "GDState(step=0)"),
    ],
)
def test_the_state_is_a_small_named_object_a_learner_can_print(opt, text):
    assert repr(opt.init(np.zeros(2))) == text


def test_hyper_parameter_arrays_advance_many_runs_in_one_step():
    lrs = np.array([[0.1], [0.2], [0.3]])
    new, _ = GradientDescent(lr=lrs).step(np.ones((3, 2)), np.array([1.0, 2.0]), GDState(0))
    np.testing.assert_allclose(new, [[0.9, 0.8], [0.8, 0.6], [0.7, 0.4]])


# validation

LR_RANGE = r"lr must be a finite number > 0"
BAD_LRS = [0.0, -1.0, np.nan, np.inf, -np.inf]


@pytest.mark.parametrize("cls", [*FIRST_ORDER, Newton])
@pytest.mark.parametrize("lr", BAD_LRS)
def test_a_bad_learning_rate_raises_value_error_naming_parameter_value_and_range(cls, lr):
    with pytest.raises(ValueError, match=rf"^{LR_RANGE}; got {float(lr)!r}$"):
        cls(lr=lr)


BETAS = [
    (Momentum, "beta"),
    (Nesterov, "beta"),
    (RMSProp, "rho"),
    (Adam, "beta1"),
    (Adam, "beta2"),
]


@pytest.mark.parametrize(("cls", "name"), BETAS)
@pytest.mark.parametrize("value", [1.0, 1.5, -0.1, np.nan, np.inf])
def test_a_beta_outside_zero_to_one_raises_value_error_naming_parameter_value_and_range(
    cls, name, value
):
    with pytest.raises(
        ValueError, match=rf"^{name} must be a finite number in \[0, 1\); got {value!r}$"
    ):
        cls(lr=0.1, **{name: value})


@pytest.mark.parametrize(("cls", "name"), BETAS)
def test_a_beta_of_zero_is_allowed(cls, name):
    cls(lr=0.1, **{name: 0.0})


@pytest.mark.parametrize("cls", [AdaGrad, RMSProp, Adam])
@pytest.mark.parametrize("eps", [0.0, -1e-8, np.nan, np.inf])
def test_a_bad_eps_raises_value_error_naming_parameter_value_and_range(cls, eps):
    with pytest.raises(ValueError, match=rf"^eps must be a finite number > 0; got {eps!r}$"):
        cls(lr=0.1, eps=eps)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"lr": np.array([[0.1], [-2.0], [0.3]])},
            r"lr must be a finite number > 0; got -2.0 \(at index \(1, 0\)",
        ),
        ({"lr": [0.1, 0.2, np.nan]}, r"lr must be a finite number > 0; got nan \(at index \(2,\)"),
        (
            {"lr": 0.1, "beta1": [0.5, 1.0]},
            r"beta1 must be a finite number in \[0, 1\); got 1.0 \(at index \(1,\)",
        ),
    ],
)
def test_an_array_with_one_bad_entry_raises_value_error_naming_the_entry(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Adam(**kwargs)


@pytest.mark.parametrize("lr", ["fast", [0.1, "x"], {"lr": 0.1}, True, None, 1j])
def test_a_learning_rate_that_is_not_a_number_raises_type_error(lr):
    with pytest.raises(TypeError, match=r"^lr must be a finite number > 0; got"):
        GradientDescent(lr=lr)


def test_get_builds_an_optimizer_by_short_name_and_lists_the_names_when_unknown():
    assert repr(optimizers.get("momentum", lr=0.05)) == "Momentum(lr=0.05, beta=0.9)"
    assert optimizers.names() == [
        "gd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "newton",
    ]
    with pytest.raises(ValueError, match="unknown optimizer 'sgd'; choose one of: gd, momentum"):
        optimizers.get("sgd")


# what the classes say about themselves, and registering a new one


def test_every_built_in_optimizer_describes_itself():
    from gdviz.plotting import COLORS

    registry = optimizers.registry()
    assert list(registry) == optimizers.names()
    for name, cls in registry.items():
        assert cls.name == name and cls.label
        assert cls.color in COLORS and cls.color != "#F0E442"  # no yellow on cividis
        assert cls.family in optimizers.FAMILIES
    assert len({cls.color for cls in registry.values()}) == len(registry)


@pytest.mark.parametrize(
    ("name", "kwargs", "limit"),
    [
        ("gd", {}, 0.2),
        ("momentum", {"beta": 0.9}, 0.38),
        ("nesterov", {"beta": 0.9}, 2 * 1.9 / (2.8 * 10)),
        ("newton", {}, 2.0),
        ("adam", {}, None),
    ],
)
def test_each_class_knows_its_stability_limit(name, kwargs, limit):
    assert optimizers.get(name, **kwargs).stability_limit(10.0)[0] == limit


def test_a_surface_curving_down_has_no_stability_limit():
    limit, reason = GradientDescent().stability_limit(-2.0)
    assert limit is None and "curves down" in reason


class _Sign(Optimizer):
    name, label, color = "sign-test", "sign descent", "#999999"

    def __init__(self, lr=0.1):
        self.lr = lr

    def init(self, params):
        return GDState(0)

    def step(self, params, grad, state, hessian=None):
        return np.asarray(params) - self.lr * np.sign(grad), GDState(state.step + 1)


def test_a_registered_optimizer_is_one_class_and_borrows_no_stability_limit():
    optimizers.register(_Sign)
    try:
        assert "sign-test" in optimizers.names()
        opt = optimizers.get("sign-test", lr=0.5)
        limit, reason = opt.stability_limit(10.0)
        assert limit is None and "sign descent has no known stability limit" == reason
        path = descend(surfaces.get("quadratic"), opt, steps=3)
        assert path.steps == 3
    finally:
        optimizers.unregister("sign-test")
    assert "sign-test" not in optimizers.names()


def test_importing_the_widgets_after_registering_an_optimizer_works():
    code = (
        "import numpy as np\n"
        "from gdviz import optimizers\n"
        "class Sign(optimizers.Optimizer):\n"
        "    name, label = 'sign', 'sign descent'\n"
        "optimizers.register(Sign)\n"
        "import gdviz.widgets.race as race\n"
        "print(race.look('sign')['colour'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "#999999"


@pytest.mark.parametrize(
    ("cls", "error", "message"),
    [
        (int, TypeError, "only Optimizer subclasses"),
        (type("NoName", (Optimizer,), {}), ValueError, "name must be a non-empty string"),
        (type("Odd", (Optimizer,), {"name": "odd", "family": "x"}), ValueError, "family must be"),
        (type("Clash", (Optimizer,), {"name": "gd"}), ValueError, "'gd' is registered already"),
    ],
)
def test_register_refuses_what_cannot_be_registered(cls, error, message):
    with pytest.raises(error, match=message):
        optimizers.register(cls)


def test_the_built_ins_cannot_be_unregistered():
    with pytest.raises(ValueError, match="built in"):
        optimizers.unregister("adam")


def test_newton_has_its_own_state():
    assert isinstance(Newton().init(np.zeros(2)), NewtonState)
    assert repr(Newton().init(None)) == "NewtonState(step=0)"
