"""A JupyterHub for the tests: `hub/test_config.py` on 127.0.0.1, started and stopped by PID.

Fixtures
--------
hub      (module) JupyterHub from this venv with configurable-http-proxy from `.hub/` (`make
         test-hub` installs it), test users (any name, one shared password), each student's
         server a SimpleLocalProcessSpawner process with its home in a temp dir, and a bare
         clone of this repository (committed HEAD) for the nbgitpuller links, so no network.
         Free ports for the proxy, its API and the hub. At the end the hub is sent SIGTERM
         (it stops the proxy, the culler and every single-user server itself); any process it
         started that is still alive after that is killed by its PID and reported.
hub_browser (module) Debian's Chromium, as in tests/browser.

Without Chromium, Playwright or npm's proxy the tests are skipped with the reason; with
GDVIZ_REQUIRE_BROWSER=1 (CI) that skip is a failure instead.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psutil
import pytest

from tests.browser.conftest import (
    CHROMIUM,
    THIRD_PARTY_WARNINGS,
    VENV_BIN,
    free_port,
    launch_chromium,
    unavailable,
)

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PROXY = ROOT / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"
START_TIMEOUT = 60  # s; the hub answered in about 2 s here
STOP_TIMEOUT = 30  # s; the hub stops its servers, the culler and the proxy itself


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.hub)
            for spec in THIRD_PARTY_WARNINGS:
                item.add_marker(pytest.mark.filterwarnings(spec))


@dataclass
class Hub:
    url: str
    process: subprocess.Popen
    log: Path
    homes: Path
    repo: str  # a file:// URL of a bare clone of this repository
    branch: str
    password: str
    started: set[int] = field(default_factory=set)  # PIDs of every process the hub started

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def descendants(self) -> list[psutil.Process]:
        """The hub's processes now (proxy, culler, single-user servers, kernels); remembered."""
        try:
            procs = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        self.started.update(p.pid for p in procs)
        return procs

    def nbgitpuller_link(self, notebook: str = "00_welcome.ipynb") -> str:
        """The link docs/teaching.md gives to students, to this hub and the local clone."""
        urlpath = quote(f"lab/tree/gdviz/notebooks/{notebook}?autodecode", safe="")
        return (
            f"{self.url}/hub/user-redirect/git-pull?repo={quote(self.repo, safe='')}"
            f"&branch={quote(self.branch, safe='')}&urlpath={urlpath}"
        )

    def stop(self) -> list[str]:
        """SIGTERM the hub, wait for it, then kill by PID whatever it left; returns those."""
        self.descendants()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        time.sleep(1)  # a server the hub stopped may still be exiting
        left = []
        for pid in sorted(self.started):
            try:
                proc = psutil.Process(pid)
                if proc.status() == psutil.STATUS_ZOMBIE:
                    continue
                left.append(f"{pid}: {' '.join(proc.cmdline())[:160]}")
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        return left


def _bare_clone(target: Path) -> tuple[str, str]:
    """A bare clone of this repository's committed HEAD; its URL and the branch to pull."""
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT), str(target)], check=True)
    head = subprocess.run(
        ["git", "rev-parse", "--abbrev-ref", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    branch = head if head != "HEAD" else "lessons"  # a detached checkout: name its commit
    if head == "HEAD":
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        subprocess.run(["git", "--git-dir", str(target), "branch", branch, sha], check=True)
    return target.as_uri(), branch


def start_hub(base: Path) -> Hub:
    """The test hub on free loopback ports, state and homes under ``base`` (see above)."""
    if not PROXY.exists():
        unavailable(f"no {PROXY}: `make test-hub` installs configurable-http-proxy from npm")
    state, homes = base / "state", base / "homes"
    state.mkdir()
    homes.mkdir()
    repo, branch = _bare_clone(base / "gdviz")  # nbgitpuller names the folder after it
    port = free_port()
    password = secrets.token_hex(8)
    env = {
        **os.environ,
        "GDVIZ_HUB_STATE": str(state),
        "GDVIZ_HUB_HOMES": str(homes),
        "GDVIZ_HUB_TEST_PASSWORD": password,
        "GDVIZ_HUB_PORT": str(port),
        "GDVIZ_HUB_API_PORT": str(free_port()),
        "GDVIZ_PROXY_API_PORT": str(free_port()),
    }
    log = base / "jupyterhub.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(VENV_BIN / "jupyterhub"), "-f", str(ROOT / "hub" / "test_config.py")],
            cwd=state,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal does not reach it half-way
        )
    hub = Hub(
        url=f"http://127.0.0.1:{port}",
        process=process,
        log=log,
        homes=homes,
        repo=repo,
        branch=branch,
        password=password,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"jupyterhub exited with {process.returncode}:\n{hub.log_tail()}")
        try:
            with urllib.request.urlopen(f"{hub.url}/hub/api", timeout=2) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            hub.stop()
            raise RuntimeError(f"jupyterhub did not answer in {START_TIMEOUT} s:\n{hub.log_tail()}")
        time.sleep(0.25)
    hub.descendants()
    return hub


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Hub:
    hub = start_hub(tmp_path_factory.mktemp("hub"))
    try:
        yield hub
    finally:
        left = hub.stop()
        assert not left, f"processes the hub left running (killed now): {left}"


@pytest.fixture(scope="module")
def hub_browser():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (Debian)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        unavailable(f"playwright is not installed in this venv: {exc}")
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
