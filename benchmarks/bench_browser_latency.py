"""Key press → first visible change, in a real browser, for every explorer: new design and old.

Run it with ``.venv/bin/python benchmarks/bench_browser_latency.py [--old CHECKOUT[=NAMES]]...``
(or ``make bench``). It starts a private JupyterLab on 127.0.0.1 and Debian's Chromium
(the browser tests' harness, ``tests/browser/conftest.py``), opens one generated notebook
per explorer and prints ONE table of:

- **key press → first visible change** (ms, median / p90 / worst) for each row of
  :data:`ROWS`: real key presses (ArrowRight and ArrowLeft in turn, so the control goes
  back and forth between two stops; ArrowLeft first at the last stop) on the focused
  control, from the ``keydown``'s own time stamp to the end of the first animation frame
  whose picture differs from the one before the press (every canvas's pixels and every
  static PNG of the explorer), ``--presses`` presses, alone and with two busy CPU-bound
  processes beside it. Each press waits until the kernel has been idle for 500 ms (the
  previous press fully handled). A press with no visible change within 5 s counts as
  ``no change``. The frame rows start at frame 3: at the last frame, where the explorer
  opens, a converged run's end does not move and its loss marker is below the loss axis,
  so a step there changes no pixel (that was the "no change" of every frame press);
- **answered while the kernel is stopped**: presses made while the kernel's process is
  stopped (SIGSTOP, then SIGCONT); a press whose picture changes within 1 s did not wait
  for any kernel message (hence the row "does the picture wait for a kernel message?");
- **Play**: pictures drawn per second from Play to the end of the run, alone and under
  load (the scene's own frames; for the old design, canvas changes seen at each frame);
- **a 200-event drag** on the explorer's main slider (200 key presses sent without
  waiting for the picture, each to the next stop, turning at the ends): the comm
  messages each way meanwhile, and the kernel's CPU seconds for it
  (``time.process_time()`` in the kernel, until it has handled them all).

The table is driven by :data:`ROWS`: one line per (explorer, control, what takes the key
presses), so an explorer ported later is one more line. A row names CSS selectors in
order of preference: the browser-drawn design's range input
(``.gdviz-scene input.gdviz-control-NAME``) and the old design's ipywidgets slider handle
(``.gdviz-control-NAME .noUi-handle``); the first one on the page is pressed (``[scene]``
or ``[slider]`` in the table). The new design's column measures browser-drawn explorers
only; a row none of whose selectors is on the page prints ``not available``.

``--old CHECKOUT`` (repeatable) measures a worktree of an earlier design too, with that
checkout's gdviz imported by the kernel (``PYTHONPATH``), as a column of the same table;
``--old CHECKOUT=NAME,...`` measures only the explorers named there. The old design needs
ipympl, which the project no longer installs: ``.venv/bin/uv pip install --python
.venv/bin/python ipympl==0.10.0`` first. For example::

    git worktree add /work/wt-old 52bf090           # descent browser-drawn, the rest ipympl
    git worktree add /work/wt-old-ipympl 730ae6d    # the descent explorer before its port
    .venv/bin/python benchmarks/bench_browser_latency.py \\
        --old /work/wt-old=MinibatchExplorer,FiniteDifferenceExplorer,OptimizerRace \\
        --old /work/wt-old-ipympl=DescentExplorer

``--only NAME,...`` measures only those explorers; ``--presses N`` sets the presses per
row and load (30). Exits 0 whatever it measures; 1 only if it cannot measure.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, Lab, launch_chromium, running_lab  # noqa: E402

PRESSES = 30
BUSY_PRESSES = 6  # presses while the kernel is stopped (even: the control ends where it began)
DRAG_EVENTS = 200
PLAY_TIMEOUT_S = 60
QUIET_MS = 500  # between presses: the kernel has been idle this long (its updates are done)
SETTLED_MS = 1500  # between rows: idle this long (ipywidgets sends a queued change on idle)
LOADS = (("idle", 0), ("2 busy processes", 2))


def scene(name: str) -> str:
    """The browser-drawn design's range input of a scene control."""
    return f".gdviz-scene input.gdviz-control-{name}"


