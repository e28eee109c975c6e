"""What drives a zone, measured from the incidents themselves (not from the model's insides).

Three honest comparisons on the zone's cells, all from past incidents before the shift:
- near repeat: incidents in the last ``RECENT_DAYS`` against what the past year's rate predicts;
- long-term hotspot: the zone's share of the district's incidents in the past year against
  its share of the district's area;
- time of day: the share of the zone's past-year incidents in the shift's hours against the
  district's share in the same hours.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from forecasting import Events
from predictions.models import Driver

RECENT_DAYS = 14.0
LONG_DAYS = 365.0
NEAR_REPEAT_MIN_RATIO = 2.0
NEAR_REPEAT_MIN_COUNT = 2
TIME_OF_DAY_MIN_RATIO = 1.3


def zone_drivers(
    *,
    zone_cells: NDArray[np.int64],
    district_cells: NDArray[np.int64],
    event_cells: NDArray[np.int64],
    events: Events,
    in_shift_hours: NDArray[np.bool_],
    window_start: float,
) -> dict[str, float]:
    """Numbers behind the explanation (see module docstring)."""
    in_zone = np.isin(event_cells, zone_cells)
    in_district = np.isin(event_cells, district_cells)
    long = (events.t >= window_start - LONG_DAYS) & (events.t < window_start)
    recent = events.t >= window_start - RECENT_DAYS
    long_zone = float((long & in_zone).sum())
    long_district = float((long & in_district).sum())
    recent_zone = float((recent & long & in_zone).sum())
    # With less than a year of history, the rate is over the history there is.
    first = float(events.t[0]) if len(events) else window_start - LONG_DAYS
    span = max(window_start - max(first, window_start - LONG_DAYS), RECENT_DAYS)
    expected_recent = long_zone * RECENT_DAYS / span
    area_share = len(zone_cells) / max(len(district_cells), 1)
    zone_hours = float((long & in_zone & in_shift_hours).sum())
    district_hours = float((long & in_district & in_shift_hours).sum())
    return {
        "recent_incidents": recent_zone,
        "recent_expected": expected_recent,
        "near_repeat_ratio": recent_zone / max(expected_recent, 0.5),
        "year_incidents": long_zone,
        "year_share": long_zone / long_district if long_district else 0.0,
        "area_share": area_share,
        "concentration": (long_zone / long_district / area_share) if long_district else 0.0,
        "shift_share": zone_hours / long_zone if long_zone else 0.0,
        "district_shift_share": district_hours / long_district if long_district else 0.0,
    }


def main_driver(drivers: dict[str, float], *, exploration: bool) -> str:
    if exploration:
        return Driver.EXPLORATION
    if (
        drivers["recent_incidents"] >= NEAR_REPEAT_MIN_COUNT
        and drivers["near_repeat_ratio"] >= NEAR_REPEAT_MIN_RATIO
    ):
        return Driver.NEAR_REPEAT
    district_share = drivers["district_shift_share"]
    if district_share > 0 and drivers["shift_share"] / district_share >= TIME_OF_DAY_MIN_RATIO:
        return Driver.TIME_OF_DAY
    return Driver.LONG_TERM
