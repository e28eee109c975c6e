"""The simulator and its oracle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forecasting.geo import Region
from forecasting.grid import Grid
from forecasting.simulate import Simulation, load_simulation, season_factor, simulate


def test_same_seed_same_history(region: Region) -> None:
    a = simulate(region, "2023-01-01", 30, random_state=9, background_per_day=5.0)
    b = simulate(region, "2023-01-01", 30, random_state=9, background_per_day=5.0)
    c = simulate(region, "2023-01-01", 30, random_state=10, background_per_day=5.0)
    np.testing.assert_array_equal(a.events.t, b.events.t)
    assert len(a.events) != len(c.events) or not np.array_equal(a.events.x, c.events.x)


def test_incidents_stay_in_the_region_and_the_period(sim: Simulation, region: Region) -> None:
    minx, miny, maxx, maxy = region.geometry.bounds
    ev = sim.events
    assert ev.x.min() >= minx and ev.x.max() <= maxx and ev.y.min() >= miny and ev.y.max() <= maxy
    assert ev.t.min() >= sim.params["start"] and ev.t.max() < sim.params["end"]
    assert set(ev.category) <= {
        "hurto",
        "robo",
        "lesiones",
        "violencia_familiar",
        "microcomercializacion_drogas",
        "homicidio",
    }


def test_the_seasonal_integral_is_exact(sim: Simulation) -> None:
    start, end = sim.params["start"] + 0.3, sim.params["start"] + 9.1
    t = np.linspace(start, end, 200_001)
    numeric = np.trapezoid(season_factor(sim.params, t), t)
    assert sim.season_integral(start, end) == pytest.approx(numeric, rel=1e-6)
    # Mean 1 over whole weeks.
    assert sim.season_integral(0.0, 14.0) == pytest.approx(14.0)


def test_the_oracle_expects_about_what_happens(sim: Simulation, grid: Grid) -> None:
    start, end = sim.params["start"] + 60, sim.params["end"]
    expected = sim.intensity(grid, start, end)
    observed = len(sim.events.between(start, end))
    # The compensator's total matches the count up to Poisson noise (4 standard deviations).
    assert abs(expected.sum() - observed) < 4 * np.sqrt(observed)
    assert sim.intensity(grid, start, end, realised=False).sum() < expected.sum()


def test_the_oracle_survives_a_round_trip(sim: Simulation, grid: Grid, tmp_path: Path) -> None:
    path = tmp_path / "oracle.npz"
    sim.save(path)
    again = load_simulation(path)
    start = sim.params["start"] + 100
    np.testing.assert_allclose(
        again.intensity(grid, start, start + 7), sim.intensity(grid, start, start + 7)
    )
