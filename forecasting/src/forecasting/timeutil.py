"""Conversions between timestamps and the library's internal clock.

Inside the library time is a float: days since 1970-01-01T00:00 UTC. Arithmetic on windows
and decays is then plain numpy, and the time zone only matters at the edges (parsing input,
hour-of-day features, writing output).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TypeAlias

import numpy as np
import pandas as pd

from .errors import InputError

TimeLike: TypeAlias = str | datetime | pd.Timestamp | np.datetime64

_NS_PER_DAY = 86_400e9
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([wdhm])\s*$", re.IGNORECASE)
_UNIT_DAYS = {"w": 7.0, "d": 1.0, "h": 1.0 / 24.0, "m": 1.0 / 1440.0}


def to_timestamp(value: TimeLike, tz: str) -> pd.Timestamp:
    """Return ``value`` as an aware timestamp; naive values are local time in ``tz``."""
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError(f"cannot parse time {value!r}") from exc
    if ts is pd.NaT:
        raise InputError(f"cannot parse time {value!r}")
    if ts.tzinfo is None:
        ts = ts.tz_localize(tz)
    return ts


def to_days(value: TimeLike | float, tz: str) -> float:
    """Convert a time to days since the Unix epoch (UTC); floats pass through unchanged."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value)
    ts = to_timestamp(value, tz)
    return float(ts.value / _NS_PER_DAY)


def from_days(days: float, tz: str) -> pd.Timestamp:
    """Convert days since the Unix epoch back to an aware timestamp in ``tz``."""
    # Rounded to the millisecond: float days carry ~1e-7 s of noise that nobody wants printed.
    return pd.Timestamp(round(days * 86_400_000), unit="ms", tz="UTC").tz_convert(tz)


def parse_duration(text: str) -> float:
    """Parse a duration such as ``7d``, ``8h``, ``2w`` or ``30m`` into days.

    Parameters
    ----------
    text : str
        A positive number followed by one unit letter: w, d, h or m.

    Returns
    -------
    float
        The duration in days.
    """
    match = _DURATION.match(text)
    if match is None:
        raise InputError(f"cannot parse duration {text!r}; use e.g. 7d, 8h, 2w or 30m")
    days = float(match.group(1)) * _UNIT_DAYS[match.group(2).lower()]
    if days <= 0:
        raise InputError(f"duration must be positive, got {text!r}")
    return days
