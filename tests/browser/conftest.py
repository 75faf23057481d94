"""Browser-test harness: a private JupyterLab server + Debian's Chromium driven by Playwright.

Fixtures
--------
lab_server   (session) JupyterLab from this venv on 127.0.0.1:<free port>, serving a temp root
             folder. Token-less, which is acceptable only because it listens on loopback and
             lives as long as the test session. Config, runtime, data, settings, workspaces and
             IPython dirs are temp dirs: nothing global is read or written. An overrides.json
             turns off news, update checks and autosave. At the end it deletes the kernels it
             started (REST), terminates the server by PID and kills any survivor by PID.
browser      (session) Playwright Chromium launched from /usr/bin/chromium (GDVIZ_CHROMIUM);
             `playwright install` is never used (it downloads a browser, which fails here).
lab          (function) a fresh browser page plus helpers (`Lab`): open a notebook with ?reset,
             Run All Cells from the menu, wait for every prompt to show a number and the kernel
             to be idle, collect error outputs and "Error displaying widget" texts, screenshot
             to artifacts/screenshots/NAME.png. A failing test also leaves FAILED-<test>.png.
             At the end the page is closed and every kernel on the server shut down.

Helpers (also for benchmarks/bench_browser_latency.py)
-------
running_lab(base)            the lab_server's JupyterLab as a context manager.
running_voila(notebook, base) Voilà serving one notebook on 127.0.0.1:<free port>, tracebacks
                             shown in the page; stopped by its PID (and its kernels) at the end.
launch_chromium(playwright)  the browser fixture's Chromium.

Without Chromium (or Playwright) the tests here are skipped with the reason; with
GDVIZ_REQUIRE_BROWSER=1 (CI) that skip is a failure instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
VENV_BIN = Path(sys.executable).parent  # the venv running pytest: its jupyter, its kernel
CHROMIUM = Path(os.environ.get("GDVIZ_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("GDVIZ_REQUIRE_BROWSER", "") == "1"

# Without the networking flags Chromium keeps trying to reach the internet (field notes).
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# JupyterLab settings defaults for the test server (an app-level overrides.json).
LAB_OVERRIDES = {
    # no "news" notification covering the page, no request to the internet for it
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # tests run notebooks in a temp copy, but do not write to them behind our back either
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}

SERVER_START_TIMEOUT = 90  # s; first start of a fresh venv compiles nothing, usually ~5 s
RUN_ALL_TIMEOUT = 180  # s; for Lab.wait_for_run_all


# pyproject turns every warning into an error, which stays so for tests/unit. Here only, a
# deprecation raised inside Playwright or the Jupyter client stack the fixtures use is ignored:
# third-party noise must not fail the browser suite on an upgrade. None fire with
# constraints.txt's versions (measured); a warning raised by our own code still fails.
THIRD_PARTY_WARNINGS = [
    f"ignore::{category}:{module}"
    for category in ("DeprecationWarning", "PendingDeprecationWarning")
    for module in ("playwright", "greenlet", "nbformat", "jupyter_core", "psutil")
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            for spec in THIRD_PARTY_WARNINGS:
                item.add_marker(pytest.mark.filterwarnings(spec))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Let fixtures see the outcome (for the screenshot of a failed test).
    setattr(item, f"rep_{report.when}", report)
    return report


def unavailable(reason: str) -> None:
    """Skip, or fail when GDVIZ_REQUIRE_BROWSER=1 (CI must not pass without running these)."""
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (and GDVIZ_REQUIRE_BROWSER=1 forbids skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (Debian)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        unavailable(f"playwright is not installed in this venv: {exc}")
    return CHROMIUM


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    url: str
    root: Path
    process: subprocess.Popen
    log: Path

    def request(self, method: str, path: str, timeout: float = 10.0):
        req = urllib.request.Request(f"{self.url}{path}", method=method)
        with urllib.request.urlopen(req, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def add_notebook(self, notebook: nbformat.NotebookNode | Path, name: str) -> str:
        """Write (or copy) a notebook into the served root; returns its path for Lab.open."""
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(notebook, Path):
            shutil.copyfile(notebook, target)
        else:
            nbformat.write(notebook, target)
        return name

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def shutdown_kernels(self) -> None:
        """End every session and kernel (REST), so the next notebook has the CPU to itself."""
        for session in self.request("GET", "/api/sessions") or []:
            self.request("DELETE", f"/api/sessions/{session['id']}", timeout=30)
        for kernel in self.request("GET", "/api/kernels") or []:
            self.request("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)


def _wait_until_answering(server: LabServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            server.request("GET", "/api/status", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise RuntimeError(
        f"jupyter lab did not answer in {SERVER_START_TIMEOUT} s:\n{server.log_tail()}"
    )


def _stop(server: LabServer) -> None:
    try:
        for kernel in server.request("GET", "/api/kernels") or []:
            server.request("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        pass  # the server is already gone; its children are handled below
    _terminate_tree(server.process)


def _terminate_tree(process: subprocess.Popen) -> None:
    """Terminate a server by its PID, then kill by PID any child (kernel) that survives."""
    import psutil  # a dependency of ipykernel

    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    _, alive = psutil.wait_procs(children, timeout=5)
    for proc in alive:  # a kernel the server failed to stop: end it by its PID
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass


def jupyter_env(base: Path) -> tuple[dict[str, str], dict[str, Path]]:
    """Environment for a Jupyter server that reads and writes only temp dirs under ``base``.

    Returns the environment and the dirs made (``root`` is the folder to serve).
    """
    dirs = {
        name: base / name
        for name in ("root", "config", "runtime", "data", "settings", "workspaces", "ipython")
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
        "IPYTHONDIR": str(dirs["ipython"]),
        "JUPYTER_PREFER_ENV_PATH": "1",  # the venv's kernel and extensions, not a user's
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    return env, dirs


def _start(
    cmd: list[str], cwd: Path, env: dict[str, str], log: Path, *, allow_root: bool = True
) -> subprocess.Popen:
    if allow_root and os.geteuid() == 0:  # Jupyter servers refuse root without it; Voilà has none
        cmd = [*cmd, "--allow-root"]
    with log.open("wb") as log_file:
        return subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal does not reach it half-way
        )


@contextmanager
def running_lab(base: Path) -> Iterator[LabServer]:
    """A private JupyterLab on 127.0.0.1:<free port> for the ``with`` block (see the module
    docstring); ``base`` is an empty temp dir for its root, config and log."""
    env, dirs = jupyter_env(base)
    app_settings = base / "app-settings"
    app_settings.mkdir()
    (app_settings / "overrides.json").write_text(json.dumps(LAB_OVERRIDES, indent=1))
    port = free_port()
    cmd = [
        str(VENV_BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={dirs['root']}",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",  # lets the fixture DELETE kernels over REST
        "--ServerApp.terminals_enabled=False",
        f"--LabApp.app_settings_dir={app_settings}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",  # no PyPI queries from the extension manager
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to read output models
    ]
    log = base / "jupyterlab.log"
    process = _start(cmd, dirs["root"], env, log)
    server = LabServer(url=f"http://127.0.0.1:{port}", root=dirs["root"], process=process, log=log)
    try:
        _wait_until_answering(server)
        yield server
    finally:
        _stop(server)


@pytest.fixture(scope="session")
def lab_server(chromium_path, tmp_path_factory) -> LabServer:
    with running_lab(tmp_path_factory.mktemp("jupyterlab")) as server:
        yield server


@dataclass
class VoilaServer:
    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def running_voila(
    notebook: Path, base: Path, *, template: str | None = None
) -> Iterator[VoilaServer]:
    """Voilà serving one notebook on 127.0.0.1:<free port> for the ``with`` block.

    Tracebacks are shown in the page (so a test can see them); stopped by its PID at the
    end, with any kernel it leaves behind. ``template="projector"`` uses the project's
    presentation template (``presentation/voila/templates``), as ``make present`` does.
    """
    env, dirs = jupyter_env(base)
    if template is not None:
        env["JUPYTER_PATH"] = str(ROOT / "presentation")
    target = dirs["root"] / notebook.name
    shutil.copyfile(notebook, target)
    port = free_port()
    cmd = [
        str(VENV_BIN / "voila"),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
        *([f"--template={template}"] if template else []),
        target.name,
    ]
    log = base / "voila.log"
    process = _start(cmd, dirs["root"], env, log, allow_root=False)
    server = VoilaServer(url=f"http://127.0.0.1:{port}/", process=process, log=log)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:  # a TCP connection only: a GET of the page would run the notebook
            if process.poll() is not None:
                raise RuntimeError(f"voila exited with {process.returncode}:\n{server.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"voila did not listen in {SERVER_START_TIMEOUT} s:\n{server.log_tail()}"
                    ) from None
                time.sleep(0.25)
        yield server
    finally:
        _terminate_tree(process)


# --------------------------------------------------------------------------- browser


def launch_chromium(playwright, path: Path = CHROMIUM):
    """Debian's Chromium, headless, with the flags that keep it off the network."""
    return playwright.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS, headless=True)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, chromium_path)
        try:
            yield chromium
        finally:
            chromium.close()


PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

# Runs in the page: one entry per error output of the visible notebook (needs expose_app).
_JS_ERROR_OUTPUTS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const errors = [];
  panel.content.widgets.forEach((cell, index) => {
    const outputs = cell.model.outputs;
    if (!outputs) return;
    for (let i = 0; i < outputs.length; i++) {
      const out = outputs.get(i).toJSON();
      if (out.output_type === 'error') errors.push(`cell ${index}: ${out.ename}: ${out.evalue}`);
    }
  });
  return errors;
}"""

# Runs in the page: the kernel of the visible notebook is connected and idle (needs expose_app).
_JS_KERNEL_READY = """() => {
  const kernel = window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""

# Runs in the page, on the visible notebook after `Lab.run_all` cleared the prompts:
#   'done'     every non-empty code cell shows [n] and the execution indicator is idle;
#   'stopped'  idle, nothing pending ([*]), some cells ran and some did not: Run All halted
#              at an error (JupyterLab drops the rest of the queue);
#   'dialog: TEXT' a dialog blocks the page (e.g. "Select Kernel");  false: still running.
_JS_RUN_ALL_STATE = """(panelSelector) => {
  const dialog = document.querySelector('.jp-Dialog');
  if (dialog) return 'dialog: ' + dialog.innerText.replace(/\\s+/g, ' ').trim();
  const panel = document.querySelector(panelSelector);
  if (!panel || !panel.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']")) {
    return false;
  }
  const prompts = [...panel.querySelectorAll('.jp-CodeCell')]
    .filter((cell) => (cell.querySelector('.cm-content')?.textContent ?? '').trim() !== '')
    .map((cell) => (cell.querySelector('.jp-InputPrompt')?.textContent ?? '').trim());
  const ran = prompts.filter((p) => /^\\[\\d+\\]/.test(p)).length;
  const pending = prompts.filter((p) => p.startsWith('[*]')).length;
  if (prompts.length > 0 && ran === prompts.length) return 'done';
  if (ran > 0 && pending === 0) return 'stopped';
  return false;
}"""


class RunAllFailed(AssertionError):
    """Run All Cells did not run every cell (an error stopped it, or a dialog blocked it)."""


@dataclass
class Lab:
    """One browser page on the test server, with the steps every notebook test needs."""

    page: object  # playwright.sync_api.Page
    server: LabServer
    console_errors: list[str] = field(default_factory=list)

    @property
    def panel(self):
        return self.page.locator(PANEL)

    def open(self, path: str, timeout: float = 60_000) -> None:
        """Open a notebook (path relative to the server root) in a fresh workspace (?reset)."""
        self.page.goto(f"{self.server.url}/lab/tree/{path}?reset", timeout=timeout)
        self.panel.wait_for(state="visible", timeout=timeout)
        self.wait_for_idle(timeout)

    def wait_for_idle(self, timeout: float = 60_000) -> None:
        """Until the notebook's kernel is connected and idle (Run All before that opens a
        "Select Kernel" dialog) and the toolbar's execution indicator says idle."""
        self.page.wait_for_function(_JS_KERNEL_READY, timeout=timeout)
        self.panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
            state="attached", timeout=timeout
        )

    def run_all(self) -> None:
        """Menu Run → Run All Cells, after clearing stored outputs and execution counts, so
        that prompts showing [n] afterwards mean this run (committed lessons store 1..n)."""
        self.page.evaluate(
            "() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')"
        )
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-item", has_text=re.compile(r"^Run All Cells")).click()

    def wait_for_run_all(self, timeout: float = RUN_ALL_TIMEOUT * 1000) -> None:
        """Until every non-empty code cell shows [n] and the kernel is idle.

        Raises RunAllFailed at once, with the error outputs, if an error stopped the run, or
        with its text if a dialog opened instead (e.g. "Select Kernel").
        """
        state = self.page.wait_for_function(_JS_RUN_ALL_STATE, arg=PANEL, timeout=timeout)
        outcome = state.json_value()
        if outcome == "stopped":
            raise RunAllFailed(f"Run All Cells stopped at an error: {self.error_outputs()}")
        if outcome != "done":
            raise RunAllFailed(f"Run All Cells blocked by a {outcome}")
        self.wait_for_idle(timeout)

    def run_all_and_wait(self, timeout: float = RUN_ALL_TIMEOUT * 1000) -> None:
        self.run_all()
        self.wait_for_run_all(timeout)

    def error_outputs(self) -> list[str]:
        """`ename: evalue` of every error output in the visible notebook."""
        return self.page.evaluate(_JS_ERROR_OUTPUTS)

    def widget_errors(self) -> list[str]:
        """Texts of 'Error displaying widget' placeholders (a widget that failed to render)."""
        return self.panel.get_by_text("Error displaying widget").all_inner_texts()

    def problems(self) -> list[str]:
        return self.error_outputs() + self.widget_errors()

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture
def lab(browser, lab_server, request):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    session = Lab(page=page, server=lab_server)
    page.on(
        "console",
        lambda msg: session.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    try:
        yield session
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            try:
                session.screenshot(f"FAILED-{safe}")
            except Exception as exc:  # the page may be the thing that broke
                print(f"no failure screenshot: {exc}")
        context.close()
        lab_server.shutdown_kernels()
