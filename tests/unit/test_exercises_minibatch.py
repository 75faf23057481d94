"""The self-checks of lesson 04 (gdviz.exercises.minibatch): right, wrong and unattempted answers."""

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

from gdviz.exercises import Feedback
from gdviz.exercises.minibatch import check_run_epoch, check_updates_per_epoch


def _epoch(
    shuffle=True,
    drop_last=False,
    sign=-1.0,
    full_batch=False,
    global_rng=False,
    with_replacement=False,
    frozen=False,
    copy=True,
    returns="w",
):
    """An epoch loop with one chosen slip (the defaults are the right answer)."""

    def run_epoch(problem, w, step_size, batch_size, rng):
        if copy:
            w = np.array(w, dtype=float)
        start_w = w.copy()
        n = problem.n
        if global_rng:
            order = np.random.default_rng().permutation(n)
        elif shuffle:
            order = rng.permutation(n)
        else:
            order = np.arange(n)
        stop = n - n % batch_size if drop_last else n
        for start in range(0, stop, batch_size):
            if with_replacement:
                batch = rng.integers(0, n, size=min(batch_size, n - start))
            else:
                batch = order[start : start + batch_size]
            at = start_w if frozen else w
            grad = problem.grad(at) if full_batch else problem.grad(at, batch)
            w += sign * step_size * grad
        return {"w": w, "start": start_w, "none": None}[returns]

    return run_epoch


def _placeholder(problem, w, step_size, batch_size, rng):
    w = np.array(w, dtype=float)
    ...
    return w


# check_updates_per_epoch: 1,200,000 examples in batches of 256


def test_updates_right_answer_is_confirmed():
    fb = check_updates_per_epoch(4688)
    assert isinstance(fb, Feedback)
    assert fb.correct
    assert "short batch of the last 128" in fb.message


def test_updates_placeholder_is_not_attempted():
    fb = check_updates_per_epoch(...)
    assert not fb.correct
    assert "still empty" in fb.message


def test_updates_rounded_down_gets_short_batch_hint():
    fb = check_updates_per_epoch(4687)
    assert not fb.correct
    assert "short batch is missing" in fb.message


def test_updates_fraction_gets_round_up_hint():
    fb = check_updates_per_epoch(1_200_000 / 256)
    assert not fb.correct
    assert "round up" in fb.message


def test_updates_equal_to_n_is_named_as_sgd():
    fb = check_updates_per_epoch(1_200_000)
    assert not fb.correct
    assert "batch size 1" in fb.message


def test_updates_other_wrong_value_gets_general_hint():
    fb = check_updates_per_epoch(5000)
    assert not fb.correct
    assert "count the batches" in fb.message


def test_updates_exact_division_has_no_short_batch():
    fb = check_updates_per_epoch(4, n=1024, batch_size=256)
    assert fb.correct
    assert "none short" in fb.message


def test_updates_text_is_refused_without_raising():
    assert not check_updates_per_epoch("many").correct


# check_run_epoch


def test_epoch_right_answer_is_confirmed():
    fb = check_run_epoch(_epoch())
    assert fb.correct
    assert "3 updates (4 + 4 + 2 examples)" in fb.message


def test_epoch_placeholder_is_not_attempted():
    fb = check_run_epoch(_placeholder)
    assert not fb.correct
    assert "still empty" in fb.message


def test_epoch_ellipsis_instead_of_function_is_not_attempted():
    assert "still empty" in check_run_epoch(...).message


def test_epoch_without_shuffle_gets_shuffle_hint():
    fb = check_run_epoch(_epoch(shuffle=False))
    assert not fb.correct
    assert "shuffle first" in fb.message


def test_epoch_dropping_short_batch_gets_short_batch_hint():
    fb = check_run_epoch(_epoch(drop_last=True))
    assert not fb.correct
    assert "short batch is missing" in fb.message


def test_epoch_wrong_sign_gets_sign_hint():
    fb = check_run_epoch(_epoch(sign=+1.0))
    assert not fb.correct
    assert "wrong sign" in fb.message


def test_epoch_full_batch_gradient_gets_pass_the_batch_hint():
    fb = check_run_epoch(_epoch(full_batch=True))
    assert not fb.correct
    assert "problem.grad(w, batch)" in fb.message


