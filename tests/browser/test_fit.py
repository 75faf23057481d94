"""Every explorer of every lesson fits a laptop and a projector (issue 11).

For each lesson that shows an explorer, in JupyterLab at 1366×768 with the file browser open
(its default; the output area is about 934 px wide) and in Voilà at 1024×768 with the
projector template: no explorer is wider than its output area or scrolls sideways, and once
its main control is scrolled near the top of the window, the control and the main panel
(the first picture) are both in the viewport. The playground's tabs are opened and checked
too. Screenshots go to ``artifacts/screenshots/fit-*.png``.
"""

from __future__ import annotations

import pytest

from .conftest import ROOT, SCREENSHOTS, Lab, running_voila
from .test_lessons import LESSONS, MAIN_CONTROLS, css_name, explorers_in, tabs_in

WAIT = 60_000
WITH_EXPLORERS = [path for path in LESSONS if explorers_in(path)]

_JS_BOXES = """([ex, control]) => {
  const rect = (el) => el.getBoundingClientRect().toJSON();
  const area = ex.closest('.jp-OutputArea-output, .jp-OutputArea-child') || ex.parentElement;
  return {
    explorer: rect(ex), area: rect(area), scrollWidth: ex.scrollWidth,
    control: rect(ex.querySelector(control)),
    panel: rect(ex.querySelector('.gdviz-panel-0')),
    viewport: [window.innerWidth, window.innerHeight],
  };
}"""


def _fits(page, explorer, name: str, what: str) -> dict:
    """The explorer is within its output area; its main control and first panel fit the viewport."""
    control = f"input.gdviz-control-{css_name(MAIN_CONTROLS[name].control)}"
    explorer.locator(".gdviz-panel-0 canvas").wait_for(state="attached", timeout=WAIT)
    handle = explorer.locator(control)
    assert handle.count() == 1, f"{what}: no main control {control}"
    handle.scroll_into_view_if_needed()
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    for _ in range(8):  # scroll as a student would (the wheel), the control near the top
        top = handle.evaluate("(el) => el.getBoundingClientRect().top")
        if 60 <= top <= 160:
            break
        page.mouse.move(width * 0.6, height * 0.5)
        page.mouse.wheel(0, top - 110)
        page.wait_for_timeout(250)
    page.wait_for_timeout(300)
    box = page.evaluate(_JS_BOXES, [explorer.element_handle(), control])
    assert box["explorer"]["width"] <= box["area"]["width"] + 0.5, (what, box)
    assert box["scrollWidth"] <= box["explorer"]["width"] + 0.5, (what, box)
    width, height = box["viewport"]
    for part in ("control", "panel"):
        rect = box[part]
        inside = rect["top"] >= 0 and rect["bottom"] <= height
        inside = inside and rect["left"] >= 0 and rect["right"] <= width
        assert inside, f"{what}: the {part} is not in the {width}×{height} viewport: {box}"
    return box


def _check_all(page, root, notebook, where: str, open_tab) -> list[str]:
    """Fit every explorer the lesson shows, and those of its tabs; return one line each."""
    explorers = root.locator(".gdviz-explorer")
    expected = explorers_in(notebook)
    explorers.nth(len(expected) - 1).wait_for(state="attached", timeout=WAIT)
    lines = []
    for i, name in enumerate(expected):
        box = _fits(page, explorers.nth(i), name, f"{notebook.stem} {where}, {name}")
        lines.append(f"{name}: {box['explorer']['width']:.0f} of {box['area']['width']:.0f} px")
    for title, name in tabs_in(notebook):
        count = explorers.count()
        open_tab(title)
        explorers.nth(count).wait_for(state="visible", timeout=WAIT)
        box = _fits(page, explorers.nth(count), name, f"{notebook.stem} {where}, {title} tab")
        lines.append(f"{name}: {box['explorer']['width']:.0f} of {box['area']['width']:.0f} px")
    return lines


@pytest.mark.parametrize("notebook", WITH_EXPLORERS, ids=[p.stem for p in WITH_EXPLORERS])
def test_explorers_fit_a_laptop_with_the_file_browser_open(browser, lab_server, notebook):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        lab = Lab(page=page, server=lab_server)
        lab.open(lab.server.add_notebook(notebook, notebook.name))
        assert page.locator(".jp-FileBrowser").first.is_visible(), "the file browser is closed"
        lab.run_all_and_wait()
        assert lab.problems() == []

        def open_tab(title: str) -> None:
            lab.panel.locator(".widget-tab .lm-TabBar-tab", has_text=title).click()

        lines = _check_all(page, lab.panel, notebook, "at 1366×768 in JupyterLab", open_tab)
        lab.screenshot(f"fit-lab-{notebook.stem}")
        print(f"\n{notebook.stem} at 1366×768: " + "; ".join(lines))
    finally:
        context.close()
        lab_server.shutdown_kernels()


@pytest.mark.parametrize("notebook", WITH_EXPLORERS, ids=[p.stem for p in WITH_EXPLORERS])
def test_explorers_fit_voila_at_1024x768(browser, tmp_path, notebook):
    with running_voila(notebook, tmp_path, template="projector") as server:
        context = browser.new_context(viewport={"width": 1024, "height": 768})
        page = context.new_page()
        try:
            page.goto(server.url, timeout=120_000)

            def open_tab(title: str) -> None:
                page.locator(".widget-tab .lm-TabBar-tab", has_text=title).click()

            lines = _check_all(page, page, notebook, "at 1024×768 in Voilà", open_tab)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"fit-voila-{notebook.stem}.png"))
            print(f"\n{notebook.stem} in Voilà at 1024×768: " + "; ".join(lines))
        finally:
            context.close()


def test_every_lesson_with_an_explorer_is_checked():
    shown = {name for path in LESSONS for name in explorers_in(path)}
    assert shown <= set(MAIN_CONTROLS), f"no main control known for {shown - set(MAIN_CONTROLS)}"
    assert (ROOT / "notebooks" / "03_gradient_descent.ipynb") in WITH_EXPLORERS
