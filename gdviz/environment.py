"""Is this Jupyter ready for the lessons? One call says what is installed and what is missing.

The lessons need numpy and matplotlib for the numbers and figures, ipywidgets for the
sliders and anywidget for the explorers' pictures, drawn in the browser. Each of the last two has a kernel
side (a Python package) and a browser side (a JupyterLab extension); both must be there,
in versions that fit together, and JupyterLab must have been restarted after installing.

Examples
--------
>>> versions = {"python": "3.11.9", "gdviz": "0.1.0", "numpy": "2.4.6", "matplotlib": "3.11.2",
...             "ipywidgets": "8.1.9", "anywidget": "0.11.0", "jupyterlab_widgets": "3.0.17"}
>>> check_environment(versions=versions, in_kernel=True, extensions=set(LAB_EXTENSIONS.values()))
Ready: the lessons can run here (Python 3.11.9, gdviz 0.1.0, numpy 2.4.6, matplotlib 3.11.2, ipywidgets 8.1.9, anywidget 0.11.0), running in a Jupyter kernel.
>>> print(check_environment(versions={**versions, "anywidget": None}, in_kernel=True).message)
missing: anywidget (the explorers, drawn in the browser). Fix: in a terminal, in the gdviz folder, run `make lab` (see the README), or run `%pip install "anywidget>=0.11"` in a cell of this notebook; then restart JupyterLab itself (not only the kernel) and reload this page.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import sys
from dataclasses import dataclass
from typing import ClassVar

from .exercises import Feedback

REQUIREMENTS = (
    # (distribution, minimum version, what the lessons use it for)
    ("numpy", "2.0", "the numbers"),
    ("matplotlib", "3.9", "the figures"),
    ("ipywidgets", "8.1", "sliders and buttons"),
    ("anywidget", "0.11", "the explorers, drawn in the browser"),
)
"""What the lessons need, as in pyproject.toml."""

PYTHON_MINIMUM = "3.11"

LAB_EXTENSIONS = {
    "ipywidgets": "@jupyter-widgets/jupyterlab-manager",
    "anywidget": "anywidget",
}
"""The browser side of each widget package: its JupyterLab extension's folder name."""

FIX = (
    "Fix: in a terminal, in the gdviz folder, run `make lab` (see the README), or run "
    '`%pip install "{spec}"` in a cell of this notebook; then restart JupyterLab itself '
    "(not only the kernel) and reload this page."
)


@dataclass(frozen=True, repr=False)
class SetupCheck(Feedback):
    """A :class:`~gdviz.exercises.Feedback` that reads "Ready:" or "Not ready:" instead of "Correct:".

    The word carries the meaning, in text and in HTML (bold, in the same colours as an
    exercise's result), so it reads right without colour and without an emoji font.
    """

    LABELS: ClassVar[tuple[str, str]] = ("Ready", "Not ready")


def _version_tuple(version: str) -> tuple[int, ...]:
    """The leading numbers of a version string: ``"8.1.9rc1"`` → ``(8, 1, 9)``."""
    numbers = []
    for part in version.split("."):
        match = re.match(r"\d+", part)
        if not match:
            break
        numbers.append(int(match.group()))
    return tuple(numbers)


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def installed_versions() -> dict[str, str | None]:
    """Versions of Python, gdviz and every requirement; None for what is not installed."""
    from . import __version__

    versions: dict[str, str | None] = {
        "python": ".".join(str(v) for v in sys.version_info[:3]),
        "gdviz": __version__,
    }
    for name, _, _ in REQUIREMENTS:
        versions[name] = _installed_version(name)
    versions["jupyterlab_widgets"] = _installed_version("jupyterlab_widgets")
    return versions


def in_jupyter_kernel() -> bool:
    """True when this code runs in a Jupyter kernel (where widgets can be shown)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def lab_extensions_found() -> set[str]:
    """The JupyterLab extensions of :data:`LAB_EXTENSIONS` found in this environment's data folders."""
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return set()
    folders = jupyter_path("labextensions")
    return {
        ext
        for ext in LAB_EXTENSIONS.values()
        if any(os.path.isdir(os.path.join(folder, *ext.split("/"))) for folder in folders)
    }


