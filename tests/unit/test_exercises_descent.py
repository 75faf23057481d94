"""The self-checks of lesson 03 (gdviz.exercises.descent): right, wrong and unattempted answers."""

import numpy as np

from gdviz.exercises import Feedback
from gdviz.exercises.descent import (
    EXERCISE_ANGLE,
    EXERCISE_CONDITION,
    check_best_step,
    check_descent_loop,
    check_stability_limit,
)
from gdviz.surfaces import quadratic


def _loop(sign=-1.0, extra_steps=0, copy=True, use_step_size=True, frozen=False, keep_start=True):
    """A descent loop with one chosen slip (the defaults are the right answer)."""

    def my_descent(grad, w, step_size, steps):
        w = np.array(w, dtype=float)
        g0 = grad(w)
        points = [w.copy()] if keep_start else []
        for _ in range(steps + extra_steps):
            g = g0 if frozen else grad(w)
            w += sign * (step_size if use_step_size else 1.0) * g
            points.append(w.copy() if copy else w)
        return np.array(points)

    return my_descent


def _placeholder(grad, w, step_size, steps):
    w = np.array(w, dtype=float)
    points = [w.copy()]
    ...
    return np.array(points)


# check_descent_loop


def test_loop_right_answer_is_confirmed():
    fb = check_descent_loop(_loop())
    assert isinstance(fb, Feedback)
    assert fb.correct
    assert "start included" in fb.message


def test_loop_placeholder_is_not_attempted():
    fb = check_descent_loop(_placeholder)
    assert not fb.correct
    assert "still empty" in fb.message


def test_loop_ellipsis_instead_of_function_is_not_attempted():
    assert "still empty" in check_descent_loop(...).message


def test_loop_wrong_sign_gets_sign_hint():
    fb = check_descent_loop(_loop(sign=+1.0))
    assert not fb.correct
    assert "wrong sign" in fb.message


def test_loop_appending_w_itself_gets_copy_hint():
    fb = check_descent_loop(_loop(copy=False))
    assert not fb.correct
    assert "w.copy()" in fb.message


def test_loop_missing_start_gets_start_hint():
    fb = check_descent_loop(_loop(keep_start=False))
    assert not fb.correct
    assert "start is missing" in fb.message


def test_loop_one_step_short_is_named():
    fb = check_descent_loop(_loop(extra_steps=-1))
    assert not fb.correct
    assert "one step short" in fb.message


def test_loop_one_step_too_many_is_named():
    fb = check_descent_loop(_loop(extra_steps=1))
    assert not fb.correct
    assert "one step too many" in fb.message


def test_loop_without_step_size_gets_step_size_hint():
    fb = check_descent_loop(_loop(use_step_size=False))
    assert not fb.correct
    assert "step size is missing" in fb.message


def test_loop_gradient_frozen_at_start_gets_recompute_hint():
    fb = check_descent_loop(_loop(frozen=True))
    assert not fb.correct
    assert "gradient at the start" in fb.message


def test_loop_that_raises_is_reported_not_raised():
    def broken(grad, w, step_size, steps):
        raise KeyError("oops")

    fb = check_descent_loop(broken)
    assert not fb.correct
    assert "KeyError" in fb.message


def test_loop_shadowing_grad_gets_rename_hint():
    def shadowed(grad, w, step_size, steps):
        w = np.array(w, dtype=float)
        points = [w.copy()]
        for _ in range(steps):
            grad = grad(w)
            w += -step_size * grad
            points.append(w.copy())
        return np.array(points)

    fb = check_descent_loop(shadowed)
    assert not fb.correct
    assert "g = grad(w)" in fb.message


def test_loop_that_changes_callers_w_is_told():
    def in_place(grad, w, step_size, steps):
        points = [w.copy()]
        for _ in range(steps):
            w += -step_size * grad(w)
            points.append(w.copy())
        return np.array(points)

    fb = check_descent_loop(in_place)
    assert not fb.correct
    assert "changed the caller's" in fb.message


def test_loop_returning_nothing_is_told_to_return():
    def no_return(grad, w, step_size, steps):
        w = np.array(w, dtype=float)
        for _ in range(steps):
            w += -step_size * grad(w)

    fb = check_descent_loop(no_return)
    assert not fb.correct
    assert "returned nothing" in fb.message


# check_stability_limit on quadratic(condition=5, angle=30): eigenvalues 1 and 5


def test_exercise_bowl_has_eigenvalues_one_and_five():
    bowl = quadratic(condition=EXERCISE_CONDITION, angle=EXERCISE_ANGLE)
    assert np.allclose(np.linalg.eigvalsh(bowl.hessian([0.0, 0.0])), [1.0, 5.0])


