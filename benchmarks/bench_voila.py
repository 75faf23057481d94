"""Presenting with Voilà: time from opening a lesson's URL to its first figure, and kernels left.

Two ways of serving lesson 03 on 127.0.0.1, each visited VISITS times in a row by Debian's
Chromium (a fresh browser context per visit, as a new tab; each page closed as a tab is, with
its ``beforeunload``, which Voilà uses to shut the page's kernel down):

before  the old ``make present LESSON=03``: Voilà on the one notebook, run on every visit, with
        the projector template as it was before issue 10 (read from git).
after   ``make present``: Voilà's tree of every lesson with ``presentation/voila.py``: lesson
        03's kernel heated in advance (run through the notebook before anyone asks), idle
        kernels without a page culled.

Visits are paced: the next one starts when the server's kernels are idle again (in "after",
once the heated kernel a visit took has been replaced), as a teacher moves on after minutes, not
seconds. Per visit: the time from ``goto`` to the first explorer's canvas visible
(drawn in the browser). After the visits: kernels still alive (the server's kernel processes), requests that
left 127.0.0.1, and browser console warnings. Then one page is closed without ``beforeunload``
(a crashed browser): its kernel must be culled once idle (here after 20 s, 300 s in
``make present``).

Run: ``.venv/bin/python benchmarks/bench_voila.py [VISITS]`` (VISITS defaults to 10; several
minutes on 2 busy cores, the "before" visits are the slow part).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    VENV_BIN,
    _terminate_tree,
    free_port,
    jupyter_env,
    launch_chromium,
)

LESSON = next((ROOT / "notebooks").glob("03_*.ipynb")).name
FIGURE = "#rendered_cells .gdviz-panel-0 canvas"
CULL_SECONDS = 20
TEMPLATE = "voila/templates/projector"
BEFORE_COMMIT = "730ae6d"  # main before issue 10: the template that linked Font Awesome's CDN
START_TIMEOUT = 300  # s: a heated kernel has run the whole lesson before the server is ready


def kernels(process: subprocess.Popen) -> int:
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    count = 0
    for child in children:
        try:
            count += "ipykernel_launcher" in " ".join(child.cmdline())
        except psutil.NoSuchProcess:
            pass
    return count


def start(mode: str, base: Path) -> tuple[subprocess.Popen, str, Path]:
    env, dirs = jupyter_env(base)
    env["JUPYTER_PATH"] = str(ROOT / "presentation")  # the projector template
    if mode == "before":  # the projector template as it was, from git
        old = base / "presentation-before" / TEMPLATE
        old.mkdir(parents=True)
        for name in ("conf.json", "index.html.j2"):
            text = subprocess.run(
                ["git", "show", f"{BEFORE_COMMIT}:presentation/{TEMPLATE}/{name}"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            (old / name).write_text(text)
        env["JUPYTER_PATH"] = str(base / "presentation-before")
    env["GDVIZ_PRESENT_PRELOAD"] = "03"
    env["GDVIZ_PRESENT_CULL"] = str(CULL_SECONDS)
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copyfile(nb, dirs["root"] / nb.name)
    port = free_port()
    cmd = [str(VENV_BIN / "voila"), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}"]
    cmd.append("--Voila.port_retries=0")
    if mode == "before":
        cmd += ["--template=projector", LESSON]
        url = f"http://127.0.0.1:{port}/"
    else:
        cmd += [f"--Voila.config_file_paths={ROOT / 'presentation'}", "."]
        url = f"http://127.0.0.1:{port}/voila/render/{LESSON}"
    log = base / "voila.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            cmd, cwd=dirs["root"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + START_TIMEOUT
    ready = "is filled with" if mode == "after" else "Voilà is running at"
    while ready not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"voila ({mode}) did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    if mode == "after":  # a teacher starts `make present` before the class: until heated
        wait_until_kernels_idle(process, deadline)
    return process, url, log


def _kernel(proc: psutil.Process) -> bool:
    try:
        return "ipykernel_launcher" in " ".join(proc.cmdline())
    except psutil.NoSuchProcess:
        return False


def _cpu_percent(proc: psutil.Process) -> float:
    try:
        return proc.cpu_percent()
    except psutil.NoSuchProcess:  # a closed page's kernel, shut down meanwhile
        return 0.0


def wait_until_kernels_idle(process: subprocess.Popen, deadline: float) -> None:
    """Until the server's kernels have used less than 5% CPU for two seconds running."""
    quiet = 0
    while quiet < 2:
        if time.monotonic() > deadline:
            raise RuntimeError("the heated kernel did not finish running the lesson")
        procs = [p for p in psutil.Process(process.pid).children(recursive=True) if _kernel(p)]
        for p in procs:
            _cpu_percent(p)
        time.sleep(1)
        busy = sum(_cpu_percent(p) for p in procs)
        quiet = quiet + 1 if busy < 5 else 0


