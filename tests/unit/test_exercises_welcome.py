"""Self-check of lesson 00 (gdviz.exercises.welcome): the warm-up gradient-descent step."""

import numpy as np
import pytest

from gdviz.exercises.welcome import _SLIPS, check_first_step


def test_right_step_is_confirmed():
    feedback = check_first_step(3.0 + -0.1 * 6.0)
    assert feedback.correct
    assert "2.4" in feedback.message


def test_numpy_number_is_accepted():
    assert check_first_step(np.float64(2.4)).correct


def test_uphill_step_is_named():
    feedback = check_first_step(3.6)
    assert not feedback.correct
    assert feedback.message.startswith("this went uphill")


def test_step_without_the_weight_is_named():
    assert "the step itself" in check_first_step(-0.6).message


def test_every_slip_gets_its_own_hint():
    hints = [check_first_step(value) for value, _ in _SLIPS]
    assert not any(h.correct for h in hints)
    assert [h.message for h in hints] == [hint for _, hint in _SLIPS]


def test_other_wrong_number_gets_the_recipe():
    feedback = check_first_step(1.0)
    assert not feedback.correct
    assert "-step_size * grad" in feedback.message


def test_placeholder_is_not_attempted():
    assert "still empty" in check_first_step(...).message


@pytest.mark.parametrize("bad", ["2.4 please", [2.4, 1.0], float("inf")])
def test_value_that_is_not_one_number_is_explained(bad):
    feedback = check_first_step(bad)
    assert not feedback.correct


def test_gradient_taken_as_two_is_named():
    feedback = check_first_step(3.0 - 0.1 * 2)
    assert not feedback.correct
    assert feedback.message.startswith("2.8 took the gradient to be 2")


def test_new_loss_instead_of_new_weight_is_named():
    feedback = check_first_step(2.4**2)
    assert not feedback.correct
    assert "new *loss*" in feedback.message
    assert "2.4" not in feedback.message  # points at the idea, not the answer


def test_whole_number_two_is_told_to_keep_the_decimals():
    feedback = check_first_step(2)
    assert not feedback.correct
    assert "Keep the decimals" in feedback.message
    assert "2.4" not in feedback.message


# --- hints point at the idea, never state the step or the answer ----------------------------


def test_whole_gradient_step_hint_does_not_state_the_step():
    feedback = check_first_step(3.0 - 6.0)
    assert not feedback.correct
    assert "*times* the step size" in feedback.message
    assert "0.6" not in feedback.message and "2.4" not in feedback.message


def test_no_hint_states_the_step_unless_the_student_gave_it():
    for value, hint in _SLIPS:
        if not np.isclose(abs(value), 0.6):
            assert "0.6" not in hint and "0.1 · 6" not in hint, hint
        assert "2.4" not in hint


def test_other_wrong_number_hint_does_not_state_the_step():
    message = check_first_step(1.0).message
    assert "0.6" not in message and "0.1 · 6" not in message


def test_step_written_as_code_is_confirmed():
    w, grad, step_size = 3.0, 2 * 3.0, 0.1
    assert check_first_step(w - step_size * grad).correct
    assert check_first_step(np.array([w + (-step_size * grad)])).correct


def test_none_is_not_called_empty():
    feedback = check_first_step(None)
    assert not feedback.correct
    assert "is None, not a number" in feedback.message


def test_text_that_reads_as_the_answer_is_refused():
    feedback = check_first_step("2.4")
    assert not feedback.correct
    assert "in quotes" in feedback.message