def slider(name: str) -> str:
    """An ipywidgets slider's handle (kernel controls; every control of the old design)."""
    return f".gdviz-control-{name} .noUi-handle"


# A frame at which one step moves the picture: at the last frame a converged path's end and
# its loss marker (below the loss axis by then) do not move, and ArrowRight does nothing.
FRAME_START = ("Home", "ArrowRight", "ArrowRight", "ArrowRight")


STEPS_START = ("Home", *["ArrowRight"] * 19)


@dataclass(frozen=True)
class Row:
    """One control of one explorer, and how to press it."""

    explorer: str  # the construction code, also the notebook the row is measured in
    control: str  # what the table calls it
    press: tuple[str, ...]  # what takes the key presses: the first selector on the page
    # keys pressed once before timing, by selector (to a spot where a step moves the picture)
    start: dict = field(default_factory=dict)
    main: bool = False  # the explorer's main slider: the drag and kernel CPU are measured on it


DESCENT = "DescentExplorer(steps=200)"
MINIBATCH = "MinibatchExplorer()"
FINITE = "FiniteDifferenceExplorer()"
RACE = "OptimizerRace()"

ROWS = [
    Row(DESCENT, "step size", (scene("step_size"), slider("step_size")), main=True),
    # an ipywidgets slider, linked in the browser to the scene (old design: a kernel control);
    # measured from 20 steps, where one step more or less moves the path's end (at 200 the
    # run has converged and its loss is below the loss axis: no pixel changes)
    Row(DESCENT, "steps", (slider("steps"),), start={slider("steps"): STEPS_START}),
    Row(
        DESCENT,
        "frame",
        (scene("frame"), slider("frame")),
        start={scene("frame"): FRAME_START, slider("frame"): FRAME_START},
    ),
    Row(MINIBATCH, "batch size", (scene("batch_size"), slider("batch_size")), main=True),
    Row(MINIBATCH, "step size (kernel)", (slider("step_size"),)),
    Row(FINITE, "h", (scene("h"), slider("h")), main=True),
    Row(RACE, "tolerance", (scene("tolerance"), slider("tolerance")), main=True),
    # the browser-drawn race's frame is its budget (gradient evaluations so far); the old
    # design's budget is a kernel slider, pressed where it is (200)
    Row(RACE, "budget", (scene("frame"), slider("budget")), start={scene("frame"): FRAME_START}),
]

# Everything that shows the picture: the scene's canvases and static PNGs, ipympl's canvas.
PICTURE = (
    ".gdviz-scene canvas, .gdviz-scene img.gdviz-static, .jupyter-matplotlib-canvas-div canvas"
)
# Play: the scene's button, or the old design's ipywidgets Play (its first button plays).
PLAY = (".gdviz-scene .gdviz-play", ".gdviz-control-play button")

KERNEL_CODE = """\
import os
import time
import comm
import gdviz.widgets

explorer = gdviz.widgets.{construction}
_sent, _received = [0], [0]
_session = get_ipython().kernel.session
_send = _session.send
_manager = comm.get_comm_manager()
_comm_msg = _manager.comm_msg

def _counting_send(stream, message, *args, **kwargs):
    kind = message if isinstance(message, str) else message["header"]["msg_type"]
    if kind == "comm_msg":
        _sent[0] += 1
    return _send(stream, message, *args, **kwargs)

def _counting_comm_msg(*args, **kwargs):
    _received[0] += 1
    return _comm_msg(*args, **kwargs)

_session.send = _counting_send
_manager.comm_msg = _counting_comm_msg
get_ipython().kernel.shell_handlers["comm_msg"] = _counting_comm_msg

explorer
"""

