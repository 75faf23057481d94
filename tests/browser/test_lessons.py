"""Every lesson in a real JupyterLab, and the playground in Voilà, as a student sees them.

For each ``notebooks/NN_*.ipynb``: open it, Run All Cells, and check that no cell shows an
error and no widget shows "Error displaying widget". Then, for every explorer the lesson
displays (found in its code cells, matched in order with the ``gdviz-explorer`` elements
on the page):

- move its main slider by keyboard (focus it, press an arrow key): the picture (the first
  panel's canvas, drawn in the browser) changes and the entry beside the slider shows the
  new value;
- type the previous value into that entry and press Enter: the picture changes again and
  the slider moves back;
- press Play (if it has steps): the picture changes and the frame slider reaches the last
  step.

Each explorer must also fit: the page is 1366×768 with the file browser open (JupyterLab's
default; the output area is about 934 px wide), and no explorer may be wider than its output
area, and with its main control scrolled near the top, the control and its first picture
must both be in the viewport (:func:`fits`).

Nothing may show an error afterwards either (an error in a callback appears in the
explorer's message area, not as an output). Each lesson leaves
``artifacts/screenshots/<lesson>.png``. The playground (``notebooks/07_*.ipynb``) is also
served by Voilà, where a slider must redraw the canvas without an error.

Controls are found by the DOM classes the explorer template adds: ``gdviz-explorer`` on each
explorer, ``gdviz-control-<name>`` on each control and ``gdviz-entry-<name>`` on a slider's
text entry (see :meth:`gdviz.widgets.template.SceneExplorer.add_control`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from .conftest import ROOT, SCREENSHOTS, running_voila

NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
WAIT = 30_000  # ms, for anything the kernel has to do


@dataclass(frozen=True)
class Main:
    """An explorer's main slider: the name of its control (``input.gdviz-control-<name>``)."""

    control: str


MAIN_CONTROLS = {
    "FirstStepExplorer": Main("step_size"),
    "DirectionExplorer": Main("angle"),
    "FiniteDifferenceExplorer": Main("h"),
    "DescentExplorer": Main("step_size"),
    "MinibatchExplorer": Main("batch_size"),
    "OptimizerRace": Main("tolerance"),
}
# What a container shows at first (the playground opens on its first tab), and the tabs
# whose explorers are built when opened: (tab title, explorer), in order.
SHOWS = {"Playground": ["DescentExplorer"]}
TABS = {"Playground": [("Mini-batches", "MinibatchExplorer"), ("Race", "OptimizerRace")]}

_CONSTRUCTED = re.compile(r"\b([A-Z]\w*(?:Explorer|Race)|Playground)\(")


def constructed_in(notebook: Path) -> list[str]:
    """Explorers and playgrounds a lesson's code cells construct, in order."""
    names = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            if not re.match(r"\s*(from|import|#)\b", line):
                names += _CONSTRUCTED.findall(line)
    return names


def explorers_in(notebook: Path) -> list[str]:
    """Class names of the explorers a lesson shows after Run All, in order."""
    return [shown for name in constructed_in(notebook) for shown in SHOWS.get(name, [name])]


def tabs_in(notebook: Path) -> list[tuple[str, str]]:
    """(tab title, explorer) for the tabs whose explorer appears only once opened."""
    return [tab for name in constructed_in(notebook) for tab in TABS.get(name, [])]


def css_name(name: str) -> str:
    """A control's name as the base writes it in a class (``gd.lr`` → ``gd-lr``)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


# --------------------------------------------------------------------------- in the page

FIGURE = ".gdviz-panel-0 canvas"

# The figure as a string that changes when its pixels do.
_JS_SNAPSHOT = "(el) => el.toDataURL()"

# Resolves to true once the figure holds a drawing that stays the same for 300 ms.
_JS_SETTLED = """async (el) => {
  if (el.width === 0 || el.height === 0) return false;
  const empty = document.createElement('canvas');
  empty.width = el.width;
  empty.height = el.height;
  const first = el.toDataURL();
  await new Promise((resolve) => setTimeout(resolve, 300));
  return first !== empty.toDataURL() && first === el.toDataURL();
}"""

_JS_CHANGED = "([el, before]) => el.toDataURL() !== before"


@dataclass
class Moved:
    """What exercising one explorer showed."""

    name: str
    keyboard: str  # "0.1 → 0.112"
    typed: str
    frames: str  # "0 → 7 of 50", or "no animation"
    seconds: float


def _until(check, what: str, timeout: float = WAIT / 1000) -> None:
    """Poll ``check()`` (locators re-resolved each time) until true; else fail saying what."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def _settled(page, figure) -> str:
    figure.scroll_into_view_if_needed()
    page.wait_for_function(_JS_SETTLED, arg=figure.element_handle(), timeout=WAIT)
    return figure.evaluate(_JS_SNAPSHOT)


