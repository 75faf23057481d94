"""MinibatchExplorer in the browser: history-free pictures, exact typed batch sizes, the fit.

After a sequence of changes made in the browser (the batch size moved by keys, a size typed
between stops, another, the first again, the step size changed and back, Play to the end,
Reset), the canvases and static layers are pixel for pixel those of an explorer freshly
built in the same state, and the entry, the status line and the batch size drawn agree.
Lesson 04 at 1366×768 with the file browser open: the explorer is no wider than its output
area, and its batch-size slider and main panel are in the viewport together.

Screenshots go to ``artifacts/screenshots/scene-minibatch-*.png``.
"""

from __future__ import annotations

from .test_scene import (
    WAIT,
    _open_pair,
    _picture,
    _play_to_end,
    _same_as_fresh,
    _type,
)

FRESH_LIKE = """\
from gdviz.widgets import MinibatchExplorer

def fresh_like(explorer):
    c = explorer.controls
    fresh = MinibatchExplorer(
        batch_size=c["batch_size"].value,
        step_size=c["step_size"].value,
        steps=c["steps"].value,
        seed=c["seed"].value,
    )
    fresh.controls["x_axis"].value = c["x_axis"].value
    fresh.controls["frame"].value = c["frame"].value
    return fresh
"""

_JS_SHOWN = """(ex) => ({
  entry: ex.querySelector('input.gdviz-entry-batch_size').value,
  value: ex.querySelector('.gdviz-scene').dataset.value,
  stop: ex.querySelector('input.gdviz-control-batch_size').value,
  status: ex.querySelector('.gdviz-status').textContent,
  readout: ex.querySelector('.gdviz-readout').textContent,
})"""


def _until(page, explorer, test: str, what: str) -> None:
    """Wait until ``test`` (a JS function of the shown words) is true of the explorer."""
    page.wait_for_function(
        f"([ex]) => ({test})(({_JS_SHOWN})(ex))",
        arg=[explorer.element_handle()],
        timeout=WAIT,
    )


def _agree(shown: dict, size: int) -> None:
    """The entry, the value and the readout of the run drawn say the same batch size."""
    assert shown["entry"] == str(size) and float(shown["value"]) == size, shown
    assert shown["readout"].startswith(f"{size} of 1,024 examples a step"), shown
    assert shown["status"].startswith(f"Mini-batch, B = {size}: "), shown


def test_minibatch_pictures_depend_on_the_state_only(lab):
    a = _open_pair(lab, FRESH_LIKE, "MinibatchExplorer(steps=30)", "minibatch-history.ipynb")
    page = lab.page
    scene = a.locator(".gdviz-scene")
    entry = a.locator("input.gdviz-entry-batch_size")
    slider = a.locator("input.gdviz-control-batch_size")
    shown = lambda: a.evaluate(_JS_SHOWN)  # noqa: E731

    # two stops down by keyboard: 32 → 8, answered in the browser
    slider.focus()
    slider.press("ArrowLeft")
    slider.press("ArrowLeft")
    _until(page, a, "(s) => s.value === '8' && s.entry === '8'", "8 by keys")
    at_eight = _picture(a)
    # sizes typed between stops are run by the kernel, exactly; then the first again
    for size in (100, 5, 100):
        _type(entry, str(size))
        _until(page, a, f"(s) => s.value === '{size}' && s.entry === '{size}'", f"{size} typed")
        _agree(shown(), size)
    assert shown()["stop"] == "7"  # the handle on the nearest stop, 128
    typed = _picture(a)
    assert typed["canvases"] != at_eight["canvases"]
    # a kernel control changed and back: the step size, typed into its entry
    status = shown()["status"]
    step = a.locator(".gdviz-entry-step_size input")
    _type(step, "0.8")
    _until(page, a, f"(s) => s.status !== {status!r}", "the step size 0.8")
    _type(step, "0.5")
    _until(page, a, f"(s) => s.status === {status!r}", "the step size back at 0.5")
    # Play to the end, from the start (at the last frame the test could not tell it played)
    frame = a.locator("input.gdviz-control-frame")
    frame.focus()
    frame.press("Home")
    page.wait_for_function("(el) => el.dataset.frame === '0'", arg=scene.element_handle())
    _play_to_end(lab, a)
    picture = _same_as_fresh(lab, a, "after keys, typed sizes, step size and play")
    assert picture["frame"] == "30" and picture["value"] == "100"
    _agree(shown(), 100)
    assert picture["canvases"] == typed["canvases"]  # the same state: the same pixels
    lab.screenshot("scene-minibatch-after-changes")

    # Reset: the explorer as it was built
    a.locator(".gdviz-reset").click()
    _until(page, a, "(s) => s.value === '32' && s.entry === '32'", "Reset")
    lab.wait_for_idle()
    _same_as_fresh(lab, a, "after Reset")
    _agree(shown(), 32)
    assert scene.get_attribute("data-frame") == "30"
    assert lab.problems() == []
