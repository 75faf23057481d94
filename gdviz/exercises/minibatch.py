"""Self-checks for lesson 04, "Mini-batch gradient descent and SGD".

Two exercises:

1. How many updates does one epoch take for ``n`` examples in batches of ``B``, the
   last short batch included? (:func:`check_updates_per_epoch`; for 1,200,000 and 256
   it is 4,688.)
2. Write one epoch of mini-batch gradient descent — shuffle, cut into batches, step on
   each — as ``run_epoch(problem, w, step_size, batch_size, rng)``::

       def run_epoch(problem, w, step_size, batch_size, rng):
           w = np.array(w, dtype=float)
           order = rng.permutation(problem.n)
           for start in range(0, problem.n, batch_size):
               batch = order[start : start + batch_size]
               grad = problem.grad(w, batch)
               w += -step_size * grad
           return w

   and check it with :func:`check_run_epoch`, which watches every gradient the function
   asks for: which examples, in which batches, at which point.

Examples
--------
>>> check_updates_per_epoch(4688)  # doctest: +ELLIPSIS
Correct: ...
>>> check_updates_per_epoch(4687)  # doctest: +ELLIPSIS
Not yet: ...short batch...
"""

from __future__ import annotations

import ast

import numpy as np

from ..batches import batches_per_epoch
from ..problems import LinearRegression
from ._toolkit import (
    Feedback,
    answer_source,
    attempt,
    calls_function,
    is_placeholder,
    not_attempted,
    raised,
    read_number,
    same,
)

# The epoch exercise: 10 examples in batches of 4, so the epoch ends with a short batch of 2.
_N, _BATCH, _STEP_SIZE, _SEED = 10, 4, 0.3, 2
_START = np.array([0.5, -0.5])


def _problem() -> LinearRegression:
    x = np.linspace(0.0, 2.0, _N)
    y = 2.0 * x - 1.0 + 0.3 * np.sin(7.0 * x)
    return LinearRegression(x, y, name="ten examples")


class _EmptyBatch(Exception):
    """Raised by the recorder when asked for the gradient on a batch without examples."""

    def __init__(self, number: int) -> None:
        super().__init__(f"batch {number} is empty")
        self.number = number


class _WatchedGenerator(np.random.Generator):
    """A numpy generator that notes whether ``shuffle`` (in place, returns None) was used."""

    shuffled_in_place = False
    _in_permutation = False

    def shuffle(self, x, axis=0):
        if not self._in_permutation:  # numpy's permutation shuffles a copy by this method
            self.shuffled_in_place = True
        return super().shuffle(x, axis)

    def permutation(self, x, axis=0):
        self._in_permutation = True
        try:
            return super().permutation(x, axis)
        finally:
            self._in_permutation = False


def _generator(seed: int) -> _WatchedGenerator:
    """The same stream as ``np.random.default_rng(seed)``, watched."""
    return _WatchedGenerator(np.random.PCG64(seed))


class _Recorder:
    """A problem that remembers every gradient asked of it: at which point, on which batch."""

    def __init__(self, problem) -> None:
        self._problem = problem
        self.n = problem.n
        self.name = problem.name
        self.calls: list[tuple[np.ndarray, np.ndarray | None]] = []

    def grad(self, params, batch=None):
        point = np.array(params, dtype=float)
        rows = None if batch is None else np.array(batch)
        self.calls.append((point, rows))
        if rows is not None and rows.size == 0:
            raise _EmptyBatch(len(self.calls))
        return self._problem.grad(params, batch)

    def loss(self, params, batch=None):
        return self._problem.loss(params, batch)

    def __call__(self, params):
        return self._problem.loss(params)


# Functions that round to the nearest whole number: right here only by the luck of a .5.
_ROUNDING = {"round", "rint", "around"}


