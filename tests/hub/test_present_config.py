"""presentation/voila.py, the configuration `make present` gives Voilà."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "presentation" / "voila.py"


def load(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()


def test_default_heats_lessons_03_and_07_only(monkeypatch):
    monkeypatch.delenv("GDVIZ_PRESENT_PRELOAD", raising=False)
    pools = load(monkeypatch).VoilaKernelManager.kernel_pools_config
    assert pools["default"] == {"pool_size": 0}
    heated = sorted(name for name in pools if name != "default")
    assert [name[:2] for name in heated] == ["03", "07"]
    assert all(pools[name] == {"pool_size": 1} for name in heated)
    assert all((ROOT / "notebooks" / name).is_file() for name in heated)


def test_lessons_are_chosen_by_the_start_of_their_names(monkeypatch):
    pools = load(monkeypatch, GDVIZ_PRESENT_PRELOAD="0").VoilaKernelManager.kernel_pools_config
    assert len(pools) - 1 == len(list((ROOT / "notebooks").glob("0*.ipynb")))


def test_unknown_lesson_is_an_error_naming_it(monkeypatch):
    with pytest.raises(ValueError, match=r"names no lesson in notebooks/: \['99'\]"):
        load(monkeypatch, GDVIZ_PRESENT_PRELOAD="03 99")


def test_idle_kernels_are_culled_and_closed_pages_can_shut_theirs(monkeypatch):
    config = load(monkeypatch, GDVIZ_PRESENT_CULL="120")
    assert config.MappingKernelManager.cull_idle_timeout == 120
    assert config.MappingKernelManager.cull_interval <= 60
    assert config.VoilaConfiguration.preheat_kernel is True
    assert config.VoilaConfiguration.template == "projector"
    assert config.Voila.tornado_settings["disable_check_xsrf"] is True


def test_projector_template_drops_every_cdn_link_of_voilas_lab_template():
    # Voilà's lab template links Font Awesome from a CDN; ours filters those exact tags out.
    # A Voilà upgrade that links something else from the internet fails here.
    voila_lab = Path(sys.prefix) / "share/jupyter/voila/templates/lab/index.html.j2"
    linked = re.findall(r'<link rel="stylesheet" href="(https://[^"]+)"', voila_lab.read_text())
    assert linked, f"no CDN link left in {voila_lab}: drop the filter from our template"
    ours = (ROOT / "presentation/voila/templates/projector/index.html.j2").read_text()
    cdn = re.search(r"set cdn = '([^']+)'", ours).group(1)
    dropped = {cdn + name for name in re.findall(r"cdn ~ '([^'\"]+)", ours)}
    assert set(linked) == dropped


def test_projector_tree_page_links_nothing_off_the_machine():
    page = (ROOT / "presentation/voila/templates/projector/page.html").read_text()
    assert "http://" not in page and "https://" not in page
