"""Key press → first visible change, in a real browser, for DescentExplorer: new design and old.

Run it with ``.venv/bin/python benchmarks/bench_browser_latency.py [--old CHECKOUT]`` (or
``make bench``). It starts a private JupyterLab on 127.0.0.1 and Debian's Chromium (the
browser tests' harness, ``tests/browser/conftest.py``), opens a generated notebook that
displays ``DescentExplorer(steps=200)`` and measures:

- **key press → first visible change**: real key presses (ArrowLeft, ArrowRight in turn) on
  the focused step-size or frame slider, from the ``keydown`` (a capturing listener) to the
  first animation frame at which the canvases' pixels differ from those before the press
  (``getImageData``; both panels, so that the loss marker counts when the path's end does
  not move), ``PRESSES`` presses each, alone and with two busy CPU-bound processes beside
  it. A press with no visible change within 5 s counts as such (``no change``);
- **Play**: frames drawn per second from Play to the last of 200 frames (new design);
- **a 200-event drag** (200 key presses sent without waiting for the picture): the comm
  messages the kernel sent to the browser meanwhile, and the kernel's CPU seconds for it.

With ``--old CHECKOUT`` (a worktree of the previous design, e.g.
``git worktree add /work/wt-old 730ae6d``) the same is measured with that checkout's gdviz
imported by the kernel (``PYTHONPATH``), side by side in one table. ``steps`` is not in
the table: a change of ``steps`` computes new runs in the kernel (``bench_widgets.py``
times it). Exits 0 whatever it measures; 1 only if it cannot measure.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, Lab, launch_chromium, running_lab  # noqa: E402

PRESSES = 30
DRAG_EVENTS = 200
SETTLE_MS = 300  # between presses: the previous update is done, kernel included

KERNEL_CODE = """\
import time
import comm
from gdviz.widgets import DescentExplorer

explorer = DescentExplorer(steps=200)
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


@dataclass(frozen=True)
class Design:
    """Where one design's controls and picture are in the page."""

    name: str
    step_size: str  # what has the keyboard focus for a step-size key press
    frame: str
    canvas: str  # the canvas whose pixels change


NEW = Design(
    "new (browser-drawn)",
    "input.gdviz-control-step_size",
    "input.gdviz-control-frame",
    ".gdviz-scene canvas",
)
OLD = Design(
    "old (ipympl, 730ae6d)",
    ".gdviz-control-step_size .noUi-handle",
    ".gdviz-control-frame .noUi-handle",
    ".jupyter-matplotlib-canvas-div canvas",
)

# Arms the measurement: at the next keydown, time until the first animation frame at which
# the canvas's pixels differ from those now. The result lands in window.__gdvizLatency.
_JS_ARM = """(selector) => {
  const canvases = [...document.querySelectorAll(selector)];
  const pixels = () =>
    canvases.map((c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
  const before = pixels();
  window.__gdvizLatency = null;
  const changed = () =>
    pixels().some((now, k) => {
      if (now.length !== before[k].length) return true;
      for (let i = 0; i < now.length; i++) if (now[i] !== before[k][i]) return true;
      return false;
    });
  document.addEventListener('keydown', () => {
    const start = performance.now();
    const poll = () => {
      if (changed()) window.__gdvizLatency = performance.now() - start;
      else if (performance.now() - start > 5000) window.__gdvizLatency = NaN;
      else requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  }, { capture: true, once: true });
}"""

_JS_PLAY = """async () => {
  const scene = document.querySelector('.gdviz-scene');
  const frame = document.querySelector('input.gdviz-control-frame');
  frame.value = '0';
  frame.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const seen = new Set();
  const start = performance.now();
  document.querySelector('.gdviz-play').click();
  while (Number(frame.value) < Number(frame.max) || seen.size < 2) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    seen.add(scene.dataset.frame);
  }
  return { frames: seen.size, seconds: (performance.now() - start) / 1000 };
}"""


