"""Small data sets, generated from a seed or shipped with the package (no network).

Examples
--------
>>> x, y = make_line(n=4, seed=0)
>>> x.shape, y.shape
((4,), (4,))
>>> images, labels = load_digits()
>>> images.shape, labels[:10].tolist()
((1797, 8, 8), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources
from numbers import Integral, Real

import numpy as np

from .validation import Interval, validate_params

MAX_EXAMPLES = 10_000_000
"""The most examples a generated data set may have (160 MB of float64)."""

_N = Interval(Integral, 2, MAX_EXAMPLES)
_SEED = Interval(Integral, 0, None)
_FINITE = Interval(Real, None, None)


@validate_params(n=_N, noise=Interval(Real, 0, None), seed=_SEED, w=_FINITE, b=_FINITE)
def make_line(
    n: int = 1000, noise: float = 0.5, seed: int = 0, w: float = 2.0, b: float = -1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Points scattered around the line ``y = w x + b``, with ``x`` uniform on [0, 2].

    The feature is not centred (its mean is 1), as raw data seldom is, so the loss
    surface over ``(w, b)`` is a tilted, elongated bowl rather than a circle.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 2.0, size=n)
    y = w * x + b + noise * rng.standard_normal(n)
    return x, y


@validate_params(n=_N, separation=_FINITE, seed=_SEED)
def make_two_classes(
    n: int = 400, separation: float = 2.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """One feature, two overlapping classes: ``x ~ N(±separation/2, 1)``, labels 0 and 1.

    The classes overlap, so the logistic-regression loss has a finite minimum.
    """
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 2)
    x = rng.standard_normal(n) + separation * (labels - 0.5) + 1.0
    return x, labels.astype(float)


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    with resources.files("gdviz").joinpath("data/digits.csv.gz").open("rb") as raw:
        table = np.loadtxt(gzip.open(raw), delimiter=",")
    images = table[:, :-1].reshape(-1, 8, 8)
    labels = table[:, -1].astype(int)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten digits of the UCI optical-recognition set (8×8, values 0–16).

    The same data scikit-learn bundles as ``load_digits``, shipped with gdviz; see
    ``gdviz/data/README.md`` for its source and licence. Returns copies, so changing
    them changes nothing for the next caller.
    """
    images, labels = _digits()
    return images.copy(), labels.copy()