def _is_floor_plus_one(expression) -> bool:
    """True for ``n // B + 1`` or ``int(n / B) + 1``: right only when B does not divide n."""
    if not (
        isinstance(expression, ast.BinOp)
        and isinstance(expression.op, ast.Add)
        and any(
            isinstance(side, ast.Constant) and side.value == 1
            for side in (expression.left, expression.right)
        )
    ):
        return False
    return any(
        (isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv))
        or calls_function(node, {"int", "floor", "trunc"})
        for node in ast.walk(expression)
    )


def check_updates_per_epoch(answer, n: int = 1_200_000, batch_size: int = 256) -> Feedback:
    """Check the number of updates in one epoch of ``n`` examples in batches of ``batch_size``."""
    value = read_number(answer, "updates")
    if isinstance(value, Feedback):
        return value
    truth = batches_per_epoch(n, batch_size)
    full, rest = divmod(n, batch_size)
    if value == truth and calls_function(answer_source("check_updates_per_epoch"), _ROUNDING):
        why = (
            "ends in exactly .5, and Python rounds a half to the nearest *even* number, here "
            "the one above"
            if 2 * rest == batch_size
            else "has a fraction above one half, so rounding happened to go up"
        )
        return Feedback(
            False,
            f"{truth:,} is the right count, but rounding to the nearest whole number found it "
            f"by luck: {n:,}/{batch_size} = {n / batch_size:,.3f} {why}. With a few examples "
            "fewer, rounding would give one update too few. The rule is to round *up*, "
            "whatever the fraction: the last, short batch is one more update even if it holds "
            "a single example.",
        )
    if value == truth and rest and _is_floor_plus_one(answer_source("check_updates_per_epoch")):
        return Feedback(
            False,
            f'{truth:,} is the right count here, but the rule "rounded down, plus one" is '
            "not: when the batch size divides the number of examples exactly, there is no "
            "short batch, and the plus one counts an update that does not exist. Round up "
            "instead, the ceiling of n/B: it adds a batch only when examples are left over.",
        )
    if value == truth:
        detail = (
            f"{full:,} full batches of {batch_size} and one short batch of the last {rest}"
            if rest
            else f"{full:,} batches of {batch_size}, none short"
        )
        return Feedback(True, f"{truth:,} updates: {detail}.")
    if rest and value == n / batch_size:
        return Feedback(
            False,
            f"{value:,} is not a whole number of updates: the last {rest} examples make one "
            "more, shorter batch, so round up.",
        )
    if rest and value == full:
        return Feedback(
            False,
            f"the last, short batch is missing: {full:,} × {batch_size} = {full * batch_size:,}, "
            f"and the remaining {rest} examples are one more update.",
        )
    if value == n:
        return Feedback(False, "that is the count for single-example SGD (batch size 1).")
    if value == 1:
        return Feedback(False, "that is full-batch gradient descent: one update per epoch.")
    if value == batch_size:
        return Feedback(
            False, f"that is the batch size; how many batches of {batch_size} fit in {n:,}?"
        )
    return Feedback(
        False,
        f"not quite ({value:g}). Divide the {n:,} examples into batches of {batch_size} and "
        "count the batches, the last, shorter one included.",
    )


def _replay(problem, batches, sign: float = -1.0) -> list[np.ndarray]:
    """The points gradient descent visits with these batches: start, then after each step."""
    w = _START.copy()
    points = [w.copy()]
    for rows in batches:
        w = w + sign * _STEP_SIZE * problem.grad(w, rows)
        points.append(w.copy())
    return points


_OTHER_SEED = 3


def _attempt(run_epoch, problem, seed: int = _SEED):
    """Run the student's epoch on a watched problem: (its gradient requests, Attempt, rng)."""
    recorder = _Recorder(problem)
    rng = _generator(seed)
    arguments = {
        "problem": recorder,
        "w": _START,
        "step_size": _STEP_SIZE,
        "batch_size": _BATCH,
        "rng": rng,
    }
    return recorder.calls, attempt(run_epoch, arguments), rng


