"""Reporting periods written as ISO codes: a week ``2025-W10`` or a month ``2025-03``.

:class:`Period` is the one period type of reports: the summarizer reads its code and dates,
the report builders its instants (``start_at``/``end_at``) and neighbours (the weeks before,
the same month a year earlier). It imports no Django: instants are in the period's ``zone``,
UTC unless given (reports/periods.py builds periods in the local time zone).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
# Spelled out: calendar.month_name follows the process locale.
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Period:
    """A period code with its kind and dates; ``kind`` is ``other`` for a free label.

    ``end`` is the last day (inclusive). A week or a month also has its instants in ``zone``
    and its neighbours, in the same zone; a free label has no dates, and asking for them
    raises ``ValueError``.
    """

    code: str
    kind: str
    start: date | None = None
    end: date | None = None
    zone: tzinfo = UTC

    @classmethod
    def week_of(cls, day: date, *, zone: tzinfo = UTC) -> Period:
        """The ISO week (Monday to Sunday) that contains ``day``."""
        year, week, _ = day.isocalendar()
        return period_parse(f"{year}-W{week:02d}", zone=zone)

    @classmethod
    def month_of(cls, day: date, *, zone: tzinfo = UTC) -> Period:
        """The calendar month that contains ``day``."""
        return period_parse(f"{day.year}-{day.month:02d}", zone=zone)

    def days(self) -> tuple[date, date]:
        """The first and the last day (inclusive) of a week or a month."""
        if self.start is None or self.end is None:
            raise ValueError(f"{self.code!r} is a free label, not a week or a month")
        return self.start, self.end

    @property
    def start_at(self) -> datetime:
        """The first instant of the period, in ``zone``."""
        return datetime.combine(self.days()[0], time(), tzinfo=self.zone)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (exclusive bound), in ``zone``."""
        return datetime.combine(self.days()[1] + timedelta(days=1), time(), tzinfo=self.zone)

    def weeks_before(self, count: int) -> Period:
        return Period.week_of(self.days()[0] - timedelta(weeks=count), zone=self.zone)

    def same_week_last_year(self) -> Period:
        # 52 weeks back keeps the weekdays aligned (a Monday-to-Sunday week again).
        return self.weeks_before(52)

    def previous_month(self) -> Period:
        return Period.month_of(self.days()[0] - timedelta(days=1), zone=self.zone)

    def same_month_last_year(self) -> Period:
        first = self.days()[0]
        return Period.month_of(first.replace(year=first.year - 1), zone=self.zone)

    def numbers(self) -> set[int]:
        """Numbers a faithful text may write about this period (days, months, years)."""
        found: set[int] = set()
        for day in (self.start, self.end):
            if day is not None:
                # "Last year" comparisons make the previous year a fact too.
                found |= {day.day, day.month, day.year, day.year - 1}
        return found


def period_parse(code: str, *, zone: tzinfo = UTC) -> Period:
    """Recognise a week or month code; any other text is kept as a free label."""
    code = code.strip()
    if match := _WEEK.match(code):
        year, week = int(match[1]), int(match[2])
        try:
            start = date.fromisocalendar(year, week, 1)
        except ValueError:
            return Period(code=code, kind="other", zone=zone)
        return Period(code=code, kind="week", start=start, end=start + timedelta(days=6), zone=zone)
    if match := _MONTH.match(code):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            return Period(code=code, kind="other", zone=zone)
        last = calendar.monthrange(year, month)[1]
        return Period(
            code=code,
            kind="month",
            start=date(year, month, 1),
            end=date(year, month, last),
            zone=zone,
        )
    return Period(code=code, kind="other", zone=zone)


def period_label(period: Period, language: str) -> str:
    """The period as a phrase after "in": "la semana 2025-W10 (del 3 al 9 de marzo de 2025)"."""
    if language == "es":
        return _label_es(period)
    return _label_en(period)


def _label_es(period: Period) -> str:
    if period.kind == "month" and period.start:
        return f"{MONTHS_ES[period.start.month - 1]} de {period.start.year}"
    if period.kind == "week" and period.start and period.end:
        return f"la semana {period.code} ({_range_es(period.start, period.end)})"
    return f"el periodo {period.code}"


def _label_en(period: Period) -> str:
    if period.kind == "month" and period.start:
        return f"{MONTHS_EN[period.start.month - 1]} {period.start.year}"
    if period.kind == "week" and period.start and period.end:
        return f"week {period.code} ({_range_en(period.start, period.end)})"
    return f"the period {period.code}"


def _range_es(start: date, end: date) -> str:
    end_text = f"{end.day} de {MONTHS_ES[end.month - 1]} de {end.year}"
    if start.year != end.year:
        return f"del {start.day} de {MONTHS_ES[start.month - 1]} de {start.year} al {end_text}"
    if start.month != end.month:
        return f"del {start.day} de {MONTHS_ES[start.month - 1]} al {end_text}"
    return f"del {start.day} al {end_text}"


def _range_en(start: date, end: date) -> str:
    end_text = f"{end.day} {MONTHS_EN[end.month - 1]} {end.year}"
    if start.year != end.year:
        return f"{start.day} {MONTHS_EN[start.month - 1]} {start.year} – {end_text}"
    if start.month != end.month:
        return f"{start.day} {MONTHS_EN[start.month - 1]} – {end_text}"
    return f"{start.day}–{end_text}"