# Page helpers, defined once per page. A "picture" is a snapshot of everything in PICTURE;
# a change is looked for after each animation frame's rendering (a message posted from
# requestAnimationFrame runs after the frame's callbacks, the scene's draw included), so a
# change drawn in a frame is seen in that frame, not one later.
_JS_HELPERS = """(selector) => {
  const snapshot = () =>
    [...document.querySelectorAll(selector)].map((el) =>
      el.tagName === 'IMG' ? el.currentSrc + '#' + el.complete
        : el.width && el.height ? el.getContext('2d').getImageData(0, 0, el.width, el.height).data
        : el.width + 'x' + el.height);
  const same = (a, b) => {
    if (a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) {
      const x = a[k], y = b[k];
      if (typeof x === 'string' || typeof y === 'string') { if (x !== y) return false; continue; }
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    }
    return true;
  };
  const afterFrame = (callback) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = callback;
    channel.port2.postMessage(null);
  });
  // the kernel's last busy moment, so that a press waits until the previous one is handled
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  window.__gdvizBusyAt = performance.now();
  kernel.statusChanged.connect((_, status) => {
    if (status !== 'idle') window.__gdvizBusyAt = performance.now();
  });
  window.__gdvizQuiet = (ms) => {
    if (kernel.status !== 'idle') window.__gdvizBusyAt = performance.now();
    return performance.now() - window.__gdvizBusyAt > ms;
  };
  // [value, min, max] of a range input or of an ipywidgets slider's handle
  window.__gdvizPosition = (target) => {
    const el = document.querySelector(target);
    if (el.tagName === 'INPUT') return [Number(el.value), Number(el.min), Number(el.max)];
    return ['now', 'min', 'max'].map((k) => Number(el.getAttribute('aria-value' + k)));
  };
  // Arms a measurement: at the next keydown, the ms from its time stamp to the end of the
  // first frame whose picture differs from now; NaN after `limit` ms without a change.
  window.__gdvizArm = (limit) => {
    const before = snapshot();
    window.__gdvizLatency = null;
    document.addEventListener('keydown', (event) => {
      const start = event.timeStamp;
      const poll = () => {
        const now = performance.now();
        if (!same(snapshot(), before)) window.__gdvizLatency = now - start;
        else if (now - start > limit) window.__gdvizLatency = NaN;
        else afterFrame(poll);
      };
      afterFrame(poll);
    }, { capture: true, once: true });
  };
  // Play from the first frame to the last: pictures that differ from the frame before,
  // per second. The old design's frame slider is moved by the Play widget (jslink).
  window.__gdvizPlay = async (button, frameSelector, limit) => {
    let previous = snapshot();
    let pictures = 0;
    const start = performance.now();
    let last = start;
    document.querySelector(button).click();
    while (performance.now() - start < limit) {
      await new Promise((resolve) => afterFrame(resolve));
      const now = snapshot();
      if (!same(now, previous)) { pictures += 1; last = performance.now(); previous = now; }
      const [value, , max] = window.__gdvizPosition(frameSelector);
      // done: at the last frame and nothing new drawn for 2 s (the kernel may lag behind)
      if (value >= max && pictures > 1 && performance.now() - last > 2000) break;
    }
    return { pictures, seconds: (last - start) / 1000 };
  };
}"""

# The scene's Play alone, without reading pixels (which would slow the page it measures):
# frames drawn, as the scene writes them into data-frame at each draw.
_JS_PLAY_SCENE = """async (limit) => {
  const scene = document.querySelector('.gdviz-scene');
  const frame = document.querySelector('.gdviz-scene input.gdviz-control-frame');
  const seen = new Set([scene.dataset.frame]);
  const start = performance.now();
  scene.querySelector('.gdviz-play').click();
  while (Number(frame.value) < Number(frame.max) || seen.size < 2) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    seen.add(scene.dataset.frame);
    if (performance.now() - start > limit) break;
  }
  return { pictures: seen.size - 1, seconds: (performance.now() - start) / 1000 };
}"""


