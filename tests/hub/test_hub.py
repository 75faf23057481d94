"""`make hub`'s JupyterHub, as a class meets it: a student follows the nbgitpuller link.

One hub (tests/hub/conftest.py) for the module, in this order: it listens on loopback only
and runs the idle culler; a student who has never logged in clicks the lesson link, logs in,
waits for the server and for nbgitpuller's clone, lands in lesson 00 in JupyterLab, runs it
(Run All Cells) in a working kernel that finds the widget extensions; the hub then stops and
leaves no process behind.
"""

from __future__ import annotations

import re

import psutil

from tests.browser.conftest import PANEL, SCREENSHOTS, Lab

STUDENT = "student1"
ARRIVE = 180_000  # ms: login, spawn, clone and JupyterLab's first load on 2 busy cores


def test_hub_listens_on_loopback_only(hub):
    listening = []
    for proc in [psutil.Process(hub.process.pid), *hub.descendants()]:
        for conn in proc.net_connections(kind="inet"):
            if conn.status == psutil.CONN_LISTEN:
                listening.append((proc.name(), conn.laddr.ip, conn.laddr.port))
    assert len(listening) >= 3, f"expected the proxy, its API and the hub: {listening}"
    assert {ip for _, ip, _ in listening} == {"127.0.0.1"}, listening


def test_hub_runs_the_idle_culler(hub):
    culler = [p for p in hub.descendants() if "jupyterhub_idle_culler" in " ".join(p.cmdline())]
    assert len(culler) == 1, [" ".join(p.cmdline()) for p in hub.descendants()]
    assert "--timeout=3600" in culler[0].cmdline()


def test_student_follows_the_nbgitpuller_link_to_a_running_lesson_00(hub, hub_browser):
    context = hub_browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(hub.nbgitpuller_link(), timeout=60_000)
        page.locator("#username_input").fill(STUDENT)
        page.locator("#password_input").fill(hub.password)
        page.locator("#login_submit").click()
        page.wait_for_url(
            re.compile(rf"/user/{STUDENT}/lab/tree/gdviz/notebooks/00_welcome\.ipynb"),
            timeout=ARRIVE,
        )
        # nbgitpuller cloned the lessons into the student's home
        lesson = hub.homes / STUDENT / "gdviz" / "notebooks" / "00_welcome.ipynb"
        assert lesson.is_file(), sorted(p.name for p in (hub.homes / STUDENT).iterdir())
        lab = Lab(page=page, server=None)
        page.locator(PANEL).wait_for(state="visible", timeout=ARRIVE)
        lab.wait_for_idle(ARRIVE)
        lab.run_all_and_wait()
        assert lab.problems() == []
        ready = lab.panel.get_by_text(re.compile(r"Ready: the lessons can run here"))
        assert ready.count() == 1, "check_environment() did not report a ready set-up"
        first = lab.panel.get_by_text("w = 3.0, loss = 9.0")
        assert first.count() == 1
        _screenshot(page, "hub-lesson-00")
    except BaseException:
        _screenshot(page, "FAILED-hub-lesson-00")
        raise
    finally:
        context.close()
    servers = [p for p in hub.descendants() if "jupyterhub-singleuser" in " ".join(p.cmdline())]
    assert len(servers) == 1, "one single-user server for the one student"
    kernels = [p for p in hub.descendants() if "ipykernel_launcher" in " ".join(p.cmdline())]
    assert len(kernels) == 1
    assert kernels[0].environ().get("OPENBLAS_NUM_THREADS") == "1"


def test_hub_stops_and_leaves_no_process(hub):
    started = {p.pid for p in hub.descendants()}
    assert started, "the hub had started nothing to stop"
    left = hub.stop()
    assert hub.process.returncode is not None
    assert left == [], left
    assert not [pid for pid in started if psutil.pid_exists(pid) and _alive(pid)]


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