def _wait_changed(page, figure, before: str, what: str) -> str:
    try:
        page.wait_for_function(_JS_CHANGED, arg=[figure.element_handle(), before], timeout=WAIT)
    except Exception as exc:
        raise AssertionError(f"the figure did not change after {what}") from exc
    return figure.evaluate(_JS_SNAPSHOT)


def _wait_value(entry, text: str, what: str) -> None:
    from playwright.sync_api import expect

    try:
        expect(entry).to_have_value(text, timeout=WAIT)
    except AssertionError as exc:
        raise AssertionError(
            f"after {what} the readout shows {entry.input_value()!r}, not {text!r}"
        ) from exc


# What an explorer shows: each slider's position, each entry's text, and its text lines
# (status, readouts, messages), for a failure's message.
_JS_DESCRIBE = r"""(ex) => {
  const scene = ex.querySelector('.gdviz-scene');
  const entries = [...ex.querySelectorAll('input[class*="gdviz-entry-"], [class*="gdviz-entry-"] input')]
    .map((i) => i.value);
  return `value ${scene?.dataset.value}, frame ${scene?.dataset.frame}; entries ${entries.join(', ')}; ` +
    `text: ${ex.innerText.replace(/\s+/g, ' ').trim()}`;
}"""


def exercise(page, explorer, name: str) -> Moved:
    """Keyboard, typing and play on one explorer's main slider; asserts as it goes."""
    try:
        return _exercise(page, explorer, name)
    except AssertionError as error:
        try:
            state = explorer.evaluate(_JS_DESCRIBE)
        except Exception as exc:  # the page may be what broke
            state = f"(could not read the explorer: {exc})"
        raise AssertionError(f"{name}: {error}\nthe explorer now shows: {state}") from error


def _exercise(page, explorer, name: str) -> Moved:
    """Keyboard, typing and play on an explorer drawn in the browser (its own range input)."""
    main = MAIN_CONTROLS[name.split()[0]]
    started = time.monotonic()
    scene = explorer.locator(".gdviz-scene")
    slider = scene.locator(f"input.gdviz-control-{css_name(main.control)}")
    entry = scene.locator(f"input.gdviz-entry-{css_name(main.control)}")
    figure = scene.locator(FIGURE).first
    assert slider.count() == 1 and entry.count() == 1, f"{name}: no {main.control} slider/entry"

    # 1. keyboard: one stop along the slider; the browser answers, the kernel follows
    before = _settled(page, figure)
    old_text = entry.input_value()
    old = int(slider.input_value())
    key = "ArrowLeft" if old >= int(slider.get_attribute("max")) else "ArrowRight"
    slider.focus()
    slider.press(key)
    _until(lambda: int(slider.input_value()) != old, f"{key} to move the {main.control} slider")
    after_key = _wait_changed(page, figure, before, f"{key} on {main.control}")
    new_text = entry.input_value()
    assert new_text != old_text, f"{name}: {key} left the entry at {old_text}"

    # 2. typing the previous value back: the same stop, the same picture
    entry.click()
    entry.press("Control+a")
    entry.press_sequentially(old_text)
    entry.press("Enter")
    _wait_changed(page, figure, after_key, f"typing {old_text} into the {main.control} entry")
    _until(lambda: int(slider.input_value()) == old, f"the slider to move back to {old_text}")
    _wait_value(entry, old_text, f"typing {old_text}")

    # 3. play: the frame advances in the browser and the figure follows
    frame = scene.locator("input.gdviz-control-frame")
    frames = "no frames (no player)"  # an explorer without steps hides the player's row
    if frame.is_visible():
        last = int(frame.get_attribute("max"))
        at_end = _settled(page, figure)
        scene.locator(".gdviz-play").click()  # at the last frame: plays from the start
        _wait_changed(page, figure, at_end, "play")  # an earlier frame is drawn
        _until(lambda: int(frame.input_value()) == last, "play to reach the last frame")
        frames = f"0 → {last} of {last}"
    return Moved(
        name=name,
        keyboard=f"{old_text} → {new_text} ({key})",
        typed=old_text,
        frames=frames,
        seconds=time.monotonic() - started,
    )


