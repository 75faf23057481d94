"""The toolkit every self-check uses (gdviz.exercises._toolkit): the result and its helpers."""

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

from gdviz.exercises import Feedback
from gdviz.exercises._toolkit import (
    answer_source,
    as_pair,
    attempt,
    calls_function,
    distinct,
    is_placeholder,
    matches,
    near,
    not_attempted,
    raised,
    read_number,
    returned_none,
    same,
)

# --- how a result reads ------------------------------------------------------------------


def test_result_text_starts_with_a_word_not_an_emoji():
    assert repr(Feedback(True, "yes.")) == "Correct: yes."
    assert repr(Feedback(False, "no.")) == "Not yet: no."


def test_result_html_shows_the_word_bold_in_an_okabe_ito_colour():
    right, wrong = Feedback(True, "yes.")._repr_html_(), Feedback(False, "no.")._repr_html_()
    assert '<strong style="color: #009E73">Correct:</strong> yes.' in right
    assert '<strong style="color: #D55E00">Not yet:</strong> no.' in wrong
    assert "solid #009E73" in right and "solid #D55E00" in wrong


def test_result_has_no_emoji_in_text_or_html():
    for feedback in (Feedback(True, "a"), Feedback(False, "b"), not_attempted("`x`")):
        for text in (repr(feedback), feedback._repr_html_()):
            assert not any(ord(ch) > 0x2600 for ch in text), text


def test_result_html_escapes_the_message_and_is_the_same_every_time():
    feedback = Feedback(False, "compare `a < b` & 'c'")
    html = feedback._repr_html_()
    assert "a &lt; b` &amp; &#x27;c&#x27;" in html
    assert html == Feedback(False, "compare `a < b` & 'c'")._repr_html_()


def test_result_is_true_only_when_correct():
    assert Feedback(True, "") and not Feedback(False, "")


# --- reading an answer -------------------------------------------------------------------


def test_placeholder_is_an_ellipsis_anywhere_but_not_none():
    assert is_placeholder(...)
    assert is_placeholder(np.array([1.0, ...], dtype=object))
    assert is_placeholder((1.0, [2.0, ...]))
    assert not is_placeholder(None)
    assert not is_placeholder(np.array([1.0, 2.0]))


def test_returned_none_asks_about_the_return_line():
    message = returned_none("grad_f", "np.array([df_dx, df_dy])").message
    assert "returned None" in message
    assert "did you forget `return np.array([df_dx, df_dy])`?" in message
    assert "still empty" not in message


@pytest.mark.parametrize("answer", [2.4, np.float64(2.4), np.array(2.4), np.array([2.4]), 12])
def test_read_number_accepts_one_number_in_any_form(answer):
    assert read_number(answer, "x") == pytest.approx(float(np.ravel(answer)[0]))


def test_read_number_refuses_text_that_looks_like_a_number():
    feedback = read_number("4688", "updates")
    assert isinstance(feedback, Feedback) and not feedback.correct
    assert "text '4688', in quotes" in feedback.message
    assert "TypeError" in feedback.message


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (None, "is None, not a number"),
        (True, "a truth value"),
        ([1.0, 2.0], "2 of them"),
        (float("nan"), "finite"),
        (1j, "one number"),
        (..., "still empty"),
    ],
)
def test_read_number_says_why_an_answer_is_not_one_number(answer, words):
    feedback = read_number(answer, "x")
    assert isinstance(feedback, Feedback) and words in feedback.message


def test_as_pair_takes_two_finite_numbers_only():
    np.testing.assert_array_equal(as_pair((1, 2)), [1.0, 2.0])
    for bad in ([1.0], [1.0, np.inf], "ab", None):
        assert as_pair(bad) is None


# --- comparing ---------------------------------------------------------------------------


def test_same_allows_rounding_but_no_slip():
    assert same(0.1 + 0.2, 0.3)
    assert not same(1.0, 1.0 + 1e-6)
    assert not same([1.0, 2.0], [[1.0, 2.0]])  # a shape is part of the answer
    assert not same(None, 0.0)


def test_near_allows_a_hand_typed_number():
    assert near(0.333, 1 / 3) and not near(0.3, 1 / 3)


def test_matches_compares_a_function_with_answers_at_each_call():
    calls = [(1.0, 2.0), (3.0, -1.0)]
    assert matches(lambda x, y: x + y, calls, [3.0, 2.0])
    assert not matches(lambda x, y: x - y, calls, [3.0, 2.0])


def test_distinct_prints_equally_many_digits_until_the_numbers_differ():
    assert distinct(-2.13127, -2.131271) == ("-2.131270", "-2.131271")


# --- running the student's code ----------------------------------------------------------


def test_attempt_passes_copies_and_names_the_arrays_changed_in_place():
    w, g = np.array([1.0, 2.0]), np.array([0.5, 0.5])

    def meddling(w, g, lr):
        w -= lr * g
        return w

    result = attempt(meddling, {"w": w, "g": g}, lr=0.1)
    np.testing.assert_array_equal(w, [1.0, 2.0])  # the check's own array is untouched
    np.testing.assert_allclose(result.value, [0.95, 1.95])
    assert result.changed == ("w",) and result.error is None


def test_attempt_returns_the_exception_instead_of_raising_it():
    result = attempt(lambda w: w[5], {"w": np.zeros(2)})
    assert isinstance(result.error, IndexError) and result.value is None


def test_raised_names_the_students_line_and_adds_the_advice():
    def broken(w):
        total = w @ np.ones(3)
        return total

    error = attempt(broken, {"w": np.zeros(2)}).error
    feedback = raised(error, broken, "`broken(w)`", "Check the shapes.")
    assert not feedback.correct
    assert feedback.message.startswith("calling `broken(w)` raised ValueError in the line")
    assert "`total = w @ np.ones(3)`" in feedback.message
    assert feedback.message.endswith("Check the shapes.")


# --- reading how an answer was computed --------------------------------------------------


@pytest.fixture
def shell():
    """A real IPython shell whose cells are stored in `In`, as in a notebook's kernel."""
    shell = InteractiveShell.instance()
    yield lambda cell: shell.run_cell(cell, store_history=True)
    InteractiveShell.clear_instance()


def test_answer_source_follows_the_argument_to_its_assignment(shell):
    shell("def check(x):\n    return x")
    shell("updates = round(1.2e6 / 256)")
    shell("check(updates)")
    expression = answer_source("check")
    assert calls_function(expression, {"round"})
    assert not calls_function(expression, {"ceil"})


def test_answer_source_reads_an_expression_passed_directly(shell):
    shell("def check(x):\n    return x")
    shell("check(-(-1_200_000 // 256))")
    assert not calls_function(answer_source("check"), {"round"})


def test_answer_source_is_none_outside_ipython():
    assert answer_source("check") is None
