"""Explorers drawn in the browser: history-free pictures, exact typed values, and the fit.

- **History-free**: after a sequence of changes made in the browser (a step size typed past
  the stability limit and back, a surface switch and back, ``steps`` changed, arrow keys,
  Play to the end, Reset) the canvases and static layers are pixel for pixel those of an
  explorer freshly built in the same state, and the entry, the status line and the value
  drawn agree.
(Whether every explorer fits a laptop and a projector: ``test_fit.py``.)

Screenshots go to ``artifacts/screenshots/scene-*.png``.
"""

from __future__ import annotations

import os
import re
import signal

from nbformat.v4 import new_code_cell, new_notebook

WAIT = 30_000

FRESH_LIKE = """\
from gdviz import optimizers
from gdviz.widgets import DescentExplorer

def fresh_like(explorer):
    return DescentExplorer(
        explorer.controls["surface"].value,
        optimizers.GradientDescent(lr=explorer.controls["step_size"].value),
        steps=explorer.controls["steps"].value,
    )
"""

# What one explorer shows: its pixels (each panel's canvas, and a digest of its static PNG)
# and its words.
_JS_PICTURE = """async (ex) => {
  const digest = async (img) => {
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const hash = await crypto.subtle.digest('SHA-256', bytes);
    return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  const panels = [...ex.querySelectorAll('.gdviz-panel')];
  return {
    canvases: panels.map((p) => p.querySelector('canvas').toDataURL()),
    sizes: panels.map((p) => [p.querySelector('canvas').width, p.querySelector('canvas').height]),
    layers: await Promise.all(panels.map((p) => digest(p.querySelector('img')))),
    entry: ex.querySelector('.gdviz-scene input.gdviz-entry').value,  // the main slider's
    readout: ex.querySelector('.gdviz-readout').textContent,
    frameText: ex.querySelector('.gdviz-frame-readout').textContent,
    status: ex.querySelector('.gdviz-status').textContent,
    html: ex.querySelector('.gdviz-html').innerHTML,
    value: ex.querySelector('.gdviz-scene').dataset.value,
    frame: ex.querySelector('.gdviz-scene').dataset.frame,
  };
}"""


def _notebook(*sources: str):
    return new_notebook(
        cells=[new_code_cell(source) for source in sources],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )


def _open_pair(lab, setup: str, build: str, name: str):
    """Open a notebook that builds explorer ``a = build`` and ``b = fresh_like(a)``, Run All;
    return ``a``. (``b`` is rebuilt later by re-running its cell, 2.)"""
    notebook = _notebook(setup, f"a = {build}\na", "b = fresh_like(a)\nb")
    lab.open(lab.server.add_notebook(notebook, name))
    lab.run_all_and_wait()
    assert lab.problems() == []
    explorers = lab.panel.locator(".gdviz-explorer")
    explorers.nth(1).wait_for(state="visible", timeout=WAIT)
    return explorers.nth(0)


def _picture(explorer) -> dict:
    return explorer.evaluate(_JS_PICTURE)


def _type(entry, text: str) -> None:
    entry.click()
    entry.press("Control+a")
    entry.press_sequentially(text)
    entry.press("Enter")


def _until_status(page, explorer, pattern: str) -> None:
    status = explorer.locator(".gdviz-status")
    page.wait_for_function(
        "([el, p]) => new RegExp(p).test(el.textContent)",
        arg=[status.element_handle(), pattern],
        timeout=WAIT,
    )


def _rerun_cell(lab, index: int) -> None:
    lab.page.evaluate(
        """(i) => {
          const panel = window.jupyterapp.shell.currentWidget;
          panel.content.activeCellIndex = i;
          return window.jupyterapp.commands.execute('notebook:run-cell');
        }""",
        index,
    )
    lab.wait_for_idle()


def _same_picture(lab, first, second, what: str) -> dict:
    """Wait until both explorers show the same pixels (or fail saying what differs)."""
    deadline_ms = WAIT
    waited = 0
    while True:
        a, b = _picture(first), _picture(second)
        if a == b:
            return a
        if waited >= deadline_ms:
            differs = [key for key in a if a[key] != b[key]]
            raise AssertionError(
                f"{what}: the explorer differs from a fresh one in {differs}: "
                f"{ {k: a[k] for k in differs if k not in ('canvases',)} } vs "
                f"{ {k: b[k] for k in differs if k not in ('canvases',)} }"
            )
        lab.page.wait_for_timeout(250)
        waited += 250


def _play_to_end(lab, explorer) -> None:
    """Press Play; wait until the last frame is shown, Play has stopped and the kernel heard."""
    frame = explorer.locator("input.gdviz-control-frame")
    play = explorer.locator(".gdviz-play")
    play.click()
    lab.page.wait_for_function(
        "([el, play]) => Number(el.value) === Number(el.max) && play.textContent.includes('Play')",
        arg=[frame.element_handle(), play.element_handle()],
        timeout=WAIT,
    )
    lab.wait_for_idle()
    lab.page.wait_for_timeout(300)  # the kernel has heard of the frame


def _same_as_fresh(lab, explorer, what: str) -> dict:
    """Rebuild ``b = fresh_like(a)`` (cell 2); wait until ``explorer`` shows b's picture."""
    _rerun_cell(lab, 2)
    fresh = lab.panel.locator(".gdviz-explorer").nth(1)
    return _same_picture(lab, explorer, fresh, what)


