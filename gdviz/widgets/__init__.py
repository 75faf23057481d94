"""Interactive explorers for the lessons: ipywidgets apps around a live picture.

Each explorer is an ``ipywidgets.VBox``: display it as a cell's last expression. Its
``controls`` (a dict) can be set from code and its ``result`` is the current run.
:class:`DescentExplorer` is drawn in the browser from its state (see
:mod:`gdviz.widgets.template`, the template for new explorers); the others are still
matplotlib figures redrawn in the kernel on an ipympl canvas (:mod:`gdviz.widgets.base`).
"""

from .base import Explorer, FigureView, choose_backend
from .descent import DescentExplorer
from .finite_differences import FiniteDifferenceExplorer
from .minibatch import MinibatchExplorer
from .playground import Playground
from .race import OptimizerRace
from .template import SceneExplorer

__all__ = [
    "DescentExplorer",
    "Explorer",
    "FigureView",
    "FiniteDifferenceExplorer",
    "MinibatchExplorer",
    "OptimizerRace",
    "Playground",
    "SceneExplorer",
    "choose_backend",
]
