"""Built-in and custom loss surfaces: analytical derivatives, vectorisation, metadata."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz import numerical_gradient, surfaces
from gdviz.surfaces import Surface

# Deterministic (no example database, same examples every run) and quick.
CHECK = settings(derandomize=True, database=None, deadline=None, max_examples=60)

NAMES = ["beale", "booth", "himmelblau", "quadratic", "rastrigin", "rosenbrock", "saddle"]
unit = st.floats(0.0, 1.0)


def point_in(domain, u, v):
    """The point at fractions ``(u, v)`` of the way across ``domain``."""
    (x0, x1), (y0, y1) = domain
    return np.array([x0 + u * (x1 - x0), y0 + v * (y1 - y0)])


def central_gradient(f, p):
    """∇f(p) by centred differences, h = 1e-5 (CS231n's recipe)."""
    return numerical_gradient(lambda q: float(f(q)), np.array(p, dtype=float), h=1e-5)


def central_hessian(grad, p):
    """The Jacobian of ``grad`` at ``p`` by centred differences: row i is ∇(∂f/∂xᵢ)."""
    return np.stack(
        [
            numerical_gradient(lambda q, i=i: float(grad(q)[i]), np.array(p, dtype=float), h=1e-5)
            for i in range(2)
        ]
    )


def assert_matches_differences(analytical, numerical, scale):
    """Agreement up to what centred differences can resolve.

    Truncation costs about h²·f‴/6 (a relative 1e-6 is generous) and round-off about
    ε·|f|/h ≈ 2e-11·|f| (``scale`` is |f|, allowed 50 times that). A wrong formula is
    off by order one, far beyond either.
    """
    analytical, numerical = np.asarray(analytical), np.asarray(numerical)
    tol = 1e-6 * np.maximum(1.0, np.abs(analytical)) + 1e-9 * scale
    bad = np.abs(analytical - numerical) > tol
    assert not bad.any(), f"analytical {analytical} vs central differences {numerical}"


@pytest.mark.parametrize("name", NAMES)
@CHECK
@given(u=unit, v=unit)
def test_gradient_matches_central_differences_anywhere_in_the_domain(name, u, v):
    s = surfaces.get(name)
    p = point_in(s.domain, u, v)
    assert_matches_differences(s.grad(p), central_gradient(s, p), scale=abs(float(s(p))))


@pytest.mark.parametrize("name", NAMES)
@CHECK
@given(u=unit, v=unit)
def test_hessian_matches_central_differences_of_the_gradient_anywhere_in_the_domain(name, u, v):
    s = surfaces.get(name)
    p = point_in(s.domain, u, v)
    hess = s.hessian(p)
    assert hess.shape == (2, 2)
    numeric = central_hessian(s.grad, p)
    assert_matches_differences(hess, numeric, scale=float(np.max(np.abs(s.grad(p)))))


@CHECK
@given(condition=st.floats(1.0, 1e3), angle=st.floats(-180.0, 180.0), u=unit, v=unit)
def test_quadratic_derivatives_match_central_differences_for_any_condition_and_angle(
    condition, angle, u, v
):
    s = surfaces.get("quadratic", condition=condition, angle=angle)
    p = point_in(s.domain, u, v)
    assert_matches_differences(s.grad(p), central_gradient(s, p), scale=abs(float(s(p))))
    assert_matches_differences(
        s.hessian(p), central_hessian(s.grad, p), scale=float(np.max(np.abs(s.grad(p))))
    )


@CHECK
@given(condition=st.floats(1.0, 1e3), angle=st.floats(-180.0, 180.0))
def test_quadratic_hessian_has_eigenvalues_one_and_condition(condition, angle):
    s = surfaces.get("quadratic", condition=condition, angle=angle)
    eig = np.linalg.eigvalsh(s.hessian([0.3, -0.7]))
    np.testing.assert_allclose(eig, [1.0, condition], rtol=1e-12)


@CHECK
@given(condition=st.floats(1.5, 1e3), angle=st.floats(-180.0, 180.0), t=st.floats(-2.0, 2.0))
def test_quadratic_axes_are_rotated_counterclockwise_by_angle(condition, angle, t):
    s = surfaces.get("quadratic", condition=condition, angle=angle)
    theta = np.deg2rad(angle)
    u_axis = np.array([np.cos(theta), np.sin(theta)])  # x axis turned by angle: curvature 1
    v_axis = np.array([-np.sin(theta), np.cos(theta)])  # y axis turned by angle: curvature κ
    assert float(s(t * u_axis)) == pytest.approx(0.5 * t * t, rel=1e-9, abs=1e-12)
    assert float(s(t * v_axis)) == pytest.approx(0.5 * condition * t * t, rel=1e-9, abs=1e-12)


def test_quadratic_turned_by_90_degrees_is_steep_along_x():
    s = surfaces.get("quadratic", condition=10, angle=90)
    np.testing.assert_allclose(s.hessian([0.0, 0.0]), [[10, 0], [0, 1]], atol=1e-12)


def test_the_difference_check_catches_a_gradient_copied_from_another_surface():
    # The shipped bug in the anchors: one surface's gradient is a copy of another's.
    himmelblau, booth = surfaces.get("himmelblau"), surfaces.get("booth")
    wrong = Surface(himmelblau, grad=booth.grad, name="himmelblau with booth's gradient")
    p = np.array([1.0, -2.0])
    with pytest.raises(AssertionError):
        assert_matches_differences(wrong.grad(p), central_gradient(wrong, p), abs(wrong(p)))


@pytest.mark.parametrize("name", NAMES)
def test_a_400_by_400_grid_in_one_call_equals_pointwise_calls(name):
    s = surfaces.get(name)
    (x0, x1), (y0, y1) = s.domain
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 400), np.linspace(y0, y1, 400)), axis=-1)
    values, grads, hessians = s(grid), s.grad(grid), s.hessian(grid)
    assert values.shape == (400, 400)
    assert grads.shape == (400, 400, 2)
    assert hessians.shape == (400, 400, 2, 2)
    # every point of the grid's edges and diagonal, and 300 more at random
    rng = np.random.default_rng(0)
    rows = np.concatenate(
        [np.arange(400), np.zeros(400, int), np.full(400, 399), rng.integers(0, 400, 300)]
    )
    cols = np.concatenate(
        [np.arange(400), np.arange(400), np.arange(400), rng.integers(0, 400, 300)]
    )
    for i, j in zip(rows, cols, strict=True):
        p = grid[i, j]
        # a 0-d numpy scalar may take another libm path (x ** 2 as pow) than an array: a few ulp
        np.testing.assert_array_max_ulp(s(p), values[i, j], maxulp=4)
        np.testing.assert_array_max_ulp(s.grad(p), grads[i, j], maxulp=4)
        np.testing.assert_array_max_ulp(s.hessian(p), hessians[i, j], maxulp=4)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("leading", [(), (3,), (4, 5), (2, 3, 4)])
