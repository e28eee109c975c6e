"""Decayed counts, neighbour borrowing, and hyperparameters chosen by honest validation."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from forecasting import InputError
from forecasting.backtest import backtest, make_origins
from forecasting.events import Events
from forecasting.geo import Region
from forecasting.grid import Grid
from forecasting.models import (
    PARAM_GRIDS,
    DecayedCounts,
    GridSEPP,
    NaiveCounts,
    NeighbourBorrowing,
    RetrospectiveKDE,
    make_model,
)
from forecasting.models.base import clone
from forecasting.models.borrowing import ring_kernel
from forecasting.selection import (
    Selection,
    paired_standard_error,
    select,
    selected_factory,
    to_markdown,
    validation_origins,
)
from forecasting.simulate import Simulation
from forecasting.timeutil import to_days

CRS = "EPSG:32718"
SIDE = 6000.0  # a 6 km square: 40 x 40 cells of 150 m
SQUARE = Region(shapely.box(0, 0, SIDE, SIDE), CRS)


def events_at(x: object, y: object, t: object, tz: str = "UTC") -> Events:
    tt = np.asarray(t, dtype=float)
    order = np.argsort(tt, kind="stable")
    n = len(tt)
    return Events(
        tt[order],
        np.asarray(x, dtype=float)[order],
        np.asarray(y, dtype=float)[order],
        np.array(["robo"] * n, dtype=object),
        np.array(["victim_report"] * n, dtype=object),
        CRS,
        tz,
    )


def scattered_hotspots(n: int, seed: int) -> Events:
    """Few incidents at exact (unsnapped) points around six broad hotspots, over 400 days.

    The true rate is smooth over several cells and a cell sees about one incident in the
    whole history, so a cell's own count is a poor estimate that its neighbours improve.
    """
    rng = np.random.default_rng(seed)
    centres = rng.uniform(1000, 5000, size=(6, 2))
    k = rng.integers(0, 6, size=n)
    x = centres[k, 0] + rng.normal(0, 350, n)
    y = centres[k, 1] + rng.normal(0, 350, n)
    inside = (x > 0) & (x < SIDE) & (y > 0) & (y < SIDE)
    return events_at(x[inside], y[inside], rng.uniform(0, 400, n)[inside])


def independent_cells(n: int, seed: int) -> Events:
    """Many incidents whose cell rates are drawn independently: neighbours say nothing."""
    rng = np.random.default_rng(seed)
    grid = Grid.from_region(SQUARE, 150)
    rate = rng.lognormal(0, 1.5, grid.n_cells)
    cell = rng.choice(grid.n_cells, size=n, p=rate / rate.sum())
    cx, cy = grid.centres()
    x = cx[cell] + rng.uniform(-75, 75, n)
    y = cy[cell] + rng.uniform(-75, 75, n)
    return events_at(x, y, rng.uniform(0, 400, n))


def test_decayed_counts_weigh_each_incident_by_its_half_life() -> None:
    grid = Grid.from_region(Region(shapely.box(0, 0, 300, 150), CRS), 150)  # two cells
    # At day 10 with h = 2 days: ages 4 and 2 in cell 0 weigh 1/4 + 1/2, age 1 in cell 1
    # weighs 2 ** -0.5. The history spans 4 days, whose decayed length is
    # 2 / ln 2 * (1 - 2 ** -2).
    events = events_at([10, 20, 200], [10, 10, 10], [6.0, 8.0, 9.0])
    pred = DecayedCounts(half_life_days=2.0).fit(events, grid, 10.0).predict(10.0, 17.0)
    decayed_span = 2 / np.log(2) * 0.75
    np.testing.assert_allclose(pred, np.array([0.75, 2**-0.5]) / decayed_span * 7)


def test_decayed_counts_with_an_infinite_half_life_are_the_all_history_counts(
    sim: Simulation, grid: Grid
) -> None:
    until = to_days("2023-07-01", sim.events.tz)
    counts = NaiveCounts(window_days=None).fit(sim.events, grid, until).predict(until, until + 7)
    infinite = DecayedCounts(half_life_days=None).fit(sim.events, grid, until)
    np.testing.assert_array_equal(infinite.predict(until, until + 7), counts)
    # And a very long half-life tends to them: the decayed length of history is consistent.
    long = DecayedCounts(half_life_days=1e7).fit(sim.events, grid, until)
    np.testing.assert_allclose(long.predict(until, until + 7), counts, rtol=1e-4)


def test_borrowing_adds_beta_of_the_first_ring_and_a_quarter_of_that_of_the_second() -> None:
    grid = Grid.from_region(Region(shapely.box(0, 0, 750, 750), CRS), 150)  # 5 x 5 cells
    events = events_at([375.0], [375.0], [5.0])  # one incident in the centre cell
    base = NaiveCounts(window_days=10).fit(events, grid, 10.0).predict(10.0, 20.0)
    pred = NeighbourBorrowing(NaiveCounts(window_days=10), beta=0.5).fit(events, grid, 10.0)
    image = grid.to_image(pred.predict(10.0, 20.0))
    # 1 + 8 * 0.5 + 16 * 0.125 = 7 before rescaling to the base's total of 1 incident.
    expected = np.full((5, 5), 0.125)
    expected[1:4, 1:4] = 0.5
    expected[2, 2] = 1.0
    np.testing.assert_allclose(image, expected / 7.0)
    assert image.sum() == pytest.approx(base.sum())
    np.testing.assert_array_equal(ring_kernel(0.5), expected)


@pytest.mark.parametrize(
    "base", [DecayedCounts(91.0), RetrospectiveKDE(), GridSEPP()], ids=lambda m: m.name
)
def test_borrowing_with_beta_zero_is_the_base_model_exactly(
    base: DecayedCounts, sim: Simulation, grid: Grid
) -> None:
    until = to_days("2023-07-01", sim.events.tz)
    alone = clone(base).fit(sim.events, grid, until).predict(until, until + 7)
    borrowed = NeighbourBorrowing(base, beta=0.0).fit(sim.events, grid, until)
    np.testing.assert_array_equal(borrowed.predict(until, until + 7), alone)
    assert not hasattr(base, "rate_") and not hasattr(base, "mu_")  # the template is unfitted


def test_nested_hyperparameters_reach_the_sub_model_of_a_clone_only() -> None:
    template = make_model("borrow")
    candidate = clone(template).set_params(base__half_life_days=91.0, beta=0.25)
    assert candidate.get_params()["base"].half_life_days == 91.0
    assert template.get_params()["base"].half_life_days is None
    assert template.get_params()["beta"] == 0.0
    with pytest.raises(ValueError, match="no parameter"):
        template.set_params(bsae__half_life_days=1.0)
    with pytest.raises(ValueError, match="not a model"):
        template.set_params(beta__x=1.0)


def test_validation_origins_end_where_the_test_period_begins() -> None:
    # Three weekly windows ending at day 100: [79, 86), [86, 93), [93, 100).
    assert validation_origins(100.0, 7.0, 7.0, 3) == [79.0, 86.0, 93.0]
    # Eight-hour shifts, one a day: the last closes at day 100 exactly.
    origins = validation_origins(100.0, 1 / 3, 1.0, 2)
    assert origins == pytest.approx([100 - 1 - 1 / 3, 100 - 1 / 3])


def test_no_test_period_incident_can_influence_the_choice(sim: Simulation, region: Region) -> None:
    before = to_days("2023-06-05", sim.events.tz)
    grid = {"half_life_days": [None, 28.0, 7.0]}

    def choose(events: Events, first_test_origin: float) -> Selection:
        return select(
            events, region, "decayed", first_test_origin, 7.0, n_origins=6, param_grid=grid
        )

    honest = choose(sim.events, before)
    # Flood the test period with incidents in one cell and drop half of the real ones.
    real = sim.events
    keep = (real.t < before) | (np.arange(len(real)) % 2 == 0)
    perturbed = events_at(
        np.concatenate([real.x[keep], np.full(400, 269_000.0)]),
        np.concatenate([real.y[keep], np.full(400, 8_665_000.0)]),
        np.concatenate([real.t[keep], np.linspace(before, before + 60, 400)]),
        tz=real.tz,
    )
    again = choose(perturbed, before)
    assert again.scores == honest.scores and again.chosen == honest.chosen
    assert again.origins == honest.origins and max(again.origins) + 7.0 <= before
    assert again.to_dict() == honest.to_dict()  # deterministic, to the last digit
    # Not vacuous: validating four weeks later, over the flood, changes the scores.
    assert choose(perturbed, before + 28).scores != choose(real, before + 28).scores


def test_borrowing_is_chosen_and_helps_where_points_are_scattered_and_counts_sparse() -> None:
    events = scattered_hotspots(2000, seed=1)
    grid = {"beta": [0.0, 0.25, 1.0]}
    chosen = select(events, SQUARE, "borrow", 316.0, 7.0, n_origins=12, param_grid=grid)
    assert chosen.chosen["beta"] > 0
    assert chosen.chosen_score is not None and chosen.chosen_score > chosen.scores[0]
    # On the 12 test weeks after day 316 the chosen beta beats plain counts.
    test = make_origins(316.0, 393.0, 7.0)
    factory = selected_factory({"borrow": chosen})
    tuned = backtest(
        events, SQUARE, ["borrow"], test, 7.0, coverages=[0.05], progress=None, factory=factory
    )
    plain = backtest(events, SQUARE, ["borrow"], test, 7.0, coverages=[0.05], progress=None)
    assert tuned.pooled_hit_rate("borrow")[0] > plain.pooled_hit_rate("borrow")[0] + 0.005


def test_borrowing_is_left_out_where_neighbouring_cells_are_independent() -> None:
    events = independent_cells(16000, seed=2)
    grid = {"beta": [0.0, 0.25, 1.0]}
    chosen = select(events, SQUARE, "borrow", 316.0, 7.0, n_origins=12, param_grid=grid)
    assert chosen.chosen == {"beta": 0.0}
    assert chosen.scores[0] > chosen.scores[1] > chosen.scores[2]
    assert "beta=0" in to_markdown({"borrow": chosen})


def test_the_paired_standard_error_of_a_difference_of_pooled_hit_rates() -> None:
    # Differences 1 and 3 over 10 incidents each: pooled 0.2, residuals -1 and +1,
    # so sqrt(2 / 1 * 2) / 20 = 0.1.
    se = paired_standard_error(np.array([2.0, 4.0]), np.array([1.0, 1.0]), np.array([10.0, 10.0]))
    assert se == pytest.approx(0.1)
    # A constant difference in proportion to the incidents has no noise at all.
    assert (
        paired_standard_error(np.array([2.0, 4.0]), np.array([1.0, 2.0]), np.array([5, 10.0])) == 0
    )


def test_a_simpler_candidate_is_kept_within_the_noise_or_the_tolerance(
    sim: Simulation, region: Region
) -> None:
    before = to_days("2023-06-05", sim.events.tz)
    grid = {"half_life_days": [None, 28.0, 7.0]}

    def choose(tolerance: float, n_se: float) -> Selection:
        return select(
            sim.events, region, "decayed", before, 7.0, n_origins=4, param_grid=grid,
            tolerance=tolerance, n_se=n_se,
        )  # fmt: skip

    best, loose, noisy = choose(0.0, 0.0), choose(1.0, 0.0), choose(0.0, 1.0)
    assert loose.scores == best.scores == noisy.scores
    assert best.chosen_score == max(best.scores)
    assert loose.chosen == {"half_life_days": None}
    assert ("within 1 (standard error" in loose.reason) == (loose.scores[0] < max(loose.scores))
    i = next(
        j for j, (s, e) in enumerate(zip(noisy.scores, noisy.standard_errors, strict=True))
        if s >= max(noisy.scores) - e
    )  # fmt: skip
    assert noisy.chosen == noisy.candidates[i]
    assert noisy.standard_errors[best.candidates.index(best.chosen)] == 0.0


def test_families_without_a_grid_keep_their_defaults_and_too_little_history_is_refused(
    sim: Simulation, region: Region
) -> None:
    before = to_days("2023-06-05", sim.events.tz)
    fixed = select(sim.events, region, "naive7", before, 7.0, n_origins=4)
    assert fixed.chosen == {} and fixed.scores == [] and "no hyperparameter grid" in fixed.reason
    assert "naive7" not in PARAM_GRIDS and PARAM_GRIDS["borrow"]["beta"][0] == 0.0
    assert PARAM_GRIDS["decayed"]["half_life_days"][0] is None
    with pytest.raises(InputError, match="too short"):
        select(sim.events, region, "decayed", float(sim.events.t[0]) + 3, 7.0, n_origins=4)
