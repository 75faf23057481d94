"""Packaging checks: pyproject.toml, the Binder files and what `import gdviz` pulls in."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def _conda_specs() -> tuple[dict, dict[str, str]]:
    """environment.yml and its conda dependencies as {canonical name: version spec}."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    specs = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            # conda match specs: "numpy>=2.0", "python=3.11", "anywidget >=0.11"
            match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(\S*)", dep.strip())
            assert match, f"unparsable conda dependency {dep!r}"
            specs[canonicalize_name(match.group(1))] = match.group(2)
    return env, specs


def _conda_environment() -> tuple[dict, set[str]]:
    env, specs = _conda_specs()
    return env, set(specs)


def _pyproject_requirements() -> dict[str, list[str]]:
    """Every requirement list of pyproject.toml: the runtime one and each extra."""
    project = _pyproject()["project"]
    return {"dependencies": project["dependencies"], **project["optional-dependencies"]}


def test_environment_yml_has_every_runtime_dependency():
    _, conda_names = _conda_environment()
    runtime = _names(_pyproject()["project"]["dependencies"])
    assert runtime, "pyproject.toml lists no runtime dependencies"
    missing = sorted(runtime - conda_names)
    assert not missing, f"in pyproject.toml but not in environment.yml: {missing}"


@pytest.mark.parametrize("extra", ["lab", "test", "hub"])
def test_environment_yml_has_every_extra(extra):
    # Binder and conda users get what `pip install gdviz[lab,test,hub]` gives: the README's
    # test command runs from a conda environment too.
    _, conda_names = _conda_environment()
    wanted = _names(_pyproject()["project"]["optional-dependencies"][extra])
    assert wanted, f"pyproject.toml's {extra} extra is empty"
    missing = sorted(wanted - conda_names)
    assert not missing, f"{extra} extra not in environment.yml: {missing}"


def test_every_extra_is_checked_against_environment_yml():
    extras = set(_pyproject()["project"]["optional-dependencies"])
    assert extras == {"lab", "test", "hub"}, (
        f"pyproject.toml's extras are {sorted(extras)}: add a new one to environment.yml and "
        "to test_environment_yml_has_every_extra"
    )


def test_environment_yml_lower_bounds_match_pyproject():
    _, conda = _conda_specs()
    differ = []
    for group, requirements in _pyproject_requirements().items():
        for text in requirements:
            requirement = Requirement(text)
            name = canonicalize_name(requirement.name)
            if name in conda and conda[name] != str(requirement.specifier):
                differ.append(f"{group}: {text!r} but environment.yml has {conda[name]!r}")
    assert not differ, differ


def test_environment_yml_pins_python_and_uses_conda_forge_only():
    env, _ = _conda_environment()
    assert env["channels"] == ["conda-forge"]
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert pythons == ["python=3.11"], pythons
    required = _pyproject()["project"]["requires-python"]
    assert required == ">=3.11", "keep environment.yml's python pin in step with requires-python"
    # Nothing is installed by pip from the network: no `pip:` section with packages.
    pip_sections = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert not any(section.get("pip") for section in pip_sections), pip_sections


def test_postbuild_starts_with_set_e_and_installs_the_package():
    postbuild = ROOT / "postBuild"
    lines = postbuild.read_text(encoding="utf-8").splitlines()
    commands = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    assert commands, "postBuild is empty"
    assert commands[0] == "set -e", "postBuild must stop at the first failing command"
    installs = [c for c in commands if re.search(r"\bpip install\b", c)]
    assert installs, "postBuild does not pip install the package"
    install = installs[0].split()
    assert install[-1] == ".", installs[0]
    assert "--no-deps" in install, "dependencies come from environment.yml, not pip"
    assert postbuild.stat().st_mode & 0o111, "postBuild must be executable"


@pytest.fixture(scope="module")
def modules_after_import_gdviz(tmp_path_factory) -> set[str]:
    """sys.modules of a fresh interpreter that ran only `import gdviz`.

    Runs outside the source tree, so it imports the installed package (`make venv`).
    """
    code = "import json, sys, gdviz; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path_factory.mktemp("neutral-cwd"),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"`import gdviz` failed:\n{result.stderr}"
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("module", ["ipywidgets", "jupyterlab", "matplotlib.pyplot"])
def test_import_gdviz_stays_light(module, modules_after_import_gdviz):
    """The numerical core must import without the notebook and GUI stack."""
    assert module not in modules_after_import_gdviz, f"`import gdviz` imports {module}"
