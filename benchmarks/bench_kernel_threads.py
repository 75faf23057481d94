"""Lesson 06 in the kernel a student gets, with and without one BLAS thread per kernel.

``make venv`` rewrites the venv's ``python3`` kernel spec with ``OPENBLAS_NUM_THREADS=1`` and
``OMP_NUM_THREADS=1``; ``make lab``, ``make present`` and ``make hub`` start kernels from it.
This runs lesson 06 (the digits classifier, the lesson with the most matrix products) top to
bottom twice per kernel spec, alternating: once with ipykernel's stock spec (no thread limit,
what ``make lab`` used before) and once with the venv's, from an environment without either
variable (as a student's shell is). Prints the whole run and the slowest cell (the training
loop) per run, from nbclient's per-cell timestamps.

Run: ``.venv/bin/python benchmarks/bench_kernel_threads.py`` (about a minute on 2 idle cores,
several on busy ones).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
LESSON = next((ROOT / "notebooks").glob("06_*.ipynb"))
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def cell_seconds(cell: nbformat.NotebookNode) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def run(spec_manager: KernelSpecManager) -> tuple[float, float, str]:
    """Whole-notebook wall time, slowest cell's time and that cell's first line."""
    nb = nbformat.read(LESSON, as_version=4)
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    km = KernelManager(kernel_name="python3", kernel_spec_manager=spec_manager)
    km.start_kernel(cwd=str(LESSON.parent), env=env)
    try:
        start = time.perf_counter()
        NotebookClient(nb, km=km, timeout=300, record_timing=True).execute()
        wall = time.perf_counter() - start
    finally:
        km.shutdown_kernel(now=True)
    slowest = max((c for c in nb.cells if c.cell_type == "code"), key=cell_seconds)
    return wall, cell_seconds(slowest), slowest.source.splitlines()[0][:50]


def stock_spec_manager(folder: Path) -> KernelSpecManager:
    """A kernel spec dir holding ipykernel's python3 spec as its wheel ships it (no env)."""
    spec = folder / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3 (stock)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    return KernelSpecManager(kernel_dirs=[str(folder)])


def main() -> None:
    venv_spec = KernelSpecManager()
    env = venv_spec.get_kernel_spec("python3").env
    if env.get("OPENBLAS_NUM_THREADS") != "1":
        sys.exit(f"the venv's python3 kernel spec sets {env}: run `make venv` first")
    with tempfile.TemporaryDirectory() as tmp:
        specs = {
            "stock ipykernel spec (all BLAS threads)": stock_spec_manager(Path(tmp)),
            "venv spec (OPENBLAS/OMP_NUM_THREADS=1)": venv_spec,
        }
        results: dict[str, list[tuple[float, float, str]]] = {name: [] for name in specs}
        for _ in range(2):
            for name, manager in specs.items():
                results[name].append(run(manager))
    print(f"{LESSON.name}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print("| kernel | run | whole lesson (s) | slowest cell (s) | slowest cell |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, runs in results.items():
        for i, (wall, slowest, first_line) in enumerate(runs, 1):
            print(f"| {name} | {i} | {wall:.1f} | {slowest:.1f} | `{first_line}` |")


if __name__ == "__main__":
    main()
