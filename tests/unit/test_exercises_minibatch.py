"""The self-checks of lesson 04 (gdviz.exercises.minibatch): right, wrong and unattempted answers."""

import numpy as np

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
