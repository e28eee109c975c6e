"""Every metric against examples worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forecasting import metrics

# Four cells; the forecast ranks cell 0 first, then cells 1 and 2 tied, then cell 3.
FORECAST = np.array([0.9, 0.5, 0.5, 0.1])
ACTUAL = np.array([2.0, 1.0, 3.0, 4.0])  # 10 incidents


def test_it_flags_round_fraction_of_cells_and_at_least_one() -> None:
    assert metrics.n_flagged(4, 0.25) == 1
    assert metrics.n_flagged(4, 0.5) == 2
    assert metrics.n_flagged(1000, 0.0001) == 1
    with pytest.raises(ValueError):
        metrics.n_flagged(4, 0.0)


def test_hit_rate_counts_the_top_cells() -> None:
    # Top 1 cell = cell 0 with 2 of 10 incidents.
    assert metrics.hit_rate(FORECAST, ACTUAL, 0.25) == pytest.approx(0.2)
    # Top 3 cells = cells 0, 1, 2: 6 of 10.
    assert metrics.hit_rate(FORECAST, ACTUAL, 0.75) == pytest.approx(0.6)


def test_ties_at_the_cut_off_are_split_evenly() -> None:
    # Top 2 = cell 0 plus one of the tied cells 1 (1 incident) or 2 (3): expectation 2 + 2.
    assert metrics.hits(FORECAST, ACTUAL, 2) == pytest.approx(4.0)
    assert metrics.hit_rate(FORECAST, ACTUAL, 0.5) == pytest.approx(0.4)
    # The answer does not depend on which tied cell comes first.
    swapped = metrics.hit_rate(FORECAST[[0, 2, 1, 3]], ACTUAL[[0, 2, 1, 3]], 0.5)
    assert swapped == pytest.approx(0.4)


def test_a_flat_forecast_hits_in_proportion_to_area() -> None:
    assert metrics.hit_rate(np.ones(4), ACTUAL, 0.25) == pytest.approx(0.25)


def test_pai_divides_hit_rate_by_area_share() -> None:
    # 0.2 of incidents in 0.25 of the area.
    assert metrics.pai(FORECAST, ACTUAL, 0.25) == pytest.approx(0.8)
    # With unequal areas the flagged area is cell 0's: 1 of 1 + 1 + 1 + 2 = 5.
    areas = np.array([1.0, 1.0, 1.0, 2.0])
    assert metrics.pai(FORECAST, ACTUAL, 0.25, areas=areas) == pytest.approx(0.2 / 0.2)


def test_pai_from_counts_pools_sums_over_windows() -> None:
    # Two windows on grids of 40 and 60 cells: hits 4 + 8 of 10 + 30 incidents, flagged
    # cells 2 + 3. Pooled: (12 / 40) / (5 / 100) = 0.3 / 0.05 = 6.
    assert metrics.pai_from_counts(4 + 8, 10 + 30, 2 + 3, 40 + 60) == pytest.approx(6.0)
    assert metrics.pai_from_counts(6, 20, 2, 50) == 7.5
    assert metrics.pai_from_counts(0, 10, 2, 50) == 0.0
    assert metrics.pai_from_counts(3, 0, 2, 50) is None
    assert metrics.pai_from_counts(3, 10, 0, 50) is None
    assert metrics.pai_from_counts(3, 10, 2, 0) is None


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.75, 1.0])
def test_pai_from_counts_agrees_with_pai_on_one_window(fraction: float) -> None:
    k = metrics.n_flagged(len(ACTUAL), fraction)
    hits = metrics.hits(FORECAST, ACTUAL, k)
    from_counts = metrics.pai_from_counts(hits, ACTUAL.sum(), k, len(ACTUAL))
    assert from_counts == metrics.pai(FORECAST, ACTUAL, fraction)


def test_pei_star_compares_with_the_best_cells() -> None:
    # Best single cell holds 4; the forecast's top cell holds 2.
    assert metrics.pei_star(FORECAST, ACTUAL, 0.25) == pytest.approx(0.5)
    # Best two cells hold 4 + 3 = 7; the forecast expects 4.
    assert metrics.pei_star(FORECAST, ACTUAL, 0.5) == pytest.approx(4 / 7)
    assert metrics.pei_star(ACTUAL, ACTUAL, 0.5) == pytest.approx(1.0)


def test_metrics_are_nan_without_incidents() -> None:
    assert math.isnan(metrics.hit_rate(FORECAST, np.zeros(4), 0.5))
    assert math.isnan(metrics.pei_star(FORECAST, np.zeros(4), 0.5))


def test_coverage_curve_and_its_area() -> None:
    fractions, rates = metrics.coverage_curve(FORECAST, ACTUAL)
    np.testing.assert_allclose(fractions, [0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(rates, [0, 0.2, 0.4, 0.6, 1.0])
    # Up to 0.5: trapezoids (0 + 0.2)/2 * 0.25 + (0.2 + 0.4)/2 * 0.25 = 0.1, over 0.5 = 0.2.
    assert metrics.coverage_auc(FORECAST, ACTUAL, max_fraction=0.5) == pytest.approx(0.2)
    # Up to 0.125 (half the first step): rate rises linearly to 0.1; area 0.00625 / 0.125.
    assert metrics.coverage_auc(FORECAST, ACTUAL, max_fraction=0.125) == pytest.approx(0.05)


def test_poisson_log_likelihood() -> None:
    # log P(y=2 | 1) = 2 log 1 - 1 - log 2!; log P(y=0 | 2) = -2.
    expected = (0 - 1 - math.log(2)) + (-2.0)
    got = metrics.poisson_log_likelihood(np.array([1.0, 2.0]), np.array([2.0, 0.0]))
    assert got == pytest.approx(expected)
    # A zero forecast where something happened is floored, not infinite.
    assert metrics.poisson_log_likelihood(np.array([0.0]), np.array([1.0])) == pytest.approx(
        math.log(1e-9) - 1e-9
    )


def test_brier_score_uses_the_chance_of_at_least_one_incident() -> None:
    p = 1 - math.exp(-math.log(2))  # forecast ln 2 -> probability 0.5
    score = metrics.brier_score(np.array([math.log(2), 0.0]), np.array([3.0, 0.0]))
    assert p == pytest.approx(0.5)
    assert score == pytest.approx(((0.5 - 1) ** 2 + 0.0) / 2)


def test_calibration_by_decile_groups_cells_by_forecast() -> None:
    forecast = np.array([4.0, 1.0, 3.0, 2.0])
    actual = np.array([8.0, 0.0, 2.0, 2.0])
    table = metrics.calibration_by_decile(forecast, actual, bins=2)
    assert table["cells"].tolist() == [2, 2]
    # Low group: forecasts 1, 2 (observed 0, 2); high group: 3, 4 (observed 2, 8).
    assert table["mean_forecast"].tolist() == [1.5, 3.5]
    assert table["mean_observed"].tolist() == [1.0, 5.0]


def test_equity_compares_flagged_area_with_incidents_by_district() -> None:
    districts = np.array(["a", "a", "b", "b"], dtype=object)
    table = metrics.equity_by_district(FORECAST, ACTUAL, districts, 0.5).set_index("district")
    # Two flagged cells: cell 0 (a) and half of cell 1 (a) / half of cell 2 (b).
    assert table.loc["a", "flagged_cells"] == pytest.approx(1.5)
    assert table.loc["a", "flagged_share"] == pytest.approx(0.75)
    assert table.loc["a", "incident_share"] == pytest.approx(0.3)
    assert table.loc["b", "ratio"] == pytest.approx(0.25 / 0.7)
