"""Emerging Hot Spot Analysis of a cube: the steps above, in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from .._common import BoolArray, FloatArray
from .categories import EHSA_CATEGORIES, ObjectArray, classify_emerging
from .cube import DEFAULT_K, checked_cube, checked_xy, neighbours
from .statistics import GlobalWindow, fdr_bh, getis_ord_gi_star, mann_kendall


@dataclass(frozen=True, eq=False)
class EmergingHotSpots:
    """Result of :func:`emerging_hot_spots`.

    Attributes
    ----------
    gi_z, gi_p : ndarray of float, shape (n_steps, n_cells)
        Gi* z-score and two-sided p-value of every bin.
    hot, cold : ndarray of bool, shape (n_steps, n_cells)
        Bins that are significant hot / cold spots (after the FDR correction if asked).
    trend_z, trend_p, trend_tau : ndarray of float, shape (n_cells,)
        Mann-Kendall z, p and tau of each cell's Gi* z-scores over time.
    category : ndarray of str (object), shape (n_cells,)
        Code from :data:`EHSA_CATEGORIES` for each cell.
    distance, k : float or None, int or None
        The neighbourhood used (one of them is None).
    time_window : int
    global_window : str
    alpha : float
    fdr : bool
    """

    gi_z: FloatArray
    gi_p: FloatArray
    hot: BoolArray
    cold: BoolArray
    trend_z: FloatArray
    trend_p: FloatArray
    trend_tau: FloatArray
    category: ObjectArray
    distance: float | None
    k: int | None
    time_window: int
    global_window: str
    alpha: float
    fdr: bool

    @property
    def category_index(self) -> NDArray[np.int8]:
        """Each cell's category as its position in :data:`EHSA_CATEGORIES`."""
        lookup = {code: i for i, code in enumerate(EHSA_CATEGORIES)}
        return np.array([lookup[c] for c in self.category], dtype=np.int8)

    def category_counts(self) -> dict[str, int]:
        """Number of cells in each category, every category listed, in legend order."""
        counts = np.bincount(self.category_index, minlength=len(EHSA_CATEGORIES))
        return {code: int(n) for code, n in zip(EHSA_CATEGORIES, counts, strict=True)}

    def settings(self) -> dict[str, Any]:
        """The options the analysis ran with, as JSON-friendly values."""
        return {
            "distance": self.distance,
            "k": self.k,
            "time_window": self.time_window,
            "global_window": self.global_window,
            "alpha": self.alpha,
            "fdr": self.fdr,
        }


def emerging_hot_spots(
    counts: ArrayLike,
    centroids_xy: ArrayLike,
    *,
    distance: float | None = None,
    k: int | None = None,
    time_window: int = 0,
    alpha: float = 0.05,
    fdr: bool = True,
    global_window: GlobalWindow = "cube",
) -> EmergingHotSpots:
    """Emerging Hot Spot Analysis of a space-time cube of counts, as ArcGIS defines it.

    1. Gi* of every bin (:func:`getis_ord_gi_star`) over the neighbourhood of
       :func:`neighbours` and ``time_window`` previous steps, against the ``global_window``.
    2. A bin is significant when its p-value passes Benjamini-Hochberg at ``alpha`` over
       all bins of the cube together (``fdr=True``, as ArcGIS corrects its cube), or is at
       most ``alpha`` (``fdr=False``); hot if z > 0, cold if z < 0.
    3. Mann-Kendall of each cell's z-scores (:func:`mann_kendall`), significant at
       ``alpha``.
    4. Categories by the rules of :func:`classify_emerging`.

    Every cell of the cube is analysed, including cells without incidents (the grid is
    already clipped to the region, as ArcGIS's polygon analysis mask would clip it).

    Parameters
    ----------
    counts : array_like, shape (n_steps, n_cells)
        Incidents per time step and cell (:func:`space_time_cube`), oldest step first.
    centroids_xy : array_like, shape (n_cells, 2)
        Cell centres in metres.
    distance, k : optional
        Fixed-distance band in metres or number of nearest neighbours (see
        :func:`neighbours`); by default the :data:`DEFAULT_K` nearest cells.
    time_window : int, default 0
        Previous steps in each bin's neighbourhood (ArcGIS's "Neighborhood Time Step").
    alpha : float, default 0.05
        Significance level for the bins (as a false discovery rate when ``fdr``) and the
        trends.
    fdr : bool, default True
        Correct the bins' p-values for multiple testing.
    global_window : {"cube", "window"}, default "cube"
        Reference for Gi*'s mean and variance (see :func:`getis_ord_gi_star`).

    Returns
    -------
    EmergingHotSpots

    Raises
    ------
    InputError
        If the cube has fewer than :data:`MIN_STEPS` steps, no incidents, negative or
        non-finite counts, or does not match the centroids.
    """
    cube = checked_cube(counts)
    xy = checked_xy(centroids_xy)
    if len(xy) != cube.shape[1]:
        raise InputError(f"{len(xy)} centroids for a cube of {cube.shape[1]} cells")
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be in (0, 1), got {alpha}")
    k_used = DEFAULT_K if distance is None and k is None else k
    weights = neighbours(xy, distance=distance, k=k_used)
    gi = getis_ord_gi_star(cube, weights, time_window=time_window, global_window=global_window)
    significant = fdr_bh(gi.p, alpha) if fdr else gi.p <= alpha
    hot, cold = significant & (gi.z > 0), significant & (gi.z < 0)
    trend = mann_kendall(gi.z)
    return EmergingHotSpots(
        gi.z,
        gi.p,
        hot,
        cold,
        trend.z,
        trend.p,
        trend.tau,
        classify_emerging(hot, cold, trend.z, trend.p, alpha=alpha),
        None if distance is None else float(distance),
        None if k_used is None else int(k_used),
        int(time_window),
        global_window,
        float(alpha),
        bool(fdr),
    )