def test_any_leading_shape_of_points_gives_matching_output_shapes(name, leading):
    s = surfaces.get(name)
    p = np.broadcast_to(s.start, (*leading, 2))
    assert np.shape(s(p)) == leading
    assert s.grad(p).shape == (*leading, 2)
    assert s.hessian(p).shape == (*leading, 2, 2)


@pytest.mark.parametrize("name", NAMES)
def test_listed_minima_are_stationary_with_positive_definite_hessian(name):
    s = surfaces.get(name)
    for m in s.minima:
        # Himmelblau's minima are listed to 6 decimals, so their gradient is only ~1e-5
        assert np.max(np.abs(s.grad(m))) < 1e-4
        assert np.all(np.linalg.eigvalsh(s.hessian(m)) > 0)
        assert abs(float(s(m))) < 1e-9


def test_the_saddle_has_no_minimum_and_an_indefinite_hessian_at_the_origin():
    s = surfaces.get("saddle")
    assert s.minima.shape == (0, 2)
    np.testing.assert_array_equal(s.grad([0.0, 0.0]), [0.0, 0.0])
    np.testing.assert_array_equal(np.linalg.eigvalsh(s.hessian([0.0, 0.0])), [-2.0, 2.0])


def test_himmelblau_has_a_local_maximum_near_the_listed_point():
    s = surfaces.get("himmelblau")
    p = np.array([-0.270845, -0.923039])
    assert np.max(np.abs(s.grad(p))) < 1e-4
    assert np.all(np.linalg.eigvalsh(s.hessian(p)) < 0)


def test_booth_hessian_has_eigenvalues_18_and_2():
    np.testing.assert_allclose(np.linalg.eigvalsh(surfaces.get("booth").hessian([0, 0])), [2, 18])


# From the reference table (shared/notes/anchors.md): plot domain, minima, usual start.
REFERENCE = {
    "rosenbrock": (((-2, 2), (-1, 3)), [[1, 1]], [-1.2, 1]),
    "beale": (((-4.5, 4.5), (-4.5, 4.5)), [[3, 0.5]], [1, 1]),
    "himmelblau": (
        ((-5, 5), (-5, 5)),
        [[3, 2], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]],
        None,
    ),
    "booth": (((-10, 10), (-10, 10)), [[1, 3]], None),
    "rastrigin": (((-5.12, 5.12), (-5.12, 5.12)), [[0, 0]], [-2, 3.5]),
    "saddle": (((-2, 2), (-2, 2)), np.empty((0, 2)), [1.5, 1e-3]),
    "quadratic": (((-2, 2), (-2, 2)), [[0, 0]], [-1.5, 0.5]),
}


