"""Near-repeat analysis: the Knox test as Ratcliffe's Near Repeat Calculator reports it.

Every pair of incidents is placed in a cell of a distance x time-gap table. Under the null
hypothesis that where and when an incident happens are independent, shuffling the times
among the incidents leaves the table's expectation unchanged; the Monte Carlo permutations
give that expectation and a p-value for each cell. A ratio above 1 in the first cells (close
in space and soon after) is the near-repeat pattern: after a burglary, the neighbours are at
higher risk for a while.

Spatial pairs are found once with a KD-tree; each permutation only re-reads the time gaps of
those pairs, in cache-sized blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from ..errors import InputError
from ._common import FloatArray, IntArray, finite_or_none, json_list

DEFAULT_DISTANCE_BANDS: tuple[float, ...] = (0.0, 100.0, 200.0, 300.0, 400.0, 500.0)
"""Same place, then 1-100, 101-200, ..., 401-500 m: the Near Repeat Calculator's rows."""

DEFAULT_TIME_BANDS: tuple[float, ...] = (7.0, 14.0, 21.0, 28.0, 35.0)
"""0-7, 8-14, ..., 29-35 days."""

_SECONDS_PER_DAY = 86_400
_BLOCK = 1 << 16  # pairs per block: the block's buffers stay in a core's L2 cache
_STRIP = 512  # incidents per strip when finding pairs (the int16 sort key needs it small)


@dataclass(frozen=True, eq=False)
class KnoxResult:
    """Observed and expected pairs of incidents per distance band and time band.

    Band ``d`` holds pairs at distances in ``(distance_bands[d-1], distance_bands[d]]``
    metres, the first band ``[0, distance_bands[0]]`` (exactly 0 when that edge is 0: "same
    place"); time bands likewise on the gap in days. ``cumulative_*`` count pairs at most
    ``distance_bands[d]`` apart and at most ``time_bands[t]`` days apart.

    Attributes
    ----------
    distance_bands, time_bands : ndarray of float
        Upper edges (inclusive) in metres and days.
    observed : ndarray of int, shape (n_distance, n_time)
    expected : ndarray of float
        Mean count over the permutations.
    ratio : ndarray of float
        ``observed / expected`` (the Knox ratio); NaN where ``expected`` is 0.
    p_value : ndarray of float
        ``(1 + #permutations with count >= observed) / (1 + permutations)``.
    cumulative_observed, cumulative_expected, cumulative_ratio, cumulative_p_value
        The same for the cumulative table.
    permutations, n_events, n_pairs : int
        Monte Carlo permutations, incidents, and pairs within the largest distance.
    """

    distance_bands: FloatArray
    time_bands: FloatArray
    observed: IntArray
    expected: FloatArray
    ratio: FloatArray
    p_value: FloatArray
    cumulative_observed: IntArray
    cumulative_expected: FloatArray
    cumulative_ratio: FloatArray
    cumulative_p_value: FloatArray
    permutations: int
    n_events: int
    n_pairs: int

    def to_dict(self) -> dict[str, Any]:
        """The tables as JSON-friendly lists (rows = distance bands); NaN becomes None."""
        return {
            "distance_bands": json_list(self.distance_bands),
            "time_bands": json_list(self.time_bands),
            "observed": json_list(self.observed),
            "expected": json_list(self.expected),
            "ratio": json_list(self.ratio),
            "p_value": json_list(self.p_value),
            "cumulative_observed": json_list(self.cumulative_observed),
            "cumulative_expected": json_list(self.cumulative_expected),
            "cumulative_ratio": json_list(self.cumulative_ratio),
            "cumulative_p_value": json_list(self.cumulative_p_value),
            "permutations": self.permutations,
            "n_events": self.n_events,
            "n_pairs": self.n_pairs,
        }