def check_environment(versions=None, in_kernel=None, extensions=None) -> SetupCheck:
    """Check that the lessons can run here: packages, versions, kernel and JupyterLab extensions.

    Parameters
    ----------
    versions : dict, optional
        ``{name: version or None}`` for ``"python"``, ``"gdviz"``, every package of
        :data:`REQUIREMENTS` and ``"jupyterlab_widgets"``; what is installed when None.
    in_kernel : bool, optional
        Whether this runs in a Jupyter kernel; detected when None.
    extensions : set of str, optional
        The JupyterLab extensions found; looked up in this environment when None.

    Returns
    -------
    SetupCheck
        A :class:`~gdviz.exercises.Feedback`, correct when everything the lessons need is
        installed in a recent enough version and this runs in a Jupyter kernel; the message
        names the versions. Otherwise the message says what is missing or too old and how
        to fix it. An extension not found in this environment is only a note (JupyterLab
        may run from another environment, as on some hubs); the widget cell after the
        check shows whether the browser side works.
    """
    versions = installed_versions() if versions is None else dict(versions)
    in_kernel = in_jupyter_kernel() if in_kernel is None else bool(in_kernel)
    extensions = lab_extensions_found() if extensions is None else set(extensions)

    problems = []
    python = versions.get("python") or "?"
    if _version_tuple(python) < _version_tuple(PYTHON_MINIMUM):
        problems.append(f"Python {python} is too old (the lessons need {PYTHON_MINIMUM} or newer)")

    missing, too_old, specs = [], [], []
    for name, minimum, purpose in REQUIREMENTS:
        version = versions.get(name)
        if version is None:
            missing.append(f"{name} ({purpose})")
            specs.append(f"{name}>={minimum}")
        elif _version_tuple(version) < _version_tuple(minimum):
            too_old.append(f"{name} {version} (need {minimum} or newer)")
            specs.append(f"{name}>={minimum}")
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if too_old:
        problems.append("too old: " + ", ".join(too_old))

    manager = versions.get("jupyterlab_widgets")
    widgets = versions.get("ipywidgets")
    if (
        manager is not None
        and widgets is not None
        and _version_tuple(widgets) >= (8,)
        and _version_tuple(manager) < (3,)
    ):
        problems.append(
            f"ipywidgets {widgets} needs jupyterlab_widgets 3 or newer, but {manager} is "
            "installed: sliders would show 'Error displaying widget'"
        )
        specs.append("jupyterlab_widgets>=3")

    if problems:
        fix = FIX.format(spec=" ".join(specs) if specs else "gdviz")
        if not specs:  # only Python itself is too old: pip cannot fix that
            fix = (
                "Fix: create the environment again with a newer Python (`make venv` uses "
                "python3; see the README), then restart JupyterLab."
            )
        return SetupCheck(False, "; ".join(problems) + ". " + fix)

    named = ", ".join(
        [f"Python {python}", f"gdviz {versions.get('gdviz')}"]
        + [f"{name} {versions[name]}" for name, _, _ in REQUIREMENTS]
    )
    if not in_kernel:
        return SetupCheck(
            False,
            f"the packages are here ({named}), but this is not a Jupyter kernel: sliders and "
            "interactive figures only work inside JupyterLab or Jupyter Notebook. Start it "
            "with `make lab` (see the README) and open the notebook there.",
        )
    message = f"the lessons can run here ({named}), running in a Jupyter kernel."
    absent = [pkg for pkg, ext in LAB_EXTENSIONS.items() if ext not in extensions]
    if absent:
        message += (
            f" Note: the JupyterLab extension of {' and '.join(absent)} is not in this "
            "environment. That is fine if JupyterLab runs from another one (as on some hubs); "
            "if the slider below shows 'Error displaying widget', install "
            f"{' and '.join(absent)} where JupyterLab runs and restart JupyterLab."
        )
    return SetupCheck(True, message)
