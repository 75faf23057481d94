"""gdviz: gradient descent you can see.

The numerical core (surfaces, gradients, optimizers, runs, problems) needs only numpy;
``gdviz.plotting`` adds matplotlib figures and ``gdviz.widgets`` the interactive explorers.

Examples
--------
>>> import gdviz
>>> bowl = gdviz.surfaces.get("quadratic")
>>> path = gdviz.descend(bowl, gdviz.optimizers.GradientDescent(lr=0.1), steps=100)
>>> path
Path(100 steps of GradientDescent(lr=0.1) on quadratic: loss 2.38 → 7.94e-10)
"""

from . import batches, datasets, noise, optimizers, problems, stability, surfaces, validation
from .gradients import GradientCheck, gradient_check, numerical_gradient, relative_error
from .runs import DescentPath, Path, descend, minibatch_descend
from .surfaces import Surface

__all__ = [
    "DescentPath",
    "GradientCheck",
    "Path",
    "Surface",
    "batches",
    "datasets",
    "descend",
    "gradient_check",
    "minibatch_descend",
    "noise",
    "numerical_gradient",
    "optimizers",
    "problems",
    "relative_error",
    "stability",
    "surfaces",
    "validation",
]
__version__ = "0.1.0"
