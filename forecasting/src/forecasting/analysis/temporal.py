"""When incidents happen: hour x weekday tables, monthly series and day-of-year seasonality.

The main functions take counts, because the web app counts in SQL; the ``counts_by_*``
helpers make those counts from timestamps for a researcher with a CSV. Times are read as
local wall time in whatever time zone they carry: an incident at 23:30 in Lima is counted
at hour 23 of its local day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..errors import InputError
from ._common import FloatArray, IntArray, json_list

Month = tuple[int, int]

# Day-of-year slots follow a leap-year calendar, so that 1 March is slot 61 in every year
# and 29 February (slot 60) is a day of its own rather than shifting the rest of the year.
_SLOTS = 366
_LEAP_MONTH_STARTS = np.cumsum([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30])


@dataclass(frozen=True, eq=False)
class HourWeekdayTable:
    """Incidents by weekday and hour against what independence of the two would give.

    Attributes
    ----------
    counts : ndarray of float, shape (7, 24)
        Rows Monday to Sunday, columns hours 0 to 23 (local time).
    expected : ndarray of float, shape (7, 24)
        ``row_total * column_total / total``: the count if the hour profile were the same
        on every weekday.
    ratio : ndarray of float, shape (7, 24)
        ``counts / expected``; NaN where ``expected`` is 0.
    total : float
        All incidents in the table.
    """

    counts: FloatArray
    expected: FloatArray
    ratio: FloatArray
    total: float

    def to_dict(self) -> dict[str, Any]:
        """The table as JSON-friendly lists; NaN ratios become None."""
        return {
            "counts": json_list(self.counts),
            "expected": json_list(self.expected),
            "ratio": json_list(self.ratio),
            "total": self.total,
        }


def hour_weekday_table(counts: ArrayLike) -> HourWeekdayTable:
    """Compare an hour x weekday table of counts with independence of hour and weekday.

    Parameters
    ----------
    counts : array_like, shape (7, 24)
        Incidents per weekday (rows, Monday first) and local hour (columns, 0 to 23).

    Returns
    -------
    HourWeekdayTable

    Raises
    ------
    InputError
        If the table is not 7 x 24 or holds negative or non-finite counts.

    Examples
    --------
    >>> table = hour_weekday_table(np.ones((7, 24)))
    >>> float(table.ratio[0, 0]), table.total
    (1.0, 168.0)
    """
    c = np.asarray(counts, dtype=np.float64)
    if c.shape != (7, 24):
        raise InputError(f"an hour x weekday table must be 7 x 24, got {c.shape}")
    _check_counts(c)
    total = float(c.sum())
    # An empty table expects nothing anywhere (every ratio then NaN).
    expected = np.outer(c.sum(axis=1), c.sum(axis=0)) / total if total else np.zeros_like(c)
    return HourWeekdayTable(c, expected, _ratio(c, expected), total)


@dataclass(frozen=True, eq=False)
class MonthlySeries:
    """Incidents per calendar month with a trailing 12-month mean and year-over-year change.

    Attributes
    ----------
    months : tuple of (int, int)
        Every (year, month) from the first to the last, gaps included.
    counts : ndarray of float
        Incidents per month; months absent from the input count 0.
    moving_average : ndarray of float
        Mean of the 12 months ending at each month; NaN for the first 11 months.
    yoy_pct : ndarray of float
        ``100 * (count / count 12 months earlier - 1)``; NaN in the first 12 months and
        where the earlier count is 0.
    """

    months: tuple[Month, ...]
    counts: FloatArray
    moving_average: FloatArray
    yoy_pct: FloatArray

    def to_dict(self) -> dict[str, Any]:
        """The series as JSON-friendly lists (months as ``"YYYY-MM"``); NaN becomes None."""
        return {
            "months": [f"{y:04d}-{m:02d}" for y, m in self.months],
            "counts": json_list(self.counts),
            "moving_average": json_list(self.moving_average),
            "yoy_pct": json_list(self.yoy_pct),
        }


def monthly_series(
    months: Sequence[Month],
    counts: ArrayLike,
    *,
    start: Month | None = None,
    end: Month | None = None,
) -> MonthlySeries:
    """Monthly counts over a full range of months, a 12-month moving average and YoY change.

    Parameters
    ----------
    months : sequence of (year, month)
        Months that have counts, strictly ascending. Gaps are allowed: a month that is
        missing had no incidents and is filled with 0 (SQL's ``GROUP BY`` leaves such
        months out).
    counts : array_like
        Incidents in each of ``months``.
    start, end : (year, month), optional
        Extend the range to these months (e.g. the bounds of the period asked for), also
        filled with 0. They may not cut off any of ``months``.

    Returns
    -------
    MonthlySeries

    Raises
    ------
    InputError
        If the lengths differ, months are not strictly ascending or not valid, counts are
        negative, or the range is empty.

    Examples
    --------
    >>> s = monthly_series([(2023, 11), (2024, 1)], [4, 6])
    >>> s.months, s.counts.tolist()
    (((2023, 11), (2023, 12), (2024, 1)), [4.0, 0.0, 6.0])
    """
    index = np.array([_month_index(m) for m in months], dtype=np.int64)
    c = np.asarray(counts, dtype=np.float64).ravel()
    if len(index) != len(c):
        raise InputError(f"{len(index)} months but {len(c)} counts")
    _check_counts(c)
    if np.any(np.diff(index) <= 0):
        raise InputError("months must be strictly ascending")
    first, last = _month_range(index, start, end)
    full = np.zeros(last - first + 1)
    full[index - first] = c
    labels = tuple(divmod(int(i), 12) for i in range(first, last + 1))
    return MonthlySeries(
        tuple((y, m + 1) for y, m in labels),
        full,
        _trailing_mean(full, 12),
        _change_pct(full, 12),
    )


@dataclass(frozen=True, eq=False)
class DayOfYearProfile:
    """Seasonality over the calendar year, smoothed, relative to the average day.

    Slots follow a leap-year calendar: slot 60 is 29 February and 1 March is slot 61 in
    every year, so each calendar day keeps its slot whether or not the year is a leap year.

    Attributes
    ----------
    day : ndarray of int, shape (366,)
        Slot numbers 1 to 366.
    month, day_of_month : ndarray of int, shape (366,)
        The calendar day of each slot.
    mean : ndarray of float, shape (366,)
        Mean incidents on that calendar day over the years covered; NaN for a day that
        never occurs in the range (29 February without a leap year).
    smoothed : ndarray of float, shape (366,)
        Incidents per day in a centred circular window of ``window`` slots (pooled: the
        window's incidents over the window's days, so 29 February weighs by how often it
        occurred).
    ratio : ndarray of float, shape (366,)
        ``smoothed / daily_mean``; 1 means an average day.
    window : int
        Width of the smoothing window in slots.
    n_days : int
        Days in the range analysed.
    daily_mean : float
        Incidents per day over the whole range.
    """

    day: IntArray
    month: IntArray
    day_of_month: IntArray
    mean: FloatArray
    smoothed: FloatArray
    ratio: FloatArray
    window: int
    n_days: int
    daily_mean: float

    def to_dict(self) -> dict[str, Any]:
        """The profile as JSON-friendly lists; NaN becomes None."""
        return {
            "day": json_list(self.day),
            "month": json_list(self.month),
            "day_of_month": json_list(self.day_of_month),
            "mean": json_list(self.mean),
            "smoothed": json_list(self.smoothed),
            "ratio": json_list(self.ratio),
            "window": self.window,
            "n_days": self.n_days,
            "daily_mean": self.daily_mean,
        }


def day_of_year_profile(
    daily_dates: Sequence[dt.date] | pd.DatetimeIndex | ArrayLike,
    daily_counts: ArrayLike,
    *,
    window: int = 15,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> DayOfYearProfile:
    """Mean incidents per calendar day, smoothed over a centred circular window.

    Parameters
    ----------
    daily_dates : sequence of date
        Days that have counts (any order; repeated days are added up). Days between the
        first and the last that are missing had no incidents and count 0.
    daily_counts : array_like
        Incidents on each of ``daily_dates``.
    window : int, default 15
        Width in slots of the centred moving window, odd, from 1 to 365 (15 = the day
        itself and 7 on each side). It wraps around the new year.
    start, end : date, optional
        Extend the range to these days (filled with 0); they may not cut off any date.

    Returns
    -------
    DayOfYearProfile

    Raises
    ------
    InputError
        If the lengths differ, counts are negative, ``window`` is not an odd number from 1
        to 365, or there are no days.
    """
    if not (isinstance(window, int | np.integer) and 1 <= window <= 365 and window % 2 == 1):
        raise InputError(f"window must be an odd number of days from 1 to 365, got {window}")
    days = _days(daily_dates, start, end)
    c = np.asarray(daily_counts, dtype=np.float64).ravel()
    if len(c) != len(days.index):
        raise InputError(f"{len(days.index)} dates but {len(c)} counts")
    _check_counts(c)
    full = pd.Series(c, index=days.index).groupby(level=0).sum().reindex(days.full, fill_value=0)
    slot = _slot(days.full)
    sums = np.bincount(slot, weights=full.to_numpy(np.float64), minlength=_SLOTS).astype(np.float64)
    occurrences = np.bincount(slot, minlength=_SLOTS).astype(np.float64)
    smoothed = _ratio(_circular_sum(sums, window), _circular_sum(occurrences, window))
    daily_mean = float(full.sum()) / len(days.full)
    ratio = smoothed / daily_mean if daily_mean > 0 else np.full(_SLOTS, np.nan)
    month = np.searchsorted(_LEAP_MONTH_STARTS, np.arange(_SLOTS), side="right")
    return DayOfYearProfile(
        np.arange(1, _SLOTS + 1),
        month.astype(np.int64),
        (np.arange(_SLOTS) - _LEAP_MONTH_STARTS[month - 1] + 1).astype(np.int64),
        _ratio(sums, occurrences),
        smoothed,
        ratio,
        int(window),
        len(days.full),
        daily_mean,
    )


def counts_by_hour_weekday(times: pd.DatetimeIndex | pd.Series) -> IntArray:
    """Count timestamps by weekday (rows, Monday first) and hour (columns), in wall time.

    Parameters
    ----------
    times : DatetimeIndex or Series of datetimes
        Aware timestamps are read in their own time zone; naive ones as they are.

    Returns
    -------
    ndarray of int, shape (7, 24)
        Input for :func:`hour_weekday_table`.
    """
    stamps = _wall_times(times)
    cell = stamps.day_of_week.to_numpy() * 24 + stamps.hour.to_numpy()
    return np.bincount(cell, minlength=7 * 24).astype(np.int64).reshape(7, 24)


def counts_by_month(times: pd.DatetimeIndex | pd.Series) -> tuple[list[Month], IntArray]:
    """Count timestamps by calendar month (wall time), every month from first to last.

    Returns
    -------
    months : list of (year, month)
        Ascending, without gaps.
    counts : ndarray of int
        Input for :func:`monthly_series`.
    """
    stamps = _wall_times(times)
    if len(stamps) == 0:
        return [], np.zeros(0, dtype=np.int64)
    index = stamps.year.to_numpy() * 12 + stamps.month.to_numpy() - 1
    first = int(index.min())
    counts = np.bincount(index - first).astype(np.int64)
    return [(y, m + 1) for y, m in (divmod(first + i, 12) for i in range(len(counts)))], counts


def counts_by_day(times: pd.DatetimeIndex | pd.Series) -> tuple[list[dt.date], IntArray]:
    """Count timestamps by local calendar day, every day from the first to the last.

    Returns
    -------
    dates : list of date
    counts : ndarray of int
        Input for :func:`day_of_year_profile`.
    """
    stamps = _wall_times(times)
    if len(stamps) == 0:
        return [], np.zeros(0, dtype=np.int64)
    day = stamps.normalize()
    full = pd.date_range(day.min(), day.max(), freq="D")
    counts = pd.Series(1, index=day).groupby(level=0).sum().reindex(full, fill_value=0)
    return [d.date() for d in full], counts.to_numpy(dtype=np.int64)


def _check_counts(c: FloatArray) -> None:
    if not np.all(np.isfinite(c)) or np.any(c < 0):
        raise InputError("counts must be finite and non-negative")


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """``numerator / denominator`` with NaN where the denominator is 0."""
    out = np.full(np.shape(numerator), np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _month_index(month: Month) -> int:
    year, m = (int(v) for v in month)
    if not 1 <= m <= 12:
        raise InputError(f"invalid month {month!r}")
    return year * 12 + m - 1


def _month_range(index: IntArray, start: Month | None, end: Month | None) -> tuple[int, int]:
    first = _month_index(start) if start is not None else (int(index[0]) if len(index) else None)
    last = _month_index(end) if end is not None else (int(index[-1]) if len(index) else None)
    if first is None or last is None:
        raise InputError("no months to analyse")
    if len(index) and (index[0] < first or index[-1] > last):
        raise InputError("start and end must not cut off months that have counts")
    if last < first:
        raise InputError("no months to analyse")
    return first, last


def _trailing_mean(c: FloatArray, width: int) -> FloatArray:
    out = np.full(len(c), np.nan)
    if len(c) >= width:
        cum = np.concatenate([[0.0], np.cumsum(c)])
        out[width - 1 :] = (cum[width:] - cum[:-width]) / width
    return out


def _change_pct(c: FloatArray, lag: int) -> FloatArray:
    out = np.full(len(c), np.nan)
    if len(c) > lag:
        before = c[:-lag]
        np.divide(100.0 * (c[lag:] - before), before, out=out[lag:], where=before > 0)
    return out


@dataclass(frozen=True)
class _Days:
    index: pd.DatetimeIndex  # the input dates, normalised
    full: pd.DatetimeIndex  # every day of the range


def _days(
    dates: Sequence[dt.date] | pd.DatetimeIndex | ArrayLike,
    start: dt.date | None,
    end: dt.date | None,
) -> _Days:
    index = _wall_times(pd.DatetimeIndex(dates)).normalize()
    bounds = [pd.Timestamp(d) for d in (start, end) if d is not None]
    every = list(index) + bounds
    if not every:
        raise InputError("no days to analyse")
    first, last = min(every), max(every)
    if (start is not None and first < pd.Timestamp(start)) or (
        end is not None and last > pd.Timestamp(end)
    ):
        raise InputError("start and end must not cut off days that have counts")
    return _Days(index, pd.date_range(first, last, freq="D"))


def _slot(days: pd.DatetimeIndex) -> IntArray:
    """Zero-based leap-calendar slot of each day (29 February = 59, 1 March = 60)."""
    month = days.month.to_numpy()
    return np.asarray(_LEAP_MONTH_STARTS[month - 1] + days.day.to_numpy() - 1, dtype=np.int64)


def _circular_sum(values: FloatArray, window: int) -> FloatArray:
    half = window // 2
    padded = np.concatenate([values[-half:], values, values[:half]]) if half else values
    cum = np.concatenate([[0.0], np.cumsum(padded)])
    return np.asarray(cum[window:] - cum[:-window], dtype=np.float64)


def _wall_times(times: pd.DatetimeIndex | pd.Series) -> pd.DatetimeIndex:
    """Timestamps as naive local wall times (aware ones keep their own zone's clock)."""
    stamps = pd.DatetimeIndex(times)
    return stamps.tz_localize(None) if stamps.tz is not None else stamps
