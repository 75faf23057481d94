"""Self-checks of lesson 02 (gdviz.exercises.finite_differences): right, wrong and unfinished."""

import numpy as np
import pytest

from gdviz import gradient_check
from gdviz.exercises.finite_differences import (
    _SLIPS,
    _best_central_step,
    check_best_step,
    check_fixed_gradient,
    planted_bug_data,
    planted_bug_loss,
)

X, Y, LAM = planted_bug_data()


def gradient_with(dw_rule, db_rule=lambda r: np.mean(r)):
    def grad(params):
        w, b = params
        residual = w * X + b - Y
        return np.array([dw_rule(residual, w), db_rule(residual)])

    return grad


right = gradient_with(lambda r, w: np.mean(r * X) + LAM * w)
planted_bug = gradient_with(lambda r, w: np.mean(r * X) + 2 * LAM * w)


# --- the planted bug itself -------------------------------------------------------------


def test_planted_bug_fails_the_gradient_check_on_w_only():
    check = gradient_check(planted_bug_loss, planted_bug, np.array([1.0, -2.0]))
    assert not check.passed
    assert check.verdict == "probably wrong"
    assert check.rel_errors[0] > 1e-2
    assert check.rel_errors[1] < 1e-7


def test_right_gradient_passes_the_gradient_check():
    assert gradient_check(planted_bug_loss, right, np.array([1.0, -2.0])).passed


def test_data_is_read_only_and_the_same_every_call():
    x, y, lam = planted_bug_data()
    assert not x.flags.writeable and not y.flags.writeable
    np.testing.assert_array_equal(x, X)
    assert (len(x), lam) == (50, 0.1)


# --- check_fixed_gradient ------------------------------------------------------------------


def test_right_fix_is_confirmed():
    feedback = check_fixed_gradient(right)
    assert feedback.correct
    assert "below 1e-7" in feedback.message


def test_unfixed_planted_bug_is_named():
    feedback = check_fixed_gradient(planted_bug)
    assert not feedback.correct
    assert feedback.message.startswith("this is still the planted bug")


def test_dropped_penalty_is_named():
    feedback = check_fixed_gradient(gradient_with(lambda r, w: np.mean(r * X)))
    assert "penalty's derivative is missing" in feedback.message


def test_sum_instead_of_mean_is_named():
    feedback = check_fixed_gradient(gradient_with(lambda r, w: np.sum(r * X) + LAM * w))
    assert "50 times too big" in feedback.message


def test_every_slip_gets_its_own_hint_and_none_is_correct():
    hints = [check_fixed_gradient(slip) for slip, _ in _SLIPS]
    assert not any(h.correct for h in hints)
    assert [h.message for h in hints] == [hint for _, hint in _SLIPS]


def test_changed_db_is_named_even_with_right_dw():
    feedback = check_fixed_gradient(
        gradient_with(lambda r, w: np.mean(r * X) + LAM * w, lambda r: np.mean(r * X))
    )
    assert not feedback.correct
    assert "∂L/∂b has changed" in feedback.message


def test_unknown_wrong_dw_names_a_point_where_it_differs():
    feedback = check_fixed_gradient(gradient_with(lambda r, w: np.mean(r * X) + LAM * w**2))
    assert not feedback.correct
    # w = 1 at the first point, where w² = w: the hint must name a point where they differ
    assert "at (w, b) = (0.5, 0.5)" in feedback.message


def test_placeholder_is_not_attempted():
    def fixed_grad(params):
        w, b = params
        residual = w * X + b - Y
        dw = ...
        db = np.mean(residual)
        return np.array([dw, db])

    assert "still empty" in check_fixed_gradient(fixed_grad).message


def test_bare_ellipsis_is_not_attempted():
    assert "still empty" in check_fixed_gradient(...).message


def test_function_that_raises_gets_feedback_not_an_exception():
    feedback = check_fixed_gradient(lambda params: params[5])
    assert not feedback.correct
    assert "IndexError" in feedback.message


def test_function_that_changes_its_params_is_wrong():
    def meddling(params):
        value = right(params)
        params[0] = 0.0
        return value

    feedback = check_fixed_gradient(meddling)
    assert not feedback.correct
    assert "changed the params" in feedback.message


def test_wrong_shape_is_explained():
    feedback = check_fixed_gradient(lambda params: 1.0)
    assert "two finite numbers" in feedback.message


# --- check_best_step -----------------------------------------------------------------------


@pytest.mark.parametrize("h", [1e-6, 3e-6, 1e-5])
def test_step_near_cube_root_of_epsilon_is_confirmed(h):
    assert check_best_step(h).correct


def test_tiny_step_is_round_off():
    feedback = check_best_step(1e-12)
    assert not feedback.correct
    assert "round-off rules" in feedback.message


def test_forward_sweet_spot_is_named():
    feedback = check_best_step(1e-8)
    assert not feedback.correct
    assert "*forward* difference does best" in feedback.message


def test_large_step_is_truncation():
    feedback = check_best_step(1e-2)
    assert not feedback.correct
    assert "truncation still rules" in feedback.message


def test_placeholder_step_is_not_attempted():
    assert "still empty" in check_best_step(...).message


@pytest.mark.parametrize("bad", [0.0, -1e-5, float("nan"), "small"])
def test_step_that_is_not_a_positive_number_is_explained(bad):
    assert not check_best_step(bad).correct


def test_lesson_best_step_is_near_cube_root_of_epsilon():
    assert 1e-6 < _best_central_step() < 1e-5


