"""A kernel's websocket stays open across jupyter_server's keep-alive pings.

jupyter_server pings every websocket each ``ws_ping_interval`` ms and closes one that has
not answered for ``ws_ping_timeout`` ms. With the timeout equal to the interval (set once to
quiet a note of tornado's), every kernel's socket was closed at its first ping, 30 s after it
opened, and JupyterLab reconnected it: on a loaded hub some lessons stalled.
"""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_notebook

PINGS_S = 65  # two keep-alive pings of the venv's jupyter_server_config.json (every 30 s)


def test_a_kernels_websocket_outlives_two_keepalive_pings(lab):
    notebook = new_notebook(
        cells=[new_code_cell("1 + 1")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    lab.open(lab.server.add_notebook(notebook, "keepalive.ipynb"))
    lab.run_all_and_wait()
    log = lab.server.log.read_text(encoding="utf-8", errors="replace")
    closed, reopened = log.count("WebSocket ping timeout"), log.count("Restoring connection")
    lab.page.wait_for_timeout(PINGS_S * 1000)
    log = lab.server.log.read_text(encoding="utf-8", errors="replace")
    assert log.count("WebSocket ping timeout") == closed, lab.server.log_tail()
    assert log.count("Restoring connection") == reopened
    lab.run_all_and_wait()  # the kernel still answers
    assert lab.problems() == []
