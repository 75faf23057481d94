"""Voilà configuration for `make present`: a tree of every lesson, code hidden, projector-sized.

Read by Voilà from ``--Voila.config_file_paths`` (the Makefile points it here). Environment:

GDVIZ_PRESENT_PRELOAD  lessons (starts of file names, space-separated; default ``"03 07"``)
                       whose kernel is heated in advance: started and run through the notebook
                       before anyone asks, so their page shows at once; after a visit takes it,
                       the next one is heated in the background. Other lessons run on the visit.
GDVIZ_PRESENT_CULL     seconds an idle kernel with no page open may live (default 300).

A page's kernel is shut down when the page closes (Voilà's own ``beforeunload`` request); the
culler catches the kernels of pages that vanished without saying so (a crashed browser, a
laptop lid shut).
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (traitlets defines it while loading this file)

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
preload = os.environ.get("GDVIZ_PRESENT_PRELOAD", "03 07").split()
heated = sorted(
    nb.name for nb in NOTEBOOKS.glob("*.ipynb") if any(nb.name.startswith(p) for p in preload)
)
missing = [p for p in preload if not any(name.startswith(p) for name in heated)]
if missing:
    raise ValueError(f"GDVIZ_PRESENT_PRELOAD names no lesson in notebooks/: {missing}")

c.VoilaConfiguration.template = "projector"
c.VoilaConfiguration.preheat_kernel = True
# pools by notebook path relative to the served folder; "default" is every other lesson
c.VoilaKernelManager.kernel_pools_config = {
    "default": {"pool_size": 0},
    **{name: {"pool_size": 1} for name in heated},
}
c.VoilaKernelManager.fill_delay = 0

c.MappingKernelManager.cull_idle_timeout = int(os.environ.get("GDVIZ_PRESENT_CULL", "300"))
c.MappingKernelManager.cull_interval = 30
# kernel channels encrypted (CurveZMQ): a kernel on plain TCP warns at every start
c.KernelManager.transport_encryption = "auto"

c.Voila.tornado_settings = {
    # A closing page asks Voilà to shut its kernel down (a beacon carrying the _xsrf cookie),
    # but Voilà never sets that cookie, so every such request was refused (403) and every
    # visit's kernel stayed alive. Voilà listens on loopback only and its kernel ids are
    # random, so the check is off here instead.
    "disable_check_xsrf": True,
    # jupyter_server's own keep-alive (milliseconds): a ping every 30 s, and a socket closed
    # when no pong came for 90 s. A timeout equal to the interval closed every socket at its
    # first ping. Tornado, reading these as seconds, notes once that 90000 > 30000.
    "ws_ping_interval": 30000,
    "ws_ping_timeout": 90000,
}
