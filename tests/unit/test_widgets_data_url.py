"""An explorer drawn in the kernel before it is displayed still opens in the browser.

Until a browser view is initialized, ipympl keeps the canvas's `_data_url` (the picture a new
view starts from) up to date, but its own code stores bare base64 without the data-URL prefix:
the view then draws a broken image and its canvas stays 0 × 0 (seen in JupyterLab with the
finite-difference lab, which draws once at the end of its constructor).
"""

import base64
import io

import matplotlib

matplotlib.use("Agg")

from PIL import Image

from gdviz.widgets.direction import DirectionExplorer

PREFIX = "data:image/png;base64,"


def _picture(data_url):
    assert data_url.startswith(PREFIX), data_url[:40]
    return Image.open(io.BytesIO(base64.b64decode(data_url[len(PREFIX) :])))


def test_refresh_before_display_keeps_a_valid_data_url():
    explorer = DirectionExplorer("himmelblau", backend="ipympl")
    explorer.view.refresh(full=True)  # drawn in the kernel, no browser view yet
    picture = _picture(explorer.view.canvas._data_url)
    width, height = (round(v) for v in explorer.figure.bbox.size)
    assert picture.size == (width, height)


def test_blit_before_display_keeps_a_valid_data_url():
    explorer = DirectionExplorer("himmelblau", backend="ipympl")
    explorer.view.refresh(full=True)
    explorer.controls["angle"].value = 45.0  # a blit, still before any view
    _picture(explorer.view.canvas._data_url)
