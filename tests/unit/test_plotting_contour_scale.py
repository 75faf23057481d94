"""gdviz.plotting contour levels: the `scale` option (linear levels show steepness by crowding)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gdviz import surfaces
from gdviz.plotting import contour, contour_levels

WALLS = np.array([0.0, 0.5, 1.0, 2.0, 1e4])


def test_auto_is_the_default_and_goes_log_on_tall_walls():
    np.testing.assert_array_equal(contour_levels(WALLS, 3), contour_levels(WALLS, 3, "auto"))
    assert contour_levels(WALLS, 3)[0] == pytest.approx(1e-2)


def test_linear_levels_are_equally_spaced_even_on_tall_walls():
    np.testing.assert_allclose(contour_levels(WALLS, 3, "linear"), [0.0, 5000.0, 10000.0])


def test_log_levels_can_be_forced_on_a_gentle_range():
    levels = contour_levels(np.linspace(0.0, 1.0, 11), 3, "log")
    np.testing.assert_allclose(levels, [1e-6, 1e-3, 1.0])


def test_unknown_scale_is_refused():
    with pytest.raises(ValueError, match="scale must be one of auto, linear, log"):
        contour_levels(WALLS, 3, "sqrt")


def test_contour_with_linear_scale_draws_equally_spaced_levels_and_no_log_norm():
    fig, ax = plt.subplots()
    filled = contour(ax, surfaces.get("quadratic", condition=4), scale="linear")
    steps = np.diff(filled.levels)
    np.testing.assert_allclose(steps, steps[0])
    assert not isinstance(filled.norm, matplotlib.colors.LogNorm)
    plt.close(fig)
