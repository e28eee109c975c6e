"""Which period each kind of report covers, and when it may be published.

Periods are :class:`reports.summarizer.period.Period` (the one period type), built here in the
local time zone (``settings.TIME_ZONE``), so their ``start_at``/``end_at`` are local midnights.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.utils.timezone import get_default_timezone
from django.utils.translation import gettext as _

from callao.errors import InvalidInput
from reports.models import ReportKind
from reports.summarizer.period import Period, period_label, period_parse

# DESIGN.md, "Privacy": public outputs lag at least 7 days behind the events they count.
PUBLIC_LAG = dt.timedelta(days=7)


class PeriodError(InvalidInput, ValueError):
    """A period code that does not fit the kind of report; the message says why.

    Still a ``ValueError``, as it was before it became a domain error (400).
    """


class PeriodContent(TypedDict):
    """The period as a report's ``content`` stores it."""

    code: str
    start: str
    end: str
    label_es: str
    label_en: str


def week_of(day: dt.date) -> Period:
    """The ISO week that contains ``day``, in local time."""
    return Period.week_of(day, zone=get_default_timezone())


def month_of(day: dt.date) -> Period:
    """The calendar month that contains ``day``, in local time."""
    return Period.month_of(day, zone=get_default_timezone())


def _parse(code: str) -> Period:
    period = period_parse(code, zone=get_default_timezone())
    if period.kind not in ("week", "month"):
        raise PeriodError(
            _("%(code)r is neither an ISO week (2025-W10) nor a month (2025-03).") % {"code": code}
        )
    return period


def period_for(kind: str, code: str) -> Period:
    """The period of a report of ``kind``: weeks for public reports, months for official ones."""
    period = _parse(code)
    if kind == ReportKind.PUBLIC_WEEKLY and period.kind != "week":
        message = _("A %(kind)s report covers a week (2025-W10), not %(code)r.")
    elif kind != ReportKind.PUBLIC_WEEKLY and period.kind != "month":
        message = _("A %(kind)s report covers a month (2025-03), not %(code)r.")
    else:
        return period
    raise PeriodError(message % {"kind": kind, "code": code})


def publishable_at(kind: str, period: Period) -> dt.datetime:
    """The first instant a report on ``period`` may be generated and published."""
    if kind == ReportKind.PUBLIC_WEEKLY:
        return period.end_at + PUBLIC_LAG
    return period.end_at


def latest_period(kind: str, now: dt.datetime) -> Period:
    """The most recent period that a report of ``kind`` may cover at ``now``."""
    today = now.astimezone(get_default_timezone()).date()
    if kind == ReportKind.PUBLIC_WEEKLY:
        candidate = week_of(today)
        while publishable_at(kind, candidate) > now:
            candidate = candidate.weeks_before(1)
        return candidate
    return month_of(today).previous_month()


def period_content(period: Period) -> PeriodContent:
    """The period's code, days and labels in both languages, as reports store them."""
    start, end = period.days()
    return {
        "code": period.code,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "label_es": period_label(period, "es"),
        "label_en": period_label(period, "en"),
    }
