"""The Knox test: pair counting, Monte Carlo inference, and the simulator's near repeats."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from forecasting.analysis import KnoxResult, knox_test, near_repeat_extent
from forecasting.errors import InputError
from forecasting.geo import Region
from forecasting.simulate import simulate


def test_pair_counting_by_hand() -> None:
    # name: (x, y, day)
    points = {
        "A": (0.0, 0.0, 0.0),
        "B": (0.0, 0.0, 3.0),  # same place as A, 3 days later
        "C": (100.0, 0.0, 7.0),  # exactly 100 m from A and B; exactly 7 days after A
        "D": (0.0, 150.0, 14.0),  # 150 m from A and B, 180 m from C
        "E": (1000.0, 1000.0, 1.0),  # far from everything
        "F": (0.0, 0.0, 40.0),  # same place as A and B, but 40 and 37 days later
    }
    x, y, t = (np.array([p[i] for p in points.values()]) for i in range(3))
    result = knox_test(x, y, t, distance_bands=(0, 100, 200), time_bands=(7, 14, 21, 28, 35))
    expected = [
        [1, 0, 0, 0, 0],  # same place: A-B (3 d); A-F and B-F are over 35 days apart
        [2, 0, 0, 0, 1],  # (0, 100] m: A-C (7 d: inclusive), B-C (4 d), C-F (33 d)
        [1, 2, 0, 1, 0],  # (100, 200] m: C-D (7 d), A-D (14 d), B-D (11 d), D-F (26 d)
    ]
    assert result.observed.tolist() == expected
    assert result.cumulative_observed.tolist() == np.cumsum(np.cumsum(expected, 0), 1).tolist()
    assert result.n_pairs == 10 and result.n_events == 6  # every pair but those with E


def test_pair_counting_against_brute_force() -> None:
    rng = np.random.default_rng(4)
    n = 700
    x, y = rng.uniform(0, 3_000, n), rng.uniform(0, 3_000, n)
    x[:40], y[:40] = x[40:80], y[40:80]  # some incidents at the same place
    t = 19_700 + rng.uniform(0, 300, n)  # fractional days since the epoch
    distance_bands, time_bands = (0.0, 150.0, 275.0, 400.0), (2.5, 10.0, 30.0)
    result = knox_test(
        x, y, t, distance_bands=distance_bands, time_bands=time_bands, permutations=9
    )
    i, j = np.triu_indices(n, 1)
    distance = np.hypot(x[i] - x[j], y[i] - y[j])
    seconds = np.round((t - t.min()) * 86_400)  # the test compares gaps in whole seconds
    gap = np.abs(seconds[i] - seconds[j])
    d_band = np.searchsorted(distance_bands, distance, side="left")
    t_band = np.searchsorted(np.array(time_bands) * 86_400, gap, side="left")
    inside = (d_band < len(distance_bands)) & (t_band < len(time_bands))
    brute = np.zeros((len(distance_bands), len(time_bands)), dtype=np.int64)
    np.add.at(brute, (d_band[inside], t_band[inside]), 1)
    np.testing.assert_array_equal(result.observed, brute)
    assert result.observed[0].sum() > 0  # the same-place row is exercised
    assert result.n_pairs == int((d_band < len(distance_bands)).sum())


def test_monte_carlo_statistics_and_determinism() -> None:
    rng = np.random.default_rng(5)
    x, y, t = rng.uniform(0, 2_000, 400), rng.uniform(0, 2_000, 400), rng.uniform(0, 200, 400)
    a = knox_test(x, y, t, permutations=39, random_state=7)
    b = knox_test(x, y, t, permutations=39, random_state=7, n_jobs=2)
    for name in ("observed", "expected", "p_value", "cumulative_p_value"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    # p-values are (1 + k) / 40 for whole k; same place has no pairs: p = 1, no ratio.
    assert np.allclose((a.p_value * 40) % 1, 0) and a.p_value.min() >= 1 / 40
    assert (a.p_value[0] == 1).all() and np.isnan(a.ratio[0]).all()
    np.testing.assert_allclose(a.ratio[1:], a.observed[1:] / a.expected[1:])
    # Permuting times keeps the number of pairs per distance band.
    assert a.expected.sum() <= a.n_pairs and a.cumulative_expected[-1, -1] == pytest.approx(
        a.expected.sum()
    )
    payload = a.to_dict()
    assert payload["ratio"][0][0] is None and payload["permutations"] == 39


def test_near_repeats_of_the_simulator_are_found(region: Region) -> None:
    sim = simulate(
        region,
        "2023-01-01",
        365,
        random_state=11,
        background_per_day=4.0,
        theta=0.5,
        omega=0.5,  # offspring 2 days later on average
        sigma_trigger=50.0,  # and about 60 m away
    )
    result = knox_test(sim.events.x, sim.events.y, sim.events.t, permutations=99)
    # 1-100 m and 0-7 days: far more pairs than chance, as significant as 99 permutations go.
    assert result.ratio[1, 0] > 1.5 and result.p_value[1, 0] == pytest.approx(0.01)
    assert result.ratio[2, 0] > 1.05 and result.p_value[2, 0] <= 0.05
    # Far apart in space or time, the ratio is near 1.
    assert 0.85 < result.ratio[5, 4] < 1.15
    extent = near_repeat_extent(result, min_ratio=1.5)
    assert extent is not None and extent.distance == 100 and extent.ratio > 1.5
    assert extent.p_value <= 0.05 and extent.to_dict()["days"] == extent.days


def test_without_excitation_the_false_positive_rate_is_nominal(region: Region) -> None:
    rejected, ratios = [], []
    for seed in range(20):
        sim = simulate(
            region, "2023-01-01", 120, random_state=100 + seed, background_per_day=3.0, theta=0.0
        )
        result = knox_test(
            sim.events.x, sim.events.y, sim.events.t, permutations=99, random_state=seed
        )
        rejected.append(result.p_value[1:] <= 0.05)  # same place never happens here
        ratios.append(result.ratio[1:])
    rate = float(np.mean(rejected))  # 500 tests, correlated within a seed
    assert 0.01 <= rate <= 0.09
    assert np.sum([r[0, 0] for r in rejected]) <= 4  # the first cell is no exception
    assert 0.95 < float(np.nanmean(ratios)) < 1.05


def test_near_repeat_extent_takes_the_largest_distance_then_the_largest_time() -> None:
    rng = np.random.default_rng(6)
    base = knox_test(rng.uniform(0, 500, 50), rng.uniform(0, 500, 50), rng.uniform(0, 60, 50))

    def with_cumulative(ratio: list[list[float]], p: list[list[float]]) -> KnoxResult:
        shape = base.cumulative_ratio.shape
        r, q = np.ones(shape), np.ones(shape)
        r[: len(ratio), : len(ratio[0])], q[: len(p), : len(p[0])] = ratio, p
        return dataclasses.replace(base, cumulative_ratio=r, cumulative_p_value=q)

    found = near_repeat_extent(with_cumulative([[2, 2, 1], [1.8, 1.6, 1.2]], [[0.01] * 3] * 2))
    assert found is not None
    assert (found.distance, found.days, found.ratio) == (100.0, 21.0, 1.2)
    # The widest cell is not significant: the next time band of the widest distance wins.
    found = near_repeat_extent(with_cumulative([[2, 2], [1.8, 1.6]], [[0.01, 0.01], [0.01, 0.2]]))
    assert found is not None and (found.distance, found.days) == (100.0, 7.0)
    assert near_repeat_extent(with_cumulative([[0.9]], [[0.01]])) is None
    assert near_repeat_extent(with_cumulative([[1.3]], [[0.01]]), min_ratio=1.5) is None


def test_knox_rejects_bad_input() -> None:
    ones = np.ones(3)
    with pytest.raises(InputError, match="values"):
        knox_test(ones, ones, np.ones(2))
    with pytest.raises(InputError, match="two incidents"):
        knox_test([0.0], [0.0], [0.0])
    with pytest.raises(InputError, match="increasing"):
        knox_test(ones, ones, ones, distance_bands=(100, 100))
    with pytest.raises(InputError, match="increasing"):
        knox_test(ones, ones, ones, time_bands=(-1, 7))
    with pytest.raises(InputError, match="at least 1"):
        knox_test(ones, ones, ones, permutations=0)