def test_limit_right_answer_is_confirmed():
    assert check_stability_limit(0.4).correct


def test_limit_computed_with_rounding_error_is_confirmed():
    assert check_stability_limit(2 / 5.000000000000001).correct


def test_limit_placeholder_is_not_attempted():
    fb = check_stability_limit(...)
    assert not fb.correct
    assert "still empty" in fb.message


def test_limit_from_smallest_eigenvalue_gets_largest_hint():
    fb = check_stability_limit(2.0)
    assert not fb.correct
    assert "smallest eigenvalue" in fb.message


def test_limit_off_by_factor_two_is_named():
    fb = check_stability_limit(0.2)
    assert not fb.correct
    assert "factor 2" in fb.message


def test_limit_confused_with_best_step_is_named():
    fb = check_stability_limit(1 / 3)
    assert not fb.correct
    assert "best" in fb.message


def test_limit_from_diagonal_entry_gets_eigenvalue_hint():
    fb = check_stability_limit(0.5)  # 2 / H[1, 1], the diagonal of the rotated bowl
    assert not fb.correct
    assert "eigvalsh" in fb.message


def test_limit_negative_is_refused_with_a_reason():
    fb = check_stability_limit(-0.4)
    assert not fb.correct
    assert "> 0" in fb.message


def test_limit_text_is_refused_without_raising():
    fb = check_stability_limit("zero point four")
    assert not fb.correct
    assert "one number" in fb.message


def test_limit_other_wrong_value_gets_general_hint():
    fb = check_stability_limit(0.9)
    assert not fb.correct
    assert "1 − lr·λ" in fb.message


# check_best_step


def test_best_right_answer_is_confirmed():
    fb = check_best_step(1 / 3)
    assert fb.correct
    assert "0.667" in fb.message  # the common rate (5 − 1)/(5 + 1)


def test_best_placeholder_is_not_attempted():
    assert "still empty" in check_best_step(...).message


def test_best_none_is_not_called_empty():
    # `best = print(2 / 6)` leaves None: the cell is not empty, the value is missing
    fb = check_best_step(None)
    assert not fb.correct
    assert "is None, not a number" in fb.message
    assert "still empty" not in fb.message


def test_best_confused_with_limit_is_named():
    fb = check_best_step(0.4)
    assert not fb.correct
    assert "stability limit" in fb.message


def test_best_one_over_lambda_max_gets_balance_hint():
    fb = check_best_step(0.2)
    assert not fb.correct
    assert "shallow one crawls" in fb.message


def test_best_for_shallow_direction_only_is_named():
    fb = check_best_step(1.0)
    assert not fb.correct
    assert "shallow direction only" in fb.message


def test_best_off_by_factor_two_is_named():
    fb = check_best_step(1 / 6)
    assert not fb.correct
    assert "factor 2" in fb.message


def test_checks_do_not_modify_an_array_answer():
    answer = np.array(0.4)
    check_stability_limit(answer)
    check_best_step(answer)
    assert answer == 0.4


# hints point at the idea, not at the answer line


def test_loop_wrong_sign_hint_points_at_the_sign_not_the_line():
    message = check_descent_loop(_loop(sign=+1.0)).message
    assert "sign in front of `step_size`" in message
    assert "w += -step_size" not in message


def test_loop_without_step_size_hint_does_not_give_the_line():
    message = check_descent_loop(_loop(use_step_size=False)).message
    assert "Scale the gradient by `step_size`" in message
    assert "w += -step_size" not in message


def test_loop_with_another_wrong_row_names_the_row_not_the_line():
    def half_step_later(grad, w, step_size, steps):
        w = np.array(w, dtype=float)
        points = [w.copy()]
        for k in range(steps):
            w += -(step_size if k < 2 else step_size / 2) * grad(w)
            points.append(w.copy())
        return np.array(points)

    fb = check_descent_loop(half_step_later)
    assert not fb.correct
    assert fb.message.startswith("row 3 differs")
    assert "w += -step_size" not in fb.message


# the bowl of section 1 (`bowl`, eigenvalues 1 and 2) used instead of the tilted one


def test_limit_of_the_section_one_bowl_names_the_wrong_variable():
    fb = check_stability_limit(1.0)  # 2/2
    assert not fb.correct
    assert "`bowl`, the round bowl of section 1" in fb.message
    assert "tilted.hessian" in fb.message


def test_best_step_of_the_section_one_bowl_names_the_wrong_variable():
    fb = check_best_step(2 / 3)  # 2/(1 + 2)
    assert not fb.correct
    assert "`bowl`, the round bowl of section 1" in fb.message


