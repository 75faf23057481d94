"""The toolkit every self-check is built from: one result type and a few helpers, one meaning each.

- :class:`Feedback`, the result a check returns, and :func:`not_attempted` and
  :func:`returned_none`, the two results every check gives the same way;
- reading an answer: :func:`is_placeholder` (a ``...`` left anywhere), :func:`read_number`,
  :func:`as_pair`, :func:`as_array`;
- comparing: :func:`same` (the same numbers up to rounding), :func:`near` (a number typed by
  hand, within 1 %), :func:`matches` (a function's answers against a reference's);
- running the student's code: :func:`attempt` calls it with copies of its arrays and says
  what it returned, what it raised and which arguments it changed; :func:`raised` turns an
  exception into feedback that names the student's own line;
- :func:`distinct` prints two close numbers so that they visibly differ, and
  :func:`answer_source` reads how an answer was computed from the notebook's input history.
"""

from __future__ import annotations

import ast
import html
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

# Okabe–Ito colours, told apart with any colour vision; the word in front carries the meaning
# on its own, so the result reads right without colour and without an emoji font.
RIGHT_COLOUR = "#009E73"  # bluish green
WRONG_COLOUR = "#D55E00"  # vermillion


@dataclass(frozen=True)
class Feedback:
    """The outcome of a self-check: ``correct`` and a message saying why or what to try.

    Shown as text, it starts with the word "Correct:" or "Not yet:"; as HTML, that word is
    bold and coloured (bluish green or vermillion) and a bar of the same colour runs down
    the left. No emoji: they render as empty boxes where no emoji font is installed.

    Examples
    --------
    >>> Feedback(True, "the gradient points uphill.")
    Correct: the gradient points uphill.
    >>> print(Feedback(False, "look at the <sign>.")._repr_html_())  # doctest: +NORMALIZE_WHITESPACE
    <div style="border-left: 6px solid #D55E00; padding: 0.4em 0.8em; font-size: 1.1em"><strong
    style="color: #D55E00">Not yet:</strong> look at the &lt;sign&gt;.</div>
    """

    correct: bool
    message: str

    LABELS: ClassVar[tuple[str, str]] = ("Correct", "Not yet")
    """The word shown in front of the message: (when correct, when not)."""

    @property
    def label(self) -> str:
        """The word in front of the message: "Correct" or "Not yet"."""
        return self.LABELS[0] if self.correct else self.LABELS[1]

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"{self.label}: {self.message}"

    def _repr_html_(self) -> str:
        colour = RIGHT_COLOUR if self.correct else WRONG_COLOUR
        return (
            f'<div style="border-left: 6px solid {colour}; padding: 0.4em 0.8em; '
            f'font-size: 1.1em"><strong style="color: {colour}">{html.escape(self.label)}:'
            f"</strong> {html.escape(self.message)}</div>"
        )


def not_attempted(name: str) -> Feedback:
    """The feedback for an exercise cell still holding its ``...`` placeholder."""
    return Feedback(False, f"{name} is still empty: replace the `...` and run the cell again.")


def returned_none(name: str, ending: str = "") -> Feedback:
    """The feedback for a function that gave back None: almost always a forgotten ``return``.

    ``ending`` names what the return line should give back, e.g. ``"dx, dW, db"``.
    """
    what = f" `return {ending}`" if ending else " `return`"
    return Feedback(
        False,
        f"your function `{name}` returned None, that is, it returned nothing: did you forget"
        f"{what}? Without a `return` line a Python function gives back None.",
    )


def is_placeholder(value) -> bool:
    """True when ``...`` is still in ``value``, alone or inside a list, tuple or array."""
    if value is Ellipsis:
        return True
    if isinstance(value, list | tuple | np.ndarray):
        if isinstance(value, np.ndarray) and value.dtype != object:
            return False
        try:
            return any(is_placeholder(v) for v in np.asarray(value, dtype=object).ravel())
        except (TypeError, ValueError):
            return False
    return False


def read_number(answer, name: str) -> float | Feedback:
    """``answer`` as one finite float, or the :class:`Feedback` that says why it is not one.

    Text is refused even when it reads as a number (``"4688"``): a number is expected, and
    quotes make text. So are None (the result of ``print`` or of a function without
    ``return``), True/False, several numbers, and infinity or NaN.
    """
    if is_placeholder(answer):
        return not_attempted(f"`{name}`")
    if answer is None:
        return Feedback(
            False,
            f"`{name}` is None, not a number: did you assign it the result of something that "
            "returns nothing, such as `print(...)`? Give the number itself.",
        )
    if isinstance(answer, str | bytes):
        return Feedback(
            False,
            f"`{name}` is the text {answer!r}, in quotes, but the check expects one number, "
            "not text (computing with it, Python would raise a TypeError). Write the number "
            "without quotes.",
        )
    if isinstance(answer, bool | np.bool_):
        return Feedback(False, f"`{name}` is {answer}, a truth value; a number is expected.")
    try:
        value = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"`{name}` should be one number; got {answer!r}.")
    if value.size != 1:
        return Feedback(False, f"`{name}` should be one number; got {value.size} of them.")
    number = float(value.reshape(()))
    if not np.isfinite(number):
        return Feedback(False, f"`{name}` should be a finite number; got {number!r}.")
    return number


def as_array(value) -> np.ndarray | None:
    """``value`` as a float array, or None if it is not numbers."""
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def as_pair(value) -> np.ndarray | None:
    """``value`` as a finite array of shape (2,), or None if it is not one."""
    arr = as_array(value)
    if arr is None or arr.shape != (2,) or not np.all(np.isfinite(arr)):
        return None
    return arr