def _busy(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def _kernel_value(lab: Lab, expression: str) -> float:
    """Evaluate ``expression`` in the notebook's kernel (a new cell) and read it back."""
    page = lab.page
    page.evaluate(
        """(code) => {
          const panel = window.jupyterapp.shell.currentWidget;
          const kernel = panel.sessionContext.session.kernel;
          window.__gdvizValue = null;
          const future = kernel.requestExecute({ code: `print(${code})` });
          future.onIOPub = (msg) => {
            if (msg.header.msg_type === 'stream') window.__gdvizValue = msg.content.text;
          };
        }""",
        expression,
    )
    page.wait_for_function("() => window.__gdvizValue !== null", timeout=30_000)
    return float(page.evaluate("() => window.__gdvizValue"))


def _presses(page, design: Design, control: str) -> list[float]:
    """Real key presses (ArrowRight, ArrowLeft in turn) on a focused control."""
    target = page.locator(control).first
    target.focus()
    times = []
    for i in range(PRESSES):
        page.evaluate(_JS_ARM, design.canvas)
        page.keyboard.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
        page.wait_for_function("() => window.__gdvizLatency !== null", timeout=30_000)
        times.append(page.evaluate("() => window.__gdvizLatency"))
        page.wait_for_timeout(SETTLE_MS)
    return times


def _drag(page, design: Design) -> None:
    """DRAG_EVENTS key presses on the step-size control, without waiting for the picture."""
    page.locator(design.step_size).first.focus()
    for i in range(DRAG_EVENTS):
        page.keyboard.press("ArrowRight" if (i // 50) % 2 == 0 else "ArrowLeft")


def _stats(times: list[float]) -> str:
    missed = sum(1 for t in times if t != t)  # NaN: no visible change
    ordered = sorted(t for t in times if t == t)
    if not ordered:
        return f"no change ({missed} presses)"
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    text = f"{statistics.median(ordered):.0f} / {p90:.0f} / {max(ordered):.0f}"
    return text + (f" ({missed} no change)" if missed else "")


def measure(design: Design, source: Path) -> dict:
    """Every figure of the table for one design, with its gdviz imported from ``source``."""
    os.environ["PYTHONPATH"] = str(source)  # the kernel imports this checkout's gdviz
    from playwright.sync_api import sync_playwright

    notebook = new_notebook(
        cells=[new_code_cell(KERNEL_CODE)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    figures: dict = {}
    with tempfile.TemporaryDirectory() as base, running_lab(Path(base)) as server:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            lab = Lab(page=page, server=server)
            lab.open(server.add_notebook(notebook, "bench.ipynb"))
            lab.run_all_and_wait()
            page.locator(design.canvas).first.wait_for(state="visible")
            page.wait_for_timeout(1500)
            for label, load in (("idle", 0), ("2 busy processes", 2)):
                stop = multiprocessing.Event()
                workers = [multiprocessing.Process(target=_busy, args=(stop,)) for _ in range(load)]
                for worker in workers:
                    worker.start()
                try:
                    for name, control in (("step size", design.step_size), ("frame", design.frame)):
                        figures[f"{name}, {label}"] = _presses(page, design, control)
                finally:
                    stop.set()
                    for worker in workers:
                        worker.join()
            lab.wait_for_idle()
            if design is NEW:
                figures["play"] = page.evaluate(_JS_PLAY)
                lab.wait_for_idle()
            page.wait_for_timeout(2000)
            sent_before = _kernel_value(lab, "_sent[0]")
            received_before = _kernel_value(lab, "_received[0]")
            cpu_before = _kernel_value(lab, "time.process_time()")
            _drag(page, design)
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
            figures["messages"] = sent_after - sent_before
            figures["received"] = received - received_before
            figures["cpu"] = cpu_after - cpu_before
            browser.close()
    return figures


def main() -> int:
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM}")
        return 1
    old = Path(sys.argv[sys.argv.index("--old") + 1]) if "--old" in sys.argv else None
    results = {NEW.name: measure(NEW, ROOT)}
    if old is not None:
        results[OLD.name] = measure(OLD, old)
    names = list(results)
    print(
        f"DescentExplorer (200 steps) in JupyterLab, Chromium; {PRESSES} real key presses each; "
        "ms as median / p90 / worst"
    )
    print()
    print("| measurement | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for key in results[NEW.name]:
        if key in ("play", "messages", "received", "cpu"):
            continue
        cells = [_stats(r[key]) if key in r else "—" for r in results.values()]
        print(f"| key press → first visible change: {key} | " + " | ".join(cells) + " |")
    play = results[NEW.name]["play"]
    cells = [f"{play['frames'] / play['seconds']:.0f} frames/s ({play['frames']} frames)"]
    cells += ["—"] * (len(names) - 1)
    print("| Play, frames drawn per second | " + " | ".join(cells) + " |")
    cells = [f"{r['received']:.0f}" for r in results.values()]
    print(
        f"| browser→kernel comm messages during a {DRAG_EVENTS}-event drag | "
        + " | ".join(cells)
        + " |"
    )
    cells = [f"{r['messages']:.0f}" for r in results.values()]
    print(
        f"| kernel→browser comm messages during a {DRAG_EVENTS}-event drag | "
        + " | ".join(cells)
        + " |"
    )
    cells = [f"{r['cpu']:.2f} s" for r in results.values()]
    print(f"| kernel CPU for a {DRAG_EVENTS}-event drag | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
