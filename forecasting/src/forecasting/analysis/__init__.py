"""Analyses for planners: when crime happens, where hot spots emerge, how risk repeats.

- :mod:`~forecasting.analysis.temporal`: hour x weekday tables against independence,
  monthly series with a 12-month moving average and year-over-year change, day-of-year
  seasonality.
- :mod:`~forecasting.analysis.hotspots`: Emerging Hot Spot Analysis (Getis-Ord Gi* on a
  space-time cube, Mann-Kendall trends, Benjamini-Hochberg, ArcGIS's categories).
- :mod:`~forecasting.analysis.near_repeat`: the Knox test with Monte Carlo permutations, as
  the Near Repeat Calculator reports it.
- :mod:`~forecasting.analysis.change`: the exact test of a change between two Poisson
  counts, and rates per inhabitants.

Inputs are counts and arrays (metres, days); nothing here knows about the web app.
"""

from __future__ import annotations

from .change import PoissonChange, poisson_change_test, rate_per
from .hotspots import (
    DEFAULT_K,
    EHSA_CATEGORIES,
    MIN_STEPS,
    EmergingHotSpots,
    GiStar,
    MannKendall,
    classify_emerging,
    emerging_hot_spots,
    fdr_bh,
    getis_ord_gi_star,
    mann_kendall,
    neighbours,
    space_time_cube,
)
from .near_repeat import (
    DEFAULT_DISTANCE_BANDS,
    DEFAULT_TIME_BANDS,
    KnoxResult,
    NearRepeatExtent,
    knox_test,
    near_repeat_extent,
)
from .temporal import (
    DayOfYearProfile,
    HourWeekdayTable,
    MonthlySeries,
    counts_by_day,
    counts_by_hour_weekday,
    counts_by_month,
    day_of_year_profile,
    hour_weekday_table,
    monthly_series,
)

__all__ = [
    "DEFAULT_DISTANCE_BANDS",
    "DEFAULT_K",
    "DEFAULT_TIME_BANDS",
    "EHSA_CATEGORIES",
    "MIN_STEPS",
    "DayOfYearProfile",
    "EmergingHotSpots",
    "GiStar",
    "HourWeekdayTable",
    "KnoxResult",
    "MannKendall",
    "MonthlySeries",
    "NearRepeatExtent",
    "PoissonChange",
    "classify_emerging",
    "counts_by_day",
    "counts_by_hour_weekday",
    "counts_by_month",
    "day_of_year_profile",
    "emerging_hot_spots",
    "fdr_bh",
    "getis_ord_gi_star",
    "hour_weekday_table",
    "knox_test",
    "mann_kendall",
    "monthly_series",
    "near_repeat_extent",
    "neighbours",
    "poisson_change_test",
    "rate_per",
    "space_time_cube",
]
