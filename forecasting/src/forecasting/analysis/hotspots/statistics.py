"""Getis-Ord Gi*, the Mann-Kendall trend test and Benjamini-Hochberg, on whole arrays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.special import ndtr

from ...errors import InputError
from .._common import BoolArray, FloatArray

GlobalWindow = Literal["cube", "window"]


@dataclass(frozen=True, eq=False)
class GiStar:
    """Getis-Ord Gi* z-scores and two-sided p-values (normal approximation).

    Attributes
    ----------
    z, p : ndarray of float
        Same shape as the values: (n_cells,) for one step, (n_steps, n_cells) for a cube.
    """

    z: FloatArray
    p: FloatArray


def getis_ord_gi_star(
    values: ArrayLike,
    weights: sparse.csr_array | sparse.spmatrix,
    *,
    time_window: int = 0,
    global_window: GlobalWindow = "cube",
) -> GiStar:
    """Getis-Ord Gi* for one time step or for every bin of a space-time cube.

    For bin ``i`` with neighbourhood weights ``w_ij`` (self included),

    ``z_i = (sum_j w_ij x_j - xbar W_i) / (s sqrt((n S1_i - W_i**2) / (n - 1)))``

    with ``W_i = sum_j w_ij``, ``S1_i = sum_j w_ij**2``, and ``xbar``, ``s`` (population
    standard deviation) and ``n`` taken over the reference bins (Getis & Ord 1992/1995;
    the same formula as ArcGIS and as ``esda.G_Local(..., star=True)`` with binary weights).
    The p-value is two-sided, ``2 (1 - Phi(|z|))``. Where ``s`` is 0 or the neighbourhood
    is the whole reference (nothing to compare with), z is 0 and p is 1.

    Parameters
    ----------
    values : array_like, shape (n_cells,) or (n_steps, n_cells)
        One step's values, or a cube of counts (rows are time steps).
    weights : sparse matrix, shape (n_cells, n_cells)
        Spatial weights with the diagonal set, e.g. from :func:`neighbours`.
    time_window : int, default 0
        Previous time steps pooled into each bin's neighbourhood. ArcGIS's "Neighborhood
        Time Step" is the same thing: with 1 (ArcGIS's default) a bin's neighbourhood is
        its spatial neighbours in its own step and in the step before. Steps before the
        first simply do not exist, so early bins have smaller neighbourhoods. The default
        0 uses the bin's own step only. Only for a cube.
    global_window : {"cube", "window"}, default "cube"
        Reference bins for ``xbar``, ``s`` and ``n`` in a cube: every bin of the cube
        (ArcGIS's default "Entire cube"), or the bins of all cells in the steps of the
        bin's time window (ArcGIS's "Neighborhood time step"; with ``time_window=0`` this is
        "Individual time step", i.e. Gi* computed slice by slice).

    Returns
    -------
    GiStar

    Raises
    ------
    InputError
        If shapes do not match or the options are invalid.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim == 1 and time_window:
        raise InputError("a time window needs a cube of several time steps")
    cube = x[None, :] if x.ndim == 1 else x
    if cube.ndim != 2 or not np.all(np.isfinite(cube)):
        raise InputError("values must be a finite 1-D array or a 2-D cube")
    w = sparse.csr_array(weights, dtype=np.float64)
    if w.shape != (cube.shape[1], cube.shape[1]):
        raise InputError(f"weights are {w.shape} for {cube.shape[1]} cells")
    if time_window < 0 or int(time_window) != time_window:
        raise InputError(f"time_window must be a whole number >= 0, got {time_window}")
    if global_window not in ("cube", "window"):
        raise InputError(f"global_window must be 'cube' or 'window', got {global_window!r}")
    z = _gi_z(cube, w, int(time_window), global_window)
    z = z[0] if x.ndim == 1 else z
    return GiStar(z, 2.0 * ndtr(-np.abs(z)))


def _gi_z(cube: FloatArray, w: sparse.csr_array, window: int, reference: str) -> FloatArray:
    n_steps, n_cells = cube.shape
    # Bins of steps t - window .. t that exist, per step.
    pooled = np.minimum(np.arange(n_steps), window)[:, None] + 1.0
    local = _window_sum(np.asarray(w @ cube.T).T, window)
    w_sum = pooled * np.asarray(w.sum(axis=1)).ravel()
    w_sq = pooled * np.asarray(w.multiply(w).sum(axis=1)).ravel()
    if reference == "cube":
        n = np.full((n_steps, 1), float(cube.size))
        mean = np.full((n_steps, 1), cube.mean())
        sd = np.full((n_steps, 1), cube.std())
    else:
        n = pooled * n_cells
        mean = _window_sum(cube.sum(axis=1, keepdims=True), window) / n
        mean_sq = _window_sum((cube**2).sum(axis=1, keepdims=True), window) / n
        sd = np.sqrt(np.maximum(mean_sq - mean**2, 0.0))
    spread = (n * w_sq - w_sum**2) / np.maximum(n - 1.0, 1.0)
    denominator = sd * np.sqrt(np.maximum(spread, 0.0))
    z = np.zeros_like(local)
    np.divide(local - mean * w_sum, denominator, out=z, where=denominator > 0)
    return z


def _window_sum(a: FloatArray, window: int) -> FloatArray:
    """Sum of rows ``t - window .. t`` (those that exist) for every row ``t``."""
    if window == 0:
        return a
    cum = np.cumsum(a, axis=0)
    out = cum.copy()
    out[window + 1 :] -= cum[: -window - 1]
    return out


