"""nbval setup for the lesson notebooks: `pytest tests/notebooks` (what `make test` runs).

Besides the tests in this folder, `pytest tests/notebooks` collects every `notebooks/*.ipynb`
as an nbval file (items `notebooks/NAME.ipynb::Cell N`, marked `notebooks`) and checks it in
nbval's strict mode: every code cell runs, top to bottom, in one fresh kernel per notebook,
and its text outputs must equal the stored ones. Settings (all overridable on the command line):

* `--nbval-current-env`: the kernel is this venv's Python, whatever the notebook names;
* `--nbval-cell-timeout`: 120 s per cell (env GDVIZ_NB_CELL_TIMEOUT);
* `--nbval-sanitize-with tests/notebooks/sanitize.cfg`: figure sizes, addresses, inline images;
* image and widget MIME types are not compared (`SKIP_COMPARE`, via `pytest_collectstart`);
* the kernel gets the same environment as `make notebooks` (`KERNEL_ENV`), so the outputs it
  stores are the ones nbval expects.

A cell whose output legitimately varies takes a `# NBVAL_IGNORE_OUTPUT` comment, or the
`nbval-ignore-output` tag. `--nbval-lax` checks only cells marked `# NBVAL_CHECK_OUTPUT`.
GDVIZ_NOTEBOOK_DIR points all of this at another folder (the self-test uses it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = Path(os.environ.get("GDVIZ_NOTEBOOK_DIR", ROOT / "notebooks")).resolve()
SANITIZE_FILE = Path(__file__).with_name("sanitize.cfg")
CELL_TIMEOUT = float(os.environ.get("GDVIZ_NB_CELL_TIMEOUT", "120"))
NBVAL_DEFAULT_CELL_TIMEOUT = 2000.0  # nbval's own default: means "not given on the command line"

# Same as tools/execute_notebooks.py (a test checks they agree).
# GDVIZ_PROGRESS=0: no progress bar, whose appearance depends on the machine's speed.
# OPENBLAS_NUM_THREADS=1: on 2 shared cores a second BLAS thread makes small matrix products
# 15-50x slower (measured on lesson 06's training loop), and run times erratic.
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "SOURCE_DATE_EPOCH": "0",
    "JUPYTER_PLATFORM_DIRS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "GDVIZ_PROGRESS": "0",
}

# Output MIME types never compared. Pictures vary with fonts, freetype and backend versions;
# widget views carry random model ids and their state lives in the kernel, not the output.
SKIP_COMPARE = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/svg+xml",
    "application/pdf",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)


# pyproject turns every warning into an error, which stays so for tests/unit. Here only, a
# deprecation raised *inside* the Jupyter machinery that nbval drives (kernel client, zmq,
# tornado, traitlets, nbformat/nbval themselves) is ignored: it is a matter for those projects,
# not a defect of ours, and it must not fail the lesson checks on an upgrade. None of these
# fire with constraints.txt's versions (measured); a warning raised by our own code still fails.
# (Warnings inside the kernel never reach pytest: they are stderr outputs, which nbval compares.)
THIRD_PARTY_WARNINGS = [
    f"ignore::{category}:{module}"
    for category in ("DeprecationWarning", "PendingDeprecationWarning")
    for module in (
        "jupyter_client",
        "jupyter_core",
        "nbval",
        "nbclient",
        "nbformat",
        "ipykernel",
        "zmq",
        "tornado",
        "traitlets",
    )
]


def lesson_notebooks() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


class _SkipCompare:
    """Registered as a plugin (not a conftest hook) so it also sees notebooks/ collectors."""

    @staticmethod
    def pytest_collectstart(collector):
        if isinstance(collector, IPyNbFile):
            extra = tuple(m for m in SKIP_COMPARE if m not in collector.skip_compare)
            collector.skip_compare = (*collector.skip_compare, *extra)


def pytest_configure(config):
    opt = config.option
    if not opt.nbval_kernel_name:
        opt.nbval_current_env = True
    if not opt.nbval_sanitize_with:
        opt.nbval_sanitize_with = str(SANITIZE_FILE)
    if opt.nbval_cell_timeout == NBVAL_DEFAULT_CELL_TIMEOUT:
        opt.nbval_cell_timeout = CELL_TIMEOUT
    for key, value in KERNEL_ENV.items():
        os.environ.setdefault(key, value)
    if not config.pluginmanager.has_plugin("gdviz-nbval-skip-compare"):
        config.pluginmanager.register(_SkipCompare(), "gdviz-nbval-skip-compare")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if isinstance(item, IPyNbCell) or here in Path(item.path).resolve().parents:
            for spec in THIRD_PARTY_WARNINGS:
                item.add_marker(pytest.mark.filterwarnings(spec))


class LessonNotebooks(pytest.Directory):
    """The notebooks folder, as nbval files (collected from here, outside tests/)."""

    def collect(self):
        for path in lesson_notebooks():
            notebook = IPyNbFile.from_parent(self, path=path)
            notebook.add_marker(pytest.mark.notebooks)
            yield notebook


def pytest_collect_file(file_path, parent):
    # pytest offers every file of this folder to this hook, this conftest.py included: use
    # it as the anchor that adds the notebooks folder whenever this folder is collected.
    if file_path == Path(__file__) and NOTEBOOK_DIR.is_dir():
        return LessonNotebooks.from_parent(parent, path=NOTEBOOK_DIR)
    return None


def pytest_generate_tests(metafunc):
    """`notebook_path`: each lesson notebook, or one skip when there are none yet."""
    if "notebook_path" in metafunc.fixturenames:
        paths = lesson_notebooks()
        if paths:
            params = [pytest.param(p, id=p.name) for p in paths]
        else:
            reason = f"no notebooks yet in {NOTEBOOK_DIR}"
            params = [pytest.param(None, id="no-notebooks", marks=pytest.mark.skip(reason=reason))]
        metafunc.parametrize("notebook_path", params)
