"""Speed of the numerical core, against the goals of issue 2.

Run it with ``.venv/bin/python benchmarks/bench_core.py`` (or ``make bench``). Every figure
is measured in this one run with ``time.perf_counter``, as the median of several repeats,
and compared as a ratio, so the verdicts do not depend on how fast the machine is:

(a) a sweep of 1,000 step sizes x 200 steps on the quadratic: one vectorised ``descend``
    call against a Python loop of 1,000 single-run calls (results checked identical);
(b) linear regression on 1.2 million examples: one 256-example batch gradient against
    the full gradient, and the 256-example gradient on 12,000 against 1.2 million examples;
(c) ``import gdviz`` in a fresh interpreter: no ipywidgets, no JupyterLab.

Prints a markdown table with PASS or FAIL per goal; exits with status 1 if any goal fails.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

import gdviz
from gdviz import descend, optimizers, problems, surfaces

SWEEP_RUNS, SWEEP_STEPS = 1_000, 200
BIG_N, SMALL_N, BATCH = 1_200_000, 12_000, 256
HEAVY = [
    "ipywidgets",
    "jupyterlab",
    "notebook",
    "voila",
    "IPython",
    "ipykernel",
    "ipympl",
    "matplotlib",
    "traitlets",
    "tornado",
    "jupyter_server",
    "scipy",
    "pandas",
    "sklearn",
]
FORBIDDEN = ("ipywidgets", "jupyterlab")


def median_seconds(fn, repeats: int) -> tuple[float, object]:
    """The median wall time of ``fn()`` over ``repeats`` calls (after one warm-up), and its last result."""
    result = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def sweep() -> dict:
    """(a) 1,000 step sizes x 200 steps: one vectorised call against a loop of single runs."""
    bowl = surfaces.get("quadratic")  # κ = 10: the runs with lr > 0.2 diverge
    lrs = np.linspace(0.001, 0.25, SWEEP_RUNS)

    def vectorised():
        return descend(bowl, optimizers.GradientDescent(lr=lrs[:, None]), steps=SWEEP_STEPS)

    def loop():
        return [descend(bowl, optimizers.GradientDescent(lr=lr), steps=SWEEP_STEPS) for lr in lrs]

    fast, batched = median_seconds(vectorised, repeats=7)
    slow, singles = median_seconds(loop, repeats=3)
    for i, single in enumerate(singles):
        n = len(single.points)
        assert np.array_equal(batched.points[:n, i], single.points), f"run {i}: points differ"
        assert np.array_equal(batched.grads[:n, i], single.grads), f"run {i}: gradients differ"
        assert np.all(np.isnan(batched.points[n:, i])), f"run {i}: points after divergence"
        assert batched.diverged_at[i] == (single.diverged_at if single.diverged else -1)
    return {
        "slow": slow,
        "fast": fast,
        "diverged": int(np.sum(batched.diverged)),
    }


def batch_gradients() -> dict:
    """(b) 256 out of 1.2 million: batch against full gradient, and against a small data set."""
    big = problems.linear_regression(n=BIG_N, seed=0)
    small = problems.linear_regression(n=SMALL_N, seed=0)
    params = np.array([0.5, 0.5])
    rng = np.random.default_rng(0)

    def batches(n):  # what the mini-batch sampler yields: sorted indices, no repeats
        return [np.sort(rng.choice(n, size=BATCH, replace=False)) for _ in range(500)]

    def per_call(problem, drawn):
        start = time.perf_counter()
        for batch in drawn:
            problem.grad(params, batch)
        return (time.perf_counter() - start) / len(drawn)

    big_batches, small_batches = batches(BIG_N), batches(SMALL_N)
    everyone = [None]  # one call on all the data
    per_call(big, everyone), per_call(big, big_batches), per_call(small, small_batches)  # warm-up
    # interleaved repeats, so a change in the machine's load falls on all three alike
    times = {"full": [], "on_big": [], "on_small": []}
    for _ in range(11):
        times["full"].append(per_call(big, everyone))
        times["on_big"].append(per_call(big, big_batches))
        times["on_small"].append(per_call(small, small_batches))
    result = {key: statistics.median(values) for key, values in times.items()}
    # the batch gradient is an unbiased estimate of this full one: check it is the same function
    assert np.array_equal(big.grad(params), big.grad(params, np.arange(BIG_N)))
    return result


def import_cost() -> dict:
    """(c) ``import gdviz`` in fresh interpreters: the time it takes and what it pulls in."""
    code = (
        "import json, sys, time\n"
        "start = time.perf_counter()\n"
        "import gdviz\n"
        "seconds = time.perf_counter() - start\n"
        "print(json.dumps({'seconds': seconds, 'modules': sorted(sys.modules)}))\n"
    )
    runs = []
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(gdviz.__file__))),
        )
        runs.append(json.loads(done.stdout))
    top_level = {name.split(".")[0] for name in runs[-1]["modules"]}
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "heavy": [name for name in HEAVY if name in top_level],
        "forbidden": [name for name in FORBIDDEN if name in top_level],
    }


def main() -> int:
    print(
        f"gdviz {gdviz.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs; medians of repeated runs, time.perf_counter\n"
    )
    a, b, c = sweep(), batch_gradients(), import_cost()
    sweep_ratio = a["slow"] / a["fast"]
    batch_ratio = b["full"] / b["on_big"]
    size_ratio = b["on_big"] / b["on_small"]
    within = max(size_ratio, 1 / size_ratio)
    rows = [
        (
            f"(a) sweep of {SWEEP_RUNS:,} step sizes × {SWEEP_STEPS} steps (quadratic): "
            f"loop of {SWEEP_RUNS:,} single `descend` calls vs one vectorised call",
            fmt_time(a["slow"]),
            fmt_time(a["fast"]),
            f"{sweep_ratio:,.0f}×",
            "≥ 50×",
            sweep_ratio >= 50,
        ),
        (
            f"(b) linear regression, n = {BIG_N:,}: full gradient vs one {BATCH}-example batch gradient",
            fmt_time(b["full"]),
            fmt_time(b["on_big"]),
            f"{batch_ratio:,.0f}×",
            "≥ 200×",
            batch_ratio >= 200,
        ),
        (
            f"(b) {BATCH}-example batch gradient: n = {BIG_N:,} vs n = {SMALL_N:,}",
            fmt_time(b["on_big"]),
            fmt_time(b["on_small"]),
            f"{size_ratio:.2f}×",
            "within 2×",
            within <= 2,
        ),
        (
            "(c) `import gdviz` in a fresh interpreter (forbidden: ipywidgets, jupyterlab)",
            fmt_time(c["seconds"]),
            "—",
            "—",
            "imports neither",
            not c["forbidden"],
        ),
    ]
    print("| comparison | A | B | A / B | goal | result |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    for what, first, second, ratio, goal, ok in rows:
        print(f"| {what} | {first} | {second} | {ratio} | {goal} | {'PASS' if ok else 'FAIL'} |")
    print()
    print(
        f"(a) results identical: every one of the {SWEEP_RUNS:,} runs has the same points and "
        f"gradients as its single-run call, bit for bit ({a['diverged']} runs diverged, each at "
        f"the same step, NaN after it)."
    )
    print(
        f"(c) heavy modules imported by `import gdviz`: {', '.join(c['heavy']) or 'none'}"
        f" (of those checked: {', '.join(HEAVY)})."
    )
    return 0 if all(row[-1] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