def knox_test(
    x: ArrayLike,
    y: ArrayLike,
    t_days: ArrayLike,
    *,
    distance_bands: Sequence[float] = DEFAULT_DISTANCE_BANDS,
    time_bands: Sequence[float] = DEFAULT_TIME_BANDS,
    permutations: int = 99,
    random_state: int | np.random.Generator | None = 0,
    n_jobs: int = 1,
) -> KnoxResult:
    """Knox test of space-time interaction with Monte Carlo permutation of the times.

    Parameters
    ----------
    x, y : array_like
        Incident coordinates in metres.
    t_days : array_like
        Incident times in days (any origin). Gaps are compared at one-second resolution.
        The Near Repeat Calculator works on dates; pass whole days (e.g. local dates as day
        numbers) to reproduce it exactly, so that "0-7 days" means 0 to 7 calendar days.
    distance_bands : sequence of float, default :data:`DEFAULT_DISTANCE_BANDS`
        Increasing upper edges in metres, inclusive: ``(0, 100, 200)`` gives the rows
        "same place" (distance exactly 0), "(0, 100] m" and "(100, 200] m", as the
        Calculator's "same location", "1 to 100" and "101 to 200" on whole metres. Without
        a leading 0 the first row is ``[0, first edge]``.
    time_bands : sequence of float, default :data:`DEFAULT_TIME_BANDS`
        Increasing upper edges in days, inclusive, the first band starting at a gap of 0:
        ``(7, 14)`` gives "0-7 days" and "(7, 14] days" (8-14 on whole days).
    permutations : int, default 99
        Monte Carlo permutations of the times; 99 gives p-values down to 0.01.
    random_state : int, Generator or None, default 0
        Seed of the permutations. The result does not depend on ``n_jobs``.
    n_jobs : int, default 1
        Threads sharing the permutations. numpy releases the GIL in the inner loops, but
        the loops are bound by memory: on the 2-core benchmark machine 2 threads were no
        faster than 1 (about 0.2 s per permutation at 65 million pairs).

    Returns
    -------
    KnoxResult

    Raises
    ------
    InputError
        If the arrays differ in length or are not finite, there are fewer than two
        incidents, the bands are not increasing and non-negative, or ``permutations`` or
        ``n_jobs`` is below 1.
    """
    xy, seconds = _check_events(x, y, t_days)
    d_edges = _check_edges(distance_bands, "distance_bands")
    t_edges = _check_edges(time_bands, "time_bands")
    if permutations < 1 or n_jobs < 1:
        raise InputError("permutations and n_jobs must be at least 1")
    bands = _pairs_by_distance(xy, d_edges)
    gap_edges = np.round(t_edges * _SECONDS_PER_DAY).astype(seconds.dtype)
    observed = _band_counts(seconds, bands, gap_edges)
    seeds = np.random.default_rng(random_state).integers(2**63, size=permutations)

    def one(seed: np.int64) -> IntArray:
        return _band_counts(np.random.default_rng(seed).permutation(seconds), bands, gap_edges)

    if n_jobs == 1:
        simulated = np.stack([one(s) for s in seeds])
    else:
        with ThreadPoolExecutor(n_jobs) as pool:
            simulated = np.stack(list(pool.map(one, seeds)))
    cell = _monte_carlo(observed, simulated)
    cumulative = _monte_carlo(_cumulate(observed), _cumulate(simulated))
    return KnoxResult(
        d_edges,
        t_edges,
        observed,
        *cell,
        _cumulate(observed),
        *cumulative,
        permutations=int(permutations),
        n_events=len(seconds),
        n_pairs=int(sum(len(band.partners) for band in bands)),
    )


@dataclass(frozen=True)
class NearRepeatExtent:
    """How far and for how long risk stays raised after an incident.

    Attributes
    ----------
    distance : float
        Metres (upper edge of the cumulative distance band).
    days : float
        Days (upper edge of the cumulative time band).
    ratio : float
        Cumulative Knox ratio: pairs this close observed / expected.
    p_value : float
    observed : int
    expected : float
    """

    distance: float
    days: float
    ratio: float
    p_value: float
    observed: int
    expected: float

    def to_dict(self) -> dict[str, Any]:
        """The extent as JSON-friendly values."""
        return {
            "distance": self.distance,
            "days": self.days,
            "ratio": finite_or_none(self.ratio),
            "p_value": self.p_value,
            "observed": self.observed,
            "expected": self.expected,
        }


