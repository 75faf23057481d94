"""DirectionExplorer in a real browser: its picture depends on its state only.

After a sequence of changes made in the browser (the direction moved by keys, an angle
typed between whole degrees, another typed, the first typed again, a click on the map
that moves the point, Reset) the canvases and static layers are pixel for pixel those of
an explorer freshly built in the same state, and the entry, the status line and the
direction drawn agree; Save picture puts the panels in rows, as the page does.
Screenshots go to ``artifacts/screenshots/scene-direction-*.png``.
"""

from __future__ import annotations

import re

from PIL import Image

from .test_scene import (
    WAIT,
    _open_pair,
    _picture,
    _same_as_fresh,
    _same_picture,
    _type,
    _until_status,
)

BUILD = """\
from gdviz.widgets.direction import DirectionExplorer

def fresh_like(explorer):
    return DirectionExplorer(
        "himmelblau", point=explorer.point, angle=explorer.controls["angle"].value
    )
"""


def _agree(shown: dict, angle: str) -> None:
    """The entry, the status line and the direction drawn tell one angle."""
    assert shown["entry"] == angle and float(shown["value"]) == float(angle), shown
    assert re.match(rf"θ = {re.escape(angle)}° ", shown["status"]), shown


def test_direction_pictures_depend_on_the_state_only(lab):
    a = _open_pair(
        lab,
        BUILD,
        'DirectionExplorer("himmelblau", point=(-1.0, 0.5), angle=30.0)',
        "direction.ipynb",
    )
    page = lab.page
    entry = a.locator("input.gdviz-entry-angle")
    slider = a.locator("input.gdviz-control-angle")
    assert a.locator(".gdviz-play").is_hidden()  # no steps to play
    _same_picture(lab, a, lab.panel.locator(".gdviz-explorer").nth(1), "as built")

    # three degrees up by keyboard: answered in the browser
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    _until_status(page, a, r"^θ = 33° ")
    keyed = _picture(a)
    _agree(keyed, "33")
    # typed between whole degrees, another, and the first again
    _type(entry, "30.5")
    _until_status(page, a, r"^θ = 30\.5° ")
    first = _picture(a)
    _agree(first, "30.5")
    assert first["canvases"] != keyed["canvases"]
    _type(entry, "200")
    _until_status(page, a, r"^θ = 200° ")
    _type(entry, "30.5")
    _until_status(page, a, r"^θ = 30\.5° ")
    assert _picture(a) == first
    # a click on the map moves the point: every panel drawn anew there
    before = _picture(a)["layers"]
    a.locator(".gdviz-panel-0 img.gdviz-static").click(position={"x": 330, "y": 150})
    page.wait_for_function(
        "([ex, old]) => ex.querySelector('.gdviz-panel-0 img').src && "
        "ex.querySelector('.gdviz-status').textContent !== old",
        arg=[a.element_handle(), first["status"]],
        timeout=WAIT,
    )
    lab.wait_for_idle()
    page.wait_for_timeout(300)
    shown = _same_as_fresh(lab, a, "after keys, typed angles and a click on the map")
    _agree(shown, "30.5")
    assert shown["layers"] != before
    lab.screenshot("scene-direction-after-changes")

    # Reset: the explorer as it was built
    a.locator(".gdviz-reset").click()
    _until_status(page, a, r"^θ = 30° .*∇f = \(22\.5, -34\.5\)")
    lab.wait_for_idle()
    _agree(_same_as_fresh(lab, a, "after Reset"), "30")
    assert a.locator(".widget-html").last.inner_text() == ""  # no message left

    # Save picture: the panels in rows as the page shows them (and as the saved notebook)
    with page.expect_download() as download:
        a.locator(".gdviz-save").click()
    with Image.open(download.value.path()) as saved:
        assert saved.size == (920, 400 + 245), saved.size
    assert lab.problems() == []
