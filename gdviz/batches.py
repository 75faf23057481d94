"""Mini-batch sampling: each epoch a fresh shuffle, cut into batches without replacement.

Examples
--------
>>> import numpy as np
>>> sampler = minibatches(n=5, batch_size=2, rng=np.random.default_rng(0))
>>> [next(sampler).tolist() for _ in range(4)]
[[2, 4], [0, 3], [1], [1, 4]]
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .validation import check_whole


def check_batch_size(batch_size, n: int) -> int:
    """``batch_size`` as an int if it is a whole number in [1, n] (``n`` the number of examples).

    ``TypeError`` for anything but a whole number (``2.5``, ``inf``, NaN, ``True``),
    ``ValueError`` for one outside [1, n].

    Examples
    --------
    >>> check_batch_size(float("inf"), 10)
    Traceback (most recent call last):
    ...
    TypeError: batch_size must be a whole number in [1, 10]; got inf (a float)
    """
    return check_whole("batch_size", batch_size, 1, n)


def batches_per_epoch(n: int, batch_size: int) -> int:
    """How many batches one pass over ``n`` examples takes (the last one may be short)."""
    return -(-n // batch_size)


def minibatches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Yield index arrays forever: every epoch a new permutation of ``range(n)``, cut in order.

    Each example is used exactly once per epoch. When ``batch_size`` does not divide ``n``
    the last batch of an epoch is the short remainder, used as it is (nothing is dropped
    or borrowed from the next epoch). Indices within a batch are sorted, which changes
    nothing in a mean but makes a batch of all ``n`` examples exactly the full data set.
    """
    batch_size = check_batch_size(batch_size, n)
    while True:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield np.sort(order[start : start + batch_size])
