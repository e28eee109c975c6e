"""Vectorised date and time parsing for the formats found in Peruvian and open-data files.

Naive values are local time in the dataset's time zone (settings.TIME_ZONE by default); values with an
offset are converted. Impossible dates such as 31/02/2024 come back as NaT and are rejected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

UTC_DTYPE = "datetime64[ns, UTC]"
# Day first: Peruvian files write 03/04/2024 for the 3rd of April.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
DATETIME_FORMATS = (
    tuple(f"{date} {time}" for date in DATE_FORMATS for time in ("%H:%M:%S", "%H:%M"))
    + DATE_FORMATS
)
OFFSET_PATTERN = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"
TIME_PATTERN = (
    r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?::(?P<s>\d{2}))?(?:\.\d+)?"
    r"\s*(?P<ampm>[ap])?\.?\s*(?:m\.?)?$"
)


def _empty(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NaT, index=index, dtype=UTC_DTYPE)


def _try_formats(values: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    pending = values.notna() & (values != "")
    for fmt in formats:
        if not pending.any():
            break
        attempt = pd.to_datetime(values[pending], format=fmt, errors="coerce")
        hits = attempt.notna()
        parsed.loc[attempt.index[hits]] = attempt[hits]
        pending.loc[attempt.index[hits]] = False
    return parsed


def localise(naive: pd.Series, timezone: str) -> pd.Series:
    """Naive local times → UTC. Ambiguous autumn hours count as standard time."""
    if naive.empty:
        return pd.Series(pd.NaT, index=naive.index, dtype=UTC_DTYPE)
    local = naive.dt.tz_localize(
        timezone, ambiguous=np.zeros(len(naive), dtype=bool), nonexistent="shift_forward"
    )
    return local.dt.tz_convert("UTC")


def _exact_iso_seconds(values: pd.Series) -> pd.Series:
    """'YYYY-MM-DD[T ]HH:MM:SS', the canonical form, parsed in C; NaT for anything else.

    Arrow rolls impossible dates over (31/02 → 02/03), so a value counts only if it reads
    back exactly as written.
    """
    text = pc.replace_substring(pa.array(values), "T", " ", max_replacements=1)
    parsed = pc.strptime(text, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
    exact = pc.fill_null(pc.equal(parsed.cast(pa.string()), text), False)
    kept = pc.if_else(exact, parsed, pa.scalar(None, parsed.type))
    return pd.Series(kept.to_numpy(zero_copy_only=False), index=values.index).astype(
        "datetime64[ns]"
    )


def parse_datetimes(values: pd.Series, timezone: str) -> pd.Series:
    """Date-and-time strings → UTC timestamps (NaT where unparseable or impossible)."""
    canonical = _exact_iso_seconds(values.fillna("").astype(str))
    pending = canonical.isna()
    if not pending.any():
        return localise(canonical, timezone)
    result = _parse_datetimes_any(values[pending], timezone)
    if pending.all():
        return result
    return pd.concat([localise(canonical[~pending], timezone), result]).reindex(values.index)


def _parse_datetimes_any(values: pd.Series, timezone: str) -> pd.Series:
    text = (
        values.fillna("")
        .astype(str)
        .str.strip()
        .str.replace("T", " ", n=1, regex=False)
        .str.replace(r"^(\d{4})/(\d{2})/(\d{2})", r"\1-\2-\3", regex=True)
    )
    result = _empty(text.index)
    with_offset = text.str.contains(OFFSET_PATTERN, regex=True) & text.str.match(r"^\d{4}-")
    if with_offset.any():
        result.loc[with_offset] = pd.to_datetime(
            text[with_offset], format="ISO8601", utc=True, errors="coerce"
        )
    naive_text = text[~with_offset]
    naive = pd.to_datetime(
        naive_text.where(naive_text.str.match(r"^\d{4}-\d{2}-\d{2}")),
        format="ISO8601",
        errors="coerce",
    )
    remaining = naive.isna()
    if remaining.any():
        naive.loc[remaining] = _try_formats(naive_text[remaining], DATETIME_FORMATS)
    result.loc[naive.index] = localise(naive, timezone)
    return result


def parse_dates(values: pd.Series) -> pd.Series:
    """The calendar date written in a cell, ignoring any time part ('2014/03/02 05:00:00+00')."""
    text = values.fillna("").astype(str).str.strip().str.split(r"[ T]", n=1, regex=True).str[0]
    return _try_formats(text, DATE_FORMATS)


def parse_times(values: pd.Series) -> pd.Series:
    """'14:30', '2:30 p. m.', '8' (an hour) → offsets from midnight; NaT when invalid."""
    text = values.fillna("").astype(str).str.strip().str.lower()
    parts = text.str.extract(TIME_PATTERN)
    hours = pd.to_numeric(parts["h"], errors="coerce")
    minutes = pd.to_numeric(parts["m"], errors="coerce").fillna(0)
    seconds = pd.to_numeric(parts["s"], errors="coerce").fillna(0)
    ampm = parts["ampm"]
    twelve_hour = ampm.notna()
    valid_twelve = hours.between(1, 12)
    hours = hours.where(~twelve_hour, (hours % 12) + np.where(ampm == "p", 12, 0))
    valid = hours.between(0, 23) & minutes.between(0, 59) & seconds.between(0, 59)
    valid &= ~twelve_hour | valid_twelve
    offsets = pd.to_timedelta(hours * 3600 + minutes * 60 + seconds, unit="s")
    return offsets.where(valid)
