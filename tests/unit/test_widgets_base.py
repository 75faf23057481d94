"""The explorer base: backends, redraws in place, messages, bad input, static output."""

import base64
import io
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent
from matplotlib.figure import Figure
from PIL import Image

from gdviz.widgets import base
from gdviz.widgets.base import Explorer, int_slider, log_slider

BACKENDS = ["ipympl", "inline"]


class Echo(Explorer):
    """The smallest explorer: a line whose height is the slider's value."""

    def __init__(self, backend):
        figure = Figure(figsize=(4, 3))
        self.ax = figure.subplots()
        self.ax.set(xlim=(0, 1), ylim=(0, 1), title="echo", xlabel="x", ylabel="h")
        (self.line,) = self.ax.plot([], [])
        self.calls = 0
        self.fail_at = None
        self.clicks = []
        super().__init__(figure, caption="Move the slider.", backend=backend)
        self.view.animate(self.line)
        self.add_control("h", log_slider("h", 0.1, 1e-3, 1.0))
        self.add_control("n", int_slider("n", 3, 1, 10))
        self.add_animation(10)
        self.watch(["h", "n"], self.update)
        self.watch(["frame"], self.update)
        self.on_click(self.clicked)
        self.arrange(["h", "n"], ["play", "frame"])
        self.run(self.update, redraw=True)

    def update(self):
        self.calls += 1
        if self.controls["n"].value == self.fail_at:
            raise RuntimeError("this n is broken")
        self.result = self.controls["h"].value
        self.line.set_data([0, 1], [0, self.result])

    def clicked(self, ax, x, y):
        if x > 0.9:
            raise ValueError("too far right")
        self.clicks.append((x, y))

    def summary(self):
        return f"Echo: h = {self.result:g}"


@pytest.fixture(params=BACKENDS)
def echo(request):
    return Echo(request.param)


def test_choose_backend(monkeypatch):
    monkeypatch.delenv(base.BACKEND_VARIABLE, raising=False)
    assert base.choose_backend() == "ipympl"
    monkeypatch.setenv(base.BACKEND_VARIABLE, "inline")
    assert base.choose_backend() == "inline"
    assert base.choose_backend("ipympl") == "ipympl"
    monkeypatch.setenv(base.BACKEND_VARIABLE, "tk")
    with pytest.raises(ValueError, match=r"\$GDVIZ_BACKEND must be one of ipympl, inline"):
        base.choose_backend()


def test_the_ipympl_canvas_leaves_the_users_backend_and_figures_alone():
    backend = matplotlib.get_backend()
    user_figure = plt.figure()
    try:
        explorer = Echo("ipympl")
        assert matplotlib.get_backend() == backend
        assert plt.fignum_exists(user_figure.number)
        assert type(explorer.view.widget).__mro__[1].__name__ == "Canvas"  # ipympl's
        assert explorer.view.widget.header_visible is False
        assert explorer.view.widget.resizable is False
    finally:
        plt.close(user_figure)


def test_setting_a_control_updates_result_and_artists_by_blitting(echo):
    draws = echo.view.full_draws
    echo.controls["h"].value = 0.5
    assert echo.result == 0.5
    assert echo.line.get_ydata()[-1] == 0.5
    assert echo.view.full_draws == draws
    assert echo.view.blits >= 1
    assert echo.entries["h"].value == "0.5"


def test_inline_fallback_re_renders_a_png_and_says_once_how_to_get_the_smooth_one():
    echo = Echo("inline")
    before = bytes(echo.view.widget.value)
    assert before.startswith(b"\x89PNG")
    echo.controls["h"].value = 0.9
    assert bytes(echo.view.widget.value) != before
    assert "pip install ipympl" in echo.backend_note.value
    assert Echo("ipympl").backend_note.value == ""


def test_a_typed_value_outside_the_range_is_clamped_with_a_message(echo):
    echo.entries["h"].value = "50"
    assert echo.result == 1.0
    assert "clamped to 1" in echo.message.value
    assert "outside [0.001, 1]" in echo.message.value


