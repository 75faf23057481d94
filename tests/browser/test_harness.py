"""Proves the browser harness end to end on throwaway notebooks generated for the tests.

Open in JupyterLab → Run All Cells → move an ipywidgets slider by keyboard → the picture
redraws (an ``ipywidgets.Image`` given a new PNG by the kernel: its ``src`` changes) and
nothing shows an error. And the other way round: an exception and a broken widget are
reported, not waited on until a timeout.
"""

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .conftest import RunAllFailed

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

SLIDER_AND_PICTURE = """\
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

x = np.linspace(0, 2 * np.pi, 200)


def png(k):
    figure = Figure(figsize=(4, 3))
    figure.subplots().plot(x, np.sin(k * x))
    with io.BytesIO() as out:
        figure.savefig(out, format="png")
        return out.getvalue()


picture = widgets.Image(value=png(1), format="png")
slider = widgets.IntSlider(value=1, min=1, max=10, description="k")
slider.observe(lambda change: setattr(picture, "value", png(change["new"])), names="value")
widgets.VBox([slider, picture])
"""

PICTURE = ".widget-image"


def _notebook():
    return new_notebook(
        cells=[
            new_markdown_cell("# Harness check"),
            new_code_cell(SLIDER_AND_PICTURE),
            new_code_cell("slider.value"),
        ],
        metadata={"kernelspec": KERNELSPEC},
    )


def test_slider_redraws_the_picture(lab):
    path = lab.server.add_notebook(_notebook(), "harness.ipynb")
    lab.open(path)
    lab.run_all_and_wait()

    picture = lab.panel.locator(PICTURE).first
    picture.wait_for(state="visible", timeout=30_000)
    before = picture.get_attribute("src")
    readout = lab.panel.locator(".widget-readout").first
    assert readout.inner_text().strip() == "1"

    handle = lab.panel.locator(".widget-slider .noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    handle.press("ArrowRight")

    lab.page.wait_for_function(
        "([el, before]) => el.getAttribute('src') !== before",
        arg=[picture.element_handle(), before],
        timeout=15_000,
    )
    assert readout.inner_text().strip() == "3"
    assert lab.problems() == []
    lab.wait_for_idle()
    lab.screenshot("harness")


BROKEN = [
    # a widget view whose model does not exist: the frontend shows "Error displaying widget"
    "from IPython.display import display\n"
    "view = {'model_id': 'f' * 32, 'version_major': 2, 'version_minor': 0}\n"
    "display({'application/vnd.jupyter.widget-view+json': view, 'text/plain': 'w'}, raw=True)",
    "1 / 0",
    "print('never runs: Run All stops at the error')",
]


def test_errors_are_reported(lab):
    notebook = new_notebook(
        cells=[new_code_cell(src) for src in BROKEN], metadata={"kernelspec": KERNELSPEC}
    )
    lab.open(lab.server.add_notebook(notebook, "broken.ipynb"))
    with pytest.raises(RunAllFailed, match="ZeroDivisionError"):
        lab.run_all_and_wait(timeout=60_000)
    assert lab.error_outputs() == ["cell 1: ZeroDivisionError: division by zero"]
    lab.page.get_by_text("Error displaying widget").first.wait_for(timeout=15_000)
    assert lab.widget_errors(), "the broken widget view was not reported"
    assert len(lab.problems()) == 2
    lab.screenshot("harness-errors")
