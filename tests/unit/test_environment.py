"""gdviz.environment.check_environment: the welcome notebook's setup check."""

import pytest

from gdviz import environment
from gdviz.environment import LAB_EXTENSIONS, SetupCheck, check_environment
from gdviz.exercises import Feedback

GOOD = {
    "python": "3.11.9",
    "gdviz": "0.1.0",
    "numpy": "2.4.6",
    "matplotlib": "3.11.2",
    "ipywidgets": "8.1.9",
    "anywidget": "0.11.0",
    "jupyterlab_widgets": "3.0.17",
}
ALL_EXTENSIONS = set(LAB_EXTENSIONS.values())


def check(in_kernel=True, extensions=ALL_EXTENSIONS, **changes):
    return check_environment(
        versions={**GOOD, **changes}, in_kernel=in_kernel, extensions=extensions
    )


def test_complete_setup_is_correct_and_names_every_version():
    feedback = check()
    assert feedback.correct
    for name in ("Python 3.11.9", "numpy 2.4.6", "matplotlib 3.11.2", "ipywidgets 8.1.9"):
        assert name in feedback.message
    assert "anywidget 0.11.0" in feedback.message


def test_missing_anywidget_is_named_with_the_fix():
    feedback = check(anywidget=None)
    assert not feedback.correct
    assert "missing: anywidget" in feedback.message
    assert "make lab" in feedback.message
    assert '%pip install "anywidget>=0.11"' in feedback.message
    assert "restart JupyterLab" in feedback.message


def test_missing_ipywidgets_is_named():
    feedback = check(ipywidgets=None)
    assert not feedback.correct
    assert "missing: ipywidgets" in feedback.message


def test_too_old_package_gives_its_version_and_minimum():
    feedback = check(matplotlib="3.5.1")
    assert not feedback.correct
    assert "matplotlib 3.5.1 (need 3.9 or newer)" in feedback.message


def test_version_with_suffix_is_read_by_its_numbers():
    assert check(anywidget="0.11.0rc1").correct
    assert not check(anywidget="0.10.9.dev0").correct


def test_widget_frontend_older_than_kernel_side_is_a_problem():
    feedback = check(jupyterlab_widgets="1.1.1")
    assert not feedback.correct
    assert "Error displaying widget" in feedback.message
    assert "jupyterlab_widgets>=3" in feedback.message


def test_missing_frontend_package_alone_is_not_a_problem():
    # JupyterLab (and its widget manager) may live in another environment, as on hubs.
    assert check(jupyterlab_widgets=None).correct


def test_old_python_says_to_rebuild_not_to_pip_install():
    feedback = check(python="3.9.18")
    assert not feedback.correct
    assert "Python 3.9.18 is too old" in feedback.message
    assert "%pip" not in feedback.message


def test_outside_a_kernel_is_not_ready():
    feedback = check(in_kernel=False)
    assert not feedback.correct
    assert "not a Jupyter kernel" in feedback.message


def test_lab_extension_not_found_is_a_note_not_a_failure():
    feedback = check(extensions={LAB_EXTENSIONS["ipywidgets"]})
    assert feedback.correct
    assert (
        "Note: the JupyterLab extension of anywidget is not in this environment" in feedback.message
    )


def test_given_versions_are_not_modified():
    versions = dict(GOOD)
    check_environment(versions=versions, in_kernel=True, extensions=ALL_EXTENSIONS)
    assert versions == GOOD


def test_this_environment_has_every_requirement_installed():
    versions = environment.installed_versions()
    for name, _, _ in environment.REQUIREMENTS:
        assert versions[name] is not None, name


def test_this_environment_has_both_lab_extensions():
    assert environment.lab_extensions_found() == ALL_EXTENSIONS


def test_plain_python_is_not_a_kernel():
    assert environment.in_jupyter_kernel() is False


@pytest.mark.parametrize(
    ("version", "expected"),
    [("8.1.9", (8, 1, 9)), ("0.10.0rc1", (0, 10, 0)), ("2.0", (2, 0)), ("1.2.dev3", (1, 2))],
)
def test_version_tuple_reads_leading_numbers(version, expected):
    assert environment._version_tuple(version) == expected


def test_result_is_a_feedback_that_reads_ready():
    feedback = check()
    assert isinstance(feedback, Feedback)
    assert isinstance(feedback, SetupCheck)
    assert repr(feedback).startswith("Ready: the lessons can run here")


def test_problem_reads_not_ready():
    assert repr(check(anywidget=None)).startswith("Not ready: missing: anywidget")


def test_readiness_reads_in_words_and_colour_without_emoji():
    ready, not_ready = check(), check(anywidget=None)
    assert '<strong style="color: #009E73">Ready:</strong>' in ready._repr_html_()
    assert '<strong style="color: #D55E00">Not ready:</strong>' in not_ready._repr_html_()
    for text in (repr(ready), repr(not_ready), ready._repr_html_(), not_ready._repr_html_()):
        assert "✅" not in text and "❌" not in text
