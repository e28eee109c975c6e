"""Reporting periods in Lima time, and when each kind of report may be published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from reports.models import ReportKind
from reports.summarizer.period import period_parse

LIMA = ZoneInfo("America/Lima")
# DESIGN.md, "Privacy": public outputs lag at least 7 days behind the events they count.
PUBLIC_LAG = dt.timedelta(days=7)


class PeriodError(ValueError):
    """A period code that does not fit the kind of report; the message says why."""


@dataclass(frozen=True)
class ReportPeriod:
    """An ISO week or a calendar month; ``end`` is its last day (inclusive)."""

    code: str
    kind: str  # "week" or "month"
    start: dt.date
    end: dt.date

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=LIMA)

    @property
    def end_at(self) -> dt.datetime:
        """The first instant after the period (exclusive bound)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=LIMA)

    def weeks_before(self, count: int) -> ReportPeriod:
        return week_of(self.start - dt.timedelta(weeks=count))

    def same_week_last_year(self) -> ReportPeriod:
        # 52 weeks back keeps the weekdays aligned (a Monday-to-Sunday week again).
        return self.weeks_before(52)

    def previous_month(self) -> ReportPeriod:
        return month_of(self.start - dt.timedelta(days=1))

    def same_month_last_year(self) -> ReportPeriod:
        return month_of(self.start.replace(year=self.start.year - 1))


def week_of(day: dt.date) -> ReportPeriod:
    year, week, _ = day.isocalendar()
    return _parse(f"{year}-W{week:02d}")


def month_of(day: dt.date) -> ReportPeriod:
    return _parse(f"{day.year}-{day.month:02d}")


def _parse(code: str) -> ReportPeriod:
    parsed = period_parse(code)
    if parsed.kind not in ("week", "month") or parsed.start is None or parsed.end is None:
        raise PeriodError(f"{code!r} is neither an ISO week (2025-W10) nor a month (2025-03).")
    return ReportPeriod(code=parsed.code, kind=parsed.kind, start=parsed.start, end=parsed.end)


def period_for(kind: str, code: str) -> ReportPeriod:
    """The period of a report of ``kind``: weeks for public reports, months for official ones."""
    period = _parse(code)
    wanted = "week" if kind == ReportKind.PUBLIC_WEEKLY else "month"
    if period.kind != wanted:
        example = "2025-W10" if wanted == "week" else "2025-03"
        raise PeriodError(f"A {kind} report covers a {wanted} ({example}), not {code!r}.")
    return period


def publishable_at(kind: str, period: ReportPeriod) -> dt.datetime:
    """The first instant a report on ``period`` may be generated and published."""
    if kind == ReportKind.PUBLIC_WEEKLY:
        return period.end_at + PUBLIC_LAG
    return period.end_at


def latest_period(kind: str, now: dt.datetime) -> ReportPeriod:
    """The most recent period that a report of ``kind`` may cover at ``now``."""
    today = now.astimezone(LIMA).date()
    if kind == ReportKind.PUBLIC_WEEKLY:
        candidate = week_of(today)
        while publishable_at(kind, candidate) > now:
            candidate = candidate.weeks_before(1)
        return candidate
    return month_of(today).previous_month()
