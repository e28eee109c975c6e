"""Date parsing: the canonical form takes a fast path that must agree with the general one."""

from __future__ import annotations

import pandas as pd

from incidents.importing.dates import _parse_datetimes_any, parse_datetimes

VALUES = [
    "2024-03-01T10:15:00",
    "2024-03-01 10:15:00",
    "2024-02-29T23:59:59",
    "2023-02-29T10:00:00",  # not a leap year
    "2024-02-30 10:00:00",  # Arrow alone would roll this over to 1 March
    "2024-02-28T23:59:60",  # a leap second: midnight, as pandas reads it
    "2024-13-01T10:00:00",
    "1899-12-31T00:00:00",
    "2024-03-01T10:15",
    "01/03/2024 10:15",
    "2024-03-01T10:15:00-03:00",
    "2024-03-01T10:15:00.250",
    "",
    "ayer",
]


def test_the_fast_path_gives_what_the_general_parser_gives() -> None:
    values = pd.Series(VALUES, dtype="str")

    fast = parse_datetimes(values, "America/Lima")
    general = _parse_datetimes_any(values, "America/Lima")

    pd.testing.assert_series_equal(fast, general)
    missing = [False, False, False, True, True, False, True, False, False, False, False, False]
    assert fast.isna().tolist() == [*missing, True, True]
    assert str(fast[0]) == "2024-03-01 15:15:00+00:00"  # Lima is UTC-5


def test_a_column_in_the_canonical_form_keeps_its_index() -> None:
    values = pd.Series(["2024-03-01T10:15:00", "2024-03-02T11:00:00"], index=[7, 9], dtype="str")

    parsed = parse_datetimes(values, "America/Lima")

    assert parsed.index.tolist() == [7, 9]
    assert str(parsed[9]) == "2024-03-02 16:00:00+00:00"
