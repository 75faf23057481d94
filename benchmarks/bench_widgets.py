"""How fast the explorers redraw, inside a real Jupyter kernel, against the goals of issue 3.

Run it with ``.venv/bin/python benchmarks/bench_widgets.py`` (or ``make bench``). It starts
a kernel (the venv's ``python3`` kernelspec, inline matplotlib backend as in a fresh
notebook), runs the measurements there and prints a markdown table of medians:

(a) a step-size change of ``DescentExplorer`` on a 200-step path with the ipympl canvas:
    from setting the slider's value to the diff image (a PNG) handed to the widget's comm,
    everything the kernel does before the frontend can paint. The canvas is told the
    frontend is there, as ipympl's ``initialized`` message does, so it sends diffs;
(b) the naive re-plot in the same kernel and run: a new figure with the same two panels
    (contourf, contour lines, colorbar, path, loss curve), drawn and saved as the PNG the
    inline backend sends, with the path recomputed;
(c) an ``ipywidgets.interact`` update doing that re-plot with the inline backend, the
    common notebook pattern, also measured in the kernel;
(d) the step-size change on a 10,000-step path against a 100-step path;
(e) for the record, a surface switch, which redraws everything.

Goals: (a) <= 16 ms (goal) and <= 25 ms and >= 4x faster than (b) (required);
(d) <= 2x. Exits with status 1 if a required goal fails. The machine's load average is
printed too: other processes slow every row alike, the ratios much less.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import textwrap

from jupyter_client.manager import KernelManager

REPEATS = 40
CELL_TIMEOUT = 600

KERNEL_CODE = textwrap.dedent(
    """
    import io, json, statistics, time
    import numpy as np
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.ticker import NullLocator
    import gdviz
    from gdviz import plotting
    from gdviz.widgets import DescentExplorer
    from gdviz.widgets.descent import fit_loss_range

    REPEATS = {repeats}
    user_backend = matplotlib.get_backend()
    bowl = gdviz.surfaces.get("quadratic")

    def connected(explorer):
        # what ipympl does when the frontend says it is ready: it sends diffs from then on
        canvas = explorer.view.canvas
        canvas._handle_message(canvas, {{"type": "initialized"}}, [])
        canvas.draw()
        sent = []
        send = canvas.send_binary
        def record(data):
            sent.append(len(data))
            send(data)
        canvas.send_binary = record
        return sent

    def step_size_change(steps):
        explorer = DescentExplorer("quadratic", steps=steps, backend="ipympl")
        sent = connected(explorer)
        slider = explorer.controls["step_size"]
        stops = 10 ** np.arange(slider.min, slider.max + 1e-9, slider.step)
        # sweep the whole slider, converging and diverging runs, back and forth: stops
        # spread over all of it (there are hundreds, and a drag skips stops too)
        spread = stops[np.linspace(0, len(stops) - 1, REPEATS + 1).round().astype(int)]
        # once over them first: the loss axis widens to the runs it meets (a full redraw,
        # once for each new surface, optimizer or start); what is measured is a blit
        for lr in spread:
            slider.value = lr
        values = iter(np.concatenate([spread[::-1], spread] * 2))
        slider.value = next(values)
        draws = explorer.view.full_draws
        times = []
        def change():
            start = time.perf_counter()
            slider.value = next(values)
            times.append(time.perf_counter() - start)
        def check():
            assert explorer.last_error is None, explorer.last_error
            assert explorer.view.full_draws == draws, "a step-size change must only blit"
            return {{"ms": 1000 * statistics.median(times), "bytes": statistics.median(sent)}}
        return change, check

    def figure_like_ours(make_figure, lr):
        # the explorer's two panels, on the same axes limits, drawn from scratch
        run = gdviz.descend(bowl, gdviz.optimizers.GradientDescent(lr), steps=200)
        with plotting.projector_style():
            figure, (ax, loss_ax) = make_figure()
            plotting.contour(ax, bowl)
            plotting.PathArtist(ax).update(run.points)
            curve = plotting.LossCurve(loss_ax)
            curve.update(run.losses)
            loss_ax.set_xlim(-4, 204)
            loss_ax.yaxis.set_minor_locator(NullLocator())
            fit_loss_range(loss_ax, run.losses, always=True)
        return figure

    def new_figure():
        figure = Figure(figsize=(9, 3.8), layout="constrained")
        return figure, figure.subplots(1, 2, width_ratios=[1.15, 1])

    naive_times = []
    def naive_replot(lr):
        start = time.perf_counter()
        figure = figure_like_ours(new_figure, lr)
        FigureCanvasAgg(figure)
        with io.BytesIO() as out:
            figure.savefig(out, format="png")
        naive_times.append(time.perf_counter() - start)

    import ipywidgets
    import matplotlib.pyplot as plt

    def pyplot_figure():
        figure = plt.figure(figsize=(9, 3.8), layout="constrained")
        return figure, figure.subplots(1, 2, width_ratios=[1.15, 1])

    def replot(lr):
        figure_like_ours(pyplot_figure, lr)
        plt.show()

    interact_slider = ipywidgets.FloatLogSlider(value=0.1, base=10, min=-2, max=-0.5)
    interactive = ipywidgets.interactive(replot, lr=interact_slider)
    interact_times = []
    def interact_update(lr):
        start = time.perf_counter()
        interact_slider.value = lr
        interact_times.append(time.perf_counter() - start)

    changes = {{steps: step_size_change(steps) for steps in (200, 100, 10_000)}}
    lrs = np.geomspace(0.01, 0.3, REPEATS)
    # interleaved rounds, so that a burst of load elsewhere hits every row alike
    for lr in lrs:
        for change, _ in changes.values():
            change()
        naive_replot(lr)
        interact_update(lr)
    results = {{f"ipympl_{{steps}}": check() for steps, (_, check) in changes.items()}}

    # for the record: a surface switch redraws everything (new contours, new axes)
    explorer = DescentExplorer("quadratic", backend="ipympl")
    connected(explorer)
    switch_times = []
    for name in ["rosenbrock", "quadratic"] * 5:
        start = time.perf_counter()
        explorer.controls["surface"].value = name
        switch_times.append(time.perf_counter() - start)
    results["switch"] = {{"ms": 1000 * statistics.median(switch_times)}}
    results["naive"] = {{"ms": 1000 * statistics.median(naive_times)}}
    results["interact"] = {{"ms": 1000 * statistics.median(interact_times)}}
    results["backend"] = user_backend
    results["backend_after"] = matplotlib.get_backend()
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


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    results = run_in_kernel(KERNEL_CODE.format(repeats=REPEATS))
    ours = results["ipympl_200"]["ms"]
    naive = results["naive"]["ms"]
    interact = results["interact"]["ms"]
    speedup = naive / ours
    long_ratio = results["ipympl_10000"]["ms"] / results["ipympl_100"]["ms"]
    goal = ours <= 16
    required = ours <= 25 and speedup >= 4
    long_ok = long_ratio <= 2

    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"Step-size change latency inside a kernel, median of {REPEATS} (load average {load}).")
    print(f"User backend before/after: {results['backend']} / {results['backend_after']}.\n")
    print("| measurement | median | goal | result |")
    print("| --- | --- | --- | --- |")
    print(
        f"| DescentExplorer, ipympl, 200-step path: blit + diff PNG sent "
        f"({results['ipympl_200']['bytes'] / 1000:.0f} kB) | {ours:.1f} ms | ≤ 16 ms (goal) | "
        f"{verdict(goal)} |"
    )
    print(
        f"| same, required | {ours:.1f} ms | ≤ 25 ms and ≥ 4× faster than naive | "
        f"{verdict(required)} |"
    )
    print(f"| naive re-plot: new figure, contourf, draw, PNG | {naive:.1f} ms | — | — |")
    print(f"| `ipywidgets.interact` update, inline backend | {interact:.1f} ms | — | — |")
    print(
        f"| for the record: surface switch, ipympl (full redraw) | "
        f"{results['switch']['ms']:.1f} ms | — | — |"
    )
    print(f"| speed-up over the naive re-plot | {speedup:.1f}× | ≥ 4× | {verdict(speedup >= 4)} |")
    print(
        f"| 10,000-step path: {results['ipympl_10000']['ms']:.1f} ms; 100-step path: "
        f"{results['ipympl_100']['ms']:.1f} ms | {long_ratio:.2f}× | ≤ 2× | {verdict(long_ok)} |"
    )
    return 0 if required and long_ok else 1


if __name__ == "__main__":
    sys.exit(main())