# --- a loop that works only for the first run's arguments ----------------------------------


def _written_in(steps=None, step_size=None, start=None):
    """A right loop except that one argument is replaced by the first run's value."""

    def my_descent(grad, w, step_size_arg, steps_arg):
        w = np.array(w if start is None else start, dtype=float)
        points = [w.copy()]
        for _ in range(steps_arg if steps is None else steps):
            w += -(step_size_arg if step_size is None else step_size) * grad(w)
            points.append(w.copy())
        return np.array(points)

    return my_descent


def test_loop_hard_coded_to_seven_steps_is_rejected():
    fb = check_descent_loop(_written_in(steps=7))
    assert not fb.correct
    assert "the number of steps is written into the loop" in fb.message
    assert "asked for 4 steps your loop took 7" in fb.message


def test_loop_hard_coded_step_size_is_rejected():
    fb = check_descent_loop(_written_in(step_size=0.15))
    assert not fb.correct
    assert "Use the argument `step_size`" in fb.message


def test_loop_hard_coded_start_is_rejected():
    fb = check_descent_loop(_written_in(start=[1.0, -2.0]))
    assert not fb.correct
    assert "Begin from the argument `w`" in fb.message


def test_loop_success_message_names_no_number_to_copy():
    fb = check_descent_loop(_loop())
    assert fb.correct
    assert not any(ch.isdigit() for ch in fb.message), fb.message


def test_loop_appending_before_the_update_gets_its_own_hint():
    def append_first(grad, w, step_size, steps):
        w = np.array(w, dtype=float)
        points = [w.copy()]
        for _ in range(steps):
            points.append(w.copy())
            w += -step_size * grad(w)
        return np.array(points)

    fb = check_descent_loop(append_first)
    assert not fb.correct
    assert fb.message.startswith("row 1 repeats the start")
    assert "*before* the step" in fb.message


bowl = quadratic(condition=2)  # as in section 1 of the lesson, a global the loop may grab


def test_loop_using_the_global_bowl_gradient_is_named():
    def global_bowl(grad, w, step_size, steps):
        w = np.array(w, dtype=float)
        points = [w.copy()]
        for _ in range(steps):
            w += -step_size * bowl.grad(w)
            points.append(w.copy())
        return np.array(points)

    fb = check_descent_loop(global_bowl)
    assert not fb.correct
    assert "global `bowl.grad`" in fb.message
    assert "row 1 differs" not in fb.message


def test_loop_with_a_gradient_formula_of_its_own_is_told_to_call_grad():
    def own_formula(grad, w, step_size, steps):
        w = np.array(w, dtype=float)
        points = [w.copy()]
        for _ in range(steps):
            w += -step_size * 2 * w
            points.append(w.copy())
        return np.array(points)

    fb = check_descent_loop(own_formula)
    assert not fb.correct
    assert "never called the `grad` it was given" in fb.message


def test_loop_written_differently_is_confirmed():
    def preallocated(grad, w, step_size, steps):
        points = np.zeros((steps + 1, 2))
        points[0] = w
        for k in range(steps):
            points[k + 1] = points[k] - step_size * grad(points[k])
        return points

    def while_loop(grad, w, step_size, steps):
        path = [np.asarray(w, dtype=float)]
        while len(path) <= steps:
            path.append(path[-1] - step_size * grad(path[-1]))
        return np.vstack(path)

    assert check_descent_loop(preallocated).correct
    assert check_descent_loop(while_loop).correct


# --- Exercise 2: the best factor is not the best step ---------------------------------------


def test_best_factor_instead_of_best_step_is_named_as_the_factor():
    fb = check_best_step((5 - 1) / (5 + 1))
    assert not fb.correct
    assert fb.message.startswith("0.667 is the *factor*")
    assert not fb.message.startswith("0.667 = 2/(1 + 2): that is the best step of `bowl`")


def test_best_and_limit_computed_from_the_hessian_are_confirmed():
    from fractions import Fraction

    tilted = quadratic(condition=EXERCISE_CONDITION, angle=EXERCISE_ANGLE)
    low, high = np.linalg.eigvalsh(tilted.hessian(np.array([1.0, 1.0])))
    assert check_stability_limit(np.float64(2) / high).correct
    assert check_stability_limit(Fraction(2, 5)).correct
    assert check_best_step(np.array([2 / (low + high)])).correct
    assert check_best_step(0.333).correct


def test_limit_as_text_is_refused_with_a_reason():
    fb = check_stability_limit("0.4")
    assert not fb.correct
    assert "in quotes" in fb.message
