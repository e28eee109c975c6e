"""Emerging hot spots: Gi*, Mann-Kendall, Benjamini-Hochberg and ArcGIS's categories.

Gi* is checked against esda (PySAL) and Mann-Kendall against pymannkendall, both installed
from requirements-dev.txt.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.stats import false_discovery_control, norm

from forecasting.analysis import (
    EHSA_CATEGORIES,
    classify_emerging,
    emerging_hot_spots,
    fdr_bh,
    getis_ord_gi_star,
    mann_kendall,
    neighbours,
    space_time_cube,
)
from forecasting.errors import InputError

# Grid centres in UTM 18S, as the app's cells are: large coordinates, 250 m apart.
X0, Y0, CELL = 268_125.0, 8_664_125.0, 250.0


def lattice(side: int) -> np.ndarray:
    """Centres of a side x side grid, row-major from the south-west corner."""
    col, row = np.meshgrid(np.arange(side), np.arange(side))
    return np.column_stack([X0 + col.ravel() * CELL, Y0 + row.ravel() * CELL])


def test_space_time_cube_counts_and_drops_outside_points() -> None:
    cube = space_time_cube([0, 2, 2, -1, 1], [0, 1, 1, 0, -1], n_cells=3, n_steps=2)
    assert cube.tolist() == [[1, 0, 0], [0, 0, 2]]
    with pytest.raises(InputError, match="beyond"):
        space_time_cube([3], [0], n_cells=3, n_steps=2)


def test_neighbours_include_the_cell_itself() -> None:
    xy = lattice(3)
    rook = neighbours(xy, distance=CELL)  # centres exactly 250 m apart count
    assert rook.diagonal().tolist() == [1.0] * 9
    assert rook.sum(axis=1).tolist() == [3, 4, 3, 4, 5, 4, 3, 4, 3]
    queen = neighbours(xy, k=8)
    assert queen[[4]].toarray().tolist() == [[1.0] * 9]
    assert (queen.sum(axis=1) == 9).all()
    assert (neighbours(xy).toarray() == queen.toarray()).all()  # the default is k = 8
    with pytest.raises(InputError, match="not both"):
        neighbours(xy, distance=300.0, k=4)
    with pytest.raises(InputError, match="k must be"):
        neighbours(xy, k=9)


def test_gi_star_by_hand_on_a_small_grid() -> None:
    values = np.arange(1.0, 10.0)  # 1..9 on a 3 x 3 grid, rook neighbours and self
    gi = getis_ord_gi_star(values, neighbours(lattice(3), distance=CELL))
    n, mean = 9, 5.0
    sd = math.sqrt(sum(v * v for v in range(1, 10)) / n - mean**2)  # sqrt(20 / 3)
    # Corner 0: itself, 1 and 3 hold 1 + 2 + 4 = 7 with 3 weights.
    z0 = (7 - mean * 3) / (sd * math.sqrt((n * 3 - 3**2) / (n - 1)))
    # Centre 4: 2 + 4 + 5 + 6 + 8 = 25 with 5 weights, exactly the mean: z = 0.
    # Corner 8: 6 + 8 + 9 = 23.
    z8 = (23 - mean * 3) / (sd * math.sqrt((n * 3 - 3**2) / (n - 1)))
    assert z0 == pytest.approx(-2.0655911179772892)
    np.testing.assert_allclose(gi.z[[0, 4, 8]], [z0, 0.0, z8], atol=1e-12)
    assert gi.p[0] == pytest.approx(2 * norm.sf(abs(z0)))
    assert gi.p[4] == pytest.approx(1.0)


def test_gi_star_with_a_time_window_by_hand() -> None:
    # Three cells on a line, two steps; the bin's neighbourhood adds the step before.
    xy = lattice(3)[:3]
    cube = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    w = neighbours(xy, distance=CELL)
    whole = getis_ord_gi_star(cube, w, time_window=1)
    n, mean = 6, 4 / 6
    sd = math.sqrt((1 + 9) / n - mean**2)
    # Step 1, cell 2: cells 1 and 2 in steps 0 and 1 hold 3 with 4 weights.
    z12 = (3 - mean * 4) / (sd * math.sqrt((n * 4 - 16) / (n - 1)))
    # Step 0, cell 0: no step before it, so cells 0 and 1 of step 0 only: 1 with 2 weights.
    z00 = (1 - mean * 2) / (sd * math.sqrt((n * 2 - 4) / (n - 1)))
    assert whole.z[1, 2] == pytest.approx(z12) and whole.z[0, 0] == pytest.approx(z00)
    # Against its own window, step 0 is compared with step 0 alone.
    own = getis_ord_gi_star(cube, w, time_window=1, global_window="window")
    n0, mean0 = 3, 1 / 3
    sd0 = math.sqrt(1 / 3 - mean0**2)
    assert own.z[0, 0] == pytest.approx((1 - mean0 * 2) / (sd0 * math.sqrt((n0 * 2 - 4) / 2)))
    assert own.z[1, 2] == pytest.approx(z12)  # steps 0-1 are the whole cube here
    with pytest.raises(InputError, match="time window"):
        getis_ord_gi_star(cube[0], w, time_window=1)


def test_gi_star_is_zero_without_variation() -> None:
    gi = getis_ord_gi_star(np.full(9, 4.0), neighbours(lattice(3), k=8))
    assert (gi.z == 0).all() and (gi.p == 1).all()


@pytest.mark.parametrize("option", [{"distance": 2.5 * CELL}, {"k": 8}])
def test_gi_star_agrees_with_esda(option: dict[str, float]) -> None:
    import esda
    import libpysal

    rng = np.random.default_rng(1)
    xy = lattice(60)  # 3,600 cells
    hot = np.exp(-(((xy - xy.mean(axis=0)) / 2_000.0) ** 2).sum(axis=1))
    cube = rng.poisson(2 + 10 * hot, size=(3, len(xy))).astype(float)
    w = neighbours(xy, **option)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about islands and components
        reference_w = libpysal.weights.WSP(w).to_W(silence_warnings=True)
    per_step = getis_ord_gi_star(cube, w, global_window="window")  # slice by slice
    for step in range(len(cube)):
        ref = esda.G_Local(cube[step], reference_w, transform="B", star=True, permutations=0)
        np.testing.assert_allclose(per_step.z[step], ref.Zs, rtol=0, atol=1e-8)
        one = getis_ord_gi_star(cube[step], w)
        np.testing.assert_allclose(one.z, ref.Zs, rtol=0, atol=1e-8)
        np.testing.assert_allclose(one.p, 2 * ref.p_norm, rtol=0, atol=1e-12)


def test_mann_kendall_by_hand_with_and_without_ties() -> None:
    rising = mann_kendall([1.0, 2.0, 3.0, 4.0, 5.0])
    assert float(rising.s) == 10 and float(rising.var_s) == pytest.approx(5 * 4 * 15 / 18)
    assert float(rising.z) == pytest.approx(9 / math.sqrt(5 * 4 * 15 / 18))
    assert float(rising.p) == pytest.approx(2 * norm.sf(9 / math.sqrt(5 * 4 * 15 / 18)))
    assert int(rising.trend) == 1 and float(rising.tau) == 1.0
    # 1 < 2 = 2 < 3: five increasing pairs, one tie; the tie group of 2 takes 2*1*9 = 18.
    tied = mann_kendall([1.0, 2.0, 2.0, 3.0])
    assert float(tied.s) == 5 and float(tied.var_s) == pytest.approx((4 * 3 * 13 - 18) / 18)
    assert float(tied.z) == pytest.approx(4 / math.sqrt((156 - 18) / 18))
    falling = mann_kendall([3.0, 1.0, 2.0, 0.0])  # pairs: - - - + - -: S = -4
    assert float(falling.s) == -4 and float(falling.z) == pytest.approx(-3 / math.sqrt(156 / 18))
    flat = mann_kendall([3.0, 3.0, 3.0])
    assert float(flat.var_s) == 0 and float(flat.z) == 0 and float(flat.p) == 1


def test_mann_kendall_agrees_with_pymannkendall() -> None:
    import pymannkendall

    rng = np.random.default_rng(2)
    steps = 157  # three years of weeks
    trend = np.linspace(0, 1, steps)[:, None] * rng.normal(0, 2, 120)
    continuous = rng.normal(size=(steps, 120)) + trend
    counts = rng.poisson(2 + trend.clip(0), size=(steps, 120)).astype(float)  # many ties
    series = np.hstack([continuous, counts])
    ours = mann_kendall(series, chunk=50)  # several chunks, one of them short
    for c in range(series.shape[1]):
        ref = pymannkendall.original_test(series[:, c])
        assert ours.s[c] == ref.s
        assert ours.var_s[c] == pytest.approx(ref.var_s, rel=1e-12)
        assert ours.z[c] == pytest.approx(ref.z, rel=1e-10, abs=1e-12)
        assert ours.p[c] == pytest.approx(ref.p, rel=1e-9, abs=1e-15)


def test_benjamini_hochberg_by_hand_and_against_scipy() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.5])
    # Sorted: 0.005 <= .01, 0.01 <= .02, 0.03 <= .03, 0.04 <= .04, 0.5 > .05.
    assert fdr_bh(p, 0.05).tolist() == [True, True, True, True, False]
    # Step-up: 0.02 misses its own threshold (0.0167) but passes through 0.026 <= 0.0333.
    assert fdr_bh([0.02, 0.026, 0.5], 0.05).tolist() == [True, True, False]
    assert fdr_bh([0.2, 0.3], 0.05).tolist() == [False, False]
    assert fdr_bh([0.01, np.nan], 0.05).tolist() == [True, False]  # NaN is not tested
    rng = np.random.default_rng(3)
    many = np.concatenate([rng.uniform(size=900), rng.uniform(0, 1e-3, size=100)])
    many = many.reshape(20, 50)
    np.testing.assert_array_equal(
        fdr_bh(many, 0.05), (false_discovery_control(many, axis=None) <= 0.05).reshape(many.shape)
    )


def test_classification_thresholds_on_significance_series() -> None:
    def one(hot: list[int], cold: list[int], z: float = 0.0, p: float = 1.0) -> str:
        h = np.array(hot, dtype=bool)[:, None]
        c = np.array(cold, dtype=bool)[:, None]
        return str(classify_emerging(h, c, [z], [p], alpha=0.05)[0])

    none = [0] * 10
    assert one([1] * 9 + [1], none) == "persistent_hot"  # 10 of 10
    assert one([0] + [1] * 9, none) == "persistent_hot"  # 9 of 10 is 90 %
    assert one([0] + [1] * 9, none, z=3.0, p=0.01) == "intensifying_hot"
    assert one([0] + [1] * 9, none, z=-3.0, p=0.01) == "diminishing_hot"
    assert one([0] + [1] * 9, none, z=3.0, p=0.06) == "persistent_hot"  # not significant
    assert one([0, 0] + [1] * 8, none) == "consecutive_hot"  # 80 %: under 90 %
    assert one([1] * 9 + [0], none) == "historical_hot"
    assert one([1] * 9 + [0], [0] * 9 + [1]) == "oscillating_cold"  # the final step decides
    assert one([0] * 9 + [1], none) == "new_hot"
    assert one([0] * 9 + [1], [1] + [0] * 9) == "oscillating_hot"  # cold before: not new
    assert one([1, 0, 0, 0, 0, 0, 0, 0, 1, 1], none) == "sporadic_hot"
    assert one([1, 0, 0, 0, 0, 0, 0, 0, 1, 0], none) == "no_pattern"  # not hot at the end
    assert one(none, none, z=5.0, p=0.0) == "no_pattern"


# Constructed cubes: a 12 x 12 grid of Poisson(20) counts per step, and a 3 x 3 block
# around cell (5, 5) whose total per step is set. With the 8 nearest neighbours the centre
# cell's neighbourhood is exactly the block, so its category is known.
SIDE, STEPS = 12, 20
CENTRE = 5 * SIDE + 5
BLOCK = [r * SIDE + c for r in (4, 5, 6) for c in (4, 5, 6)]
NORMAL, HOT, COLD = 180, 540, 0  # block totals: 20, 60 and 0 per cell


def at(default: int, **steps: int) -> list[int]:
    """A block series of ``default`` with ``s<step>=total`` overrides."""
    series = [default] * STEPS
    for key, total in steps.items():
        series[int(key[1:])] = total
    return series


CUBES = {
    "new_hot": at(NORMAL, s19=HOT),
    "consecutive_hot": at(NORMAL, s17=HOT, s18=HOT, s19=HOT),
    "intensifying_hot": [360 + 20 * t for t in range(STEPS)],
    "persistent_hot": [HOT] * STEPS,
    "diminishing_hot": [740 - 20 * t for t in range(STEPS)],
    "sporadic_hot": at(NORMAL, s3=HOT, s8=HOT, s12=HOT, s19=HOT),
    "oscillating_hot": at(NORMAL, s5=COLD, s10=HOT, s19=HOT),
    "historical_hot": [HOT] * 19 + [NORMAL],
    "new_cold": at(NORMAL, s19=COLD),
    "consecutive_cold": at(NORMAL, s17=COLD, s18=COLD, s19=COLD),
    "intensifying_cold": [95 - 5 * t for t in range(STEPS)],
    "persistent_cold": [COLD] * STEPS,
    "diminishing_cold": [5 * t for t in range(STEPS)],
    "sporadic_cold": at(NORMAL, s3=COLD, s8=COLD, s12=COLD, s19=COLD),
    "oscillating_cold": at(NORMAL, s5=HOT, s10=COLD, s19=COLD),
    "historical_cold": [COLD] * 19 + [NORMAL],
    "no_pattern": [NORMAL] * STEPS,
}


def block_cube(totals: list[int]) -> np.ndarray:
    cube = np.random.default_rng(5).poisson(20, size=(STEPS, SIDE * SIDE)).astype(float)
    for step, total in enumerate(totals):
        base, extra = divmod(total, 9)
        cube[step, BLOCK] = base
        cube[step, BLOCK[:extra]] += 1
    return cube


def test_every_category_has_a_constructed_cube() -> None:
    assert set(CUBES) == set(EHSA_CATEGORIES) and len(EHSA_CATEGORIES) == 17


@pytest.mark.parametrize("category", list(CUBES))
def test_emerging_hot_spots_on_constructed_cubes(category: str) -> None:
    result = emerging_hot_spots(block_cube(CUBES[category]), lattice(SIDE), k=8)
    assert result.category[CENTRE] == category
    assert result.gi_z.shape == (STEPS, SIDE * SIDE) and result.trend_z.shape == (SIDE * SIDE,)
    counts = result.category_counts()
    assert list(counts) == list(EHSA_CATEGORIES) and sum(counts.values()) == SIDE * SIDE
    assert EHSA_CATEGORIES[result.category_index[CENTRE]] == category


def test_emerging_hot_spots_trend_and_bins_are_consistent() -> None:
    result = emerging_hot_spots(block_cube(CUBES["intensifying_hot"]), lattice(SIDE), k=8)
    assert result.hot[:, CENTRE].all() and not result.cold[:, CENTRE].any()
    assert result.trend_z[CENTRE] > 5 and result.trend_p[CENTRE] < 1e-6
    assert result.trend_tau[CENTRE] == pytest.approx(1.0)
    without_fdr = emerging_hot_spots(
        block_cube(CUBES["intensifying_hot"]), lattice(SIDE), k=8, fdr=False
    )
    # Benjamini-Hochberg only ever removes significant bins.
    assert (without_fdr.hot | ~result.hot).all()
    assert result.settings() == {
        "distance": None,
        "k": 8,
        "time_window": 0,
        "global_window": "cube",
        "alpha": 0.05,
        "fdr": True,
    }


def test_emerging_hot_spots_rejects_bad_cubes() -> None:
    xy = lattice(SIDE)
    with pytest.raises(InputError, match="at least 10"):
        emerging_hot_spots(np.ones((9, SIDE * SIDE)), xy)
    with pytest.raises(InputError, match="no incidents"):
        emerging_hot_spots(np.zeros((12, SIDE * SIDE)), xy)
    with pytest.raises(InputError, match="centroids"):
        emerging_hot_spots(np.ones((12, SIDE * SIDE)), xy[:-1])
    with pytest.raises(InputError, match="non-negative"):
        emerging_hot_spots(-np.ones((12, SIDE * SIDE)), xy)
