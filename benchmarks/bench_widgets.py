"""What an explorer costs the kernel, inside a real Jupyter kernel: the browser-drawn DescentExplorer.

Run it with ``.venv/bin/python benchmarks/bench_widgets.py`` (or ``make bench``). It starts
a kernel (the venv's ``python3`` kernelspec), runs the measurements there and prints a
markdown table of medians:

(a) a step-size change arriving from the browser (a drag or a key: the scene's ``stop`` and
    ``value`` set as the browser's message sets them): the kernel only looks the run up
    and updates its readouts; the browser has drawn it already;
(b) a step size typed between two stops: run by the kernel and sent as one extra path;
(c) ``steps`` changed (every stop's run computed anew, both static layers re-rendered);
(d) a surface switch (the same, with new contours);
(e) for comparison, the naive re-plot: a new figure with both panels drawn and saved as PNG.

Also the payload: the bytes of every stop's runs and of the static PNGs. The machine's load
average is printed too. Exits 0 whatever it measures.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import textwrap

from jupyter_client.manager import KernelManager

REPEATS = 20
CELL_TIMEOUT = 600

KERNEL_CODE = textwrap.dedent(
    """
    import io, json, statistics, time
    import numpy as np
    from matplotlib.figure import Figure
    import gdviz
    from gdviz import plotting
    from gdviz.widgets import DescentExplorer
    from gdviz.widgets.scene import payload_bytes

    REPEATS = {repeats}

    def median_ms(action, values):
        times = []
        for value in values:
            start = time.perf_counter()
            action(value)
            times.append(time.perf_counter() - start)
        return 1000 * statistics.median(times)

    explorer = DescentExplorer("quadratic", steps=200)
    scene = explorer.scene
    stops = explorer.stops

    def from_browser(i):
        with scene.hold_sync():
            scene.stop = int(i)
            scene.value = float(stops[i])

    results = {{}}
    results["browser"] = median_ms(from_browser, np.arange(REPEATS) * 7 % len(stops))
    results["typed"] = median_ms(
        lambda lr: explorer.entries["step_size"].__setattr__("value", f"{{lr:.5f}}"),
        np.geomspace(0.011, 0.19, REPEATS),
    )
    results["steps"] = median_ms(
        lambda s: explorer.controls["steps"].__setattr__("value", int(s)),
        [150, 200] * (REPEATS // 4),
    )
    results["switch"] = median_ms(
        lambda name: explorer.controls["surface"].__setattr__("value", name),
        ["rosenbrock", "quadratic"] * (REPEATS // 4),
    )
    bowl = gdviz.surfaces.get("quadratic")

    def naive(lr):
        run = gdviz.descend(bowl, gdviz.optimizers.GradientDescent(lr), steps=200)
        with plotting.projector_style():
            figure = Figure(figsize=(9, 4.2), layout="constrained")
            ax, loss_ax = figure.subplots(1, 2)
            plotting.contour(ax, bowl)
            plotting.PathArtist(ax).update(run.points)
            loss_ax.semilogy(run.losses)
            with io.BytesIO() as out:
                figure.savefig(out, format="png")

    results["naive"] = median_ms(naive, np.geomspace(0.01, 0.19, REPEATS // 2))
    results["family_bytes"] = payload_bytes(scene.family)
    results["png_bytes"] = sum(len(p["png"]) for p in scene.panels)
    results["stops"] = len(stops)
    print("RESULTS", json.dumps(results))
    """
)


def run_in_kernel(code: str) -> dict:
    """Run ``code`` in a fresh kernel; return the JSON it prints after ``RESULTS``."""
    lines = []

    def collect(message):
        content = message["content"]
        if message["msg_type"] == "stream":
            lines.append(content["text"])
        elif message["msg_type"] == "error":
            lines.append("\n".join(content["traceback"]))

    with tempfile.TemporaryDirectory() as sockets:
        # local sockets: nothing listens on the network, and the kernel has no TCP to warn about
        manager = KernelManager(
            kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel")
        )
        manager.start_kernel()
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=CELL_TIMEOUT)
            reply = client.execute_interactive(code, timeout=CELL_TIMEOUT, output_hook=collect)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    text = "".join(lines)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the benchmark failed in the kernel:\n{text}")
    payload = next(line for line in text.splitlines() if line.startswith("RESULTS "))
    return json.loads(payload[len("RESULTS ") :])


def main() -> int:
    r = run_in_kernel(KERNEL_CODE.format(repeats=REPEATS))
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"DescentExplorer (200 steps) in a kernel, medians (load average {load}).\n")
    print("| kernel work | median ms |")
    print("| --- | --- |")
    print(
        f"| (a) step-size change from the browser (a look-up; the picture does not wait for it) | {r['browser']:.2f} |"
    )
    print(f"| (b) step size typed between stops (one run, one extra path) | {r['typed']:.1f} |")
    print(f"| (c) steps changed (every stop's run, both PNGs) | {r['steps']:.0f} |")
    print(f"| (d) surface switch (the same, new contours) | {r['switch']:.0f} |")
    print(f"| (e) for comparison: naive re-plot of both panels to PNG | {r['naive']:.0f} |")
    print(
        f"| payload: {r['stops']} stops' runs {r['family_bytes'] / 1e6:.2f} MB float32, "
        f"static PNGs {r['png_bytes'] / 1e3:.0f} kB | |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