@dataclass(frozen=True, eq=False)
class MannKendall:
    """The Mann-Kendall trend test of each series.

    Attributes
    ----------
    s : ndarray of float
        ``S = sum_{i<j} sign(x_j - x_i)``.
    var_s : ndarray of float
        Variance of S under no trend, corrected for ties.
    z : ndarray of float
        ``(S - sign(S)) / sqrt(var_s)`` (continuity correction); 0 when S is 0 or the
        variance is 0.
    p : ndarray of float
        Two-sided p-value ``2 (1 - Phi(|z|))``.
    tau : ndarray of float
        Kendall's tau-a, ``S / (n (n - 1) / 2)``.
    trend : ndarray of int8
        Sign of S: 1 increasing, -1 decreasing, 0 neither (significant or not).
    """

    s: FloatArray
    var_s: FloatArray
    z: FloatArray
    p: FloatArray
    tau: FloatArray
    trend: NDArray[np.int8]


def mann_kendall(series: ArrayLike, *, chunk: int = 2048) -> MannKendall:
    """Mann-Kendall test for a monotonic trend, for many series at once.

    Parameters
    ----------
    series : array_like, shape (n,) or (n, n_series)
        Values in time order (rows), one column per series (e.g. each cell's Gi* z-scores).
        Equal values are ties, corrected for in the variance as usual:
        ``var_s = (n(n-1)(2n+5) - sum_t t(t-1)(2t+5)) / 18`` over groups of ``t`` ties.
    chunk : int, default 2048
        Series handled together; bounds memory to about ``n * chunk`` floats.

    Returns
    -------
    MannKendall
        Arrays of shape ``series.shape[1:]`` (0-d for a single series).

    Raises
    ------
    InputError
        If the values are not finite or there is no series.
    """
    x = np.asarray(series, dtype=np.float64)
    if x.ndim not in (1, 2) or x.size == 0 or not np.all(np.isfinite(x)):
        raise InputError("series must be a finite, non-empty 1-D or 2-D array")
    columns = x.reshape(x.shape[0], -1)
    n = columns.shape[0]
    s = np.empty(columns.shape[1])
    ties = np.empty(columns.shape[1])
    for lo in range(0, columns.shape[1], chunk):
        block = columns[:, lo : lo + chunk]
        s[lo : lo + chunk] = _mk_score(block)
        ties[lo : lo + chunk] = _tie_term(block)
    var_s = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    z = np.zeros_like(s)
    np.divide(s - np.sign(s), np.sqrt(np.maximum(var_s, 0.0)), out=z, where=var_s > 0)
    pairs = n * (n - 1) / 2.0
    tau = s / pairs if pairs else np.zeros_like(s)
    shape = x.shape[1:]
    return MannKendall(
        s.reshape(shape),
        var_s.reshape(shape),
        z.reshape(shape),
        (2.0 * ndtr(-np.abs(z))).reshape(shape),
        tau.reshape(shape),
        np.sign(s).astype(np.int8).reshape(shape),
    )


def _mk_score(block: FloatArray) -> FloatArray:
    """S for each column: every pair of steps, one lag at a time."""
    s = np.zeros(block.shape[1])
    for lag in range(1, block.shape[0]):
        s += np.sign(block[lag:] - block[:-lag]).sum(axis=0)
    return s


def _tie_term(block: FloatArray) -> FloatArray:
    """``sum t (t - 1) (2t + 5)`` over each column's groups of equal values."""
    n, m = block.shape
    flat = np.sort(block, axis=0).T.ravel()
    starts = np.ones(flat.size, dtype=bool)
    starts[1:] = flat[1:] != flat[:-1]
    starts[::n] = True  # a column's first value opens a group
    first = np.flatnonzero(starts)
    size = np.diff(np.append(first, flat.size)).astype(np.float64)
    term = size * (size - 1) * (2 * size + 5)
    return np.bincount(first // n, weights=term, minlength=m).astype(np.float64)


def fdr_bh(p_values: ArrayLike, alpha: float = 0.05) -> BoolArray:
    """Benjamini-Hochberg false-discovery-rate control.

    With the ``m`` finite p-values sorted, ``p_(1) <= ... <= p_(m)``, find the largest
    ``k`` with ``p_(k) <= k alpha / m`` and reject the ``k`` smallest.

    Parameters
    ----------
    p_values : array_like
        Any shape. NaN means "not tested": never rejected and not counted in ``m``.
    alpha : float, default 0.05
        The false discovery rate controlled.

    Returns
    -------
    ndarray of bool
        Same shape as ``p_values``; True where the null hypothesis is rejected.

    Examples
    --------
    >>> fdr_bh([0.01, 0.04, 0.03, 0.5], alpha=0.05).tolist()
    [True, False, False, False]
    """
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be in (0, 1), got {alpha}")
    p = np.asarray(p_values, dtype=np.float64)
    tested = np.isfinite(p)
    ranked = np.sort(p[tested])
    m = len(ranked)
    passing = np.flatnonzero(ranked <= alpha * np.arange(1, m + 1) / m)
    if len(passing) == 0:
        return np.zeros(p.shape, dtype=bool)
    threshold = ranked[passing[-1]]
    return np.asarray(tested & (np.where(tested, p, np.inf) <= threshold))
