"""FirstStepExplorer in a real browser: its picture depends on its state only.

After a sequence of changes made in the browser (the step size moved by keys, a step
size typed between stops, another typed that runs off the picture, the first typed
again, ``steps`` changed and back and changed again, Play to the end, Reset) the canvas
and the static layer are pixel for pixel those of an explorer freshly built in the same
state, and the entry, the status line, the frame and the step size drawn agree.
Screenshots go to ``artifacts/screenshots/scene-first-step-*.png``.
"""

from __future__ import annotations

from .test_scene import (
    _open_pair,
    _picture,
    _play_to_end,
    _same_as_fresh,
    _same_picture,
    _type,
    _until_status,
)

BUILD = """\
from gdviz.widgets.first_step import FirstStepExplorer

def fresh_like(explorer):
    return FirstStepExplorer(
        explorer.controls["step_size"].value, steps=explorer.controls["steps"].value
    )
"""


def _agree(shown: dict, step_size: str, status: str) -> None:
    """The entry, the status line and the step size drawn tell one step size."""
    assert shown["entry"] == step_size and float(shown["value"]) == float(step_size), shown
    assert shown["status"].startswith(status), shown


def test_first_step_pictures_depend_on_the_state_only(lab):
    a = _open_pair(lab, BUILD, "FirstStepExplorer()", "first_step.ipynb")
    page = lab.page
    entry = a.locator("input.gdviz-entry-step_size")
    slider = a.locator("input.gdviz-control-step_size")
    steps = a.locator(".gdviz-entry-steps input")
    _same_picture(lab, a, lab.panel.locator(".gdviz-explorer").nth(1), "as built")

    # three stops up by keyboard: answered in the browser
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    _until_status(page, a, r"^step size 0\.13, 1 step: w 3 → 2\.22")
    _agree(_picture(a), "0.13", "step size 0.13, 1 step")
    # ten steps; typed between stops, one that runs off the picture, the first again
    _type(steps, "10")
    _until_status(page, a, r"^step size 0\.13, 10 steps")
    _type(entry, "0.1995")
    _until_status(page, a, r"^step size 0\.1995, 10 steps")
    first = _picture(a)
    _agree(first, "0.1995", "step size 0.1995, 10 steps: w 3 → 0.0184")
    _type(entry, "1.15")
    _until_status(page, a, r"^step size 1\.15, 10 steps: .*\(off the picture\)$")
    away = _picture(a)
    assert away["frameText"].endswith("(off the picture)"), away
    _type(entry, "0.1995")
    _until_status(page, a, r"^step size 0\.1995, 10 steps")
    assert _picture(a) == first
    # steps back to 1, then 6, and Play to the end
    _type(steps, "1")
    _until_status(page, a, r"^step size 0\.1995, 1 step:")
    _type(steps, "6")
    _until_status(page, a, r"^step size 0\.1995, 6 steps:")
    _play_to_end(lab, a)
    shown = _same_as_fresh(lab, a, "after keys, steps, typed step sizes and Play")
    _agree(shown, "0.1995", "step size 0.1995, 6 steps: w 3 → 0.141")
    assert shown["frame"] == "6" and shown["frameText"] == "step 6 of 6: w = 0.141, loss 0.02"
    lab.screenshot("scene-first-step-after-changes")

    # Reset: the explorer as it was built
    a.locator(".gdviz-reset").click()
    _until_status(page, a, r"^step size 0\.10, 1 step: w 3 → 2\.4")
    lab.wait_for_idle()
    _agree(_same_as_fresh(lab, a, "after Reset"), "0.1", "step size 0.10, 1 step")
    assert a.locator(".widget-html").last.inner_text() == ""  # no message left
    assert lab.problems() == []
