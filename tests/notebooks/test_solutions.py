"""Solutions in the lessons: readable on demand, never run by Run All, and right.

A lesson's solution is a markdown cell tagged ``solution`` that holds a collapsed block,

    <details><summary><b>Solution</b> (click to open)</summary>
    ...why it works...
    ```python
    ...the code, written as the student's own cell would be, ending with its self-check...
    ```
    ```text
    ...optionally, lines it prints...
    ```
    </details>

Markdown never runs: Run All cannot show a solution, run it, or overwrite the student's answer
with it, and a saved notebook keeps it as it was. ``<details>`` renders collapsed in JupyterLab,
Voilà, nbviewer and GitHub alike, and the projector template hides the ``solution`` tag.

The first tests only read the JSON. ``test_solutions_pass_their_self_checks`` runs each lesson up
to its last solution in a fresh kernel, with every solution block put in as a code cell where it
stands, and requires every self-check it calls to say the answer is right and every line of its
``text`` block to be printed: a solution that has gone stale fails here.
"""

from __future__ import annotations

import ast
import json
import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from .conftest import CELL_TIMEOUT, lesson_notebooks

SUMMARY = re.compile(r"<details>\s*<summary>(?:<b>)?Solution\b", re.IGNORECASE)
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
MARKER = "GDVIZ-SELF-CHECKS "

# Characters shown as emoji (Unicode's Emoji_Presentation) that a browser without an emoji font,
# like Debian's Chromium, draws as empty boxes; U+FE0F asks for emoji presentation of any symbol.
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615"
    "\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea"
    "\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757"
    "\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\ufe0f]"
)


def _read(path):
    return nbformat.read(path, as_version=4)


def _is_solution_block(cell) -> bool:
    return cell.cell_type == "markdown" and bool(SUMMARY.search(cell.source))


def _fences(source: str) -> list[tuple[str, str]]:
    return [(lang, body) for lang, body in FENCE.findall(source)]


def _solution_code(cell) -> str:
    (code,) = [body for lang, body in _fences(cell.source) if lang == "python"]
    return code


def _printed_lines(cell) -> list[str]:
    return [
        line
        for lang, body in _fences(cell.source)
        if lang == "text"
        for line in body.splitlines()
        if line.strip()
    ]


def _code_lines(source: str) -> set[str]:
    """The statements of some code, one per line, without comments or blank lines."""
    lines = set()
    for line in source.splitlines():
        code = line.split("#", 1)[0].strip()
        if code:
            lines.add(code)
    return lines


def _calls_check(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id.startswith("check_")
        for n in ast.walk(node)
    )


def _solutions(path):
    return [(i, cell) for i, cell in enumerate(_read(path).cells) if _is_solution_block(cell)]


def test_no_code_cell_is_a_solution(notebook_path):
    # A code cell runs under Run All: a solution there shows its answer and replaces the
    # student's. A hidden source (a diagram's drawing code) is fine; hidden outputs are not.
    problems = []
    for i, cell in enumerate(_read(notebook_path).cells):
        if cell.cell_type != "code":
            continue
        if "solution" in cell.metadata.get("tags", []):
            problems.append(f"cell {i} is a code cell tagged 'solution'")
        if cell.metadata.get("jupyter", {}).get("outputs_hidden"):
            problems.append(f"cell {i} hides its outputs")
        tree = ast.parse(cell.source)
        if _calls_check(tree):
            extra = [s for s in tree.body if not (isinstance(s, ast.Expr) and _calls_check(s))]
            if extra:
                problems.append(f"cell {i} calls a self-check and also runs other code")
    assert not problems, f"{notebook_path.name}: {problems}"


def test_solution_blocks_are_collapsed_tagged_markdown(notebook_path):
    cells = _read(notebook_path).cells
    tagged = {i for i, c in enumerate(cells) if "solution" in c.metadata.get("tags", [])}
    blocks = {i for i, c in enumerate(cells) if _is_solution_block(c)}
    assert tagged == blocks, (
        f"{notebook_path.name}: tagged {sorted(tagged)}, blocks {sorted(blocks)}"
    )
    for i in blocks:
        source = cells[i].source
        assert "<details open" not in source, f"{notebook_path.name} cell {i} opens by itself"
        assert source.count("<details>") == source.count("</details>") == 1, (
            f"{notebook_path.name} cell {i}: one <details> block, closed, per solution"
        )
        langs = [lang for lang, _ in _fences(source)]
        assert langs.count("python") == 1, f"{notebook_path.name} cell {i}: fences {langs}"


def test_every_exercise_has_a_solution(notebook_path):
    # Between one exercise cell ("# Your turn") and the next, a solution block.
    cells = _read(notebook_path).cells
    starts = [i for i, c in enumerate(cells) if c.cell_type == "code" and "# Your turn" in c.source]
    for here, following in zip(starts, [*starts[1:], len(cells)][: len(starts)], strict=True):
        assert any(_is_solution_block(c) for c in cells[here:following]), (
            f"{notebook_path.name}: the exercise in cell {here} has no solution after it"
        )


