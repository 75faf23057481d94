"""Key press → first visible change, in a real browser, for the browser-drawn DescentExplorer.

Run it with ``.venv/bin/python benchmarks/bench_browser_latency.py`` (or ``make bench``).
It starts a private JupyterLab on 127.0.0.1 and Debian's Chromium (the browser tests'
harness, ``tests/browser/conftest.py``), opens a generated notebook that displays
``gdviz.widgets.DescentExplorer()`` and measures, with ``performance.now()`` in the page:

- **key press → first visible change**: a ``keydown`` on the step-size slider (or the
  frame slider) until the first animation frame at which the path canvas's pixels differ
  from those before the press (``getImageData``), ``PRESSES`` presses each, alone and
  with two busy CPU-bound processes beside it;
- **Play**: frames drawn per second from Play to the last of 200 frames;
- **a 200-event drag** (200 ArrowRight presses, one per animation frame): how many
  messages the kernel sent to the browser meanwhile (the picture waits for none of them:
  it is drawn from the precomputed stops) and the kernel's CPU seconds for it.

``steps`` is not in the table: a change of ``steps`` computes new runs in the kernel (see
the unit tests), so it is not a browser-only change. It prints one markdown table.
Exits 0 whatever it measures; 1 only if it cannot measure.
"""

from __future__ import annotations

import multiprocessing
import statistics
import sys
import tempfile
from pathlib import Path

from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, Lab, launch_chromium, running_lab  # noqa: E402

PRESSES = 30
DRAG_EVENTS = 200

KERNEL_CODE = """\
import time
from gdviz.widgets import DescentExplorer

explorer = DescentExplorer(steps=200)
_sent = [0]
_send = explorer.scene.comm.send

def _counting_send(*args, **kwargs):
    _sent[0] += 1
    return _send(*args, **kwargs)

explorer.scene.comm.send = _counting_send
explorer
"""

# Resolves to ms from the keydown to the first frame whose pixels differ.
_JS_PRESS = """async ([selector, key]) => {
  const input = document.querySelector(selector);
  const canvas = document.querySelector('.gdviz-panel-0 canvas');
  const ctx = canvas.getContext('2d');
  const pixels = () => ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const before = pixels();
  const changed = () => {
    const now = pixels();
    for (let i = 0; i < now.length; i += 4) if (now[i + 3] !== before[i + 3] || now[i] !== before[i]) return true;
    return false;
  };
  input.focus();
  const start = performance.now();
  input.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  // a real key moves the range by one step and fires 'input'; do what the browser does
  const step = key === 'ArrowRight' ? 1 : -1;
  input.value = String(Number(input.value) + step);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  for (let i = 0; i < 120; i++) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    if (changed()) return performance.now() - start;
  }
  return NaN;
}"""

_JS_PLAY = """async () => {
  const frame = document.querySelector('input.gdviz-control-frame');
  frame.value = '0';
  frame.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const scene = document.querySelector('.gdviz-scene');
  const seen = new Set();
  const start = performance.now();
  document.querySelector('.gdviz-play').click();
  while (Number(frame.value) < Number(frame.max)) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    seen.add(scene.dataset.frame);
  }
  return { frames: seen.size, seconds: (performance.now() - start) / 1000 };
}"""

_JS_DRAG = """async (events) => {
  const input = document.querySelector('input.gdviz-control-step_size');
  input.value = '0';
  for (let i = 0; i < events; i++) {
    input.value = String(i % Number(input.max));
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
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


def _presses(page, selector: str) -> list[float]:
    times = []
    for i in range(PRESSES):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        times.append(page.evaluate(_JS_PRESS, [selector, key]))
        page.wait_for_timeout(50)
    return times


def _stats(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"{statistics.median(ordered):.1f} | {p90:.1f} | {max(ordered):.1f}"


def main() -> int:
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM}")
        return 1
    from playwright.sync_api import sync_playwright

    notebook = new_notebook(
        cells=[new_code_cell(KERNEL_CODE)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    rows = []
    with tempfile.TemporaryDirectory() as base, running_lab(Path(base)) as server:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            lab = Lab(page=page, server=server)
            lab.open(server.add_notebook(notebook, "bench.ipynb"))
            lab.run_all_and_wait()
            page.locator(".gdviz-panel-0 canvas").wait_for(state="visible")
            page.wait_for_timeout(1000)
            for label, load in (("idle", 0), ("2 busy processes", 2)):
                stop = multiprocessing.Event()
                workers = [multiprocessing.Process(target=_busy, args=(stop,)) for _ in range(load)]
                for worker in workers:
                    worker.start()
                try:
                    for name, selector in (
                        ("step size", "input.gdviz-control-step_size"),
                        ("frame", "input.gdviz-control-frame"),
                    ):
                        rows.append((f"{name}, {label}", _stats(_presses(page, selector))))
                finally:
                    stop.set()
                    for worker in workers:
                        worker.join()
            lab.wait_for_idle()
            play = page.evaluate(_JS_PLAY)
            lab.wait_for_idle()
            sent_before = _kernel_value(lab, "_sent[0]")
            cpu_before = _kernel_value(lab, "time.process_time()")
            page.evaluate(_JS_DRAG, DRAG_EVENTS)
            lab.wait_for_idle()
            page.wait_for_timeout(1000)
            cpu_after = _kernel_value(lab, "time.process_time()")
            sent_after = _kernel_value(lab, "_sent[0]")
            browser.close()
    print("| DescentExplorer in JupyterLab (Chromium) | median ms | p90 ms | worst ms |")
    print("| --- | --- | --- | --- |")
    for name, stats in rows:
        print(f"| key press → first visible change: {name} | {stats} |")
    fps = play["frames"] / play["seconds"]
    print(
        f"| Play: {play['frames']} frames in {play['seconds']:.2f} s = {fps:.0f} frames/s | | | |"
    )
    # the two print cells' own replies are messages too: not counted (read before/after)
    print(
        f"| {DRAG_EVENTS}-event drag: messages the kernel sent to the picture meanwhile: "
        f"{sent_after - sent_before:.0f}; kernel CPU {cpu_after - cpu_before - 0:.3f} s | | | |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
