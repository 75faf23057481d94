"""Self-checks for the lessons' exercises: one module per lesson topic.

Every check returns a :class:`Feedback`, which a notebook shows as its cell's last
value: a clear confirmation when the answer is right, a specific hint when it is not.
A check never raises on a wrong answer (a student's mistake is not an error) and never
modifies what it is given. The checks share one small toolkit, ``gdviz.exercises._toolkit``.

Examples
--------
>>> Feedback(True, "the gradient points uphill.")
Correct: the gradient points uphill.
>>> Feedback(False, "look at the sign of the step.")
Not yet: look at the sign of the step.
"""

from ._toolkit import Feedback

__all__ = ["Feedback"]
