"""The self-check of lesson 06's exercise: the backward pass of a linear layer."""

import numpy as np

from gdviz.exercises import Feedback
from gdviz.exercises.backprop import check_linear_backward


def right(dscores, x, W):
    return dscores @ W, dscores.T @ x, dscores.sum(axis=0)


def placeholder(dscores, x, W):
    dx = ...
    dW = ...
    db = ...
    return dx, dW, db


def test_right_answer_is_confirmed():
    feedback = check_linear_backward(right)
    assert isinstance(feedback, Feedback)
    assert feedback.correct


def test_placeholder_cell_is_not_attempted():
    feedback = check_linear_backward(placeholder)
    assert not feedback.correct
    assert "still empty" in feedback.message


def test_partly_done_answer_says_what_is_left():
    def partial(dscores, x, W):
        return dscores @ W, ..., ...

    feedback = check_linear_backward(partial)
    assert not feedback.correct
    assert "`dx` right so far" in feedback.message
    assert "`dW`, `db` still hold" in feedback.message


def test_transposed_dW_is_named():
    def wrong(dscores, x, W):
        return dscores @ W, x.T @ dscores, dscores.sum(axis=0)

    feedback = check_linear_backward(wrong)
    assert not feedback.correct
    assert "transpose" in feedback.message
    assert "`dW`" in feedback.message


def test_mean_instead_of_sum_for_db_is_named():
    def wrong(dscores, x, W):
        return dscores @ W, dscores.T @ x, dscores.mean(axis=0)

    feedback = check_linear_backward(wrong)
    assert not feedback.correct
    assert "factor of 1/5" in feedback.message
    assert "average" in feedback.message


def test_db_not_summed_over_the_batch_is_named():
    def wrong(dscores, x, W):
        return dscores @ W, dscores.T @ x, dscores

    feedback = check_linear_backward(wrong)
    assert not feedback.correct
    assert "sum its gradient over the examples" in feedback.message


def test_forgotten_bias_is_named():
    def wrong(dscores, x, W):
        return dscores @ W, dscores.T @ x, 0 * dscores.sum(axis=0)

    feedback = check_linear_backward(wrong)
    assert not feedback.correct
    assert "forget the bias" in feedback.message


def test_wrong_sign_is_named():
    def wrong(dscores, x, W):
        return dscores @ W, -(dscores.T @ x), dscores.sum(axis=0)

    feedback = check_linear_backward(wrong)
    assert not feedback.correct
    assert "`dW` has the wrong sign" in feedback.message


def test_extra_division_by_the_batch_size_is_named():
    def wrong(dscores, x, W):
        return dscores @ W, dscores.T @ x / len(x), dscores.sum(axis=0)

    feedback = check_linear_backward(wrong)
    assert not feedback.correct
    assert "`dW` is off by a factor of 1/5" in feedback.message
    assert "already inside `dscores`" in feedback.message


def test_the_penalty_added_to_dW_is_named():
    def wrong(dscores, x, W):
        return dscores @ W, dscores.T @ x + 1e-3 * W, dscores.sum(axis=0)

    feedback = check_linear_backward(wrong)
    assert not feedback.correct
    assert "penalty belongs to the loss" in feedback.message


def test_factor_two_is_named():
    def wrong(dscores, x, W):
        return 2 * dscores @ W, dscores.T @ x, dscores.sum(axis=0)

    feedback = check_linear_backward(wrong)
    assert not feedback.correct
    assert "`dx` is off by a factor of 2" in feedback.message


def test_shape_error_in_the_student_code_becomes_feedback():
    def broken(dscores, x, W):
        return dscores @ W.T, dscores.T @ x, dscores.sum(axis=0)

    feedback = check_linear_backward(broken)
    assert not feedback.correct
    assert "ValueError" in feedback.message
    assert "(5, 3), (5, 4), (3, 4)" in feedback.message


def test_wrong_number_of_results_is_refused():
    def two(dscores, x, W):
        return dscores @ W, dscores.T @ x

    feedback = check_linear_backward(two)
    assert not feedback.correct
    assert "return dx, dW, db" in feedback.message


def test_in_place_change_of_an_input_is_refused():
    def in_place(dscores, x, W):
        dx, dW, db = right(dscores, x, W)
        dscores *= 0
        return dx, dW, db

    feedback = check_linear_backward(in_place)
    assert not feedback.correct
    assert "in place" in feedback.message
    assert "`dscores`" in feedback.message


