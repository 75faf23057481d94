"""The cost bound of issue 9, demonstrated on the largest runs it allows.

Run it with ``.venv/bin/python benchmarks/bench_limits.py`` (or ``make bench``); it takes
about three minutes. Every figure is measured in this one run with ``time.perf_counter``
(one repeat each: the runs are long):

(a) the largest single run ``descend`` allows on a surface (``steps = MAX_WORK / 2``), with the progress bar
    forced on (it is drawn on stderr while it runs): wall time and the path's memory;
(b) the bar's overhead: 100,000 steps with the bar and without, alternated three times
    (the best of each, since the machine is shared), as a ratio;
(c) the same work as (a) as ``MAX_WORK / 2000`` steps of 1,000 vectorised runs;
(d) the largest ``minibatch_descend`` runs: ``MAX_MINIBATCH_STEPS`` steps on linear regression,
    and as many steps of the digits classifier (650 parameters) as ``MAX_WORK`` allows;
(e) how fast a call over the bound is refused (``steps = 5 * MAX_WORK``), and its message;
and the load average, since the machine may be shared.

Prints a markdown table with PASS or FAIL per goal; exits with status 1 if any goal fails.
Goals: each largest run finishes within 2 minutes and 100 MB; a refusal takes under 10 ms;
the bar costs under 10 % and appears exactly when asked.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from gdviz import descend, minibatch_descend, optimizers, problems, runs, surfaces

WORST_SECONDS, WORST_MB, REFUSE_SECONDS, BAR_OVERHEAD = 120.0, 100.0, 0.01, 0.10


class CountingStream:
    """Passes writes through to a stream and counts them (to see that a bar was drawn)."""

    def __init__(self, stream) -> None:
        self.stream, self.writes = stream, 0

    def write(self, text: str) -> int:
        self.writes += 1
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False


def megabytes(path) -> float:
    arrays = [path.points, path.losses, path.grads, path.batch_losses, path.examples_seen]
    return sum(a.nbytes for a in arrays if a is not None) / 1e6


def timed(fn, *, progress: bool) -> tuple[float, object, int]:
    """Wall time of ``fn()``, its result, and how many writes reached stderr meanwhile."""
    runs.PROGRESS = progress
    counting = CountingStream(sys.stderr)
    sys.stderr = counting
    try:
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
    finally:
        sys.stderr = counting.stream
        runs.PROGRESS = None
    return seconds, result, counting.writes


def main() -> int:
    bowl = surfaces.get("quadratic")
    line = problems.linear_regression(n=1000, seed=0)
    digits = problems.softmax_digits()
    rows = []

    def within(seconds, path) -> bool:
        return seconds < WORST_SECONDS and megabytes(path) < WORST_MB

    largest = runs.MAX_WORK // 2  # two coordinates a point
    print(f"(a) descend, {largest:_} steps, progress bar on:", file=sys.stderr)
    t_a, path, writes_a = timed(
        lambda: descend(bowl, optimizers.GradientDescent(lr=1e-7), steps=largest),
        progress=True,
    )
    rows.append(
        (
            f"(a) descend: 1 run × {largest:_} steps, bar on",
            t_a,
            megabytes(path),
            within(t_a, path),
        )
    )

    def short():
        return descend(bowl, optimizers.GradientDescent(lr=1e-7), steps=100_000)

    runs.PROGRESS_AFTER, on, off, writes_on, writes_off = 0.0, [], [], 0, 0
    for _ in range(3):
        seconds, _, writes = timed(short, progress=True)
        on.append(seconds)
        writes_on += writes
        seconds, _, writes = timed(short, progress=False)
        off.append(seconds)
        writes_off += writes
    runs.PROGRESS_AFTER = 2.0
    overhead = min(on) / min(off) - 1
    rows.append(("(b) 100_000 steps, bar on (best of 3)", min(on), None, None))
    rows.append(
        (
            f"(b) 100_000 steps, bar off (best of 3; {writes_off} writes to stderr)",
            min(off),
            None,
            None,
        )
    )
    good_bar = overhead < BAR_OVERHEAD and writes_on > 0 and writes_off == 0 and writes_a > 0
    rows.append((f"(b) bar overhead {overhead:+.1%}", None, None, good_bar))

    k = 1000
    lrs = np.full((k, 1), 1e-7)
    t_c, batch, _ = timed(
        lambda: descend(bowl, optimizers.GradientDescent(lr=lrs), steps=largest // k),
        progress=False,
    )
    rows.append(
        (
            f"(c) descend: {k} runs × {largest // k} steps",
            t_c,
            megabytes(batch),
            within(t_c, batch),
        )
    )

    steps = runs.MAX_MINIBATCH_STEPS
    print(f"(d) minibatch_descend, linear regression, {steps:_} steps:", file=sys.stderr)
    t_d, mini, _ = timed(
        lambda: minibatch_descend(
            line, optimizers.GradientDescent(lr=0.01), batch_size=32, steps=steps
        ),
        progress=True,
    )
    rows.append(
        (
            f"(d) minibatch_descend: linear regression (n=1000), {steps:_} steps of 32",
            t_d,
            megabytes(mini),
            within(t_d, mini),
        )
    )
    steps = runs.MAX_WORK // digits.size
    print(f"(d) minibatch_descend, digits, {steps:_} steps:", file=sys.stderr)
    t_e, deep, _ = timed(
        lambda: minibatch_descend(
            digits, optimizers.GradientDescent(lr=0.5), batch_size=32, steps=steps
        ),
        progress=True,
    )
    rows.append(
        (
            f"(d) minibatch_descend: digits (n={digits.n}, d={digits.size}), {steps:_} steps of 32",
            t_e,
            megabytes(deep),
            within(t_e, deep),
        )
    )

    start = time.perf_counter()
    try:
        descend(bowl, optimizers.GradientDescent(), steps=5 * runs.MAX_WORK)
        message, refused = "not refused", False
    except ValueError as error:
        message, refused = str(error), True
    t_refuse = time.perf_counter() - start
    rows.append(
        (
            "(e) descend(steps=5 * MAX_WORK) refused",
            t_refuse,
            None,
            refused and t_refuse < REFUSE_SECONDS,
        )
    )
    rows.append((f"    message: {message}", None, None, None))

    print("\n| case | seconds | MB | goal |")
    print("|---|---:|---:|---|")
    for case, seconds, mb, passed in rows:
        cells = [
            case,
            "" if seconds is None else f"{seconds:.3g}",
            "" if mb is None else f"{mb:.0f}",
            "" if passed is None else ("PASS" if passed else "FAIL"),
        ]
        print("| " + " | ".join(cells) + " |")
    ok = all(passed is not False for *_, passed in rows)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"\nload average over 1, 5, 15 minutes: {load} (on {os.cpu_count()} cores)")
    print(
        f"\ngoals: each largest run < {WORST_SECONDS:g} s and < {WORST_MB:g} MB; refusal < "
        f"{REFUSE_SECONDS * 1e3:g} ms; bar overhead < {BAR_OVERHEAD:.0%}. "
        f"{'all PASS' if ok else 'some FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
