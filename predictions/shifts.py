"""Shift windows in local time (06–14, 14–22, 22–06 by default)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from predictions.conf import PredictionSettings, ShiftSpec, prediction_settings


@dataclass(frozen=True)
class ShiftWindow:
    code: str
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def _window(spec: ShiftSpec, day: datetime, tz: ZoneInfo) -> ShiftWindow:
    start = datetime.combine(day.date(), spec.start, tzinfo=tz)
    end_day = day.date() + timedelta(days=1 if spec.end <= spec.start else 0)
    return ShiftWindow(spec.code, start, datetime.combine(end_day, spec.end, tzinfo=tz))


def shift_windows_around(
    *, moment: datetime, conf: PredictionSettings | None = None
) -> list[ShiftWindow]:
    """Every shift window starting the day before, the day of and the day after ``moment``."""
    conf = conf or prediction_settings()
    tz = ZoneInfo(conf.timezone)
    local = moment.astimezone(tz)
    windows = [
        _window(spec, local + timedelta(days=offset), tz)
        for offset in (-1, 0, 1)
        for spec in conf.shifts
    ]
    return sorted(windows, key=lambda w: w.start)


def shift_current(*, moment: datetime, conf: PredictionSettings | None = None) -> ShiftWindow:
    """The shift window containing ``moment`` (the latest one when shifts overlap)."""
    inside = [
        w for w in shift_windows_around(moment=moment, conf=conf) if w.start <= moment < w.end
    ]
    if not inside:
        raise ValueError("the configured shifts leave a gap at this moment")
    return inside[-1]


def shift_next(*, moment: datetime, conf: PredictionSettings | None = None) -> ShiftWindow:
    """The first shift window starting after ``moment``."""
    return next(w for w in shift_windows_around(moment=moment, conf=conf) if w.start > moment)


def shift_at_start(*, start: datetime, conf: PredictionSettings | None = None) -> ShiftWindow:
    """The configured shift window beginning exactly at ``start``."""
    for window in shift_windows_around(moment=start, conf=conf):
        if window.start == start:
            return window
    raise ValueError(f"no shift starts at {start.isoformat()}")
