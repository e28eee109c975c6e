"""Behaviour every model must have, plus model-specific checks."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from forecasting.events import Events
from forecasting.geo import Region
from forecasting.grid import Grid
from forecasting.models import (
    DecayedCounts,
    Ensemble,
    GradientBoostingRisk,
    GridSEPP,
    KerasSpatioTemporal,
    NaiveCounts,
    NeighbourBorrowing,
    NotFittedError,
    ProspectiveHotspot,
    RandomForestRisk,
    RetrospectiveKDE,
    Uniform,
    make_model,
)
from forecasting.models.base import ForecastModel
from forecasting.simulate import Simulation, simulate_grid_hawkes
from forecasting.timeutil import to_days

UNTIL = "2023-07-01"


def small_models() -> list[ForecastModel]:
    return [
        Uniform(),
        NaiveCounts(28),
        NaiveCounts(None),
        RetrospectiveKDE(),
        ProspectiveHotspot(),
        GridSEPP(),
        DecayedCounts(91.0),
        NeighbourBorrowing(GridSEPP(), beta=0.5),
        RandomForestRisk(n_estimators=10, random_state=0),
        GradientBoostingRisk(max_iter=20, random_state=0),
        Ensemble(members=[NaiveCounts(None), GridSEPP()], n_validation=2),
        KerasSpatioTemporal(n_origins=3, epochs=2, filters=4, random_state=0),
    ]


def model_id(model: ForecastModel) -> str:
    return type(model).__name__ + str(getattr(model, "window_days", ""))


def events_at(x: list[float], y: list[float], days: list[float]) -> Events:
    n = len(x)
    return Events(
        np.array(days, dtype=float),
        np.array(x),
        np.array(y),
        np.array(["a"] * n, dtype=object),
        np.array(["victim_report"] * n, dtype=object),
        "EPSG:32718",
        "UTC",
    )


@pytest.mark.parametrize("model", small_models(), ids=model_id)
def test_incidents_after_the_cut_off_change_nothing(
    model: ForecastModel, sim: Simulation, grid: Grid
) -> None:
    until = to_days(UNTIL, sim.events.tz)
    before = sim.events.before(until)
    start, end = until + 0.5, until + 7.5
    first = model.fit(before, grid, until).predict(start, end)
    second = type(model)(**model.get_params()).fit(sim.events, grid, until).predict(start, end)
    np.testing.assert_array_equal(first, second)
    assert first.shape == (grid.n_cells,)
    assert np.all(first >= 0) and first.sum() > 0
    # The events after the cut-off do exist and would change a count.
    assert len(sim.events) > len(before)


@pytest.mark.parametrize("model", small_models(), ids=model_id)
def test_same_random_state_same_forecast(model: ForecastModel, sim: Simulation, grid: Grid) -> None:
    a = model.fit(sim.events, grid, UNTIL).predict(UNTIL, "2023-07-08")
    b = type(model)(**model.get_params()).fit(sim.events, grid, UNTIL).predict(UNTIL, "2023-07-08")
    np.testing.assert_array_equal(a, b)


def test_hyperparameters_are_stored_unchanged() -> None:
    model = GridSEPP(max_lag_days=30.0, tol=1e-6)
    assert model.get_params()["max_lag_days"] == 30.0
    assert model.set_params(n_iter=5).n_iter == 5
    with pytest.raises(ValueError):
        model.set_params(bandwidth=1)
    assert "max_lag_days=30.0" in repr(model)


def test_predict_before_fit_and_windows_before_the_cut_off_are_refused(
    sim: Simulation, grid: Grid
) -> None:
    with pytest.raises(NotFittedError):
        NaiveCounts().predict(UNTIL, "2023-07-08")
    model = NaiveCounts().fit(sim.events, grid, UNTIL)
    with pytest.raises(ValueError, match="before the training cut-off"):
        model.predict("2023-06-01", "2023-06-08")


def test_naive_counts_are_a_rate_times_the_window() -> None:
    region = Region(shapely.box(0, 0, 300, 150), "EPSG:32718")
    grid = Grid.from_region(region, 150)
    events = events_at([10, 20, 200, 30], [10, 10, 10, 10], [1.0, 5.0, 6.0, 20.0])
    # Last 10 days before day 10: three incidents, two in cell 0 and one in cell 1.
    pred = NaiveCounts(10).fit(events, grid, 10.0).predict(10.0, 15.0)
    np.testing.assert_allclose(pred, [2 / 10 * 5, 1 / 10 * 5])
    uniform = Uniform().fit(events, grid, 10.0).predict(10.0, 19.0)
    # Three incidents over the 9 days since the first, spread over two cells.
    np.testing.assert_allclose(uniform, [1.5, 1.5])


def test_kde_keeps_the_mass_of_incidents_far_from_the_edge() -> None:
    region = Region(shapely.box(0, 0, 3000, 3000), "EPSG:32718")
    grid = Grid.from_region(region, 150)
    events = events_at([1500.0], [1500.0], [5.0])
    pred = RetrospectiveKDE(bandwidth=400, window_days=10).fit(events, grid, 10.0).predict(10, 20)
    assert pred.sum() == pytest.approx(1.0)  # one incident in 10 days, forecast for 10 days
    assert pred.argmax() == grid.locate(np.array([1500.0]), np.array([1500.0]))[0]
    # The quartic kernel is zero beyond its 400 m radius (plus a pixel of discretisation).
    cx, cy = grid.centres()
    far = np.hypot(cx - 1500, cy - 1500) > 400 + 150
    assert np.all(pred[far] == 0)


def test_prospective_hotspot_weights_by_distance_and_age() -> None:
    region = Region(shapely.box(0, 0, 1500, 150), "EPSG:32718")
    grid = Grid.from_region(region, 150)  # ten cells in a row
    # One incident in cell 0 this week and one in cell 0 three weeks ago (age 21.5 days).
    events = events_at([10, 10], [10, 10], [100.0 - 21.5, 99.0])
    model = ProspectiveHotspot(bandwidth_cells=3, weeks=8).fit(events, grid, 100.0)
    risk = model.rate_ / model.rate_[0]
    # Weight (1 + 1/4) at d cells away is (1 + 1/4) / (1 + d); nothing 3 or more cells away.
    np.testing.assert_allclose(risk[:5], [1, 1 / 2, 1 / 3, 0, 0])
    # An incident exactly 8 weeks old is out of reach.
    old = events_at([10], [10], [100.0 - 56.0])
    assert ProspectiveHotspot(weeks=8).fit(old, grid, 100.0).predict(100, 107).sum() == 0
    # Scaled so the total equals the recent rate: 2 incidents in 56 days.
    assert model.rate_.sum() == pytest.approx(2 / 56)


def test_sepp_recovers_the_parameters_of_a_simulated_process() -> None:
    """Tolerance: branching ratio within 0.05, decay rate within 15 %, total background
    within 10 %, and per-cell background correlated above 0.9 with the truth."""
    rng = np.random.default_rng(0)
    mu = rng.uniform(0.02, 0.2, size=150)
    theta, omega, days = 0.5, 0.3, 1000.0
    cells, t = simulate_grid_hawkes(mu, theta, omega, days, random_state=1)
    model = GridSEPP(max_lag_days=60.0)
    model.fit_arrays(cells, t, until=days, span=days, n_cells=len(mu))
    assert model.theta_ == pytest.approx(theta, abs=0.05)
    assert model.omega_ == pytest.approx(omega, rel=0.15)
    assert model.mu_.sum() == pytest.approx(mu.sum(), rel=0.10)
    assert np.corrcoef(model.mu_, mu)[0, 1] > 0.9


def test_sepp_forecast_decays_after_a_burst() -> None:
    region = Region(shapely.box(0, 0, 300, 150), "EPSG:32718")
    grid = Grid.from_region(region, 150)
    model = GridSEPP()
    model.fit(events_at([10, 200], [10, 10], [1.0, 2.0]), grid, 10.0)
    model.theta_, model.omega_ = 0.5, 1.0
    model.mu_ = np.zeros(2)
    model.recent_cells_, model.recent_t_ = np.array([0]), np.array([9.0])
    # theta * (exp(-1) - exp(-2)) for the day after the cut-off.
    assert model.predict(10.0, 11.0)[0] == pytest.approx(0.5 * (np.exp(-1) - np.exp(-2)))


def test_make_model_knows_every_name() -> None:
    names = ("uniform", "naive7", "naive_all", "kde", "prospective", "sepp", "decayed", "borrow")
    for name in (*names, "rf", "gbm"):
        assert isinstance(make_model(name), ForecastModel)
    with pytest.raises(ValueError, match="unknown model"):
        make_model("crystal_ball")


def test_ensemble_prefers_the_member_that_backtests_better(sim: Simulation, grid: Grid) -> None:
    model = Ensemble(members=[NaiveCounts(None), Uniform()], n_validation=3)
    model.fit(sim.events, grid, UNTIL)
    assert model.scores_[0] > model.scores_[1]
    assert model.weights_[0] > 0.9
    assert model.weights_.sum() == pytest.approx(1.0)
