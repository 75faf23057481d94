"""Self-checks of lesson 01 (gdviz.exercises.gradient): right, wrong and unfinished answers."""

import numpy as np
import pytest

from gdviz import gradient_check
from gdviz.exercises.gradient import (
    _SLIPS,
    check_gradient,
    check_steepest_descent,
    exercise_surface,
)


def right_gradient(x, y):
    return np.array([2 * x + y, x + 6 * y])


# --- check_gradient -----------------------------------------------------------------------


def test_right_gradient_is_confirmed():
    feedback = check_gradient(right_gradient)
    assert feedback.correct
    assert "(2x + y, x + 6y)" in feedback.message


def test_right_gradient_returning_a_tuple_is_confirmed():
    assert check_gradient(lambda x, y: (2 * x + y, x + 6 * y)).correct


def test_placeholder_function_is_not_attempted():
    def grad_f(x, y):
        df_dx = ...
        df_dy = ...
        return np.array([df_dx, df_dy])

    feedback = check_gradient(grad_f)
    assert not feedback.correct
    assert "still empty" in feedback.message


def test_bare_ellipsis_is_not_attempted():
    assert "still empty" in check_gradient(...).message


def test_wrong_sign_is_named():
    feedback = check_gradient(lambda x, y: -right_gradient(x, y))
    assert not feedback.correct
    assert feedback.message.startswith("wrong sign")


def test_missing_cross_term_is_named():
    feedback = check_gradient(lambda x, y: np.array([2 * x, 6 * y]))
    assert "cross term is missing" in feedback.message


def test_forgotten_factor_two_is_named():
    feedback = check_gradient(lambda x, y: np.array([x + y, x + 3 * y]))
    assert "factor of 2" in feedback.message


def test_swapped_components_are_named():
    feedback = check_gradient(lambda x, y: np.array([x + 6 * y, 2 * x + y]))
    assert "swapped" in feedback.message


def test_one_wrong_component_says_which():
    feedback = check_gradient(lambda x, y: np.array([2 * x + y, x + 5 * y]))
    assert not feedback.correct
    assert feedback.message.startswith("∂f/∂x is right, ∂f/∂y is not")


def test_every_slip_gets_its_own_hint_and_none_is_correct():
    hints = [check_gradient(slip) for slip, _ in _SLIPS]
    assert not any(h.correct for h in hints)
    assert [h.message for h in hints] == [hint for _, hint in _SLIPS]


def test_function_that_raises_gets_feedback_not_an_exception():
    feedback = check_gradient(lambda x, y: 1 / 0)
    assert not feedback.correct
    assert "ZeroDivisionError" in feedback.message


def test_wrong_number_of_components_is_explained():
    feedback = check_gradient(lambda x, y: (1.0, 2.0, 3.0))
    assert "two finite numbers" in feedback.message


def test_not_a_function_is_explained():
    feedback = check_gradient(np.array([4.0, 13.0]))
    assert "should be a function" in feedback.message


# --- check_steepest_descent ---------------------------------------------------------------

DOWNHILL = -np.array([3.0, 7.0]) / np.sqrt(58)


def test_unit_downhill_direction_is_confirmed():
    assert check_steepest_descent(DOWNHILL).correct


def test_rounded_direction_is_confirmed():
    assert check_steepest_descent([-0.394, -0.919]).correct


def test_uphill_direction_says_flip_the_sign():
    feedback = check_steepest_descent(-DOWNHILL)
    assert not feedback.correct
    assert "Flip the sign" in feedback.message


def test_unnormalized_direction_asks_for_length_one():
    feedback = check_steepest_descent(-np.array([3.0, 7.0]))
    assert not feedback.correct
    assert "length is 7.62, not 1" in feedback.message


def test_direction_along_the_contour_is_named():
    feedback = check_steepest_descent([-DOWNHILL[1], DOWNHILL[0]])
    assert "along the contour" in feedback.message


def test_direction_straight_at_the_minimum_is_named():
    feedback = check_steepest_descent([-1.0, -1.0] / np.sqrt(2))
    assert not feedback.correct
    assert feedback.message.startswith("this points straight at the minimum")
    assert "22° away" in feedback.message


def test_other_direction_reports_its_angle():
    feedback = check_steepest_descent([-1.0, -2.0] / np.sqrt(5))
    assert not feedback.correct
    assert feedback.message.startswith("this is 3° away from the steepest way down")


def test_placeholder_direction_is_not_attempted():
    assert "still empty" in check_steepest_descent(...).message