def near_repeat_extent(
    result: KnoxResult, alpha: float = 0.05, *, min_ratio: float = 1.0
) -> NearRepeatExtent | None:
    """The widest cumulative band with significantly more pairs than expected.

    Among the cumulative cells (distance at most D and gap at most T) whose ratio is above
    ``min_ratio`` and whose p-value is at most ``alpha``, take the largest D and, for that
    D, the largest T. It supports a sentence such as "after an incident, the risk within
    200 m for 14 days is 1.8 times the expected".

    Parameters
    ----------
    result : KnoxResult
    alpha : float, default 0.05
    min_ratio : float, default 1
        Cumulative cells keep the excess of the first cells, so with many pairs a wide
        cell can be significant at a ratio of 1.02; a higher bar (e.g. 1.2) reports only
        an extent where the raised risk is material.

    Returns
    -------
    NearRepeatExtent or None
        None when no cumulative cell qualifies.
    """
    ratio, p = result.cumulative_ratio, result.cumulative_p_value
    raised = np.nan_to_num(ratio, nan=0.0) > min_ratio
    for d in range(ratio.shape[0] - 1, -1, -1):
        for t in range(ratio.shape[1] - 1, -1, -1):
            if raised[d, t] and p[d, t] <= alpha:
                return NearRepeatExtent(
                    float(result.distance_bands[d]),
                    float(result.time_bands[t]),
                    float(ratio[d, t]),
                    float(p[d, t]),
                    int(result.cumulative_observed[d, t]),
                    float(result.cumulative_expected[d, t]),
                )
    return None


def _check_events(x: ArrayLike, y: ArrayLike, t_days: ArrayLike) -> tuple[FloatArray, IntArray]:
    """Coordinates as (n, 2) sorted by x, and times as whole seconds since the first."""
    xs, ys, ts = (np.asarray(a, dtype=np.float64).ravel() for a in (x, y, t_days))
    if not len(xs) == len(ys) == len(ts):
        raise InputError(f"x, y and t have {len(xs)}, {len(ys)} and {len(ts)} values")
    if len(xs) < 2:
        raise InputError("the Knox test needs at least two incidents")
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys)) and np.all(np.isfinite(ts))):
        raise InputError("coordinates and times must be finite")
    # Sorted by x for the strips of _pairs_by_distance; the test does not care about order.
    order = np.argsort(xs, kind="stable")
    seconds = np.round((ts[order] - ts.min()) * _SECONDS_PER_DAY).astype(np.int64)
    # 32-bit times halve the memory each permutation reads; 68 years of seconds fit.
    if seconds.max() < 2**31 - 1:
        seconds = seconds.astype(np.int32)
    return np.column_stack([xs[order], ys[order]]), seconds


def _check_edges(edges: Sequence[float], name: str) -> FloatArray:
    e = np.asarray(edges, dtype=np.float64).ravel()
    if len(e) == 0 or not np.all(np.isfinite(e)) or e[0] < 0 or np.any(np.diff(e) <= 0):
        raise InputError(f"{name} must be increasing, non-negative upper edges")
    return e


@dataclass(frozen=True)
class _Band:
    """The pairs of one distance band as adjacency lists, in blocks of about _BLOCK pairs.

    Incident ``i``'s partners (all later in x order) are
    ``partners[sum(degree[:i]) : sum(degree[:i + 1])]``; each block is ``(first row, end
    row, first pair, end pair)``.
    """

    degree: IntArray
    partners: NDArray[np.int32]
    blocks: tuple[tuple[int, int, int, int], ...]


