"""Run a command with numpy's floating point behaving as on another machine.

    python tools/as_another_machine.py [--blas-coretype NAME] [--blas-threads N] -- COMMAND ...

Used by `make test-reproducible`: nbval re-executes every lesson under these settings and
compares its text outputs with the stored ones, so an output that depends on the last bits of
rounding (a chaotic run picked by its final loss, say) fails here instead of on a student's
laptop or a CI machine of another make.

What changes, all through numpy's and OpenBLAS's own environment variables:

* ``NPY_DISABLE_CPU_FEATURES``: numpy's vectorised loops fall back to its baseline SIMD level
  (every dispatched extension this CPU has is switched off), as on an older or smaller CPU.
  Elementwise results can differ in their last bit between these code paths.
* ``OPENBLAS_NUM_THREADS`` (default 2 here; the lessons run with 1): matrix products are split
  differently, so their sums are added in another order.
* ``OPENBLAS_CORETYPE`` (only with ``--blas-coretype``, e.g. ``Prescott``): another BLAS kernel.
  Not used by `make test`: on some processors this variable is set by the machine itself, because
  older OpenBLAS builds fail there, and a test must not override it.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np


def dispatched_features_found() -> list[str]:
    """The SIMD extensions numpy dispatches to on this CPU, above its compiled baseline."""
    config = np.show_config(mode="dicts")["SIMD Extensions"]
    return list(config.get("found", []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blas-threads", type=int, default=2)
    parser.add_argument("--blas-coretype", default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (put it after --)")

    env = dict(os.environ)
    features = dispatched_features_found()
    if features:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(features)
    env["OPENBLAS_NUM_THREADS"] = str(args.blas_threads)
    if args.blas_coretype:
        env["OPENBLAS_CORETYPE"] = args.blas_coretype
    changed = {
        key: env[key]
        for key in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE")
        if key in env
    }
    print("as another machine: " + ", ".join(f"{k}={v!r}" for k, v in changed.items()), flush=True)
    os.execvpe(command[0], command, env)
    return 1  # not reached: exec replaces this process


if __name__ == "__main__":
    sys.exit(main())