def test_epoch_global_random_state_gets_use_rng_hint():
    fb = check_run_epoch(_epoch(global_rng=True))
    assert not fb.correct
    assert "same seed made different batches" in fb.message


def test_epoch_sampling_with_replacement_gets_exactly_once_hint():
    fb = check_run_epoch(_epoch(with_replacement=True))
    assert not fb.correct
    assert "exactly once" in fb.message


def test_epoch_gradients_at_the_start_get_update_hint():
    fb = check_run_epoch(_epoch(frozen=True))
    assert not fb.correct
    assert "taken at the start" in fb.message


def test_epoch_changing_callers_w_is_told():
    fb = check_run_epoch(_epoch(copy=False))
    assert not fb.correct
    assert "changed the caller's" in fb.message


def test_epoch_returning_the_start_is_told_to_return_w():
    fb = check_run_epoch(_epoch(returns="start"))
    assert not fb.correct
    assert "`return w`" in fb.message


def test_epoch_returning_nothing_is_told_what_to_return():
    fb = check_run_epoch(_epoch(returns="none"))
    assert not fb.correct
    assert "should return the new `w`" in fb.message


def test_epoch_that_raises_is_reported_not_raised():
    def broken(problem, w, step_size, batch_size, rng):
        return problem.grad(w, slice(0, batch_size))

    fb = check_run_epoch(broken)
    assert not fb.correct
    assert "raised ValueError" in fb.message


def _epoch_with(cut):
    """An epoch loop whose batches come from ``cut(order, batch_size)``."""

    def run_epoch(problem, w, step_size, batch_size, rng):
        w = np.array(w, dtype=float)
        for batch in cut(rng, problem.n, batch_size):
            w += -step_size * problem.grad(w, batch)
        return w

    return run_epoch


def test_epoch_reseeding_its_own_generator_gets_ignored_rng_hint():
    def reseeded(problem, w, step_size, batch_size, rng):
        return _epoch()(problem, w, step_size, batch_size, np.random.default_rng(0))

    fb = check_run_epoch(reseeded)
    assert not fb.correct
    assert "ignores the `rng` it is given" in fb.message
    assert "np.random.default_rng(0)" in fb.message


def test_epoch_with_a_legacy_seeded_generator_gets_ignored_rng_hint():
    def legacy_seed(problem, w, step_size, batch_size, rng):
        order = np.random.RandomState(0).permutation(problem.n)  # the slip: a seed of its own
        w = np.array(w, dtype=float)
        for first in range(0, problem.n, batch_size):
            w += -step_size * problem.grad(w, order[first : first + batch_size])
        return w

    fb = check_run_epoch(legacy_seed)
    assert not fb.correct
    assert "ignores the `rng` it is given" in fb.message


def test_epoch_keeping_the_none_from_rng_shuffle_gets_in_place_hint():
    def shuffle_result(rng, n, batch_size):
        order = rng.shuffle(np.arange(n))
        return [order[first : first + batch_size] for first in range(0, n, batch_size)]

    fb = check_run_epoch(_epoch_with(shuffle_result))
    assert not fb.correct
    assert "TypeError" in fb.message
    assert "shuffles `x` in place and returns None" in fb.message


def test_epoch_indexing_another_none_gets_a_general_none_hint():
    def none_order(rng, n, batch_size):
        order = rng.permutation(n).sort()  # sort() works in place and returns None
        return [order[first : first + batch_size] for first in range(0, n, batch_size)]

    fb = check_run_epoch(_epoch_with(none_order))
    assert not fb.correct
    assert "something you indexed or looped over is None" in fb.message


def test_epoch_slice_ending_at_batch_size_gets_empty_batch_hint():
    def fixed_end(rng, n, batch_size):
        order = rng.permutation(n)
        return [order[first:batch_size] for first in range(0, n, batch_size)]

    fb = check_run_epoch(_epoch_with(fixed_end))
    assert not fb.correct
    assert "batch 2 had no examples" in fb.message
    assert "its end must move with it" in fb.message