def test_calling_the_function_instead_of_passing_it_is_explained():
    feedback = check_linear_backward((1, 2, 3))
    assert not feedback.correct
    assert "no parentheses" in feedback.message


def test_a_matmul_shape_error_names_the_line_and_the_rule():
    def dx_with_W_transposed(dscores, x, W):
        dx = dscores @ W.T
        return dx, dscores.T @ x, dscores.sum(axis=0)

    feedback = check_linear_backward(dx_with_W_transposed)
    assert not feedback.correct
    assert "in the line `dx = dscores @ W.T`" in feedback.message
    assert "last axis of A must match the first axis of B" in feedback.message
    assert "`dx` must come out (5, 4)" in feedback.message


def test_an_elementwise_product_that_cannot_broadcast_points_to_a_matrix_product():
    def elementwise(dscores, x, W):
        return dscores * W, dscores.T @ x, dscores.sum(axis=0)

    feedback = check_linear_backward(elementwise)
    assert not feedback.correct
    assert "element by element" in feedback.message


def test_returning_none_is_told_to_return_not_called_empty():
    def no_return(dscores, x, W):
        dx = dscores @ W  # noqa: F841 (the slip: no return)

    feedback = check_linear_backward(no_return)
    assert not feedback.correct
    assert "returned None" in feedback.message
    assert "placeholder" not in feedback.message


def test_a_none_gradient_is_told_apart_from_the_placeholder():
    def none_dW(dscores, x, W):
        return dscores @ W, None, dscores.sum(axis=0)

    feedback = check_linear_backward(none_dW)
    assert not feedback.correct
    assert "`dW` is None, not an array" in feedback.message
    assert "placeholder" not in feedback.message


def test_wrong_values_get_the_reason_in_index_notation():
    def wrong(dscores, x, W):
        return dscores @ W, dscores.T @ x[::-1], dscores.sum(axis=0)

    feedback = check_linear_backward(wrong)
    assert not feedback.correct
    assert "`dW[k, j]` sums `dscores[i, k] * x[i, j]` over the examples i" in feedback.message


def test_hints_point_at_the_idea_not_at_the_answer_code():
    slips = [
        lambda d, x, W: (d @ W, x.T @ d, d.sum(axis=0)),  # transposed dW
        lambda d, x, W: (d @ W, -(d.T @ x), d.sum(axis=0)),  # sign
        lambda d, x, W: (d @ W, d.T @ x / 5, d.sum(axis=0)),  # factor 1/m
        lambda d, x, W: (d @ W, 0 * x.T @ d, d.sum(axis=0)),  # zeros (and transposed)
        lambda d, x, W: (2 * d @ W, d.T @ x, d.sum(axis=0)),  # factor 2
        lambda d, x, W: (d @ W, d.T @ x, d),  # db not summed
        lambda d, x, W: (d @ W, d.T @ x + 1e-3 * W, d.sum(axis=0)),  # penalty
    ]
    for slip in slips:
        feedback = check_linear_backward(slip)
        assert not feedback.correct
        for answer in ("dscores @ W`", "dscores.T @ x", "dscores.sum(axis=0)", "Try `"):
            assert answer not in feedback.message, feedback.message


def test_dx_of_zeros_gets_the_chain_rule_idea_not_the_product():
    def zeros(dscores, x, W):
        return np.zeros_like(x), dscores.T @ x, dscores.sum(axis=0)

    feedback = check_linear_backward(zeros)
    assert not feedback.correct
    assert feedback.message.startswith("`dx` is all zeros")
    assert "chain rule" in feedback.message
    for answer in ("dscores @ W", "matrix product of `dscores`", "* W[k, j]"):
        assert answer not in feedback.message


def test_dx_computed_like_dW_is_told_it_has_the_weights_shape():
    def like_dW(dscores, x, W):
        dx = dscores.T @ x
        return dx, dscores.T @ x, dscores.sum(axis=0)

    feedback = check_linear_backward(like_dW)
    assert not feedback.correct
    assert feedback.message.startswith("`dx` came out shaped like W, (3, 4), not like x (5, 4)")
    for answer in ("dscores @ W", "matrix product of `dscores`", "* W[k, j]"):
        assert answer not in feedback.message


def test_backward_pass_written_differently_is_confirmed():
    def einsum(dscores, x, W):
        dx = np.einsum("ik,kj->ij", dscores, W)
        dW = (x.T @ dscores).T
        db = np.sum(dscores, axis=0)
        return [dx, dW, db]

    assert check_linear_backward(einsum).correct