def _say(text: str) -> None:
    """Progress, on stderr (the table alone goes to stdout)."""
    print(f"{time.strftime('%H:%M:%S')}  {text}", file=sys.stderr, flush=True)


def _busy(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


class Busy:
    """``count`` CPU-bound processes beside the measurement, for the ``with`` block."""

    def __init__(self, count: int) -> None:
        self.stop = multiprocessing.Event()
        self.workers = [
            multiprocessing.Process(target=_busy, args=(self.stop,)) for _ in range(count)
        ]

    def __enter__(self):
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for worker in self.workers:
            worker.join()


def _execute(lab: Lab, code: str) -> None:
    """Start running ``code`` in the notebook's kernel (a request of its own, not a cell)."""
    lab.page.evaluate(
        """(code) => {
          const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
          window.__gdvizValue = null;
          let text = '';
          const future = kernel.requestExecute({ code });
          future.onIOPub = (msg) => {
            if (msg.header.msg_type === 'stream') text += msg.content.text;
          };
          future.done.then(() => { window.__gdvizValue = text; });
        }""",
        code,
    )


def _kernel_value(lab: Lab, expression: str) -> float:
    """Evaluate ``expression`` in the notebook's kernel and read it back."""
    _execute(lab, f"print({expression})")
    lab.page.wait_for_function("() => window.__gdvizValue !== null", timeout=120_000)
    return float(lab.page.evaluate("() => window.__gdvizValue"))


def _wait_kernel_idle(lab: Lab, quiet_ms: float = QUIET_MS) -> None:
    """Until the kernel has been idle for ``quiet_ms`` (it handled every message sent to it).

    JupyterLab's execution indicator ignores our own requests: the kernel's status it is.
    """
    lab.page.wait_for_function(
        "(ms) => window.__gdvizQuiet(ms)", arg=quiet_ms, timeout=180_000, polling=20
    )


def _first_present(page, selectors, *, visible: bool = False) -> str | None:
    for selector in selectors:
        found = page.locator(selector)
        if found.count() and (not visible or found.first.is_visible()):
            return selector
    return None


def _timed_press(page, key: str, limit_ms: float) -> float:
    page.evaluate("(limit) => window.__gdvizArm(limit)", limit_ms)
    page.keyboard.press(key)
    page.wait_for_function(
        "() => window.__gdvizLatency !== null", timeout=limit_ms + 30_000, polling=20
    )
    return page.evaluate("() => window.__gdvizLatency")


def _keys(page, target: str, count: int) -> list[str]:
    """ArrowRight and ArrowLeft in turn, ArrowLeft first if the control is at its last stop."""
    value, _, high = page.evaluate("(t) => window.__gdvizPosition(t)", target)
    first, second = ("ArrowLeft", "ArrowRight") if value >= high else ("ArrowRight", "ArrowLeft")
    return [first if i % 2 == 0 else second for i in range(count)]


def _presses(lab: Lab, target: str, count: int) -> list[float]:
    """Real key presses on a focused control, back and forth between two stops."""
    page = lab.page
    page.locator(target).first.focus()
    times = []
    for key in _keys(page, target, count):
        times.append(_timed_press(page, key, 5000))
        _wait_kernel_idle(lab)
    return times


def _while_kernel_stopped(lab: Lab, target: str) -> list[float]:
    """Presses while the kernel process is stopped (SIGSTOP): a press whose picture changes
    within 1 s waits for no kernel message. (A cell that sleeps would not do: ipykernel 7
    handles comm messages while a cell runs.)"""
    page = lab.page
    pid = int(_kernel_value(lab, "os.getpid()"))
    page.locator(target).first.focus()
    os.kill(pid, signal.SIGSTOP)
    try:
        times = [_timed_press(page, key, 1000) for key in _keys(page, target, BUSY_PRESSES)]
    finally:
        os.kill(pid, signal.SIGCONT)
    _wait_kernel_idle(lab, SETTLED_MS)  # the presses the kernel had queued are answered
    return times


def _prepare(lab: Lab, row: Row, target: str) -> None:
    """Focus the control and press the row's start keys, then let everything settle.

    A kernel still answering an earlier row (a change of ``steps`` sets the frame to the
    last one when it is done) can undo them: pressed again until they hold.
    """
    keys = row.start.get(target, ())
    if not keys:
        return
    page = lab.page
    for _ in range(5):
        _wait_kernel_idle(lab, SETTLED_MS)
        page.locator(target).first.focus()
        for key in keys:
            page.keyboard.press(key)
            page.wait_for_timeout(200)
        _wait_kernel_idle(lab, SETTLED_MS)
        value, _, high = page.evaluate("(t) => window.__gdvizPosition(t)", target)
        if value < high:
            return
    _say(f"{row.control}: the start keys did not hold")


def _play(lab: Lab) -> dict | None:
    page = lab.page
    button = _first_present(page, PLAY, visible=True)  # a scene without steps hides it
    if button is None:
        return None
    frame = _first_present(page, (scene("frame"), slider("frame")))
    if frame is None:
        return None
    page.locator(frame).first.focus()
    page.keyboard.press("Home")  # Play runs from the first frame
    _wait_kernel_idle(lab)
    page.wait_for_timeout(1500)
    if button.startswith(".gdviz-scene"):
        result = page.evaluate(_JS_PLAY_SCENE, PLAY_TIMEOUT_S * 1000)
    else:
        result = page.evaluate(
            "([b, f, l]) => window.__gdvizPlay(b, f, l)", [button, frame, PLAY_TIMEOUT_S * 1000]
        )
    _wait_kernel_idle(lab)
    page.wait_for_timeout(1000)
    return result


def _drag(lab: Lab, target: str) -> dict:
    """DRAG_EVENTS key presses on the main slider without waiting for the picture; the comm
    messages each way and the kernel's CPU seconds until it has handled them all."""
    page = lab.page
    page.wait_for_timeout(2000)
    sent_before = _kernel_value(lab, "_sent[0]")
    received_before = _kernel_value(lab, "_received[0]")
    cpu_before = _kernel_value(lab, "time.process_time()")
    page.locator(target).first.focus()
    # every event moves to the next stop: to one end, back to the other, and so on
    key = "ArrowRight"
    for _ in range(DRAG_EVENTS):
        value, low, high = page.evaluate("(t) => window.__gdvizPosition(t)", target)
        if value >= high:
            key = "ArrowLeft"
        elif value <= low:
            key = "ArrowRight"
        page.keyboard.press(key)
    received = -1.0
    while True:  # until the kernel has handled every message of the drag
        page.wait_for_timeout(1500)
        now = _kernel_value(lab, "_received[0]")
        if now == received:
            break
        received = now
    cpu_after = _kernel_value(lab, "time.process_time()")
    sent_after = _kernel_value(lab, "_sent[0]")
    # the reads' own prints are iopub streams, not comm messages: not counted
    return {
        "sent": sent_after - sent_before,
        "received": received - received_before,
        "cpu": cpu_after - cpu_before,
    }


def _notebook(construction: str):
    return new_notebook(
        cells=[new_code_cell(KERNEL_CODE.format(construction=construction))],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )


def measure_explorer(
    lab: Lab,
    server,
    construction: str,
    rows: list[Row],
    presses: int,
    figures: dict,
    *,
    scene_only: bool,
) -> None:
    """Every figure of one explorer's rows into ``figures``, keyed by (row control, what).

    With ``scene_only`` an explorer that is not browser-drawn is not measured (its rows
    say ``not available``): the new design's column shows the new design only.
    """
    name = construction.split("(")[0]
    lab.open(server.add_notebook(_notebook(construction), f"bench_{name}.ipynb"))
    lab.run_all_and_wait()
    problems = lab.problems()
    page = lab.page
    if problems:
        _say(f"{name}: {problems}")
        return
    page.locator(PICTURE).first.wait_for(state="visible", timeout=60_000)
    page.wait_for_timeout(2000)
    if scene_only and not page.locator(".gdviz-scene").count():
        _say(f"{name}: not browser-drawn in this checkout")
        figures["absent"] = True
        return
    page.evaluate(_JS_HELPERS, PICTURE)
    # Play first, on the explorer as built (a row may leave it elsewhere: a shorter race)
    for label, load in LOADS:
        _say(f"{name}: Play, {label}")
        with Busy(load):
            figures["play", label] = _play(lab)
    targets = {row.control: _first_present(page, row.press) for row in rows}
    for row in rows:
        target = targets[row.control]
        _say(f"{name}, {row.control}: {target or 'not available'}")
        if target is None:
            continue
        _prepare(lab, row, target)
        figures[row.control, "kind"] = "scene" if target.startswith(".gdviz-scene") else "slider"
        for label, load in LOADS:
            with Busy(load):
                figures[row.control, label] = _presses(lab, target, presses)
            _wait_kernel_idle(lab, SETTLED_MS)
        _say(f"{name}, {row.control}: presses while the kernel is stopped")
        figures[row.control, "kernel stopped"] = _while_kernel_stopped(lab, target)
    main = next((row for row in rows if row.main and targets[row.control]), None)
    if main is not None:
        _say(f"{name}: drag on {main.control}")
        figures["drag"] = _drag(lab, targets[main.control])


def measure(source: Path, constructions: list[str], presses: int, *, scene_only: bool) -> dict:
    """Every figure of the table for one checkout, with its gdviz imported from ``source``."""
    os.environ["PYTHONPATH"] = str(source)  # the kernel imports this checkout's gdviz
    from playwright.sync_api import sync_playwright

    results: dict = {}
    with tempfile.TemporaryDirectory() as base, running_lab(Path(base)) as server:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for construction in constructions:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                lab = Lab(page=page, server=server)
                rows = [row for row in ROWS if row.explorer == construction]
                results[construction] = {}
                try:
                    measure_explorer(
                        lab,
                        server,
                        construction,
                        rows,
                        presses,
                        results[construction],
                        scene_only=scene_only,
                    )
                except Exception as error:  # the rest of the table is still worth printing
                    _say(f"{construction}: {type(error).__name__}: {error}")
                    results[construction]["error"] = f"{type(error).__name__}"
                page.close()
                server.shutdown_kernels()
            browser.close()
    return results


# --------------------------------------------------------------------------- the table


def _stats(times: list[float] | None) -> str:
    if times is None:
        return "not available"
    missed = sum(1 for t in times if t != t)  # NaN: no visible change
    ordered = sorted(t for t in times if t == t)
    if not ordered:
        return f"no change ({missed} presses)"
    p90 = ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]
    text = f"{statistics.median(ordered):.0f} / {p90:.0f} / {max(ordered):.0f}"
    return text + (f" ({missed} no change)" if missed else "")


