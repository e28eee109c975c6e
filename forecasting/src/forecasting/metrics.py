"""Accuracy metrics for per-cell forecasts.

Flagging the top ``k`` cells: cells are ranked by forecast; when the cut-off falls inside a
group of tied forecasts, the tied cells are flagged uniformly at random and every metric is the
exact expectation over that draw (each tied cell counts with weight ``remaining / tied``). The
result is deterministic and does not depend on cell order.

Definitions follow the NIJ Real-Time Crime Forecasting Challenge: PAI = (n/N) / (a/A) and
PEI* = n / n*, where n* is the most incidents any choice of the same number of cells holds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def n_flagged(n_cells: int, fraction: float) -> int:
    """Number of cells flagged at an area fraction: ``round(fraction * n_cells)``, at least 1."""
    if not 0 < fraction <= 1:
        raise ValueError(f"coverage fraction must be in (0, 1], got {fraction}")
    return max(1, round(fraction * n_cells))


def _cumulative_hits(forecast: ArrayLike, actual: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Knots of the expected cumulative hits as a function of the number of flagged cells.

    Between knots (inside a group of tied forecasts) the expectation is linear in ``k``, so
    ``np.interp(k, *knots)`` gives the expected hits for any ``k``.
    """
    f = np.asarray(forecast, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    if f.shape != a.shape or f.ndim != 1:
        raise ValueError("forecast and actual must be 1-D arrays of the same length")
    order = np.argsort(-f, kind="stable")
    f_sorted, a_sorted = f[order], a[order]
    # A knot after the last cell of each tie group.
    ends = np.flatnonzero(np.append(f_sorted[1:] != f_sorted[:-1], True)) + 1
    cum = np.cumsum(a_sorted)
    return np.concatenate([[0.0], ends.astype(np.float64)]), np.concatenate([[0.0], cum[ends - 1]])


def hits(forecast: ArrayLike, actual: ArrayLike, k: int) -> float:
    """Expected incidents in the ``k`` top-ranked cells, ties at the cut-off split evenly."""
    knots_k, knots_hits = _cumulative_hits(forecast, actual)
    return float(np.interp(k, knots_k, knots_hits))


def hit_rate(forecast: ArrayLike, actual: ArrayLike, fraction: float) -> float:
    """Share of incidents falling in the flagged cells (``n / N``).

    Parameters
    ----------
    forecast : array_like
        Forecast per cell (only its ranking matters).
    actual : array_like
        Observed incidents per cell.
    fraction : float
        Share of cells flagged, in (0, 1].

    Returns
    -------
    float
        Hit rate in [0, 1]; NaN when there are no incidents.
    """
    a = np.asarray(actual, dtype=np.float64)
    total = float(a.sum())
    if total == 0:
        return float("nan")
    return hits(forecast, a, n_flagged(len(a), fraction)) / total


def pai(
    forecast: ArrayLike, actual: ArrayLike, fraction: float, areas: ArrayLike | None = None
) -> float:
    """Predictive accuracy index ``(n/N) / (a/A)``.

    With equal cell areas (the default) ``a/A`` is the flagged share of cells; with ``areas``
    the flagged area is the expected area of the flagged cells under the same tie rule.

    See Also
    --------
    pai_from_counts : the same ratio from counts, and pooled over windows.
    """
    a = np.asarray(actual, dtype=np.float64)
    k = n_flagged(len(a), fraction)
    if areas is None:
        area_share = k / len(a)
    else:
        w = np.asarray(areas, dtype=np.float64)
        area_share = hits(forecast, w, k) / float(w.sum())
    return hit_rate(forecast, a, fraction) / area_share


def pai_from_counts(
    hits: float, incidents: float, flagged_cells: float, cells: float
) -> float | None:
    """Predictive accuracy index from counts: ``(hits / incidents) / (flagged_cells / cells)``.

    Given sums over several windows (hits summed over windows / incidents summed over
    windows, divided by flagged cells summed / cells summed) it is the pooled PAI, the
    definition the Callao app uses everywhere. For one window and one grid it equals
    :func:`pai` with equal cell areas.

    Parameters
    ----------
    hits : float
        Incidents in the flagged cells (expected, when ties are split).
    incidents : float
        All incidents.
    flagged_cells : float
        Flagged cells, or flagged area.
    cells : float
        All cells, or the area of the region, in the unit of ``flagged_cells``.

    Returns
    -------
    float or None
        The PAI; None when ``incidents``, ``flagged_cells`` or ``cells`` is 0, where it is
        undefined.

    Examples
    --------
    >>> pai_from_counts(hits=25, incidents=100, flagged_cells=5, cells=100)
    5.0
    """
    if incidents == 0 or flagged_cells == 0 or cells == 0:
        return None
    return (hits / incidents) / (flagged_cells / cells)


def best_hits(actual: ArrayLike, k: int) -> float:
    """``n*``: the most incidents that any ``k`` cells hold."""
    a = np.sort(np.asarray(actual, dtype=np.float64))[::-1]
    return float(a[:k].sum())


def pei_star(forecast: ArrayLike, actual: ArrayLike, fraction: float) -> float:
    """Predictive efficiency index PEI* = ``n / n*`` with the same number of cells.

    Returns NaN when there are no incidents.
    """
    a = np.asarray(actual, dtype=np.float64)
    k = n_flagged(len(a), fraction)
    best = best_hits(a, k)
    return float("nan") if best == 0 else hits(forecast, a, k) / best


def coverage_curve(forecast: ArrayLike, actual: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Hit rate against flagged share of cells, for every ``k`` from 0 to all cells.

    Returns
    -------
    fractions, hit_rates : ndarray of float
        Both of length ``n_cells + 1``, starting at (0, 0).
    """
    a = np.asarray(actual, dtype=np.float64)
    n = len(a)
    knots_k, knots_hits = _cumulative_hits(forecast, a)
    ks = np.arange(n + 1, dtype=np.float64)
    total = float(a.sum())
    rates = np.interp(ks, knots_k, knots_hits) / total if total > 0 else np.full(n + 1, np.nan)
    return ks / n, rates


def coverage_auc(forecast: ArrayLike, actual: ArrayLike, max_fraction: float = 0.2) -> float:
    """Area under the coverage curve from 0 to ``max_fraction``, divided by ``max_fraction``.

    1 would mean every incident falls in the first flagged cell; a uniform forecast scores
    ``max_fraction / 2``.
    """
    fractions, rates = coverage_curve(forecast, actual)
    grid = np.append(fractions[fractions < max_fraction], max_fraction)
    values = np.interp(grid, fractions, rates)
    return float(np.trapezoid(values, grid) / max_fraction)


def poisson_log_likelihood(forecast: ArrayLike, actual: ArrayLike, floor: float = 1e-9) -> float:
    """Sum over cells of ``log P(actual | Poisson(forecast))``.

    Forecasts are floored at ``floor`` so that a zero forecast where an incident happened
    costs a large but finite penalty.
    """
    lam = np.maximum(np.asarray(forecast, dtype=np.float64), floor)
    y = np.asarray(actual, dtype=np.float64)
    from scipy.special import gammaln

    return float(np.sum(y * np.log(lam) - lam - gammaln(y + 1.0)))


def brier_score(forecast: ArrayLike, actual: ArrayLike) -> float:
    """Mean squared error of ``P(at least one incident) = 1 - exp(-forecast)`` per cell."""
    p = 1.0 - np.exp(-np.maximum(np.asarray(forecast, dtype=np.float64), 0.0))
    y = (np.asarray(actual, dtype=np.float64) > 0).astype(np.float64)
    return float(np.mean((p - y) ** 2))


def calibration_by_decile(forecast: ArrayLike, actual: ArrayLike, bins: int = 10) -> pd.DataFrame:
    """Mean forecast and mean observed count in groups of cells ranked by forecast.

    Cells are sorted by forecast (lowest first, ties in cell order) and cut into ``bins``
    groups of as equal size as possible.

    Returns
    -------
    DataFrame
        Columns ``decile`` (1 = lowest forecasts), ``cells``, ``mean_forecast``,
        ``mean_observed``.
    """
    f = np.asarray(forecast, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    order = np.argsort(f, kind="stable")
    rows = []
    for i, part in enumerate(np.array_split(order, bins), start=1):
        if len(part) == 0:
            continue
        rows.append((i, len(part), float(f[part].mean()), float(a[part].mean())))
    return pd.DataFrame(rows, columns=["decile", "cells", "mean_forecast", "mean_observed"])


def equity_by_district(
    forecast: ArrayLike,
    actual: ArrayLike,
    districts: Sequence[str] | NDArray[np.object_],
    fraction: float,
) -> pd.DataFrame:
    """Share of flagged area against share of incidents, per district.

    Parameters
    ----------
    forecast, actual : array_like
        Per-cell forecast and observed counts.
    districts : sequence of str
        District name of each cell.
    fraction : float
        Share of cells flagged.

    Returns
    -------
    DataFrame
        One row per district: ``cells``, ``flagged_cells`` (expected, ties split evenly),
        ``flagged_share`` (of all flagged cells), ``incident_share`` (of all incidents) and
        ``ratio`` = flagged_share / incident_share.
    """
    f = np.asarray(forecast, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    names = np.asarray(districts, dtype=object)
    k = n_flagged(len(f), fraction)
    total = float(a.sum())
    rows = []
    for name in sorted(set(names.tolist())):
        member = (names == name).astype(np.float64)
        flagged = hits(f, member, k)
        incidents = float(a[names == name].sum())
        incident_share = incidents / total if total > 0 else float("nan")
        flagged_share = flagged / k
        ratio = flagged_share / incident_share if incident_share > 0 else float("nan")
        rows.append((name, int(member.sum()), flagged, flagged_share, incident_share, ratio))
    return pd.DataFrame(
        rows,
        columns=[
            "district",
            "cells",
            "flagged_cells",
            "flagged_share",
            "incident_share",
            "ratio",
        ],
    )