def test_zero_direction_is_explained():
    assert "zero vector" in check_steepest_descent([0.0, 0.0]).message


def test_direction_is_not_modified():
    direction = DOWNHILL.copy()
    check_steepest_descent(direction)
    np.testing.assert_array_equal(direction, DOWNHILL)


# --- the exercise surface ------------------------------------------------------------------


@pytest.mark.parametrize("point", [(1.0, 1.0), (-1.5, 0.5), (0.3, -1.7)])
def test_exercise_surface_gradient_passes_the_gradient_check(point):
    bowl = exercise_surface()
    assert gradient_check(bowl, bowl.grad, np.array(point)).passed


def test_exercise_surface_gradient_at_the_exercise_point():
    np.testing.assert_allclose(exercise_surface().grad([1.0, 1.0]), [3.0, 7.0])


def test_wrong_sign_hint_does_not_give_the_components_away():
    message = check_gradient(lambda x, y: -right_gradient(x, y)).message
    assert "2x + y" not in message


def test_missing_cross_term_hint_points_at_the_term_not_the_answer():
    message = check_gradient(lambda x, y: np.array([2 * x, 6 * y])).message
    assert "both" in message
    assert "= y" not in message and "= x" not in message


def test_direction_rounded_to_one_decimal_is_told_to_round_less():
    feedback = check_steepest_descent([-0.4, -0.9])
    assert not feedback.correct
    assert feedback.message.startswith("very close")
    assert "Round less" in feedback.message


def test_direction_rounded_short_of_length_one_is_told_to_round_less():
    feedback = check_steepest_descent([-0.39, -0.91])  # the right angle, length 0.99
    assert not feedback.correct
    assert "Round less" in feedback.message


# --- a missing return is not an empty cell -------------------------------------------------


def test_missing_return_asks_about_return_not_the_placeholder():
    def grad_f(x, y):
        df_dx = 2 * x + y  # noqa: F841 (the slip: no return)
        df_dy = x + 6 * y  # noqa: F841

    feedback = check_gradient(grad_f)
    assert not feedback.correct
    assert "returned None" in feedback.message
    assert "did you forget `return" in feedback.message
    assert "still empty" not in feedback.message


# --- hints point at the rule, never state the derivatives ----------------------------------

ANSWER_PIECES = ("2x", "6y", "= y", "= x", "(3, 7)", "(−3, −7)", "-3, -7")


def test_factor_two_hint_names_the_power_rule_not_the_derivatives():
    message = check_gradient(lambda x, y: np.array([x + y, x + 3 * y])).message
    assert "power rule" in message
    for piece in ANSWER_PIECES:
        assert piece not in message


def test_no_slip_hint_states_a_derivative():
    for slip, _ in _SLIPS:
        message = check_gradient(slip).message
        for piece in ANSWER_PIECES:
            assert piece not in message, message


def test_cross_term_derivative_hint_asks_which_variable_is_left():
    message = check_gradient(lambda x, y: np.array([3 * x, 7 * y])).message
    assert "y is a constant" in message
    assert "∂(xy)/∂x = y" not in message


def test_straight_at_the_minimum_hint_does_not_state_the_gradient():
    message = check_steepest_descent([-1.0, -1.0] / np.sqrt(2)).message
    assert "−∇f, scaled to length 1" in message
    for piece in ANSWER_PIECES:
        assert piece not in message


def test_other_direction_hint_does_not_state_the_gradient():
    message = check_steepest_descent([-1.0, -2.0] / np.sqrt(5)).message
    for piece in ANSWER_PIECES:
        assert piece not in message


def test_length_hint_names_the_idea_not_the_code():
    message = check_steepest_descent(-np.array([3.0, 7.0])).message
    assert "its own length" in message
    assert "np.linalg.norm(v)" not in message


# --- right answers written differently -----------------------------------------------------


@pytest.mark.parametrize(
    "grad_f",
    [
        lambda x, y: [y + 2 * x, 6 * y + x],
        lambda x, y: np.array([2 * x**1 + y, x + 2 * 3 * y]),
        lambda x, y: np.stack([2.0 * x + y, x + 6.0 * y]),
    ],
)
def test_right_gradient_written_differently_is_confirmed(grad_f):
    assert check_gradient(grad_f).correct


def test_direction_computed_with_hypot_is_confirmed():
    gradient = exercise_surface().grad([1.0, 1.0])
    assert check_steepest_descent(-gradient / np.hypot(*gradient)).correct
