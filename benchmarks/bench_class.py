"""A class on the hub at once: N students follow the lesson link, run lesson 03, move its slider.

For each N (default 5, 10, 20, 40; stop at the first N where a student fails), a fresh test hub
(``hub/test_config.py``, as ``make test-hub`` starts it: 127.0.0.1, one single-user server per
student, nbgitpuller, the idle culler) and N students at once, every one a real browser
context (a tab) of a headless Chromium (one Chromium per 4 students: a browser holds only 6
connections to one host, and the hub's progress streams of more tabs block each other), so all
N go through what a student does:

1. follow the nbgitpuller link to lesson 03 (docs/teaching.md's form, to a local bare clone of
   this repository), log in, wait for their server and the clone, JupyterLab opens the lesson;
2. Run All Cells, until every cell has run: "click → running lesson" is from the click on the
   link to here;
3. for SLIDER_SECONDS, press a key on the step-size slider of the lesson's first explorer
   (the DescentExplorer) every PACE seconds, alternately up and down: "slider → visible change"
   is from the key press to the explorer's canvas (drawn in the browser) showing a different picture.

Memory per student: resident memory (RSS, so shared libraries count in each process) of the
student's single-user server and kernels at the end of the slider minute, plus the hub's and
the proxy's divided by N. CPU per student: CPU seconds of those processes over the whole run
of that N, the same way. The browser runs on the same 2 cores and is left out of both; it slows
everything it shares the machine with (honest for latency only as an upper bound).

Run: ``.venv/bin/python benchmarks/bench_class.py [N ...]`` (about 10 minutes for 5, 10, 20).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import _JS_RUN_ALL_STATE, CHROMIUM, CHROMIUM_ARGS, PANEL  # noqa: E402
from tests.hub.conftest import start_hub  # noqa: E402

LESSON = next((ROOT / "notebooks").glob("03_*.ipynb")).name
SLIDER_SECONDS = int(os.environ.get("GDVIZ_BENCH_SLIDER_SECONDS", "60"))
STUDENTS_PER_BROWSER = 4
PACE = 2.0  # s between two key presses: a student watching what each one does
TIMEOUT = 600_000  # ms for one student to reach a running lesson
MIB = 2**20
HANDLE = ".gdviz-explorer input.gdviz-control-step_size"
CANVAS = ".gdviz-explorer .gdviz-panel-0 canvas"

_JS_KERNEL_READY = """() => {
  const kernel = window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""


@dataclass
class Student:
    name: str
    arrived: float | None = None  # s from the click to a running lesson
    moves: list[float] = field(default_factory=list)  # s from a key press to a new picture
    unchanged: int = 0  # key presses after which the picture did not change in 10 s
    error: str | None = None


async def attend(browser, hub, student: Student) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    try:
        t0 = time.perf_counter()
        await page.goto(hub.nbgitpuller_link(LESSON), timeout=TIMEOUT)
        await page.locator("#username_input").fill(student.name)
        await page.locator("#password_input").fill(hub.password)
        await page.locator("#login_submit").click()
        await page.wait_for_url(re.compile(re.escape(LESSON)), timeout=TIMEOUT)
        await page.locator(PANEL).wait_for(state="visible", timeout=TIMEOUT)
        await page.wait_for_function(_JS_KERNEL_READY, timeout=TIMEOUT, polling=500)
        await page.evaluate(
            "() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')"
        )
        await page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        state = await page.wait_for_function(
            _JS_RUN_ALL_STATE, arg=PANEL, timeout=TIMEOUT, polling=500
        )
        outcome = await state.json_value()
        if outcome != "done":
            raise RuntimeError(f"Run All: {outcome}")
        student.arrived = time.perf_counter() - t0
        handle = page.locator(HANDLE).first
        canvas = page.locator(CANVAS).first
        await canvas.wait_for(state="visible", timeout=60_000)
        end = time.monotonic() + SLIDER_SECONDS
        up = True
        while time.monotonic() < end:
            before = await canvas.evaluate("(c) => c.toDataURL()")
            await handle.focus()
            t1 = time.perf_counter()
            await page.keyboard.press("ArrowRight" if up else "ArrowLeft")
            try:
                await page.wait_for_function(
                    "([c, before]) => c.toDataURL() !== before",
                    arg=[await canvas.element_handle(), before],
                    timeout=10_000,
                )
                student.moves.append(time.perf_counter() - t1)
            except Exception:  # Playwright's TimeoutError: counted, the student goes on
                student.unchanged += 1
            up = not up
            await asyncio.sleep(max(0.0, PACE - (time.perf_counter() - t1)))
    except Exception as exc:
        student.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    finally:
        await context.close()


def processes(hub) -> dict[str, list[psutil.Process]]:
    """The hub's processes by role: 'hub' (itself, the proxy, the culler) and per student."""
    roles: dict[str, list[psutil.Process]] = {"hub": [psutil.Process(hub.process.pid)]}
    for proc in hub.descendants():
        try:
            cmd = " ".join(proc.cmdline())
            if "jupyterhub-singleuser" in cmd:
                user = proc.environ().get("JUPYTERHUB_USER", "?")
                roles.setdefault(user, []).extend([proc, *proc.children(recursive=True)])
            elif "ipykernel_launcher" not in cmd:
                roles["hub"].append(proc)
        except psutil.NoSuchProcess:
            pass
    return roles


def cpu(procs: list[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def rss(procs: list[psutil.Process]) -> int:
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


async def sample_cpu(hub, seen: dict[int, float], stop: asyncio.Event) -> None:
    """Keep the last CPU time of every process (a kernel that ends takes its time with it)."""
    while not stop.is_set():
        for procs in processes(hub).values():
            for proc in procs:
                try:
                    times = proc.cpu_times()
                    seen[proc.pid] = times.user + times.system
                except psutil.NoSuchProcess:
                    pass
        await asyncio.sleep(1)


async def one_class(n: int, launch) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        hub = start_hub(Path(tmp))
        try:
            hub_cpu0 = cpu(processes(hub)["hub"])
            students = [Student(f"n{n}s{i}") for i in range(n)]
            seen: dict[int, float] = {}
            stop = asyncio.Event()
            sampler = asyncio.create_task(sample_cpu(hub, seen, stop))
            # A browser holds at most 6 connections to one host: the hub's progress streams of
            # more tabs than that block each other. Students have browsers of their own; here,
            # one Chromium per STUDENTS_PER_BROWSER students.
            browsers = [await launch() for _ in range(0, n, STUDENTS_PER_BROWSER)]
            try:
                await asyncio.gather(
                    *(
                        attend(browsers[i // STUDENTS_PER_BROWSER], hub, s)
                        for i, s in enumerate(students)
                    )
                )
            finally:
                for browser in browsers:
                    await browser.close()
            roles = processes(hub)
            memory = {user: rss(procs) for user, procs in roles.items()}
            stop.set()
            await sampler
            for procs in roles.values():  # the final reading of the ones still alive
                for proc in procs:
                    try:
                        times = proc.cpu_times()
                        seen[proc.pid] = times.user + times.system
                    except psutil.NoSuchProcess:
                        pass
            hub_pids = {p.pid for p in roles["hub"]}
            hub_cpu = sum(seen.get(pid, 0.0) for pid in hub_pids) - hub_cpu0
            student_cpu = sum(t for pid, t in seen.items() if pid not in hub_pids)
        finally:
            hub.stop()
    served = [s for s in students if s.arrived is not None]
    return {
        "n": n,
        "students": students,
        "arrive": sorted(s.arrived for s in served),
        "moves": sorted(m for s in students for m in s.moves),
        "unchanged": sum(s.unchanged for s in students),
        "failed": [s for s in students if s.error],
        "mem_student": statistics.mean(memory[s.name] for s in served if s.name in memory)
        if served
        else float("nan"),
        "mem_hub": memory["hub"],
        "cpu_student": student_cpu / n,
        "cpu_hub": hub_cpu / n,
    }


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))]


HEADER = (
    "| students | click → running lesson p50 / p90 (s) | slider → new picture p50 / p90 (ms) "
    "| moves (no change in 10 s) | failed | memory per student (MiB) | CPU per student (s) |\n"
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def row(r: dict) -> str:
    a, m = r["arrive"], r["moves"]
    mem = r["mem_student"] / MIB + r["mem_hub"] / MIB / r["n"]
    return (
        f"| {r['n']} | {pct(a, 0.5):.0f} / {pct(a, 0.9):.0f} "
        f"| {pct(m, 0.5) * 1000:.0f} / {pct(m, 0.9) * 1000:.0f} "
        f"| {len(m)} ({r['unchanged']}) | {len(r['failed'])} "
        f"| {mem:.0f} (server + kernels {r['mem_student'] / MIB:.0f}, hub share "
        f"{r['mem_hub'] / MIB / r['n']:.0f}) "
        f"| {r['cpu_student'] + r['cpu_hub']:.1f} (hub share {r['cpu_hub']:.1f}) |"
    )


async def main(sizes: list[int]) -> None:
    from playwright.async_api import async_playwright

    # SIGTERM (or Ctrl-C) cancels the run, so the hub is stopped with every server it started
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    print(f"{LESSON}; every student a Chromium tab; {os.cpu_count()} cores")
    print(HEADER, flush=True)
    async with async_playwright() as playwright:

        async def launch():
            return await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )

        for n in sizes:
            t0 = time.perf_counter()
            result = await one_class(n, launch)
            print(row(result), flush=True)
            load = os.getloadavg()[0]
            print(f"  (N={n}: {time.perf_counter() - t0:.0f} s, load average {load:.1f})")
            for s in result["failed"]:
                print(f"  {s.name} failed: {s.error}")
            if result["failed"]:
                break


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or [5, 10, 20, 40]))