def test_text_that_is_not_a_number_is_refused(echo):
    echo.entries["h"].value = "fast"
    assert "not a number" in echo.message.value
    assert echo.result == 0.1
    assert echo.entries["h"].value == "0.1"
    echo.entries["n"].value = "2.5"
    assert "not a whole number" in echo.message.value
    assert echo.controls["n"].value == 3


def test_a_value_set_from_code_outside_the_range_is_clamped_with_a_message(echo):
    echo.controls["n"].value = 70
    assert echo.controls["n"].value == 10
    assert "n: 70 is outside [1, 10]; clamped to 10" in echo.message.value


def test_an_error_in_a_callback_is_shown_then_cleared(echo, capsys):
    echo.fail_at = 7
    echo.controls["n"].value = 7
    assert "RuntimeError: this n is broken" in echo.message.value
    assert isinstance(echo.last_error, RuntimeError)
    echo.controls["n"].value = 5
    assert echo.message.value == ""
    assert echo.last_error is None
    assert capsys.readouterr().err == ""


def test_holding_runs_each_callback_once(echo):
    calls = echo.calls
    with echo.holding():
        echo.controls["h"].value = 0.2
        echo.controls["n"].value = 4
        echo.controls["h"].value = 0.3
    assert echo.calls == calls + 1
    assert echo.result == 0.3


def test_play_and_frame_follow_each_other_in_the_kernel(echo):
    echo.controls["play"].value = 3
    assert echo.controls["frame"].value == 3
    echo.controls["frame"].value = 6
    assert echo.controls["play"].value == 6
    echo.set_frames(5)
    assert echo.controls["frame"].value == 5
    assert echo.controls["play"].max == echo.controls["frame"].max == 5


def test_a_note_speaks_of_the_latest_change_only(echo):
    echo.controls["n"].value = 70
    assert "clamped" in echo.message.value
    echo.controls["h"].value = 0.2
    assert echo.message.value == ""


def test_frames_the_browser_sends_are_not_echoed_back(echo):
    # the browser's jslink moves the frame slider itself; the kernel must not push it back
    play, frame = echo.controls["play"], echo.controls["frame"]
    play.set_state({"value": 4})
    assert frame.value == 10
    frame.set_state({"value": 4})
    assert echo.line.get_ydata()[-1] == echo.result
    assert play.value == 4


def test_the_mimebundle_has_a_png_of_the_figure_and_the_summary(echo):
    echo.controls["h"].value = 0.5
    bundle = echo._repr_mimebundle_()
    assert bundle["text/plain"] == "Echo: h = 0.5"
    assert base.WIDGET_VIEW in bundle
    image = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert image.size == (400, 300)
    assert repr(echo) == "Echo: h = 0.5"


def test_blitting_still_works_after_the_static_png(echo):
    echo._repr_mimebundle_()
    echo.controls["h"].value = 0.7
    assert echo.line.get_ydata()[-1] == 0.7
    pixels = np.asarray(echo.view.canvas.buffer_rgba())
    assert pixels.shape[:2] == (300, 400)


def _click(explorer, x, y):
    px, py = explorer.ax.transData.transform((x, y))
    MouseEvent("button_press_event", explorer.view.canvas, px, py, button=1)._process()


def test_clicks_reach_the_callback_and_their_errors_are_shown():
    echo = Echo("ipympl")
    _click(echo, 0.25, 0.5)
    assert echo.clicks == [pytest.approx((0.25, 0.5))]
    _click(echo, 0.95, 0.5)
    assert "ValueError: too far right" in echo.message.value


def test_ipympl_sends_only_the_changed_region_after_a_blit():
    echo = Echo("ipympl")
    canvas = echo.view.canvas
    canvas.syncing_data_url = False  # what the frontend's "initialized" message does
    sent = []
    canvas.send_binary = sent.append
    echo.controls["h"].value = 0.6
    assert len(sent) == 1
    assert canvas._current_image_mode == "diff"
    assert sent[0].startswith(b"\x89PNG")


