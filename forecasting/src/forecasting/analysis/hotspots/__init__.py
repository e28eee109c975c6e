"""Emerging Hot Spot Analysis: Getis-Ord Gi* on a space-time cube, Mann-Kendall trends of
the z-scores, and the categories of ArcGIS Pro's "How Emerging Hot Spot Analysis works".

A *cube* holds counts per time step (rows) and cell (columns). Each bin's Gi* compares the
sum of its space-time neighbourhood with what the cube's mean would give; bins significant
after the Benjamini-Hochberg correction are hot (z > 0) or cold (z < 0) spots; the
Mann-Kendall test on each cell's series of z-scores says whether clustering intensifies or
fades; and the rules in :func:`classify_emerging` turn a cell's history into one of
:data:`EHSA_CATEGORIES`.

Everything runs on whole arrays: one sparse product gives every bin's neighbourhood sum, and
the Mann-Kendall statistic is computed for blocks of cells at once.
"""

from __future__ import annotations

from .analysis import EmergingHotSpots, emerging_hot_spots
from .categories import EHSA_CATEGORIES, classify_emerging
from .cube import DEFAULT_K, MIN_STEPS, neighbours, space_time_cube
from .statistics import GiStar, MannKendall, fdr_bh, getis_ord_gi_star, mann_kendall

__all__ = [
    "DEFAULT_K",
    "EHSA_CATEGORIES",
    "MIN_STEPS",
    "EmergingHotSpots",
    "GiStar",
    "MannKendall",
    "classify_emerging",
    "emerging_hot_spots",
    "fdr_bh",
    "getis_ord_gi_star",
    "mann_kendall",
    "neighbours",
    "space_time_cube",
]
