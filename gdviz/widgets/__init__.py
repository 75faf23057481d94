"""Interactive explorers for the lessons: the kernel computes, the browser draws.

Each explorer is an ``ipywidgets.VBox`` around a :class:`~gdviz.widgets.scene.Scene` (an
anywidget): display it as a cell's last expression. The results for every stop of its
main slider are computed once and sent to the browser, which draws each picture from the
explorer's state. Its ``controls`` (a dict) can be set from code and its ``result`` is
what is shown. :class:`SceneExplorer` (:mod:`gdviz.widgets.template`) is the template a
new explorer fills in.
"""

from .descent import DescentExplorer
from .direction import DirectionExplorer
from .finite_differences import FiniteDifferenceExplorer
from .first_step import FirstStepExplorer
from .minibatch import MinibatchExplorer
from .playground import Playground
from .race import OptimizerRace
from .template import SceneExplorer

__all__ = [
    "DescentExplorer",
    "DirectionExplorer",
    "FiniteDifferenceExplorer",
    "FirstStepExplorer",
    "MinibatchExplorer",
    "OptimizerRace",
    "Playground",
    "SceneExplorer",
]