# --- hints point at the idea, never at the answer line --------------------------------------


def test_no_hint_gives_the_fixed_line_away():
    for slip, _ in _SLIPS:
        message = check_fixed_gradient(slip).message
        assert "lam * w" not in message
        assert "λ·w" not in message
        assert "np.mean(residual * x)" not in message


def test_unfixed_planted_bug_hint_points_at_the_penalty_term():
    message = check_fixed_gradient(planted_bug).message
    assert "penalty" in message and "½" in message


def test_dw_copied_from_the_table_is_told_to_write_a_formula():
    copied = float(right(np.array([1.0, -2.0]))[0])  # right at the lesson's point only

    def hard_coded(params):
        w, b = params
        residual = w * X + b - Y
        return np.array([copied, np.mean(residual)])

    feedback = check_fixed_gradient(hard_coded)
    assert not feedback.correct
    assert feedback.message.startswith("your dw is the same number")
    assert "formula" in feedback.message


def test_dw_rounded_from_the_table_is_told_to_write_a_formula():
    feedback = check_fixed_gradient(gradient_with(lambda r, w: -2.131))
    assert feedback.message.startswith("your dw is the same number")


def test_still_off_hint_prints_two_different_numbers():
    # wrong by a hair at the first point: the numbers shown must not read the same
    feedback = check_fixed_gradient(
        gradient_with(lambda r, w: np.mean(r * X) + LAM * w + 1e-6 * w**2)
    )
    assert feedback.message.startswith("∂L/∂w is still off")
    numbers = feedback.message.split("you give ")[1].split(". Differentiate")[0]
    given, true = numbers.split(", the true value is ")
    assert given != true


def test_unknown_wrong_dw_hint_names_the_terms_not_the_code():
    message = check_fixed_gradient(gradient_with(lambda r, w: np.mean(r * X) + LAM * w**2)).message
    assert "power rule" in message
    assert "lam * w" not in message


# --- the slips of the issue: each rejected with its own hint -------------------------------


def test_missing_return_asks_about_return_not_the_placeholder():
    def fixed_grad(params):
        w, b = params
        residual = w * X + b - Y
        dw = np.mean(residual * X) + LAM * w
        db = np.mean(residual)
        np.array([dw, db])  # the slip: computed, never returned

    feedback = check_fixed_gradient(fixed_grad)
    assert not feedback.correct
    assert "returned None" in feedback.message
    assert "did you forget `return" in feedback.message
    assert "still empty" not in feedback.message


def test_halved_penalty_hint_asks_for_the_power_rule_without_the_answer():
    feedback = check_fixed_gradient(gradient_with(lambda r, w: np.mean(r * X) + 0.5 * LAM * w))
    assert not feedback.correct
    assert "half of what it should be" in feedback.message
    assert "power rule" in feedback.message
    assert "cancels it; nothing else" not in feedback.message


def test_doubled_data_term_hint_asks_a_question_instead_of_answering_it():
    feedback = check_fixed_gradient(gradient_with(lambda r, w: 2 * np.mean(r * X) + LAM * w))
    assert "data term is doubled" in feedback.message
    assert "cancels the 2" not in feedback.message


def test_tiny_constant_added_to_dw_is_named_as_a_constant():
    feedback = check_fixed_gradient(gradient_with(lambda r, w: np.mean(r * X) + LAM * w + 1e-6))
    assert not feedback.correct
    assert "off by the same amount, +1e-06" in feedback.message
    assert "constant" in feedback.message


def test_still_off_hint_shows_digits_that_differ_and_the_relative_difference():
    feedback = check_fixed_gradient(
        gradient_with(lambda r, w: np.mean(r * X) + LAM * w + 1e-6 * w**2)
    )
    numbers = feedback.message.split("you give ")[1].split(" (a relative")[0]
    given, true = numbers.split(", the true value is ")
    assert given != true and len(given) == len(true)
    assert "a relative difference of 4.7e-07" in feedback.message


def test_gradient_written_differently_is_confirmed():
    def fixed_grad(params):
        w, b = params
        residual = (X * w + b) - Y
        return np.array([np.dot(residual, X) / len(X) + w * LAM, residual.sum() / len(X)])

    assert check_fixed_gradient(fixed_grad).correct


def test_gradient_returned_as_a_list_is_confirmed():
    assert check_fixed_gradient(lambda params: list(right(params))).correct


@pytest.mark.parametrize("h", [5e-7, 3e-7])
def test_step_just_left_of_the_central_minimum_gets_its_own_hint(h):
    feedback = check_best_step(h)
    assert not feedback.correct
    assert "left of the central curve's lowest point" in feedback.message
    assert "forward" not in feedback.message


@pytest.mark.parametrize("h", [4e-3, 3e-3, 2.5e-4])
def test_step_read_off_a_float32_curve_is_told_to_read_the_solid_one(h):
    feedback = check_best_step(h)
    assert not feedback.correct
    assert "*dashed* curve" in feedback.message
    assert "float64: the solid curve" in feedback.message


@pytest.mark.parametrize("h", [np.float64(6.3e-6), np.array(1e-5), 2e-6])
def test_best_step_given_in_other_forms_is_confirmed(h):
    assert check_best_step(h).correct


def test_best_step_as_text_is_refused_with_a_reason():
    feedback = check_best_step("1e-5")
    assert not feedback.correct
    assert "in quotes" in feedback.message