@pytest.mark.parametrize("name", NAMES)
def test_domain_minima_and_start_match_the_reference_table(name):
    s = surfaces.get(name)
    domain, minima, start = REFERENCE[name]
    assert s.domain == tuple(tuple(float(v) for v in axis) for axis in domain)
    np.testing.assert_allclose(s.minima, np.reshape(minima, (-1, 2)))
    if start is not None:
        np.testing.assert_allclose(s.start, start)
    (x0, x1), (y0, y1) = s.domain
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1
    assert s.name == name and s.latex


@pytest.mark.parametrize(
    ("name", "point", "value"),
    [
        ("rosenbrock", [-1.2, 1.0], 24.2),
        ("beale", [1.0, 1.0], 14.203125),
        ("himmelblau", [0.0, 0.0], 170.0),
        ("booth", [0.0, 0.0], 74.0),
        ("rastrigin", [0.5, 0.5], 40.5),
        ("saddle", [1.0, 2.0], -3.0),
        ("quadratic", [1.0, 1.0], 5.5),
    ],
)
def test_values_match_the_reference_formulas(name, point, value):
    assert float(surfaces.get(name)(point)) == pytest.approx(value, rel=1e-14)


def test_names_lists_every_built_in_sorted():
    assert surfaces.names() == NAMES


def test_get_with_an_unknown_name_raises_value_error_listing_the_valid_names():
    with pytest.raises(ValueError, match="unknown surface 'bowl'") as info:
        surfaces.get("bowl")
    for name in NAMES:
        assert name in str(info.value)


def test_get_with_an_unknown_parameter_raises_value_error_naming_it():
    with pytest.raises(ValueError, match=r"'rosenbrock'.*\['condition'\]"):
        surfaces.get("rosenbrock", condition=3)


@pytest.mark.parametrize("condition", [0.5, 0.0, -2.0, np.nan, np.inf])
def test_quadratic_rejects_a_condition_number_that_is_not_finite_and_at_least_one(condition):
    with pytest.raises(
        ValueError, match=rf"condition must be a finite number >= 1; got {condition!r}"
    ):
        surfaces.get("quadratic", condition=condition)


@pytest.mark.parametrize("points", [[1.0, 2.0, 3.0], 1.0, np.zeros((4, 3))])
def test_points_without_a_last_axis_of_length_two_raise_value_error(points):
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 2\)"):
        surfaces.get("booth")(points)


def test_integer_points_are_treated_as_floats():
    s = surfaces.get("rosenbrock")
    np.testing.assert_array_equal(s.grad([2, 1]), s.grad([2.0, 1.0]))


def my_bowl(p):
    return p[..., 0] ** 2 + 3 * p[..., 1] ** 2 + p[..., 0] * p[..., 1]


def test_a_custom_surface_without_grad_says_its_gradient_is_numerical():
    s = Surface(my_bowl, name="my bowl")
    assert s.grad_is_numerical
    assert "numerical" in repr(s)


def test_a_custom_surface_with_grad_says_its_gradient_is_analytical():
    s = Surface(my_bowl, grad=lambda p: p, name="my bowl")
    assert not s.grad_is_numerical
    assert "analytical" in repr(s)


@CHECK
@given(x=st.floats(-2.0, 2.0), y=st.floats(-2.0, 2.0))
def test_a_custom_surface_without_grad_has_a_right_gradient_and_hessian(x, y):
    s = Surface(my_bowl)
    exact_grad = [2 * x + y, 6 * y + x]
    np.testing.assert_allclose(s.grad([x, y]), exact_grad, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(s.hessian([x, y]), [[2, 1], [1, 6]], rtol=1e-5, atol=1e-5)


def test_a_custom_surface_numerical_gradient_is_vectorised():
    s = Surface(my_bowl)
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 30), np.linspace(-2, 2, 20)), axis=-1)
    assert s.grad(grid).shape == (20, 30, 2)
    np.testing.assert_allclose(s.grad(grid)[7, 11], s.grad(grid[7, 11]), rtol=1e-12)


@pytest.mark.parametrize(
    "domain", [((1.0, -1.0), (0.0, 1.0)), ((0.0, 1.0), (2.0, 2.0))], ids=["x", "y"]
)
def test_a_custom_surface_rejects_an_empty_domain(domain):
    with pytest.raises(ValueError, match="min < max"):
        Surface(my_bowl, domain=domain)


def test_a_custom_surface_rejects_a_non_callable():
    with pytest.raises(ValueError, match="f must be a callable"):
        Surface(3.0)


def test_print_shows_plain_text_and_jupyter_gets_the_formula_as_latex():
    tilted = surfaces.get("quadratic", condition=10, angle=30)
    assert "\\" not in repr(tilted) and "$" not in repr(tilted)
    assert repr(tilted) == "Surface('quadratic', plotted on [-2, 2] × [-2, 2], gradient analytical)"
    latex = tilted._repr_latex_()
    assert latex.startswith("$") and latex.endswith("$") and tilted.latex in latex
