"""OptimizerRace drawn in the browser: history-free pictures, exact typed values, the fit.

- **History-free**: after a sequence of changes made in the browser (the tolerance moved by
  keys, typed between stops, another, the first again; a racer's step size changed and
  back; the budget moved and Play to the end; Reset) the canvases and static layers are
  pixel for pixel those of a race freshly built in the same state, and the tolerance entry,
  the status line, the drawn tolerance, the budget readout and the frame agree.
- **Fit**: at 1366×768 in JupyterLab with the file browser open, the race is no wider than
  its output area, and its tolerance slider and contour panel are in the viewport together.

Screenshots go to ``artifacts/screenshots/race-*.png``.
"""

from __future__ import annotations

from .test_scene import (
    WAIT,
    _open_pair,
    _picture,
    _play_to_end,
    _same_as_fresh,
    _type,
    _until_status,
)

FRESH_LIKE = """\
from gdviz.widgets import OptimizerRace

def fresh_like(race):
    fresh = OptimizerRace(race.controls["surface"].value, racers=race.racers, start=race.start)
    fresh.controls["max_budget"].value = race.controls["max_budget"].value
    for key, control in race.controls.items():
        if "." in key:  # each racer's step size and hyper-parameter, exactly
            fresh.controls[key].value = control.value
    fresh.controls["budget"].value = race.controls["budget"].value
    fresh.controls["tolerance"].value = race.controls["tolerance"].value
    return fresh
"""


# What one race shows: its pixels (each panel's canvas, a digest of its static PNG) and words.
def _agree(shown: dict) -> None:
    """The entry, the status line, the table and the value drawn tell one tolerance; the
    budget readout tells the frame drawn."""
    value = float(shown["value"])
    assert float(shown["entry"]) in (value, float(f"{value:.3g}")), shown
    assert f"Within {value:.2g} of the minimum" in shown["status"], shown["status"]
    assert f"steps to {value:.2g}" in shown["html"], shown["html"]
    assert shown["frameText"].startswith(f"budget: {shown['frame']} of "), shown["frameText"]


def _until_table(page, explorer, text: str) -> None:
    table = explorer.locator(".gdviz-html")
    page.wait_for_function(
        "([el, t]) => el.innerHTML.includes(t)", arg=[table.element_handle(), text], timeout=WAIT
    )


def _until_frame(page, explorer, frame: int) -> None:
    scene = explorer.locator(".gdviz-scene")
    page.wait_for_function(
        "([el, f]) => el.dataset.frame === f", arg=[scene.element_handle(), str(frame)]
    )


def test_race_pictures_depend_on_the_state_only(lab):
    a = _open_pair(lab, FRESH_LIKE, 'OptimizerRace("quadratic")', "race-history.ipynb")
    page = lab.page
    entry = a.locator("input.gdviz-entry-tolerance")
    slider = a.locator("input.gdviz-control-tolerance")
    frame = a.locator("input.gdviz-control-frame")
    _until_status(page, a, r"Within 0\.0001 of the minimum")

    # the budget by keys; then the tolerance by keys keeps it (two decades tighter)
    frame.focus()
    frame.press("Home")
    for _ in range(30):
        frame.press("ArrowRight")
    _until_frame(page, a, 30)
    slider.focus()
    slider.press("ArrowLeft")
    slider.press("ArrowLeft")
    _until_status(page, a, r"Within 1e-06 of the minimum")
    assert _picture(a)["frame"] == "30"
    # typed between stops, another, the first again
    _type(entry, "3e-5")
    _until_status(page, a, r"Within 3e-05 of the minimum")
    typed = _picture(a)
    _agree(typed)
    assert typed["entry"] == "3e-05" and typed["value"] == "0.00003", typed
    _type(entry, "2e-7")
    _until_status(page, a, r"Within 2e-07 of the minimum")
    _type(entry, "3e-5")
    _until_status(page, a, r"Within 3e-05 of the minimum")
    assert _picture(a) == typed
    # a racer's step size typed, and back
    lr = a.locator(".gdviz-entry-momentum-lr input")
    _type(lr, "0.0042")
    _until_table(page, a, "Momentum(lr=0.0042, beta=0.9)")  # exactly as typed
    lab.wait_for_idle()
    page.wait_for_timeout(500)  # nothing snaps it to a slider stop afterwards
    assert "Momentum(lr=0.0042, beta=0.9)" in _picture(a)["html"]
    assert lr.input_value() == "0.0042"
    changed = _picture(a)
    assert changed["canvases"] != typed["canvases"]
    _type(lr, "0.1")
    _until_table(page, a, "Momentum(lr=0.1, beta=0.9)")
    lab.wait_for_idle()
    assert _picture(a) == typed  # the racer's step size back: the picture back
    # Play to the end of the budget
    _play_to_end(lab, a)
    shown = _same_as_fresh(lab, a, "after keys, typed tolerances, a step size and play")
    _agree(shown)
    assert shown["frame"] == "200" and shown["value"] == "0.00003"
    lab.screenshot("race-history-after-changes")

    # Reset: the race as it was built
    a.locator(".gdviz-reset").click()
    _until_status(page, a, r"Within 0\.0001 of the minimum")
    lab.wait_for_idle()
    shown = _same_as_fresh(lab, a, "after Reset")
    _agree(shown)
    assert shown["frame"] == "200" and shown["value"] == "0.0001"
    assert lab.problems() == []