def _steps(calls) -> list[tuple[np.ndarray, np.ndarray]]:
    """The gradient requests as steps: ``(point, rows)``, one per update.

    Asked one batch at a time, each request is a step. Requests asked in a row at one
    point are one step's batch when that is what makes the epoch's batches: a step may
    average per-example gradients, which is the batch's gradient written differently. The
    same batch asked twice at one point (to print it, say) counts once.
    """
    raw = [(point, np.ravel(rows)) for point, rows in calls]
    grouped: list[tuple[np.ndarray, np.ndarray]] = []
    for point, rows in raw:
        if grouped and np.array_equal(grouped[-1][0], point):
            if not np.array_equal(grouped[-1][1], rows):
                grouped[-1] = (point, np.concatenate([grouped[-1][1], rows]))
        else:
            grouped.append((point, rows))
    expected = _expected_sizes()
    if [len(r) for _, r in raw] != expected and [len(r) for _, r in grouped] == expected:
        return grouped
    return raw


def _expected_sizes() -> list[int]:
    return [_BATCH] * (_N // _BATCH) + ([_N % _BATCH] if _N % _BATCH else [])


def check_run_epoch(run_epoch) -> Feedback:
    """Check a student's ``run_epoch(problem, w, step_size, batch_size, rng)``.

    It is run on a problem of 10 examples in batches of 4, and must: draw its shuffle from
    ``rng``; use every example exactly once, in batches of 4, 4 and 2; compute each
    gradient at the current point with ``problem.grad(w, batch)`` (or, the same thing, as
    the mean of the batch's per-example gradients); step ``w += -step_size * grad``; and
    return the final ``w`` without changing the caller's.
    """
    if is_placeholder(run_epoch):
        return not_attempted("`run_epoch`")
    if not callable(run_epoch):
        return Feedback(False, f"`run_epoch` should be a function; got {type(run_epoch).__name__}.")
    problem = _problem()
    calls, result, rng = _attempt(run_epoch, problem)
    if result.error is not None:
        return _exception_feedback(result.error, run_epoch, rng)
    out = result.value

    if not calls:
        if out is None or out is Ellipsis or _is_start(out):
            return not_attempted("the loop in `run_epoch`")
        return Feedback(
            False, "`run_epoch` never called `problem.grad(w, batch)`: each step needs one."
        )
    if any(rows is None for _, rows in calls):
        return Feedback(
            False,
            "`problem.grad(w)` without a batch is the gradient over all the data (full-batch "
            "descent). Pass the batch: `problem.grad(w, batch)`.",
        )
    if result.changed:
        return Feedback(
            False,
            "your function changed the caller's `w`: begin with `w = np.array(w, dtype=float)`, "
            "a copy that is yours to update in place.",
        )
    steps = _steps(calls)
    batches = [rows for _, rows in steps]
    coverage = _coverage_slip(batches)
    if coverage is not None:
        return Feedback(False, coverage)
    sizes = [len(rows) for rows in batches]
    used = np.concatenate(batches)
    expected_sizes = _expected_sizes()
    if sizes != expected_sizes:
        return Feedback(
            False,
            f"expected batches of sizes {expected_sizes} (each `batch_size` long but the last); "
            f"got {sizes}.",
        )
    if np.array_equal(used, np.arange(_N)):
        return Feedback(
            False,
            "the batches follow the data's own order: shuffle first, "
            "`order = rng.permutation(problem.n)`, so each epoch sees different batches.",
        )
    again, second, _ = _attempt(run_epoch, problem)
    other_seed, third, _ = _attempt(run_epoch, problem, _OTHER_SEED)
    error = second.error or third.error
    if error is not None:
        return raised(error, run_epoch, "`run_epoch(problem, w, 0.3, 4, rng)`", "(on a second run)")
    if not _same_batches(_steps(again), batches):
        return Feedback(
            False,
            "two runs with the same seed made different batches: draw the shuffle from the "
            "`rng` you are given (`rng.permutation(problem.n)`), not from `np.random`, so a "
            "seed reproduces the epoch.",
        )
    if _same_batches(_steps(other_seed), batches):
        return Feedback(
            False,
            "two runs given different generators made exactly the same batches, so every "
            "epoch of a training run would repeat one shuffle. Your function ignores the "
            "`rng` it is given: did you create your own generator inside it, such as "
            "`np.random.default_rng(0)`, or seed `np.random`? Draw the shuffle from the "
            "`rng` argument; whoever calls `run_epoch` seeds it once, before the first epoch.",
        )
    return _path_feedback(problem, steps, out)


def _path_feedback(problem, steps, out) -> Feedback:
    """The feedback on where the steps went and what came back, once the batches are right."""
    batches = [rows for _, rows in steps]
    sizes = [len(rows) for rows in batches]
    descent = _replay(problem, batches)
    ascent = _replay(problem, batches, sign=+1.0)
    points = [point for point, _ in steps]
    try:
        final = np.array(out, dtype=float)
    except (TypeError, ValueError):
        final = None
    if final is None or final.shape != _START.shape:
        shape = "nothing" if out is None else f"{type(out).__name__} {np.shape(out)}"
        return Feedback(False, f"`run_epoch` should return the new `w`, shape (2,); got {shape}.")
    if all(same(p, q) for p, q in zip(points, ascent, strict=False)) and same(final, ascent[-1]):
        return Feedback(
            False,
            "wrong sign: each step climbs. The gradient points uphill, so step against it: "
            "`w += -step_size * grad`.",
        )
    if len(points) > 1 and all(same(p, _START) for p in points):
        return Feedback(
            False,
            "every gradient was taken at the start: update `w` after each batch, so the next "
            "gradient is computed where you are now.",
        )
    scaled = _step_scale(problem, [*points, final], batches, sizes)
    if scaled is not None:
        return Feedback(False, scaled)
    for k, (p, q) in enumerate(zip(points, descent, strict=False)):
        if not same(p, q):
            return Feedback(
                False,
                f"the gradient for batch {k + 1} was taken at the wrong point: after each batch "
                "take exactly one step, `w += -step_size * grad`.",
            )
    if same(final, _START):
        return Feedback(
            False, "the steps were right, but the returned `w` is the start: `return w` at the end."
        )
    if not same(final, descent[-1]):
        return Feedback(
            False,
            "the gradients were right, but the returned `w` is not where the last step lands: "
            "step after the last batch too, then `return w`.",
        )
    return Feedback(
        True,
        f"one epoch = {len(sizes)} updates ({' + '.join(map(str, sizes))} examples), each example "
        "once, in a shuffled order, and the same seed gives the same epoch.",
    )


def _coverage_slip(batches: list[np.ndarray]) -> str | None:
    """The hint when the batches do not use every example exactly once, or are too big."""
    sizes = [len(rows) for rows in batches]
    expected_sizes = _expected_sizes()
    counts = np.bincount(np.concatenate(batches).astype(int), minlength=_N)
    if sizes == expected_sizes[:-1] and _N % _BATCH:
        return (
            f"the last, short batch is missing: {_N} examples in batches of {_BATCH} take "
            f"{len(expected_sizes)} updates ({' + '.join(map(str, expected_sizes))}); yours made "
            f"{len(sizes)}. Let the final slice be shorter rather than dropping it."
        )
    if any(size > _BATCH for size in sizes):
        return (
            f"a batch had {max(sizes)} examples; each should hold at most `batch_size` ({_BATCH})."
        )
    unused, repeated = int(np.sum(counts == 0)), int(np.sum(counts > 1))
    if len(batches) == 1 and not repeated and unused:
        return (
            f"your epoch took a single step, on one batch of {sizes[0]} examples; the other "
            f"{unused} were never used. An epoch takes one step per batch, batch after batch, "
            "until every example of the shuffled order has been used once."
        )
    if repeated and not unused and sizes == [_BATCH] * len(expected_sizes):
        return (
            f"every example was used, but {repeated} of them twice: your last batch was "
            f"topped up to {_BATCH} with examples from the start of the order (a "
            "wrap-around). Within one epoch each example counts once, so the last batch is "
            f"simply shorter, {_N % _BATCH} examples, and the next epoch starts a new shuffle."
        )
    if repeated and not unused and len(batches) == _N:
        return (
            f"your loop took a step at every example ({_N} steps), so the batches overlap and "
            "most examples are used several times. Each batch should start where the "
            "previous one ended: move on by a whole `batch_size` each time."
        )
    if repeated:
        return (
            f"in one epoch every example should be used exactly once; yours used {repeated} "
            f"more than once and {unused} never. Shuffle once, `order = "
            "rng.permutation(problem.n)`, then cut `order` into consecutive slices."
        )
    if unused:
        return (
            f"{unused} of the {_N} examples were never used: an epoch goes on, batch after "
            "batch, until every example of the shuffled order has been used exactly once."
        )
    return None


def _same_batches(steps, batches) -> bool:
    return len(steps) == len(batches) and all(
        np.array_equal(rows, batch) for (_, rows), batch in zip(steps, batches, strict=True)
    )


def _exception_feedback(error: Exception, run_epoch, rng: _WatchedGenerator) -> Feedback:
    """The feedback for an exception in the student's ``run_epoch``: what it likely means."""
    if isinstance(error, _EmptyBatch):
        return Feedback(
            False,
            f"batch {error.number} had no examples in it. A slice `order[a:b]` is empty when "
            "`b` is not past `a`: as the start of the slice moves along `order`, its end must "
            "move with it, one `batch_size` further on. Check what your slice ends at.",
        )
    advice = ""
    if isinstance(error, TypeError) and "NoneType" in str(error):
        if rng.shuffled_in_place:
            advice = (
                "`rng.shuffle(x)` shuffles `x` in place and returns None, so `order = "
                "rng.shuffle(...)` leaves `order` as None. Use `rng.permutation(problem.n)`, "
                "which returns a shuffled copy."
            )
        else:
            advice = (
                "It means something you indexed or looped over is None: did you keep the result of a "
                "function that works in place and returns nothing?"
            )
    elif isinstance(error, ValueError) and (
        "reshape" in str(error) or "equal division" in str(error)
    ):
        advice = (
            f"`reshape` and `np.split` cut an array into equal pieces, but {_N} examples do "
            f"not split evenly into batches of {_BATCH}: the last batch is shorter "
            f"({_N % _BATCH}). Cut `order` into slices in a loop that moves `batch_size` at a "
            "time; the last slice simply comes out shorter."
        )
    return raised(error, run_epoch, "`run_epoch(problem, w, 0.3, 4, rng)`", advice)


def _step_scale(problem, points, batches, sizes) -> str | None:
    """A hint if every step was ``-step_size * grad`` times the same wrong factor."""
    taken, wanted = [], []
    for k, rows in enumerate(batches):
        taken.append(points[k + 1] - points[k])
        wanted.append(-_STEP_SIZE * problem.grad(points[k], rows))
    sizes = np.array(sizes, dtype=float)
    if all(same(t, size * w) for t, w, size in zip(taken, wanted, sizes, strict=True)):
        return (
            "each step was `batch_size` times too long: `problem.grad(w, batch)` is already a "
            "mean over the batch (the loss is a mean), so it has the same size for any batch. "
            "Step by `-step_size * grad` with no factor for the batch's length."
        )
    if all(same(t, w / size) for t, w, size in zip(taken, wanted, sizes, strict=True)):
        return (
            "each step was divided by the batch's length: `problem.grad(w, batch)` is already "
            "a mean over the batch, not a sum, so there is nothing left to divide. Step by "
            "`-step_size * grad`."
        )
    flat_taken, flat_wanted = np.concatenate(taken), np.concatenate(wanted)
    scale = float(flat_wanted @ flat_wanted)
    if scale == 0:
        return None
    factor = float(flat_taken @ flat_wanted) / scale
    if not np.isclose(factor, 1.0) and same(flat_taken, factor * flat_wanted):
        return (
            f"every step was {factor:.3g} times `-step_size * grad`: the direction is right "
            "but the length is not. Use the `step_size` you are given, unchanged."
        )
    return None


def _is_start(out) -> bool:
    return same(out, _START)
