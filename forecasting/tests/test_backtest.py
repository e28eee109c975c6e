"""Rolling-origin backtests."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting import InputError
from forecasting.backtest import backtest, make_origins, to_markdown
from forecasting.geo import Region
from forecasting.simulate import Simulation
from forecasting.timeutil import to_days


def test_origins_run_from_start_to_end_inclusive() -> None:
    assert make_origins(0.0, 21.0, 7.0) == [0.0, 7.0, 14.0, 21.0]
    assert make_origins(0.0, 20.0, 7.0) == [0.0, 7.0, 14.0]
    with pytest.raises(InputError):
        make_origins(5.0, 1.0, 7.0)


def test_a_small_backtest_scores_every_model(sim: Simulation, region: Region) -> None:
    start = to_days("2023-06-05", sim.events.tz)
    origins = make_origins(start, start + 35, 7.0)
    messages: list[str] = []
    result = backtest(
        sim.events,
        region,
        ["uniform", "naive", "sepp", "ensemble"],
        origins,
        7.0,
        offsets=2,
        progress=messages.append,
        oracle=sim,
    )
    assert len(messages) == 2 * len(origins)
    assert result.offsets[0] == (0.0, 0.0) and result.offsets[1] != (0.0, 0.0)
    summary = result.summary(n_boot=200)
    assert set(summary) == {
        "uniform",
        "naive7",
        "naive28",
        "naive365",
        "naive_all",
        "sepp",
        "ensemble",
        "oracle_ex_ante",
        "oracle",
    }
    for row in summary.values():
        for metric in row["coverage"]["0.05"].values():
            assert metric["low"] <= metric["estimate"] <= metric["high"]
    # A flat forecast flags area, not crime: PAI 1 exactly, whatever the offset.
    assert summary["uniform"]["coverage"]["0.05"]["pai"]["estimate"] == pytest.approx(1.0)
    assert (
        summary["oracle"]["coverage"]["0.05"]["hit_rate"]["estimate"]
        > (summary["uniform"]["coverage"]["0.05"]["hit_rate"]["estimate"])
    )
    # Pooled hits over origins, by hand, for the first offset.
    hits = result.hits["sepp"][0, :, 1].sum() / result.incidents[0].sum()
    assert np.isclose(hits, result.hits["sepp"][0, :, 1].sum() / result.incidents[0].sum())
    table = to_markdown(summary, result.coverages)
    assert "| sepp | 5% |" in table and "fit s / origin" in table
    assert "Calibration" in table and "| model | east | west |" in table


def test_calibration_and_district_equity_are_part_of_the_result(
    sim: Simulation, region: Region
) -> None:
    start = to_days("2023-06-05", sim.events.tz)
    result = backtest(
        sim.events, region, ["uniform", "naive365"], make_origins(start, start + 21, 7.0), 7.0,
        progress=None, oracle=sim,
    )  # fmt: skip
    summary = result.summary(n_boot=50)
    # Every cell belongs to a district, so the districts share out every incident.
    assert result.district_incidents.sum() == pytest.approx(result.incidents.sum())
    # A flat forecast: the same mean forecast in every decile; its flagged cells, ties split
    # evenly, fall in each district in proportion to the district's cells.
    flat = summary["uniform"]["calibration"]
    assert [row["decile"] for row in flat] == list(range(1, 11))
    assert len({round(row["mean_forecast"], 12) for row in flat}) == 1
    grid_districts = result.districts
    assert grid_districts == ["east", "west"]
    from forecasting.grid import Grid

    names = Grid.from_region(region, 150.0).districts(region)
    for row in summary["uniform"]["equity"]:
        assert row["flagged_share"] == pytest.approx(np.mean(names == row["district"]))
        incidents = result.district_incidents[..., grid_districts.index(row["district"])].sum()
        assert row["incident_share"] == pytest.approx(incidents / result.incidents.sum())
        assert row["ratio"] == pytest.approx(row["flagged_share"] / row["incident_share"])
    # The truth is better calibrated at the top than a flat forecast, and knows where crime is.
    oracle = summary["oracle"]["calibration"]
    assert oracle[-1]["mean_observed"] > oracle[0]["mean_observed"]
    assert oracle[-1]["mean_forecast"] > flat[-1]["mean_forecast"]


def test_ensemble_weights_only_use_closed_windows(sim: Simulation, region: Region) -> None:
    from forecasting import metrics
    from forecasting.grid import Grid
    from forecasting.models import NaiveCounts
    from forecasting.models.ensemble import combine

    start = to_days("2023-06-05", sim.events.tz)
    # Origins 3.5 days apart with a 7-day horizon: the first window is still open at the
    # second origin, so the second origin must still use equal weights.
    origins = [start, start + 3.5]
    result = backtest(
        sim.events, region, ["naive_all", "naive7", "ensemble"], origins, 7.0, progress=None
    )
    grid = Grid.from_region(region, 150.0)
    o = origins[1]
    preds = [NaiveCounts(w).fit(sim.events, grid, o).predict(o, o + 7) for w in (None, 7)]
    actual = grid.counts(grid.locate(*_window_xy(sim, o, o + 7)))
    k = metrics.n_flagged(grid.n_cells, 0.05)
    assert result.hits["ensemble"][0, 1, 1] == pytest.approx(
        metrics.hits(combine(preds, [0.5, 0.5]), actual, k)
    )
    assert result.fit_seconds["ensemble"][0, 0] == pytest.approx(
        result.fit_seconds["naive_all"][0, 0] + result.fit_seconds["naive7"][0, 0]
    )


def _window_xy(sim: Simulation, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    window = sim.events.between(start, end)
    return window.x, window.y


def test_a_backtest_before_any_incident_is_refused(sim: Simulation, region: Region) -> None:
    with pytest.raises(InputError, match="no incidents before the first origin"):
        backtest(sim.events, region, ["naive_all"], [sim.params["start"] - 30], 7.0, progress=None)


def test_weekly_origins_stay_on_local_midnight_across_daylight_saving() -> None:
    from forecasting.timeutil import from_days

    tz = "America/Toronto"
    origins = make_origins(to_days("2021-03-01", tz), to_days("2021-03-22", tz), 7.0, tz=tz)
    assert [from_days(o, tz).strftime("%m-%d %H:%M") for o in origins] == [
        "03-01 00:00",
        "03-08 00:00",
        "03-15 00:00",
        "03-22 00:00",
    ]
    # The week containing the change is an hour short.
    assert origins[2] - origins[1] == pytest.approx(7 - 1 / 24)
