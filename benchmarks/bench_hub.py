"""Size a JupyterHub for the lessons: what one student's kernel costs, measured.

For each lesson notebook, a fresh kernel runs it top to bottom (as a student's Run All
does); then we read the kernel process's peak resident memory (VmHWM) and the CPU time
it used. We also measure an idle kernel and an idle single-user Jupyter server, the
fixed cost of each logged-in student. Prints a markdown table and the sizing it implies.

Run: ``.venv/bin/python benchmarks/bench_hub.py`` (about a minute).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MIB = 2**20


def peak_rss(pid: int) -> int:
    """Peak resident set size of a process, in bytes (Linux's VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def run_lesson(path: Path | None) -> dict:
    """Run one notebook (or nothing: an idle kernel) in a fresh kernel and measure it."""
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(ROOT / "notebooks"))
    try:
        pid = km.provisioner.process.pid
        client = km.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        if path is not None:
            nb = nbformat.read(path, as_version=4)
            NotebookClient(
                nb, km=km, timeout=120, resources={"metadata": {"path": str(path.parent)}}
            ).execute()
        wall = time.perf_counter() - t0
        result = {"peak_rss": peak_rss(pid), "cpu": cpu_seconds(pid) - cpu0, "wall": wall}
        client.stop_channels()
        return result
    finally:
        km.shutdown_kernel(now=True)


def idle_server_rss() -> int:
    """Resident memory of an idle single-user Jupyter server (JupyterLab), on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as runtime:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--allow-root",
                "--ip=127.0.0.1",
                f"--port={port}",
                f"--ServerApp.runtime_dir={runtime}",
                f"--ServerApp.root_dir={ROOT}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # token authentication stays on: we never connect, we only read its memory
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.5)
            time.sleep(2)
            return psutil.Process(proc.pid).memory_info().rss
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    if not NOTEBOOKS:
        sys.exit("no notebooks/NN_*.ipynb to measure")
    server = idle_server_rss()
    idle = run_lesson(None)
    rows = [(path.stem, run_lesson(path)) for path in NOTEBOOKS]
    print("| lesson | kernel peak RSS (MiB) | kernel CPU time (s) | wall time (s) |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| idle kernel | {idle['peak_rss'] / MIB:.0f} | – | – |")
    for name, r in rows:
        print(f"| {name} | {r['peak_rss'] / MIB:.0f} | {r['cpu']:.1f} | {r['wall']:.1f} |")
    worst = max(r["peak_rss"] for _, r in rows)
    per_student = server + worst
    print(f"\nidle single-user JupyterLab server: {server / MIB:.0f} MiB")
    print(f"per student (server + largest lesson kernel): {per_student / MIB:.0f} MiB")
    for users in (30, 50, 100):
        print(f"  {users} students: {users * per_student / 2**30:.1f} GiB")


if __name__ == "__main__":
    main()
