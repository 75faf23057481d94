"""The test hub: `hub/jupyterhub_config.py` with test users instead of real accounts.

For tests and benchmarks only (tests/hub, benchmarks/bench_class.py), never for a class: any
user name logs in with the password GDVIZ_HUB_TEST_PASSWORD, and every "student" is a
SimpleLocalProcessSpawner server running as the hub's own account with its home in
GDVIZ_HUB_HOMES/<name>. Still on 127.0.0.1 only.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (traitlets defines it while loading this file)
load_subconfig(str(Path(__file__).with_name("jupyterhub_config.py")))  # noqa: F821

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["GDVIZ_HUB_TEST_PASSWORD"]
c.Authenticator.allowed_users = set()
c.Authenticator.admin_users = set()
c.Authenticator.allow_all = True

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.environ["GDVIZ_HUB_HOMES"] + "/{username}"
c.Spawner.args = [
    *c.Spawner.args,
    "--LabApp.expose_app_in_browser=True",  # the browser test reads kernel state from the page
    "--LabApp.extension_manager=readonly",  # no PyPI queries from the extension manager
]
if os.geteuid() == 0:  # CI runs as root; Jupyter servers refuse root without it
    c.Spawner.args = [*c.Spawner.args, "--allow-root"]
# a class's worth of servers may start at once on 2 busy cores
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.concurrent_spawn_limit = 0
