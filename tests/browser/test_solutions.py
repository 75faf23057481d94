"""Run All in a real JupyterLab never runs a solution, never shows one, never rewrites one.

For a lesson with solutions (see tests/notebooks/test_solutions.py for their form): open a copy,
Run All Cells, and check that

- the student's answers are still the placeholders (a probe cell appended to the copy prints them):
  no solution ran and replaced them;
- nothing a solution prints appears in any output;
- every solution is shown collapsed, and opens on a click to show its code;
- after saving, the file on disk holds every solution cell exactly as before (source, tag, id), and
  no code cell has become one.
"""

from __future__ import annotations

import re
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from .conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
# A lesson, and the names its exercise cells leave as `...` for the student.
LESSONS = {
    "00_welcome.ipynb": ("new_w",),
    "03_gradient_descent.ipynb": ("limit", "best"),
}
PROBE = "student answers after Run All:"
SOLUTION = re.compile(r"<summary>(?:<b>)?Solution\b")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
WAIT = 30_000  # ms


def _solution_cells(nb):
    return {
        cell["id"]: cell
        for cell in nb.cells
        if cell.cell_type == "markdown" and SOLUTION.search(cell.source)
    }


def _essentials(cells):
    return {key: (c.cell_type, c.source, dict(c.metadata)) for key, c in cells.items()}


def _printed_by_solutions(nb) -> list[str]:
    return [
        line
        for cell in _solution_cells(nb).values()
        for lang, body in FENCE.findall(cell.source)
        if lang == "text"
        for line in body.splitlines()
        if line.strip()
    ]


@pytest.mark.parametrize("name", list(LESSONS))
def test_run_all_leaves_solutions_unrun_and_unchanged(lab, name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    solutions = _solution_cells(nb)
    assert solutions, f"{name} has no solution blocks to test"
    answers = LESSONS[name]
    nb.cells.append(
        new_code_cell(f"print({PROBE!r}, {{n: repr(globals()[n]) for n in {answers!r}}})")
    )
    path = lab.server.add_notebook(nb, name)
    lab.open(path)
    lab.run_all_and_wait()
    assert lab.problems() == []

    outputs = "\n".join(lab.panel.locator(".jp-OutputArea-output").all_inner_texts())
    expected = "{" + ", ".join(f"'{n}': 'Ellipsis'" for n in answers) + "}"
    assert f"{PROBE} {expected}" in outputs, f"a solution replaced an answer:\n{outputs[-800:]}"
    shown = [line for line in _printed_by_solutions(nb) if line in outputs]
    assert not shown, f"Run All showed what a solution prints: {shown}"

    blocks = lab.panel.locator("details", has=lab.page.locator("summary", has_text="Solution"))
    assert blocks.count() == len(solutions)
    for k in range(blocks.count()):
        assert blocks.nth(k).get_attribute("open") is None, f"solution {k} is open after Run All"
    first = blocks.first
    first.scroll_into_view_if_needed()
    code = first.locator("pre")
    assert not code.first.is_visible(), "a closed solution's code is visible"
    first.locator("summary").click()
    code.first.wait_for(state="visible", timeout=WAIT)
    opened_code = code.first.inner_text()
    assert "check_" in opened_code, f"the opened solution shows {opened_code!r}"
    lab.screenshot(f"solutions-{name.removesuffix('.ipynb')}")

    saved = lab.server.root / path
    before = saved.stat().st_mtime_ns
    lab.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    deadline = time.monotonic() + WAIT / 1000
    while saved.stat().st_mtime_ns == before:
        assert time.monotonic() < deadline, "the notebook was not saved"
        time.sleep(0.1)
    time.sleep(0.5)  # the contents API writes the file in one go; let it finish
    on_disk = nbformat.read(saved, as_version=4)
    assert _essentials(_solution_cells(on_disk)) == _essentials(solutions), "a solution changed"
    tagged = [c for c in on_disk.cells if "solution" in c.metadata.get("tags", [])]
    assert [c["id"] for c in tagged] == list(solutions), "the solution tags changed"
    assert all(c.cell_type == "markdown" for c in tagged)