def test_epoch_reshape_into_equal_batches_gets_short_last_batch_hint():
    def reshaped(rng, n, batch_size):
        return rng.permutation(n).reshape(-1, batch_size)

    fb = check_run_epoch(_epoch_with(reshaped))
    assert not fb.correct
    assert "ValueError" in fb.message
    assert "do not split evenly into batches of 4" in fb.message


def test_epoch_np_split_into_equal_batches_gets_short_last_batch_hint():
    def split(rng, n, batch_size):
        return np.split(rng.permutation(n), -(-n // batch_size))

    fb = check_run_epoch(_epoch_with(split))
    assert not fb.correct
    assert "do not split evenly" in fb.message


def _scaled_epoch(scale):
    def run_epoch(problem, w, step_size, batch_size, rng):
        w = np.array(w, dtype=float)
        order = rng.permutation(problem.n)
        for first in range(0, problem.n, batch_size):
            batch = order[first : first + batch_size]
            w += -step_size * scale(len(batch)) * problem.grad(w, batch)
        return w

    return run_epoch


def test_epoch_step_times_the_batch_length_gets_mean_not_sum_hint():
    fb = check_run_epoch(_scaled_epoch(lambda size: size))
    assert not fb.correct
    assert "`batch_size` times too long" in fb.message
    assert "wrong point" not in fb.message


def test_epoch_step_divided_by_the_batch_length_gets_already_a_mean_hint():
    fb = check_run_epoch(_scaled_epoch(lambda size: 1 / size))
    assert not fb.correct
    assert "divided by the batch's length" in fb.message


def test_epoch_step_with_a_constant_factor_gets_length_hint():
    fb = check_run_epoch(_scaled_epoch(lambda size: 0.5))
    assert not fb.correct
    assert "every step was 0.5 times" in fb.message


def test_epoch_in_place_shuffle_of_an_index_array_is_confirmed():
    def in_place(rng, n, batch_size):
        order = np.arange(n)
        rng.shuffle(order)
        return [order[first : first + batch_size] for first in range(0, n, batch_size)]

    assert check_run_epoch(_epoch_with(in_place)).correct


# --- Exercise 2: text, and the wrong rule that happens to give the right number -------------


def test_updates_as_text_is_refused_with_a_type_hint():
    fb = check_updates_per_epoch("4688")
    assert not fb.correct
    assert "text '4688', in quotes" in fb.message
    assert "TypeError" in fb.message


@pytest.fixture
def cell():
    """Run code as a notebook cell in a real IPython shell (its inputs are kept in `In`)."""
    shell = InteractiveShell.instance()
    shell.run_cell("from gdviz.exercises.minibatch import check_updates_per_epoch")

    def run(code):
        return shell.run_cell(code, store_history=True).result

    yield run
    InteractiveShell.clear_instance()


@pytest.mark.parametrize("rounding", ["round(1.2e6 / 256)", "int(np.round(1_200_000 / 256))"])
def test_updates_found_by_rounding_to_nearest_is_rejected_with_the_ceiling_rule(cell, rounding):
    cell("import numpy as np")
    cell(f"updates = {rounding}")
    fb = cell("check_updates_per_epoch(updates)")
    assert not fb.correct
    assert "found it by luck" in fb.message
    assert "ends in exactly .5" in fb.message
    assert "round *up*" in fb.message


def test_updates_rounded_in_the_check_cell_itself_is_rejected(cell):
    assert not cell("check_updates_per_epoch(round(1_200_000 / 256))").correct


@pytest.mark.parametrize(
    "ceiling",
    [
        "math.ceil(1_200_000 / 256)",
        "np.ceil(1.2e6 / 256)",
        "-(-1_200_000 // 256)",
        "(1_200_000 + 256 - 1) // 256",
        "4688",
    ],
)
def test_updates_rounded_up_in_any_form_is_confirmed(cell, ceiling):
    cell("import math\nimport numpy as np")
    cell(f"updates = {ceiling}")
    assert cell("check_updates_per_epoch(updates)").correct


def test_updates_fixed_after_a_rounding_attempt_is_confirmed(cell):
    cell("updates = round(1.2e6 / 256)")
    cell("check_updates_per_epoch(updates)")
    cell("updates = -(-1_200_000 // 256)")
    assert cell("check_updates_per_epoch(updates)").correct


# --- Exercise 1: the same epoch written differently, and the slips of the issue -------------


def test_epoch_as_the_mean_of_per_example_gradients_is_confirmed():
    def per_example(problem, w, step_size, batch_size, rng):
        w = np.array(w, dtype=float)
        order = rng.permutation(problem.n)
        for first in range(0, problem.n, batch_size):
            grads = [problem.grad(w, [i]) for i in order[first : first + batch_size]]
            w += -step_size * np.mean(grads, axis=0)
        return w

    fb = check_run_epoch(per_example)
    assert fb.correct, fb.message


def test_epoch_asking_a_batch_gradient_twice_is_confirmed():
    def twice(problem, w, step_size, batch_size, rng):
        w = np.array(w, dtype=float)
        order = rng.permutation(problem.n)
        for first in range(0, problem.n, batch_size):
            batch = order[first : first + batch_size]
            print(np.linalg.norm(problem.grad(w, batch)))
            w += -step_size * problem.grad(w, batch)
        return w

    assert check_run_epoch(twice).correct


def test_epoch_summing_per_example_gradients_gets_the_mean_hint():
    def summed(problem, w, step_size, batch_size, rng):
        w = np.array(w, dtype=float)
        order = rng.permutation(problem.n)
        for first in range(0, problem.n, batch_size):
            grads = [problem.grad(w, [i]) for i in order[first : first + batch_size]]
            w += -step_size * np.sum(grads, axis=0)
        return w

    fb = check_run_epoch(summed)
    assert not fb.correct
    assert "`batch_size` times too long" in fb.message


def test_epoch_with_a_single_batch_is_told_it_took_one_step():
    def one_batch(problem, w, step_size, batch_size, rng):
        w = np.array(w, dtype=float)
        batch = rng.permutation(problem.n)[:batch_size]
        w += -step_size * problem.grad(w, batch)
        return w

    fb = check_run_epoch(one_batch)
    assert not fb.correct
    assert fb.message.startswith("your epoch took a single step, on one batch of 4 examples")
    assert "some twice" not in fb.message


def test_epoch_padding_the_last_batch_by_wrapping_around_is_named():
    def wrap_around(problem, w, step_size, batch_size, rng):
        w = np.array(w, dtype=float)
        order = rng.permutation(problem.n)
        for first in range(0, problem.n, batch_size):
            batch = np.take(order, range(first, first + batch_size), mode="wrap")
            w += -step_size * problem.grad(w, batch)
        return w

    fb = check_run_epoch(wrap_around)
    assert not fb.correct
    assert "2 of them twice" in fb.message
    assert "wrap-around" in fb.message
    assert "others never" not in fb.message


def test_epoch_stepping_at_every_example_is_told_the_batches_overlap():
    def every_start(problem, w, step_size, batch_size, rng):
        w = np.array(w, dtype=float)
        order = rng.permutation(problem.n)
        for first in range(problem.n):
            w += -step_size * problem.grad(w, order[first : first + batch_size])
        return w

    fb = check_run_epoch(every_start)
    assert not fb.correct
    assert "the batches overlap" in fb.message


def test_epoch_with_batches_cut_by_split_points_is_confirmed():
    def split_points(rng, n, batch_size):
        return np.split(rng.permutation(n), range(batch_size, n, batch_size))

    assert check_run_epoch(_epoch_with(split_points)).correct


@pytest.mark.parametrize("plus_one", ["1_200_000 // 256 + 1", "int(1.2e6 / 256) + 1"])
def test_updates_rounded_down_plus_one_is_told_the_rule_fails_when_b_divides_n(cell, plus_one):
    cell(f"updates = {plus_one}")
    fb = cell("check_updates_per_epoch(updates)")
    assert not fb.correct
    assert "divides the number of examples exactly" in fb.message


def test_updates_as_full_batches_plus_the_short_one_counted_by_hand_is_confirmed(cell):
    cell("updates = 4687 + 1  # 4,687 full batches and the short one")
    assert cell("check_updates_per_epoch(updates)").correct
