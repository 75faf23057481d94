"""Proves the browser harness end to end on throwaway notebooks generated for the tests.

Open in JupyterLab → Run All Cells → move an ipywidgets slider by keyboard → the ipympl
canvas redraws (its toDataURL() changes) and nothing shows an error. And the other way round:
an exception and a broken widget are reported, not waited on until a timeout.
"""

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .conftest import RunAllFailed

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

SLIDER_AND_FIGURE = """\
%matplotlib widget
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(0, 2 * np.pi, 200)
with plt.ioff():
    fig, ax = plt.subplots(figsize=(4, 3))
(line,) = ax.plot(x, np.sin(x))
ax.set_ylim(-1.1, 1.1)
slider = widgets.IntSlider(value=1, min=1, max=10, description="k")


def redraw(change):
    line.set_ydata(np.sin(change["new"] * x))
    fig.canvas.draw_idle()


slider.observe(redraw, names="value")
widgets.VBox([slider, fig.canvas])
"""

CANVAS = ".jupyter-matplotlib-canvas-div canvas"

# Resolves once the canvas holds a drawing: not blank, and unchanged over 300 ms.
_JS_CANVAS_SETTLED = """async (canvas) => {
  const blank = document.createElement('canvas');
  blank.width = canvas.width;
  blank.height = canvas.height;
  const first = canvas.toDataURL();
  await new Promise((resolve) => setTimeout(resolve, 300));
  return first !== blank.toDataURL() && first === canvas.toDataURL();
}"""


_JS_SETTLED_CALL = f"async () => await ({_JS_CANVAS_SETTLED})(document.querySelector('{CANVAS}'))"


def _notebook():
    return new_notebook(
        cells=[
            new_markdown_cell("# Harness check"),
            new_code_cell(SLIDER_AND_FIGURE),
            new_code_cell("slider.value"),
        ],
        metadata={"kernelspec": KERNELSPEC},
    )


def _canvas_data_url(canvas) -> str:
    return canvas.evaluate("(c) => c.toDataURL()")


def test_slider_redraws_ipympl_canvas(lab):
    path = lab.server.add_notebook(_notebook(), "harness.ipynb")
    lab.open(path)
    lab.run_all_and_wait()

    canvas = lab.panel.locator(CANVAS).first
    canvas.wait_for(state="visible", timeout=30_000)
    lab.page.wait_for_function(_JS_SETTLED_CALL, timeout=30_000)
    before = _canvas_data_url(canvas)
    readout = lab.panel.locator(".widget-readout").first
    assert readout.inner_text().strip() == "1"

    handle = lab.panel.locator(".widget-slider .noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")
    handle.press("ArrowRight")

    lab.page.wait_for_function(
        "([selector, before]) => document.querySelector(selector).toDataURL() !== before",
        arg=[f"{CANVAS}", before],
        timeout=15_000,
    )
    assert readout.inner_text().strip() == "3"
    assert _canvas_data_url(canvas) != before
    assert lab.problems() == []

    lab.wait_for_idle()  # the last redraw has reached the canvas before the picture is taken
    lab.page.wait_for_function(_JS_SETTLED_CALL, timeout=30_000)
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