def test_the_fast_png_encoder_keeps_every_pixel():
    rng = np.random.default_rng(0)
    pixels = np.zeros((40, 30, 4), np.uint8)
    pixels[5:20, 3:17] = rng.integers(0, 256, (15, 14, 4), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(base.encode_png(pixels))))
    np.testing.assert_array_equal(decoded, pixels)


def test_the_diff_ipympl_sends_is_exactly_what_changed():
    echo = Echo("ipympl")
    canvas = echo.view.canvas
    canvas.syncing_data_url = False
    sent = []
    canvas.send_binary = sent.append
    before = np.asarray(canvas.buffer_rgba()).copy()
    echo.controls["h"].value = 0.6
    after = np.asarray(canvas.buffer_rgba()).copy()
    diff = np.asarray(Image.open(io.BytesIO(sent[0])))
    changed = np.any(before != after, axis=-1)
    assert changed.any()
    np.testing.assert_array_equal(diff[changed], after[changed])
    assert not diff[~changed].any()


def test_static_only_artists_are_hidden_live_and_shown_in_the_picture():
    echo = Echo("inline")
    note = echo.ax.text(0.5, 0.5, "for static viewers", fontsize=30)
    echo.view.show_in_static_picture_only(note)
    echo.view.refresh(full=True)
    live = np.asarray(Image.open(io.BytesIO(bytes(echo.view.widget.value))))
    static = np.asarray(Image.open(io.BytesIO(echo.view.png())))
    assert not note.get_visible()
    assert live.shape == static.shape
    assert np.any(live != static)


def test_an_executed_notebook_keeps_the_picture_and_the_summary(tmp_path):
    nbclient = pytest.importorskip("nbclient")
    source = textwrap.dedent(
        """
        from gdviz.widgets import DescentExplorer
        DescentExplorer("quadratic")
        """
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    client = nbclient.NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    (output,) = notebook.cells[0].outputs
    assert output["output_type"] == "execute_result"
    data = output["data"]
    assert data["text/plain"] == (
        "DescentExplorer: quadratic, GradientDescent(lr=0.1), 100 steps → loss 7.9e-10"
    )
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert base.WIDGET_VIEW in data


def test_save_gif_writes_every_frame_and_restores_the_shown_frame(tmp_path):
    from PIL import Image

    from gdviz.widgets import DescentExplorer

    explorer = DescentExplorer(steps=20)
    explorer.controls["frame"].value = 7
    written = explorer.save_gif(tmp_path / "descent.gif", fps=5)
    with Image.open(written) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == 21
        first = np.asarray(gif.convert("RGB"))
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("RGB"))
    assert (first != last).any(), "the path should grow from the first frame to the last"
    assert explorer.controls["frame"].value == 7


def test_save_gif_keeps_at_most_max_frames(tmp_path):
    from PIL import Image

    from gdviz.widgets import DescentExplorer

    explorer = DescentExplorer(steps=100)
    with Image.open(explorer.save_gif(tmp_path / "short.gif", max_frames=10)) as gif:
        assert gif.n_frames == 10


def test_save_gif_refuses_a_bad_frame_rate(tmp_path):
    from gdviz.widgets import DescentExplorer

    explorer = DescentExplorer(steps=5)
    with pytest.raises(ValueError, match="fps must be a whole number >= 1; got 0"):
        explorer.save_gif(tmp_path / "x.gif", fps=0)


def test_save_gif_of_an_explorer_on_the_old_base_restores_its_frame(tmp_path):
    from PIL import Image

    from gdviz.widgets import OptimizerRace  # the last explorer with frames on the old base

    explorer = OptimizerRace(backend="inline")
    last = explorer.controls["frame"].max
    explorer.controls["frame"].value = 3
    with Image.open(explorer.save_gif(tmp_path / "race.gif", max_frames=4)) as gif:
        assert gif.format == "GIF" and gif.n_frames == min(4, last + 1)
    assert explorer.controls["frame"].value == 3
