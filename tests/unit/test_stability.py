"""Curvature, stability limits and slider stops (gdviz.stability)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdviz import stability, surfaces


def test_the_curvature_of_the_bowl_is_its_largest_hessian_eigenvalue():
    bowl = surfaces.get("quadratic")
    assert stability.largest_curvature(bowl, bowl.start) == pytest.approx(10.0)


def test_only_quadratics_have_constant_curvature():
    assert stability.has_constant_curvature(surfaces.get("quadratic"))
    assert stability.has_constant_curvature(surfaces.get("booth"))
    assert not stability.has_constant_curvature(surfaces.get("rosenbrock"))


def test_momentum_allows_a_larger_step_than_gradient_descent():
    gd, _ = stability.stability_limit("gd", {}, 10.0)
    momentum, formula = stability.stability_limit("momentum", {"beta": 0.9}, 10.0)
    assert gd == pytest.approx(0.2) and momentum == pytest.approx(0.38)
    assert "β" in formula


def test_the_step_size_range_reaches_past_the_limit_and_starts_below_it():
    bowl = surfaces.get("quadratic")
    low, high, default = stability.step_size_range("gd", bowl, 10.0)
    assert low < default < 0.2 < high


def test_stops_include_the_anchor_and_cover_the_range():
    exponents = stability.stop_exponents(
        0.03, 0.9, 0.1, stops_per_decade=10, anchor=math.log10(0.2)
    )
    stops = 10**exponents
    assert stops[0] <= 0.03 and stops[-1] >= 0.9
    assert np.min(np.abs(stops - 0.2)) < 1e-12


def test_snap_rounds_to_twenty_stops_a_decade():
    assert stability.snap(0.1) == pytest.approx(0.1)
    assert stability.snap(0.11) == pytest.approx(10 ** (-19 / 20))
