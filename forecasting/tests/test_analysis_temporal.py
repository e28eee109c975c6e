"""Temporal patterns: hour x weekday tables, monthly series, day-of-year seasonality."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting.analysis import (
    counts_by_day,
    counts_by_hour_weekday,
    counts_by_month,
    day_of_year_profile,
    hour_weekday_table,
    monthly_series,
)
from forecasting.errors import InputError


def test_hour_weekday_table_against_a_hand_computed_example() -> None:
    counts = np.zeros((7, 24))
    counts[0, 0], counts[0, 1], counts[1, 0] = 2, 1, 1
    table = hour_weekday_table(counts)
    # Monday 3 and Tuesday 1; hour 0 holds 3 and hour 1 holds 1; 4 in all.
    assert table.total == 4
    assert table.expected[0, 0] == pytest.approx(3 * 3 / 4)
    assert table.expected[0, 1] == pytest.approx(3 * 1 / 4)
    assert table.expected[1, 1] == pytest.approx(1 * 1 / 4)
    assert table.ratio[0, 0] == pytest.approx(2 / 2.25)
    assert table.ratio[0, 1] == pytest.approx(1 / 0.75)
    assert table.ratio[1, 1] == 0.0
    # Wednesday has no incidents: nothing expected, no ratio.
    assert table.expected[2].sum() == 0 and np.isnan(table.ratio[2]).all()
    assert table.expected.sum() == pytest.approx(table.total)
    payload = table.to_dict()
    assert payload["ratio"][2][0] is None and payload["counts"][0][0] == 2.0


def test_hour_weekday_table_rejects_bad_tables() -> None:
    with pytest.raises(InputError, match="7 x 24"):
        hour_weekday_table(np.ones((24, 7)))
    with pytest.raises(InputError, match="non-negative"):
        hour_weekday_table(-np.ones((7, 24)))
    empty = hour_weekday_table(np.zeros((7, 24)))
    assert empty.total == 0 and np.isnan(empty.ratio).all()


def test_monthly_series_fills_gaps_and_computes_moving_average_and_yoy() -> None:
    values = [10, 20, 0, 40, 50, 60, 70, 80, 90, 100, 110, 120]
    months = [(2023, m) for m in range(1, 13) if m != 3]  # March 2023 is missing
    counts = [v for m, v in zip(range(1, 13), values, strict=True) if m != 3]
    months += [(2024, 2), (2024, 3)]  # January 2024 is missing
    counts += [30, 5]
    s = monthly_series(months, counts)
    assert s.months[0] == (2023, 1) and s.months[-1] == (2024, 3) and len(s.months) == 15
    assert s.counts[2] == 0 and s.counts[12] == 0
    assert np.isnan(s.moving_average[:11]).all()
    assert s.moving_average[11] == pytest.approx(750 / 12)  # the 12 months of 2023
    assert s.moving_average[12] == pytest.approx((750 - 10 + 0) / 12)
    assert s.moving_average[13] == pytest.approx((740 - 20 + 30) / 12)
    assert np.isnan(s.yoy_pct[:12]).all()
    assert s.yoy_pct[12] == pytest.approx(-100.0)  # 0 in January 2024 against 10
    assert s.yoy_pct[13] == pytest.approx(50.0)  # 30 against 20
    assert np.isnan(s.yoy_pct[14])  # March 2023 had none: no percentage
    payload = s.to_dict()
    assert payload["months"][:2] == ["2023-01", "2023-02"] and payload["yoy_pct"][14] is None


def test_monthly_series_range_and_bad_input() -> None:
    s = monthly_series([(2024, 3)], [4], start=(2024, 1), end=(2024, 4))
    assert s.months == ((2024, 1), (2024, 2), (2024, 3), (2024, 4))
    assert s.counts.tolist() == [0, 0, 4, 0]
    with pytest.raises(InputError, match="ascending"):
        monthly_series([(2024, 2), (2024, 1)], [1, 1])
    with pytest.raises(InputError, match="invalid month"):
        monthly_series([(2024, 13)], [1])
    with pytest.raises(InputError, match="cut off"):
        monthly_series([(2024, 3)], [1], start=(2024, 4))
    with pytest.raises(InputError, match="no months"):
        monthly_series([], [])


def test_day_of_year_profile_handles_29_february_and_wraps_the_year() -> None:
    days = pd.date_range("2023-01-01", "2024-12-31", freq="D")  # 2024 is a leap year
    counts = np.ones(len(days))
    counts[days.get_loc(pd.Timestamp("2024-02-29"))] = 5
    counts[days.get_loc(pd.Timestamp("2023-12-31"))] = 10
    raw = day_of_year_profile(days.date, counts, window=1)
    assert raw.n_days == 731
    assert (raw.month[59], raw.day_of_month[59]) == (2, 29)
    assert (raw.month[60], raw.day_of_month[60]) == (3, 1)
    assert raw.mean[59] == 5  # only 2024 has a 29 February
    assert raw.mean[60] == 1  # 1 March is slot 61 in both years
    assert raw.mean[365] == pytest.approx((10 + 1) / 2)
    daily_mean = (731 - 2 + 5 + 10) / 731
    assert raw.daily_mean == pytest.approx(daily_mean)
    assert raw.ratio[60] == pytest.approx(1 / daily_mean)
    smooth = day_of_year_profile(days.date, counts, window=3)
    # 28 Feb (two days), 29 Feb (one) and 1 Mar (two): incidents over days, pooled.
    assert smooth.smoothed[59] == pytest.approx((2 + 5 + 2) / 5)
    # 1 January pools 31 December and 2 January: the window wraps around.
    assert smooth.smoothed[0] == pytest.approx((11 + 2 + 2) / 6)


def test_day_of_year_profile_fills_missing_days_and_checks_the_window() -> None:
    # Two incidents on one day of a 10-day range: the other nine days count 0.
    profile = day_of_year_profile(
        [dt.date(2023, 5, 1)], [2], window=1, start=dt.date(2023, 4, 27), end=dt.date(2023, 5, 6)
    )
    assert profile.n_days == 10 and profile.daily_mean == pytest.approx(0.2)
    may_first = 31 + 29 + 31 + 30  # slot index of 1 May
    assert profile.mean[may_first] == 2 and profile.mean[may_first + 1] == 0
    assert np.isnan(profile.mean[0])  # January is not in the range
    assert profile.to_dict()["mean"][0] is None
    for bad in (0, 14, 367):
        with pytest.raises(InputError, match="odd"):
            day_of_year_profile([dt.date(2023, 5, 1)], [2], window=bad)


def test_counting_helpers_use_local_wall_time() -> None:
    utc = pd.DatetimeIndex(["2024-01-01 03:30", "2024-01-01 15:00", "2024-02-10 12:00"], tz="UTC")
    lima = utc.tz_convert("America/Lima")  # UTC-5: the first is Sunday 31 Dec 2023, 22:30
    table = counts_by_hour_weekday(lima)
    assert table.shape == (7, 24) and table.sum() == 3
    assert table[6, 22] == 1 and table[0, 10] == 1 and table[5, 7] == 1
    months, counts = counts_by_month(lima)
    assert months == [(2023, 12), (2024, 1), (2024, 2)] and counts.tolist() == [1, 1, 1]
    days, per_day = counts_by_day(lima)
    assert days[0] == dt.date(2023, 12, 31) and days[-1] == dt.date(2024, 2, 10)
    assert len(days) == 42 and per_day.sum() == 3 and per_day[1] == 1
    # The helpers feed the tables directly.
    assert hour_weekday_table(table).total == 3
    assert monthly_series(months, counts).counts.sum() == 3