def _pairs_by_distance(xy: FloatArray, edges: FloatArray) -> list[_Band]:
    """Every pair of incidents within the largest distance, by distance band.

    ``xy`` must be sorted by x: the incidents are taken in strips of _STRIP, and a strip's
    partners then lie in the strip itself and the few after it. Strips keep every
    temporary small, which matters more than the KD-tree's own work at tens of millions of
    pairs.
    """
    n, n_bands = len(xy), len(edges)
    strip = min(_STRIP, np.iinfo(np.int16).max // n_bands)
    # A hair over the largest edge, so that rounding in the tree never drops a pair.
    reach = edges[-1] * (1 + 1e-9) + 1e-9
    degree = np.zeros((n_bands, n), dtype=np.int64)
    partners: list[list[NDArray[np.int32]]] = [[] for _ in range(n_bands)]
    for lo in range(0, n, strip):
        hi = min(lo + strip, n)
        end = int(np.searchsorted(xy[:, 0], xy[hi - 1, 0] + reach, side="right"))
        found = cKDTree(xy[lo:hi]).sparse_distance_matrix(
            cKDTree(xy[lo:end]), reach, output_type="ndarray"
        )
        later = found["j"] > found["i"]  # each pair once, from its first incident
        i, j, dist = found["i"][later], found["j"][later], found["v"][later]
        band = np.zeros(len(dist), dtype=np.int16)
        for edge in edges:  # band b holds edges[b - 1] < d <= edges[b]
            band += dist > edge
        inside = band < n_bands
        # Sorting by (band, row) on a 16-bit key is a radix sort: linear time.
        key = band[inside] * np.int16(hi - lo) + i[inside].astype(np.int16)
        order = np.argsort(key, kind="stable")
        rows = np.bincount(key, minlength=n_bands * (hi - lo)).reshape(n_bands, hi - lo)
        degree[:, lo:hi] = rows
        ordered = (j[inside][order] + lo).astype(np.int32)
        for b, part in enumerate(np.split(ordered, np.cumsum(rows.sum(axis=1))[:-1])):
            partners[b].append(part)
    return [_band(degree[b], np.concatenate(partners[b])) for b in range(n_bands)]


def _band(degree: IntArray, partners: NDArray[np.int32]) -> _Band:
    """Cut the rows into blocks of about _BLOCK pairs (a row is never split)."""
    start = np.concatenate([[0], np.cumsum(degree)])
    targets = np.arange(_BLOCK, start[-1], _BLOCK)
    cuts = np.unique(np.concatenate([[0], np.searchsorted(start, targets), [len(degree)]]))
    blocks = tuple(
        (int(r0), int(r1), int(start[r0]), int(start[r1]))
        for r0, r1 in pairwise(cuts)
        if start[r1] > start[r0]
    )
    return _Band(degree, partners, blocks)


def _band_counts(times: IntArray, bands: list[_Band], gap_edges: IntArray) -> IntArray:
    """Pairs per (distance band, time band) for one assignment of times to incidents."""
    out = np.zeros((len(bands), len(gap_edges)), dtype=np.int64)
    largest = max((p1 - p0 for band in bands for _, _, p0, p1 in band.blocks), default=0)
    partner_times = np.empty(largest, dtype=times.dtype)
    for d, band in enumerate(bands):
        within = np.zeros(len(gap_edges), dtype=np.int64)  # cumulative over time bands
        for r0, r1, p0, p1 in band.blocks:
            # Rows are incidents, so the first time of every pair in a row is the same.
            gap = np.repeat(times[r0:r1], band.degree[r0:r1])
            other = partner_times[: p1 - p0]
            np.take(times, band.partners[p0:p1], out=other, mode="clip")  # indices are valid
            np.subtract(gap, other, out=gap)
            np.abs(gap, out=gap)
            # One comparison per edge beats selecting the few close pairs first: boolean
            # selection is the slowest step there is at a few percent selected.
            for k, edge in enumerate(gap_edges):
                within[k] += np.count_nonzero(gap <= edge)
        out[d] = np.diff(within, prepend=0)
    return out


def _cumulate(table: IntArray) -> IntArray:
    """Counts at most a distance and at most a gap apart (sums over the last two axes)."""
    return np.asarray(np.cumsum(np.cumsum(table, axis=-2), axis=-1), dtype=np.int64)


def _monte_carlo(
    observed: IntArray, simulated: IntArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Expected counts, ratios and p-values of ``observed`` against the permutations."""
    expected = simulated.mean(axis=0)
    ratio = np.full(observed.shape, np.nan)
    np.divide(observed, expected, out=ratio, where=expected > 0)
    at_least = (simulated >= observed[None]).sum(axis=0)
    p_value = (1.0 + at_least) / (1.0 + len(simulated))
    return expected, ratio, p_value
