"""The categories of ArcGIS Pro's Emerging Hot Spot Analysis, from a cell's history."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from .._common import BoolArray

ObjectArray = NDArray[np.object_]

EHSA_CATEGORIES: tuple[str, ...] = (
    "new_hot",
    "consecutive_hot",
    "intensifying_hot",
    "persistent_hot",
    "diminishing_hot",
    "sporadic_hot",
    "oscillating_hot",
    "historical_hot",
    "new_cold",
    "consecutive_cold",
    "intensifying_cold",
    "persistent_cold",
    "diminishing_cold",
    "sporadic_cold",
    "oscillating_cold",
    "historical_cold",
    "no_pattern",
)
"""Every category code, hot spots first, in the order of ArcGIS's legend."""


def classify_emerging(
    hot: ArrayLike,
    cold: ArrayLike,
    trend_z: ArrayLike,
    trend_p: ArrayLike,
    *,
    alpha: float = 0.05,
) -> ObjectArray:
    """Each cell's category from its significant hot and cold bins and its trend.

    Definitions follow ArcGIS Pro's "How Emerging Hot Spot Analysis works". "90 %" means at
    least 90 % of all time steps (``10 * count >= 9 * n_steps``), "final" the last step, and
    a trend is significant when its Mann-Kendall p-value is at most ``alpha``; it is upward
    when z > 0. For hot spots (cold spots mirror them, with "intensifying" a significant
    *downward* trend of z):

    - ``new_hot``: hot in the final step and never significant (hot or cold) before.
    - ``consecutive_hot``: one uninterrupted run of at least two hot steps ending in the
      final step, nothing significant before the run, under 90 % of steps hot.
    - ``intensifying_hot``: hot in at least 90 % of steps including the final one, with a
      significant upward trend.
    - ``persistent_hot``: hot in at least 90 % of steps including the final one, without
      a significant trend.
    - ``diminishing_hot``: hot in at least 90 % of steps including the final one, with a
      significant downward trend.
    - ``sporadic_hot``: hot in the final step, under 90 % of steps hot, hot on and off
      before (a hot step, then a gap), never cold.
    - ``oscillating_hot``: hot in the final step, under 90 % of steps hot, cold in some
      earlier step.
    - ``historical_hot``: not significant in the final step, hot in at least 90 % of steps.
    - ``no_pattern``: none of these.

    ArcGIS leaves three overlaps open; they are resolved so that the categories partition
    the cells: a history of cold spots makes a final hot spot ``oscillating_hot`` rather
    than ``new_hot`` or ``consecutive_hot`` (as in R's sfdep); a cell that is 90 % hot but
    whose final step is hot counts by its trend, not as historical; and a final step that
    is significant decides the family, so a cell hot for 90 % of steps that ends cold is
    ``oscillating_cold``, not ``historical_hot``.

    Parameters
    ----------
    hot, cold : array_like of bool, shape (n_steps, n_cells)
        Significant hot and cold bins (never both in one bin).
    trend_z, trend_p : array_like of float, shape (n_cells,)
        Mann-Kendall z and p of each cell's Gi* z-scores.
    alpha : float, default 0.05
        Significance level of the trend.

    Returns
    -------
    ndarray of str (object), shape (n_cells,)
        Codes from :data:`EHSA_CATEGORIES`.
    """
    h = np.asarray(hot, dtype=bool)
    c = np.asarray(cold, dtype=bool)
    if h.ndim != 2 or h.shape != c.shape or np.any(h & c):
        raise InputError("hot and cold must be boolean (n_steps, n_cells) arrays, disjoint")
    tz = np.asarray(trend_z, dtype=np.float64)
    significant = np.asarray(trend_p, dtype=np.float64) <= alpha
    up, down = significant & (tz > 0), significant & (tz < 0)
    codes = np.full(h.shape[1], "no_pattern", dtype=object)
    for family, same, other, rising, falling in (("hot", h, c, up, down), ("cold", c, h, down, up)):
        for name, where in _family_rules(same, other, rising, falling).items():
            codes[where] = f"{name}_{family}"
    return codes


def _family_rules(
    same: BoolArray, other: BoolArray, rising: BoolArray, falling: BoolArray
) -> dict[str, BoolArray]:
    """Masks of the eight categories of one family (hot: same=hot, other=cold)."""
    n_steps = same.shape[0]
    n_same, n_other = same.sum(axis=0), other.sum(axis=0)
    final = same[-1]
    mostly = 10 * n_same >= 9 * n_steps
    # Length of the run of significant bins that ends in the final step.
    run = np.cumprod(same[::-1], axis=0).sum(axis=0)
    recent = final & ~mostly
    return {
        "new": recent & (n_same == 1) & (n_other == 0),
        "consecutive": recent & (n_same >= 2) & (run == n_same) & (n_other == 0),
        "intensifying": final & mostly & rising,
        "persistent": final & mostly & ~rising & ~falling,
        "diminishing": final & mostly & falling,
        "sporadic": recent & (run < n_same) & (n_other == 0),
        "oscillating": recent & (n_other > 0),
        "historical": ~final & ~other[-1] & mostly,
    }