def same(a, b) -> bool:
    """True when ``a`` and ``b`` are the same numbers, up to rounding, in the same shape.

    Two computations of one formula in a different order differ in the last digits only
    (about 1e-16 relative), so a relative tolerance of 1e-9 accepts them and rejects any
    real slip.
    """
    a, b = as_array(a), as_array(b)
    return (
        a is not None
        and b is not None
        and a.shape == b.shape
        and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))
    )


def near(value: float, target: float, rel: float = 0.01) -> bool:
    """True when a number typed by hand is within ``rel`` (1 %) of ``target``: 0.333 for 1/3."""
    return abs(value - target) <= rel * abs(target)


def matches(reference: Callable, calls: Sequence[tuple], answers: Sequence) -> bool:
    """True when ``reference(*args)`` is :func:`same` as each answer, for the matching ``args``."""
    return all(same(answer, reference(*args)) for args, answer in zip(calls, answers, strict=True))


@dataclass(frozen=True)
class Attempt:
    """What one call of the student's function did."""

    value: object = None
    """What it returned (None when it raised)."""
    error: Exception | None = None
    """The exception it raised, if any."""
    changed: tuple[str, ...] = ()
    """The names of the array arguments it changed in place."""


def attempt(function: Callable, arguments: dict[str, object], **keywords) -> Attempt:
    """Call the student's ``function(*arguments.values(), **keywords)`` safely.

    Array arguments are passed as copies, so the check's own arrays are never at risk,
    and compared afterwards: :attr:`Attempt.changed` names those the call modified in
    place. Other arguments (a function, a generator) are passed as they are. Floating-point
    warnings are silenced (a diverging loop is the student's result, not an error), and an
    exception is returned in :attr:`Attempt.error`, never raised.
    """
    given = {
        name: value.copy() if isinstance(value, np.ndarray) else value
        for name, value in arguments.items()
    }
    try:
        with np.errstate(all="ignore"):
            value = function(*given.values(), **keywords)
        error = None
    except Exception as exc:  # a student's bug is feedback, not a crash
        value, error = None, exc
    changed = tuple(
        name
        for name, original in arguments.items()
        if isinstance(original, np.ndarray) and not _unchanged(given[name], original)
    )
    return Attempt(value, error, changed)


def _unchanged(after: np.ndarray, before: np.ndarray) -> bool:
    return after.shape == before.shape and bool(np.array_equal(after, before, equal_nan=True))


def raised(error: Exception, function: Callable, call: str, advice: str = "") -> Feedback:
    """The feedback for an exception in the student's code, naming their line when it can.

    ``call`` says how the check called the function, as it should read after "calling"
    (e.g. ``"`grad_f(1.0, 2.0)`"``);
    ``advice`` is added after the error, to say what it likely means.
    """
    code = getattr(function, "__code__", None)
    lines = [
        frame.line
        for frame in traceback.extract_tb(error.__traceback__)
        if code is not None and frame.filename == code.co_filename and frame.line
    ]
    where = f" in the line `{lines[-1]}`" if lines else ""
    message = f"calling {call} raised {type(error).__name__}{where}: {error}"
    return Feedback(False, f"{message}. {advice}" if advice else f"{message}.")


def distinct(given: float, want: float) -> tuple[str, str]:
    """The two numbers printed with the same, smallest number of digits that tells them apart.

    >>> distinct(-2.1312700, -2.1312710)
    ('-2.131270', '-2.131271')
    """
    for digits in range(4, 18):
        a, b = f"{given:#.{digits}g}", f"{want:#.{digits}g}"
        if a != b:
            return a, b
    return repr(given), repr(want)


def _input_history() -> list[str]:
    """The code of every cell run so far in this IPython session, oldest first (or none)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return []
    shell = get_ipython()
    if shell is None:
        return []
    return [cell for cell in shell.user_ns.get("In", []) if isinstance(cell, str)]


def _nodes(cell: str) -> list[ast.AST]:
    """Every node of a cell's code, in source order (none when it is not plain Python)."""
    try:
        tree = ast.parse(cell)
    except SyntaxError:
        return []
    return sorted(
        (node for node in ast.walk(tree) if hasattr(node, "lineno")),
        key=lambda node: (node.lineno, node.col_offset),
    )


def _called_name(call: ast.Call) -> str | None:
    """The name of the function a call calls: ``round`` for ``round(x)`` and ``np.round(x)``."""
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def answer_source(check: str) -> ast.expr | None:
    """How the answer just passed to the check named ``check`` was computed, as an expression.

    Read from this IPython session's input history: the argument of the latest call to
    ``check``, and when that argument is a variable, the right-hand side of the latest cell
    that assigns it. None outside IPython or when the history does not say. A check uses it
    only to tell apart answers of equal value reached by different rules (rounding where
    the rule is to round up); the value alone decides everything else.
    """
    history = _input_history()
    argument = None
    for cell in reversed(history):
        calls = [node for node in _nodes(cell) if isinstance(node, ast.Call) and node.args]
        calls = [node for node in calls if _called_name(node) == check]
        if calls:
            argument = calls[-1].args[0]
            break
    if not isinstance(argument, ast.Name):
        return argument
    for cell in reversed(history):
        assigned = [
            node.value
            for node in _nodes(cell)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == argument.id for t in node.targets)
        ]
        if assigned:
            return assigned[-1]
    return None


def calls_function(expression: ast.expr | None, names: set[str]) -> bool:
    """True when ``expression`` calls a function of one of these names (``round``, ``np.round``)."""
    if expression is None:
        return False
    return any(
        isinstance(node, ast.Call) and _called_name(node) in names for node in ast.walk(expression)
    )