def _answered(times: list[float] | None) -> str:
    if times is None:
        return "not available"
    answered = sorted(t for t in times if t == t)
    text = f"{len(answered)} of {len(times)}"
    if answered:
        text += f" (median {statistics.median(answered):.0f} ms)"
    return text


def _play_cell(play: dict | None) -> str:
    if not play or not play["seconds"]:
        return "no player"
    return f"{play['pictures'] / play['seconds']:.0f} /s ({play['pictures']} pictures)"


def _waits(times: list[float] | None) -> str:
    """From the presses with the kernel stopped: does the picture wait for the kernel?"""
    if times is None:
        return "not available"
    answered = sum(1 for t in times if t == t)
    if answered == len(times):
        return "no"
    return "yes" if answered == 0 else f"sometimes ({len(times) - answered} of {len(times)})"


def _drag_cell(drag: dict | None, key: str) -> str:
    if drag is None:
        return "not available"
    return f"{drag[key]:.2f} s" if key == "cpu" else f"{drag[key]:.0f}"


def _git_name(path: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(path), "log", "-1", "--format=%h"],
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", str(path), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return path.name


def print_table(columns: dict[str, dict], presses: int, load: tuple, seconds: float) -> None:
    names = list(columns)
    print(
        f"Explorers in JupyterLab, Chromium {_chromium_version()}; {presses} real key presses "
        f"per row and load; ms from keydown to the end of the first frame showing a change, "
        f"median / p90 / worst. Machine: {os.cpu_count()} cores, load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end ({seconds / 60:.0f} min)."
    )
    print()
    print("| explorer | measurement | " + " | ".join(names) + " |")
    print("| --- | --- |" + " --- |" * len(names))

    def line(explorer: str, what: str, cells: list[str]) -> None:
        print(f"| {explorer} | {what} | " + " | ".join(cells) + " |")

    for construction in dict.fromkeys(row.explorer for row in ROWS):
        measured = [c.get(construction) for c in columns.values()]
        if all(m is None for m in measured):
            continue
        name = construction.split("(")[0]

        def cell(m, fn, key):
            if m is None:
                return "—"
            if m.get("absent"):
                return "not available"
            if key not in m and "error" in m:
                return f"failed ({m['error']})"
            return fn(m.get(key))

        for row in (r for r in ROWS if r.explorer == construction):
            kinds = [m.get((row.control, "kind"), "") if m is not None else "" for m in measured]
            for label, _ in LOADS:
                cells = [cell(m, _stats, (row.control, label)) for m in measured]
                cells = [
                    f"{c} [{k}]" if k and label == LOADS[0][0] else c
                    for c, k in zip(cells, kinds, strict=True)
                ]
                line(name, f"{row.control}: key press → change, {label}", cells)
            cells = [cell(m, _answered, (row.control, "kernel stopped")) for m in measured]
            line(name, f"{row.control}: presses answered within 1 s, kernel stopped", cells)
        for label, _ in LOADS:
            cells = [cell(m, _play_cell, ("play", label)) for m in measured]
            line(name, f"Play, pictures per second, {label}", cells)
        for key, what in (
            ("received", f"browser→kernel comm messages, {DRAG_EVENTS}-event drag"),
            ("sent", f"kernel→browser comm messages, {DRAG_EVENTS}-event drag"),
        ):
            cells = [cell(m, lambda d, k=key: _drag_cell(d, k), "drag") for m in measured]
            line(name, what, cells)
        main = next((r for r in ROWS if r.explorer == construction and r.main), None)
        if main is not None:
            cells = [cell(m, _waits, (main.control, "kernel stopped")) for m in measured]
            line(name, f"{main.control}: does the picture wait for a kernel message?", cells)
        cells = [cell(m, lambda d: _drag_cell(d, "cpu"), "drag") for m in measured]
        line(name, f"kernel CPU, {DRAG_EVENTS}-event drag", cells)


def _chromium_version() -> str:
    try:
        out = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True)
        return out.stdout.split()[1]
    except (OSError, IndexError):
        return "?"


def _argument(flag: str, default=None, *, many: bool = False):
    values = [sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a == flag]
    return values if many else (values[-1] if values else default)


def main() -> int:
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM}")
        return 1
    presses = int(_argument("--presses", PRESSES))
    only = _argument("--only")
    constructions = list(dict.fromkeys(row.explorer for row in ROWS))
    if only:
        wanted = only.split(",")
        constructions = [c for c in constructions if c.split("(")[0] in wanted]
    load = os.getloadavg()
    started = time.monotonic()
    columns = {f"new ({_git_name(ROOT)})": measure(ROOT, constructions, presses, scene_only=True)}
    for spec in _argument("--old", many=True):
        path, _, names = spec.partition("=")
        chosen = [c for c in constructions if not names or c.split("(")[0] in names.split(",")]
        columns[f"old ({_git_name(Path(path))})"] = measure(
            Path(path), chosen, presses, scene_only=False
        )
    print_table(columns, presses, load, time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