def _agree(shown: dict) -> None:
    """The entry, the status line and the value drawn tell one step size."""
    value = float(shown["value"])
    assert float(shown["entry"]) == float(f"{value:.3g}") or float(shown["entry"]) == value
    lr = re.search(r"lr=([0-9.e+-]+)\)", shown["status"])
    assert lr and float(lr.group(1)) == float(f"{value:g}"), (shown["status"], value)


def test_descent_pictures_depend_on_the_state_only(lab):
    a = _open_pair(lab, FRESH_LIKE, 'DescentExplorer("quadratic")', "history.ipynb")
    entry = a.locator("input.gdviz-entry-step_size")
    slider = a.locator("input.gdviz-control-step_size")
    page = lab.page

    # past the stability limit (0.2 on this bowl) and back, typed
    _type(entry, "0.3")
    _until_status(page, a, r"lr=0\.3\): ran off uphill, diverged")
    diverged = _picture(a)
    _agree(diverged)
    _type(entry, "0.1")
    _until_status(page, a, r"lr=0\.1\): 100 steps")
    # the surface switched and back
    a.locator(".gdviz-control-surface select").select_option("rosenbrock")
    _until_status(page, a, r"on rosenbrock|GradientDescent\(lr=[0-9.e-]+\): ")
    page.wait_for_function(
        "(el) => el.dataset.value !== '0.1'", arg=a.locator(".gdviz-scene").element_handle()
    )
    a.locator(".gdviz-control-surface select").select_option("quadratic")
    _until_status(page, a, r"lr=0\.1\): 100 steps")
    # steps changed (typed into its entry), three stops up by keyboard, Play to the end
    steps = a.locator(".gdviz-entry-steps input")
    _type(steps, "50")
    _until_status(page, a, r"lr=0\.1\): 50 steps")
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    _play_to_end(lab, a)
    shown = _same_as_fresh(lab, a, "after limit, surface, steps, keys and play")
    _agree(shown)
    assert shown["frame"] == "50"
    assert shown["canvases"] != diverged["canvases"]
    lab.screenshot("scene-history-after-changes")

    # Reset: the explorer as it was built
    a.locator(".gdviz-reset").click()
    _until_status(page, a, r"lr=0\.1\): 100 steps")
    lab.wait_for_idle()
    shown = _same_as_fresh(lab, a, "after Reset")
    _agree(shown)
    assert lab.problems() == []


def test_steps_are_answered_in_the_browser_and_the_kernel_follows(lab):
    """With the kernel stopped, fewer steps are drawn at once (the runs were computed to
    200) and the status line says it is being updated; once the kernel runs again it has
    the words and the loss axis, and the picture is that of a fresh explorer."""
    pid_file = "import os\nopen('kernel.pid', 'w').write(str(os.getpid()))\n"
    a = _open_pair(lab, FRESH_LIKE + pid_file, 'DescentExplorer("quadratic")', "steps.ipynb")
    pid = int((lab.server.root / "kernel.pid").read_text())
    page = lab.page
    before = _picture(a)
    handle = a.locator(".gdviz-control-steps .noUi-handle")
    handle.focus()
    os.kill(pid, signal.SIGSTOP)
    try:
        for key in ("ArrowLeft", "ArrowLeft", "ArrowRight"):
            handle.press(key)
        page.wait_for_function(
            "(el) => el.dataset.frame === '99'", arg=a.locator(".gdviz-scene").element_handle()
        )
        cut = _picture(a)
        assert cut["canvases"] != before["canvases"] and cut["layers"] == before["layers"]
        assert cut["status"].startswith("updating… GradientDescent(lr=0.1): 100 steps")
        assert cut["frameText"].startswith("step 99 of 99: loss")
    finally:
        os.kill(pid, signal.SIGCONT)
    _until_status(page, a, r"^GradientDescent\(lr=0\.1\): 99 steps")
    lab.wait_for_idle()
    shown = _same_as_fresh(lab, a, "after fewer steps")
    assert shown["frame"] == "99" and shown["layers"] != before["layers"]
    assert lab.problems() == []


def test_a_typed_step_size_is_run_exactly_as_typed(lab):
    notebook = _notebook(
        "from gdviz import optimizers\nfrom gdviz.widgets import DescentExplorer\n"
        "valley = DescentExplorer(optimizer=optimizers.GradientDescent(lr=0.19))\nvalley"
    )
    lab.open(lab.server.add_notebook(notebook, "typed.ipynb"))
    lab.run_all_and_wait()
    explorer = lab.panel.locator(".gdviz-explorer").first
    entry = explorer.locator("input.gdviz-entry-step_size")
    page = lab.page
    _until_status(page, explorer, r"lr=0\.19\)")
    assert entry.input_value() == "0.19"
    _type(entry, "0.1995")
    _until_status(page, explorer, r"lr=0\.1995\)")
    lab.wait_for_idle()
    page.wait_for_timeout(500)  # nothing snaps it to a stop afterwards
    shown = _picture(explorer)
    assert shown["entry"] == "0.1995" and shown["value"] == "0.1995", shown
    _agree(shown)
    lab.screenshot("scene-typed-0.1995")
