"""Interactive explorers for the lessons: ipywidgets apps around a figure redrawn in place.

Each explorer is an ``ipywidgets.VBox``: display it as a cell's last expression. Its
``controls`` (a dict) can be set from code, its ``figure`` is created once, and its
``result`` is the current run. See :mod:`gdviz.widgets.base` to build a new one.
"""

from .base import Explorer, FigureView, choose_backend
from .descent import DescentExplorer
from .finite_differences import FiniteDifferenceExplorer
from .minibatch import MinibatchExplorer
from .playground import Playground
from .race import OptimizerRace

__all__ = [
    "DescentExplorer",
    "Explorer",
    "FigureView",
    "FiniteDifferenceExplorer",
    "MinibatchExplorer",
    "OptimizerRace",
    "Playground",
    "choose_backend",
]
