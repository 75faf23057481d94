"""Every explorer of every lesson fits a projector: Voilà at 1024×768 (issue 11).

For each lesson that shows an explorer, in Voilà with the projector template: no explorer
is wider than its output area or scrolls sideways, and once its main control is scrolled
near the top of the window, the control and the main panel (the first picture) are both in
the viewport (:func:`.test_lessons.fits`). The playground's tabs are opened and checked too.
JupyterLab at 1366×768 with the file browser open is checked by ``test_lessons.py``, which
runs every lesson there. Screenshots go to ``artifacts/screenshots/fit-voila-*.png``.
"""

from __future__ import annotations

import pytest

from .conftest import ROOT, SCREENSHOTS, running_voila
from .test_lessons import LESSONS, MAIN_CONTROLS, explorers_in, fits, tabs_in

WAIT = 60_000
WITH_EXPLORERS = [path for path in LESSONS if explorers_in(path)]


def _check_all(page, root, notebook, where: str, open_tab) -> list[str]:
    """Fit every explorer the lesson shows, and those of its tabs; return one line each."""
    explorers = root.locator(".gdviz-explorer")
    expected = explorers_in(notebook)
    explorers.nth(len(expected) - 1).wait_for(state="attached", timeout=WAIT)
    lines = []
    for i, name in enumerate(expected):
        box = fits(page, explorers.nth(i), name, f"{notebook.stem} {where}, {name}")
        lines.append(f"{name}: {box['explorer']['width']:.0f} of {box['area']['width']:.0f} px")
    for title, name in tabs_in(notebook):
        count = explorers.count()
        open_tab(title)
        explorers.nth(count).wait_for(state="visible", timeout=WAIT)
        box = fits(page, explorers.nth(count), name, f"{notebook.stem} {where}, {title} tab")
        lines.append(f"{name}: {box['explorer']['width']:.0f} of {box['area']['width']:.0f} px")
    return lines


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
