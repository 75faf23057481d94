"""JupyterHub for a class on one machine: `make hub` (docs/teaching.md, "A hub on this machine").

The same JupyterHub that The Littlest JupyterHub and Zero to JupyterHub run, from the project
venv (`pip install gdviz[hub]`), with configurable-http-proxy from npm in `.hub/node_modules`:

- listens on 127.0.0.1 only (GDVIZ_HUB_PORT, default 8000); put a TLS proxy in front of it,
  or use TLJH, to open it to a class;
- real authentication: PAM, the machine's own accounts; only the users named in
  GDVIZ_HUB_USERS (space-separated; default the one running the hub) may log in, and
  GDVIZ_HUB_ADMINS (default the same) are admins;
- one single-user JupyterLab per student, started as that student's account (LocalProcessSpawner:
  the hub must run as root to start servers for others), from this venv, with one BLAS thread
  per kernel and nbgitpuller for the lesson links;
- the idle culler stops a server after GDVIZ_HUB_CULL seconds without activity (default 3600);
- its state (database, cookie secret, proxy pid) in GDVIZ_HUB_STATE (default `.hub/state`).
"""

import getpass
import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (traitlets defines it while loading this file)

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent  # jupyterhub runs from the venv: its singleuser, its kernels
STATE = Path(os.environ.get("GDVIZ_HUB_STATE", ROOT / ".hub" / "state"))
STATE.mkdir(parents=True, exist_ok=True)
PROXY = ROOT / ".hub" / "node_modules" / ".bin" / "configurable-http-proxy"
if not PROXY.exists():
    raise FileNotFoundError(f"no {PROXY}: `make hub` installs configurable-http-proxy from npm")
port = int(os.environ.get("GDVIZ_HUB_PORT", "8000"))

c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ.get('GDVIZ_HUB_API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{os.environ.get('GDVIZ_PROXY_API_PORT', port + 1)}"
)
c.ConfigurableHTTPProxy.command = [str(PROXY)]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

c.JupyterHub.authenticator_class = "pam"
users = set(os.environ.get("GDVIZ_HUB_USERS", getpass.getuser()).split())
c.Authenticator.allowed_users = users
c.Authenticator.admin_users = set(os.environ.get("GDVIZ_HUB_ADMINS", " ".join(users)).split())

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.args = [
    # as `make lab`: kernel channels encrypted (on a shared machine plain TCP on loopback is
    # readable by every user; the kernel warns), no notebook_shim (warns at every start)
    "--KernelManager.transport_encryption=auto",
    "--ServerApp.jpserver_extensions=notebook_shim=False",
]
c.Spawner.environment = {
    # the venv's kernel spec already sets these; the server and a terminal get them too
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "JUPYTER_PREFER_ENV_PATH": "1",  # the venv's kernel spec and settings before a user's own
    "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
}
# git for nbgitpuller: it must be on the PATH the servers get
if shutil.which("git") is None:
    raise FileNotFoundError("nbgitpuller needs git on the PATH")

cull = os.environ.get("GDVIZ_HUB_CULL", "3600")
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull}"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
