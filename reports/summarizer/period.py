"""Reporting periods written as ISO codes: a week ``2025-W10`` or a month ``2025-03``."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

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
    """A period code with its kind and dates; ``kind`` is ``other`` for a free label."""

    code: str
    kind: str
    start: date | None = None
    end: date | None = None

    def numbers(self) -> set[int]:
        """Numbers a faithful text may write about this period (days, months, years)."""
        found: set[int] = set()
        for day in (self.start, self.end):
            if day is not None:
                # "Last year" comparisons make the previous year a fact too.
                found |= {day.day, day.month, day.year, day.year - 1}
        return found


def period_parse(code: str) -> Period:
    """Recognise a week or month code; any other text is kept as a free label."""
    code = code.strip()
    if match := _WEEK.match(code):
        year, week = int(match[1]), int(match[2])
        try:
            start = date.fromisocalendar(year, week, 1)
        except ValueError:
            return Period(code=code, kind="other")
        return Period(code=code, kind="week", start=start, end=start + timedelta(days=6))
    if match := _MONTH.match(code):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            return Period(code=code, kind="other")
        last = calendar.monthrange(year, month)[1]
        return Period(
            code=code, kind="month", start=date(year, month, 1), end=date(year, month, last)
        )
    return Period(code=code, kind="other")


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
