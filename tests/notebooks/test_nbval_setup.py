"""Self-test of conftest.py's nbval setup on small notebooks generated in a temp folder.

Runs `pytest tests/notebooks -m notebooks` in a subprocess with GDVIZ_NOTEBOOK_DIR pointing at
the temp folder, then reads the JUnit XML: the sanitizers and MIME skips must let expected
variation through, and strict mode must still catch a wrong text output.
"""

import importlib.util
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from .conftest import KERNEL_ENV, ROOT, SKIP_COMPARE

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

GOOD_CELLS = [
    'print("hello")',
    # text/plain `<Figure size 640x480 with 1 Axes>` + image/png
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\nfig",
    # `<object object at 0x7f...>`
    "object()",
    # image/svg+xml, compared by nbval unless skipped
    "from IPython.display import SVG\n"
    'SVG(\'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\')',
    # widget view (random model id) + text/plain `IntSlider(value=3)`
    "import ipywidgets\nipywidgets.IntSlider(value=3)",
]


def _execute(cells, path):
    nb = new_notebook(
        cells=[new_code_cell(src) for src in cells], metadata={"kernelspec": KERNELSPEC}
    )
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return nb


def _tamper_like_another_machine(nb):
    """Change exactly what the sanitizers and SKIP_COMPARE are meant to absorb."""
    fig, obj, svg, widget = (nb.cells[i].outputs[-1].data for i in (1, 2, 3, 4))
    assert fig["text/plain"].startswith("<Figure size 640x480 with 1 Axes>"), fig["text/plain"]
    fig["text/plain"] = "<Figure size 800x600 with 1 Axes>"
    fig["image/png"] = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABh6FO1AAAAABJRU5ErkJggg=="
    )
    assert " at 0x" in obj["text/plain"], obj["text/plain"]
    obj["text/plain"] = re.sub(r"0x[0-9a-f]+", "0x7f0000000001", obj["text/plain"])
    svg["image/svg+xml"] = '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'
    widget["application/vnd.jupyter.widget-view+json"]["model_id"] = "0" * 32


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nbval-sample")
    good = _execute(GOOD_CELLS, folder / "good.ipynb")
    _tamper_like_another_machine(good)
    nbformat.write(good, folder / "good.ipynb")

    bad = _execute(["print(1 + 1)", "print('still runs')"], folder / "bad.ipynb")
    bad.cells[0].outputs[0].text = "3\n"  # a wrong stored result must fail in strict mode
    nbformat.write(bad, folder / "bad.ipynb")
    return folder


def _run_nbval(folder, *extra_args):
    """`pytest tests/notebooks -m notebooks` on `folder`; returns ({item: outcome}, log)."""
    xml = folder / f"report{len(list(folder.glob('report*.xml')))}.xml"
    env = {**os.environ, "GDVIZ_NOTEBOOK_DIR": str(folder)}
    cmd = [sys.executable, "-m", "pytest", "tests/notebooks", "-m", "notebooks"]
    cmd += ["-p", "no:cacheprovider", "-q", f"--junitxml={xml}", *extra_args]
    run = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert xml.exists(), f"no report:\n{run.stdout}\n{run.stderr}"
    results = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = child.tag
        name = f"{case.get('classname', '').rsplit('.', 2)[-2]}::{case.get('name')}"
        results[name] = outcome
    return results, run.stdout + run.stderr


@pytest.fixture(scope="module")
def nbval_report(sample_folder):
    return _run_nbval(sample_folder)


def test_sanitizers_and_skips_absorb_expected_variation(nbval_report):
    results, log = nbval_report
    good = {k: v for k, v in results.items() if "good" in k}
    assert len(good) == len(GOOD_CELLS), f"{results}\n{log}"
    assert set(good.values()) == {"passed"}, f"{good}\n{log}"


def test_strict_mode_catches_a_wrong_output(nbval_report):
    results, log = nbval_report
    bad = {k: v for k, v in results.items() if "bad" in k}
    assert sorted(bad.values()) == ["failure", "passed"], f"{bad}\n{log}"
    assert "Cell outputs differ" in log


def test_the_collectstart_hook_is_what_skips_svg(sample_folder):
    # Same run with the plugin blocked: nbval alone compares SVG, so only that cell fails.
    results, log = _run_nbval(sample_folder, "-p", "no:gdviz-nbval-skip-compare")
    failed = sorted(k for k, v in results.items() if v != "passed")
    assert failed == ["bad::Cell 0", "good::Cell 3"], f"{results}\n{log}"
    assert "mismatch 'image/svg+xml'" in log


def test_skip_compare_keeps_nbval_defaults():
    assert "application/vnd.jupyter.widget-view+json" in SKIP_COMPARE
    assert {"image/png", "image/svg+xml"} <= set(SKIP_COMPARE)


def test_kernel_env_matches_make_notebooks():
    spec = importlib.util.spec_from_file_location(
        "execute_notebooks", ROOT / "tools" / "execute_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.KERNEL_ENV == KERNEL_ENV