def _explorer_messages(explorers) -> list[str]:
    """Warnings and errors shown in explorers' message areas (⚠ …)."""
    texts = explorers.evaluate_all("(els) => els.map((e) => e.innerText)")
    return [line for text in texts for line in text.splitlines() if "⚠" in line]


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


def fits(page, explorer, name: str, what: str) -> dict:
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


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("notebook", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson(lab, notebook):
    expected = explorers_in(notebook)
    unknown = sorted(set(expected) - set(MAIN_CONTROLS))
    assert not unknown, f"no main control known for {unknown}: add them to MAIN_CONTROLS"

    started = time.monotonic()
    lab.open(lab.server.add_notebook(notebook, notebook.name))
    assert lab.page.locator(".jp-FileBrowser").first.is_visible(), "the file browser is closed"
    lab.run_all_and_wait()
    ran = time.monotonic() - started
    assert lab.problems() == [], "errors after Run All"

    explorers = lab.panel.locator(".gdviz-explorer")
    if expected:
        explorers.nth(len(expected) - 1).wait_for(state="attached", timeout=WAIT)
    assert explorers.count() == len(expected), (
        f"the page shows {explorers.count()} explorers; the lesson displays {expected}"
    )
    results = [exercise(lab.page, explorers.nth(i), name) for i, name in enumerate(expected)]
    widths = [fits(lab.page, explorers.nth(i), name, name) for i, name in enumerate(expected)]

    # a playground's other tabs: opening one in the browser builds its explorer in the kernel
    for title, name in tabs_in(notebook):
        assert name in MAIN_CONTROLS, f"no main control known for {name}"
        count = explorers.count()
        lab.panel.locator(".widget-tab .lm-TabBar-tab", has_text=title).click()
        explorers.nth(count).wait_for(state="visible", timeout=WAIT)
        results.append(exercise(lab.page, explorers.nth(count), f"{name} ({title} tab)"))
        widths.append(fits(lab.page, explorers.nth(count), name, f"{name} ({title} tab)"))

    lab.wait_for_idle()
    assert lab.problems() == [], "errors after moving the sliders"
    assert _explorer_messages(explorers) == []

    shown = explorers.filter(visible=True)
    if shown.count():
        _settled(lab.page, shown.first.locator(FIGURE).first)
        shown.first.scroll_into_view_if_needed()
    lab.screenshot(notebook.stem)
    print(f"\n{notebook.stem}: opened and ran in {ran:.1f} s")
    for box in widths:
        print(f"  fits 1366×768: {box['explorer']['width']:.0f} of {box['area']['width']:.0f} px")
    for moved in results:
        print(
            f"  {moved.name}: keyboard {moved.keyboard}, typed {moved.typed}, "
            f"play {moved.frames} ({moved.seconds:.1f} s)"
        )


PLAYGROUNDS = sorted(NOTEBOOKS.glob("07_*.ipynb"))


@pytest.mark.skipif(not PLAYGROUNDS, reason="no notebooks/07_*.ipynb (the playground) yet")
def test_playground_in_voila(browser, tmp_path):
    notebook = PLAYGROUNDS[0]
    expected = explorers_in(notebook)
    with running_voila(notebook, tmp_path) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        try:
            page.goto(server.url, timeout=120_000)
            explorers = page.locator(".gdviz-explorer")
            explorers.first.wait_for(state="visible", timeout=120_000)
            assert explorers.count() == len(expected), f"Voilà shows {explorers.count()} explorers"
            moved = exercise(page, explorers.first, expected[0])

            problems = page.get_by_text("Error displaying widget").all_inner_texts()
            problems += page.get_by_text("There was an error when executing").all_inner_texts()
            problems += page.locator(
                "[data-mime-type='application/vnd.jupyter.stderr']"
            ).all_inner_texts()
            problems += _explorer_messages(explorers)
            assert problems == [], f"{server.log_tail()}"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"voila-{notebook.stem}.png"))
            print(
                f"\nVoilà {notebook.stem}: {moved.name}: keyboard {moved.keyboard}, "
                f"typed {moved.typed}, play {moved.frames} ({moved.seconds:.1f} s)"
            )
        finally:
            context.close()
