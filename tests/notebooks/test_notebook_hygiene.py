"""What every committed lesson notebook must look like (cheap: reads the JSON, runs nothing).

`notebook_path` is parametrized by conftest.py over notebooks/*.ipynb; while there are none,
it is a single skip that says so.
"""

import nbformat

MAX_BYTES = 3 * 1024 * 1024


def _read(path):
    return nbformat.read(path, as_version=4)


def test_has_kernelspec(notebook_path):
    # Without one, JupyterLab opens a "Select Kernel" dialog that blocks students (and tests).
    spec = _read(notebook_path).metadata.get("kernelspec", {})
    assert spec.get("name"), f"{notebook_path.name}: no metadata.kernelspec.name"


def test_execution_counts_run_top_to_bottom(notebook_path):
    # Saved from one clean run (`make notebooks`): 1..n in order, no gaps, no unrun cells.
    cells = [c for c in _read(notebook_path).cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"{notebook_path.name}: {counts}"


def test_no_error_outputs(notebook_path):
    errors = [
        f"cell {i}: {out.get('ename')}: {out.get('evalue')}"
        for i, cell in enumerate(_read(notebook_path).cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"{notebook_path.name}: {errors}"


def test_no_saved_widget_state(notebook_path):
    # Widget state has random model ids: it churns in git and is stale once a kernel restarts.
    metadata = _read(notebook_path).metadata
    assert "widgets" not in metadata, f"{notebook_path.name}: metadata.widgets is saved"


def test_size_under_3_mb(notebook_path):
    size = notebook_path.stat().st_size
    assert size < MAX_BYTES, f"{notebook_path.name}: {size / 1e6:.1f} MB (limit 3 MB)"
