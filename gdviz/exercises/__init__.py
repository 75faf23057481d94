"""Self-checks for the lessons' exercises: one module per lesson topic.

Every check returns a :class:`Feedback`, which a notebook shows as its cell's last
value: a clear confirmation when the answer is right, a specific hint when it is not.
A check never raises on a wrong answer (a student's mistake is not an error) and never
modifies what it is given.

Examples
--------
>>> Feedback(True, "the gradient points uphill.")
✅ Correct: the gradient points uphill.
>>> Feedback(False, "look at the sign of the step.")
❌ Not yet: look at the sign of the step.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The outcome of a self-check: ``correct`` and a message saying why or what to try."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"{'✅ Correct' if self.correct else '❌ Not yet'}: {self.message}"

    def _repr_html_(self) -> str:
        colour = "#009E73" if self.correct else "#D55E00"
        return (
            f'<div style="border-left: 6px solid {colour}; padding: 0.4em 0.8em; '
            f'font-size: 1.1em">{html.escape(repr(self))}</div>'
        )


def not_attempted(what: str) -> Feedback:
    """The feedback for an exercise cell still holding its placeholder."""
    return Feedback(False, f"{what} is still empty: replace the `...` and run the cell again.")


def is_placeholder(value) -> bool:
    """True for an answer still holding ``...`` (or None) anywhere, as an untouched cell does."""
    if value is None or value is Ellipsis:
        return True
    if isinstance(value, list | tuple | np.ndarray):
        try:
            return any(is_placeholder(v) for v in np.asarray(value, dtype=object).ravel())
        except (TypeError, ValueError):
            return False
    return False


def as_pair(value) -> np.ndarray | None:
    """``value`` as a finite array of shape (2,), or None if it is not one."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if arr.shape != (2,) or not np.all(np.isfinite(arr)):
        return None
    return arr