def test_solution_blocks_compile(notebook_path):
    for i, cell in _solutions(notebook_path):
        code = _solution_code(cell)
        compile(code, f"{notebook_path.name} solution in cell {i}", "exec")
        assert _calls_check(ast.parse(code)), (
            f"{notebook_path.name} cell {i}: a solution ends with its self-check"
        )


def test_no_code_cell_repeats_a_solution(notebook_path):
    # A statement of a solution may appear in a code cell only if the lesson already showed it
    # before the exercise (or the exercise's own template has it): otherwise a later cell
    # prints the answer, as lesson 03's once did.
    cells = _read(notebook_path).cells
    problems = []
    for i, block in _solutions(notebook_path):
        exercise = max(
            j for j in range(i) if cells[j].cell_type == "code" and "Your turn" in cells[j].source
        )
        shown = set().union(
            *(_code_lines(c.source) for c in cells[: exercise + 1] if c.cell_type == "code")
        )
        answer = {
            line
            for line in _code_lines(_solution_code(block)) - shown
            if not re.match(r"(display\()?check_\w+\(", line)
        }
        for j, cell in enumerate(cells):
            if cell.cell_type == "code":
                repeated = answer & _code_lines(cell.source)
                if repeated:
                    problems.append(f"cell {j} repeats the solution in cell {i}: {repeated}")
    assert not problems, f"{notebook_path.name}: {problems}"


def test_no_emoji_in_sources(notebook_path):
    # Debian's Chromium has no emoji font: an emoji is an empty box there. Results read in words.
    found = [
        f"cell {i}: {m.group()!r} in {cell.source[max(0, m.start() - 30) : m.end() + 30]!r}"
        for i, cell in enumerate(_read(notebook_path).cells)
        for m in EMOJI.finditer(cell.source)
    ]
    assert not found, f"{notebook_path.name}: {found}"


def test_playground_predictions_open_on_demand():
    # In the playground the text of an experiment would answer its own "Predict first": what to
    # notice sits in a collapsed block after it.
    playgrounds = [p for p in lesson_notebooks() if p.name.startswith("07_")]
    if not playgrounds:
        pytest.skip("no playground notebook here")
    (playground,) = playgrounds
    text = "\n".join(c.source for c in _read(playground).cells if c.cell_type == "markdown")
    pieces = re.split(r"Predict first", text)
    assert len(pieces) >= 4, "the playground's three experiments each ask for a prediction"
    for piece in pieces[1:]:
        before_reveal = piece.split("<details>", 1)
        assert len(before_reveal) == 2, f"no <details> after the prediction: {piece[:120]!r}"
        assert "Notice" not in before_reveal[0], f"answered before the reveal: {piece[:160]!r}"


# --------------------------------------------------------------------------- running them

_RECORDER = """\
_gdviz_feedback = []


def _gdviz_record(feedback):
    _gdviz_feedback.append(feedback)
    return feedback
"""

_REPORT = f"""
print({MARKER!r} + __import__("json").dumps([[bool(f), repr(f)] for f in _gdviz_feedback]))
_gdviz_feedback.clear()
"""


class _RecordChecks(ast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id.startswith("check_"):
            return ast.Call(ast.Name("_gdviz_record", ast.Load()), [node], [])
        return node


def _as_checked_cell(code: str) -> str:
    tree = ast.fix_missing_locations(_RecordChecks().visit(ast.parse(code)))
    return ast.unparse(tree) + "\n" + _REPORT


def _lessons_with_solutions():
    return [pytest.param(p, id=p.name) for p in lesson_notebooks() if _solutions(p)]


@pytest.mark.parametrize("lesson", _lessons_with_solutions())
def test_solutions_pass_their_self_checks(lesson, monkeypatch):
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "1")  # "python3" is this venv's kernel
    nb = _read(lesson)
    solutions = _solutions(lesson)
    last = solutions[-1][0]
    cells, placed = [new_code_cell(_RECORDER)], {}
    for i, cell in enumerate(nb.cells[: last + 1]):
        if cell.cell_type == "code":
            cells.append(new_code_cell(cell.source))
        elif _is_solution_block(cell):
            placed[i] = len(cells)
            cells.append(new_code_cell(_as_checked_cell(_solution_code(cell))))
    run = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    NotebookClient(
        run,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(lesson.parent)}},
    ).execute()

    problems = []
    for i, cell in solutions:
        outputs = run.cells[placed[i]].outputs
        printed = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
        report = [line for line in printed.splitlines() if line.startswith(MARKER)]
        feedback = json.loads(report[-1][len(MARKER) :]) if report else []
        if not feedback:
            problems.append(f"cell {i}: no self-check ran")
        problems += [f"cell {i}: {message}" for correct, message in feedback if not correct]
        missing = [line for line in _printed_lines(cell) if line not in printed.splitlines()]
        if missing:
            problems.append(f"cell {i}: does not print {missing}; printed:\n{printed}")
    assert not problems, f"{lesson.name}: {problems}"
