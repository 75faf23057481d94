"""The self-check of lesson 05's exercise: one step of momentum as a pure function."""

import numpy as np

from gdviz.exercises import Feedback
from gdviz.exercises.optimizers import check_momentum_update


def right(params, grad, velocity, lr=0.1, beta=0.9):
    new_velocity = beta * velocity - lr * grad
    return params + new_velocity, new_velocity


def placeholder(params, grad, velocity, lr=0.1, beta=0.9):
    new_velocity = ...
    new_params = ...
    return new_params, new_velocity


def test_right_answer_is_confirmed():
    feedback = check_momentum_update(right)
    assert isinstance(feedback, Feedback)
    assert feedback.correct
    assert "Momentum" in feedback.message


def test_placeholder_cell_is_not_attempted():
    feedback = check_momentum_update(placeholder)
    assert not feedback.correct
    assert "still empty" in feedback.message


def test_ellipsis_instead_of_a_function_is_not_attempted():
    feedback = check_momentum_update(...)
    assert not feedback.correct
    assert "still empty" in feedback.message


def test_wrong_sign_of_the_push_is_named():
    def wrong(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = beta * velocity + lr * grad
        return params + new_velocity, new_velocity

    feedback = check_momentum_update(wrong)
    assert not feedback.correct
    assert "wrong sign" in feedback.message


def test_params_moving_against_the_velocity_is_named():
    def wrong(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = beta * velocity - lr * grad
        return params - new_velocity, new_velocity

    feedback = check_momentum_update(wrong)
    assert not feedback.correct
    assert "parameters move the wrong way" in feedback.message


def test_forgotten_decay_beta_is_named():
    def wrong(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = velocity - lr * grad
        return params + new_velocity, new_velocity

    feedback = check_momentum_update(wrong)
    assert not feedback.correct
    assert "multiply it by `beta`" in feedback.message


def test_plain_gradient_descent_is_named():
    def wrong(params, grad, velocity, lr=0.1, beta=0.9):
        return params - lr * grad, -lr * grad

    feedback = check_momentum_update(wrong)
    assert not feedback.correct
    assert "plain gradient descent" in feedback.message


def test_moving_with_the_old_velocity_is_named():
    def wrong(params, grad, velocity, lr=0.1, beta=0.9):
        return params + velocity, beta * velocity - lr * grad

    feedback = check_momentum_update(wrong)
    assert not feedback.correct
    assert "*old* velocity" in feedback.message


def test_exponential_average_form_is_named():
    def wrong(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = beta * velocity - (1 - beta) * lr * grad
        return params + new_velocity, new_velocity

    feedback = check_momentum_update(wrong)
    assert not feedback.correct
    assert "(1 - beta)" in feedback.message


def test_missing_step_size_is_named():
    def wrong(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = beta * velocity - grad
        return params + new_velocity, new_velocity

    feedback = check_momentum_update(wrong)
    assert not feedback.correct
    assert "step size is missing" in feedback.message


def test_swapped_outputs_are_named():
    def wrong(params, grad, velocity, lr=0.1, beta=0.9):
        new_params, new_velocity = right(params, grad, velocity, lr, beta)
        return new_velocity, new_params

    feedback = check_momentum_update(wrong)
    assert not feedback.correct
    assert "wrong order" in feedback.message


def test_in_place_update_of_an_input_is_refused():
    def in_place(params, grad, velocity, lr=0.1, beta=0.9):
        velocity *= beta
        velocity -= lr * grad
        return params + velocity, velocity

    feedback = check_momentum_update(in_place)
    assert not feedback.correct
    assert "in place" in feedback.message
    assert "`velocity`" in feedback.message


def test_hyperparameters_hard_coded_are_caught():
    def hard_coded(params, grad, velocity, lr=0.1, beta=0.9):
        return right(params, grad, velocity, 0.1, 0.9)

    feedback = check_momentum_update(hard_coded)
    assert not feedback.correct
    assert "lr=0.05" in feedback.message


def test_exception_in_the_student_code_becomes_feedback():
    def broken(params, grad, velocity, lr=0.1, beta=0.9):
        raise NameError("name 'momentum' is not defined")

    feedback = check_momentum_update(broken)
    assert not feedback.correct
    assert "NameError" in feedback.message


def test_a_single_value_instead_of_a_pair_is_refused():
    def one_value(params, grad, velocity, lr=0.1, beta=0.9):
        return params - lr * grad

    feedback = check_momentum_update(one_value)
    assert not feedback.correct
    assert "return a pair" in feedback.message


def test_calling_the_function_instead_of_passing_it_is_explained():
    feedback = check_momentum_update((np.zeros(2), np.zeros(2)))
    assert not feedback.correct
    assert "no parentheses" in feedback.message


def test_in_place_student_code_does_not_corrupt_later_checks():
    def in_place(params, grad, velocity, lr=0.1, beta=0.9):
        velocity *= beta
        velocity -= lr * grad
        params += velocity
        return params, velocity

    check_momentum_update(in_place)
    assert check_momentum_update(right).correct


def test_exponential_average_of_gradients_form_gets_its_own_hint():
    def ema(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = beta * velocity + (1 - beta) * grad
        return params - lr * new_velocity, new_velocity

    feedback = check_momentum_update(ema)
    assert not feedback.correct
    assert "an average of the gradients" in feedback.message
    assert "expected new velocity" not in feedback.message


def test_pytorch_running_sum_form_gets_its_own_hint():
    def pytorch(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = beta * velocity + grad
        return params - lr * new_velocity, new_velocity

    feedback = check_momentum_update(pytorch)
    assert not feedback.correct
    assert "PyTorch" in feedback.message


def test_gradient_descent_with_an_untouched_velocity_is_named_not_praised():
    def gd(params, grad, velocity, lr=0.1, beta=0.9):
        return params - lr * grad, velocity

    feedback = check_momentum_update(gd)
    assert not feedback.correct
    assert "plain gradient descent" in feedback.message
    assert "parameters are right" not in feedback.message


def test_gradient_descent_move_with_the_right_velocity_is_named():
    def gd_move(params, grad, velocity, lr=0.1, beta=0.9):
        return params - lr * grad, beta * velocity - lr * grad

    feedback = check_momentum_update(gd_move)
    assert not feedback.correct
    assert "moved by `-lr * grad` alone" in feedback.message


def test_right_parameters_on_every_case_but_a_wrong_velocity_are_told_so():
    def wrong_velocity(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = beta * velocity - lr * grad
        return params + new_velocity, 2 * new_velocity

    feedback = check_momentum_update(wrong_velocity)
    assert not feedback.correct
    assert "parameters are right but the velocity" in feedback.message


def test_returning_none_is_told_to_return_not_called_empty():
    def no_return(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = beta * velocity - lr * grad  # noqa: F841 (the slip: no return)

    feedback = check_momentum_update(no_return)
    assert not feedback.correct
    assert "returned None" in feedback.message
    assert "still empty" not in feedback.message


def test_a_none_inside_the_pair_is_named():
    def none_params(params, grad, velocity, lr=0.1, beta=0.9):
        return None, beta * velocity - lr * grad

    feedback = check_momentum_update(none_params)
    assert not feedback.correct
    assert "`new_params` came back as None" in feedback.message


def test_right_velocity_on_every_case_but_wrong_parameters_are_told_so():
    def wrong_params(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = beta * velocity - lr * grad
        return params + 2 * new_velocity, new_velocity

    feedback = check_momentum_update(wrong_params)
    assert not feedback.correct
    assert "velocity is right but the parameters are not" in feedback.message


def test_in_place_hint_points_at_the_idea_not_the_first_line():
    def in_place(params, grad, velocity, lr=0.1, beta=0.9):
        velocity *= beta
        velocity -= lr * grad
        return params + velocity, velocity

    message = check_momentum_update(in_place).message
    assert "pure function" in message
    assert "beta * velocity - lr * grad" not in message
    assert "new_velocity =" not in message


def test_momentum_step_written_differently_is_confirmed():
    def reordered(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = np.add(-lr * grad, np.multiply(beta, velocity))
        return np.array(params) + new_velocity, new_velocity

    def as_list(params, grad, velocity, lr=0.1, beta=0.9):
        new_velocity = -(lr * grad - beta * velocity)
        return [params + new_velocity, new_velocity]

    assert check_momentum_update(reordered).correct
    assert check_momentum_update(as_list).correct
