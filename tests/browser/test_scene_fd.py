"""The finite-difference lab drawn in the browser: history-free pictures, exact typed steps, the fit.

- **History-free**: after a sequence of changes made in the browser (h moved by keys, a step
  typed between stops, another, the first again, the check's method and the surface
  changed and back, Reset) the canvases and static layers are pixel for pixel those of an
  explorer freshly built in the same state, and the entry, the status line, the gradient
  check's table and the value drawn agree.
- **Fit**: at 1366×768 with JupyterLab's file browser open the explorer is no wider than its
  output area, its first two panels share a row, and the h slider and the first panel are
  in the viewport together.

Screenshots go to ``artifacts/screenshots/scene-fd-*.png``.
"""

from __future__ import annotations

import re

from .test_scene import (
    _open_pair,
    _picture,
    _same_as_fresh,
    _type,
    _until_status,
)

FRESH_LIKE = """\
from gdviz.widgets import FiniteDifferenceExplorer

def fresh_like(lab):
    return FiniteDifferenceExplorer(
        lab.controls["function"].value,
        x=lab.controls["x"].value,
        h=lab.controls["h"].value,
        surface=lab.controls["surface"].value,
        point=lab.point,
        method=lab.controls["method"].value,
        precision=lab.controls["precision"].value,
    )
"""


def _agree(shown: dict) -> None:
    """The entry, the status line, the table and the value drawn tell one step h."""
    value = float(shown["value"])
    entry = float(shown["entry"])
    assert entry == float(f"{value:.3g}") or entry == float(f"{value:.6g}"), shown
    h = re.match(r"h = ([0-9.e+-]+):", shown["status"])
    assert h and float(h.group(1)) == float(f"{value:.1e}"), (shown["status"], value)
    assert f"h={value:g})" in shown["html"] or "NOT RUN" in shown["html"], shown["html"]
    verdict = shown["readout"].removeprefix("gradient check: ")
    assert verdict in shown["status"], (shown["readout"], shown["status"])


def test_finite_difference_pictures_depend_on_the_state_only(lab):
    a = _open_pair(lab, FRESH_LIKE, "FiniteDifferenceExplorer()", "fd-history.ipynb")
    entry = a.locator("input.gdviz-entry-h")
    slider = a.locator("input.gdviz-control-h")
    page = lab.page
    _until_status(page, a, r"^h = 5\.0e-01: ")
    started = _picture(a)
    _agree(started)

    # keys: eight stops down, from 0.5 (between stops) to 10^-1.1
    slider.focus()
    for _ in range(8):
        slider.press("ArrowLeft")
    _until_status(page, a, r"^h = 7\.9e-02: ")
    _agree(_picture(a))
    # typed between stops, another, the first again
    _type(entry, "3.3e-6")
    _until_status(page, a, r"^h = 3\.3e-06: .*PASSED")
    typed = _picture(a)
    _agree(typed)
    assert float(typed["entry"]) == float(typed["value"]) == 3.3e-6, typed
    _type(entry, "2e-13")
    _until_status(page, a, r"^h = 2\.0e-13: .*FAILED")
    _type(entry, "3.3e-6")
    _until_status(page, a, r"^h = 3\.3e-06: ")
    assert _picture(a) == typed
    # kernel controls changed and back: the check's method, the surface
    a.locator(".gdviz-control-method button", has_text="forward").click()
    _until_status(page, a, r"^h = 3\.3e-06: .*FAILED")  # forward is too coarse here
    a.locator(".gdviz-control-method button", has_text="central").click()
    _until_status(page, a, r"^h = 3\.3e-06: .*PASSED")
    a.locator(".gdviz-control-surface select").select_option("himmelblau")
    _until_status(page, a, r"gradient check of himmelblau")
    a.locator(".gdviz-control-surface select").select_option("rosenbrock")
    _until_status(page, a, r"^h = 3\.3e-06: .*gradient check of rosenbrock: PASSED")
    lab.wait_for_idle()
    page.wait_for_timeout(300)  # the kernel has heard of every change
    shown = _same_as_fresh(lab, a, "after keys, typed steps, method and surface")
    _agree(shown)
    assert shown == typed
    lab.screenshot("scene-fd-history-after-changes")

    # Reset: the explorer as it was built
    a.locator(".gdviz-reset").click()
    _until_status(page, a, r"^h = 5\.0e-01: ")
    lab.wait_for_idle()
    shown = _same_as_fresh(lab, a, "after Reset")
    _agree(shown)
    assert shown == started
    assert lab.problems() == []