def visit(browser, url: str, outside: list[str], warnings: list[str], unload: bool = True):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", None) and r.url.startswith("http")
            else None
        ),
    )
    page.on(
        "console", lambda m: warnings.append(m.text) if m.type in ("warning", "error") else None
    )
    t0 = time.perf_counter()
    page.goto(url, timeout=180_000)
    page.locator(FIGURE).first.wait_for(state="visible", timeout=180_000)
    seconds = time.perf_counter() - t0
    page.wait_for_timeout(500)  # the widgets' comms open, as a viewer would give them
    page.close(run_before_unload=unload)
    if unload:
        time.sleep(0.5)  # the beacon reaches the server before the context goes
    context.close()
    return seconds


def measure(mode: str, visits: int, browser) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        process, url, _ = start(mode, Path(tmp))
        ready = time.perf_counter() - t0
        try:
            outside: list[str] = []
            warnings: list[str] = []
            times = []
            for _ in range(visits):
                times.append(visit(browser, url, outside, warnings))
                # the next visit comes once the server is quiet again (the heated pool refilled)
                wait_until_kernels_idle(process, time.monotonic() + START_TIMEOUT)
            time.sleep(3)  # a closed page's shutdown, and the pool's refill, are started
            after_visits = kernels(process)
            visit(browser, url, outside, warnings, unload=False)  # a page that vanishes
            time.sleep(2)
            before_cull = kernels(process)
            time.sleep(CULL_SECONDS + 40)  # the timeout, plus one cull interval (30 s)
            after_cull = kernels(process)
        finally:
            _terminate_tree(process)
        return {
            "ready": ready,
            "times": times,
            "after_visits": after_visits,
            "before_cull": before_cull,
            "after_cull": after_cull,
            "outside": sorted(set(outside)),
            "unsatisfied": sum("Unsatisfied version" in w for w in warnings),
            "warnings": len(warnings),
        }


def main() -> None:
    visits = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for mode in ("before", "after"):
                results[mode] = measure(mode, visits, browser)
        finally:
            browser.close()
    print(f"{LESSON}, {visits} visits, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(
        "| serving | server ready (s) | first figure: first visit (s) | median | worst "
        "| kernels after the visits | + a vanished page | after the cull "
        "| requests off 127.0.0.1 | console warnings (Unsatisfied version) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for mode, r in results.items():
        t = r["times"]
        print(
            f"| {mode} | {r['ready']:.1f} | {t[0]:.1f} | {statistics.median(t):.1f} | {max(t):.1f} "
            f"| {r['after_visits']} | {r['before_cull']} | {r['after_cull']} "
            f"| {len(r['outside'])} | {r['warnings']} ({r['unsatisfied']}) |"
        )
    for mode, r in results.items():
        per_visit = ", ".join(f"{s:.1f}" for s in r["times"])
        print(f"{mode}: first figure per visit (s): {per_visit}")
        for url in r["outside"]:
            print(f"{mode}: request off 127.0.0.1: {re.sub(r'[?#].*', '', url)}")


if __name__ == "__main__":
    main()
