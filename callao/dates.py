"""The days a person may ask about, checked once for every filter, form and parameter.

Python's calendar ends at years 1 and 9999, so a request for 9999-12-31 "through the end of the
day", or for the month before 0001-01, overflows deep inside a view. Nothing this system stores
or forecasts lies outside 1900–2100; a date outside them is refused as input instead.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django import forms
from django.utils.translation import gettext as _

from callao.errors import InvalidInput

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


def calendar_message() -> str:
    return _("Use a date between %(first)s and %(last)s.") % {
        "first": FIRST_DAY.isoformat(),
        "last": LAST_DAY.isoformat(),
    }


def out_of_calendar_message(field: str) -> str:
    return f"{field}: {calendar_message()}"


def in_calendar(day: dt.date) -> bool:
    """Whether ``day`` (or a date-time's day) lies between FIRST_DAY and LAST_DAY."""
    return FIRST_DAY <= (day.date() if isinstance(day, dt.datetime) else day) <= LAST_DAY


Day = TypeVar("Day", dt.date, dt.datetime)


def day_checked(day: Day, *, field: str) -> Day:
    """``day`` if it lies within the calendar; else InvalidInput naming ``field``."""
    if not in_calendar(day):
        raise InvalidInput(out_of_calendar_message(field), field=field)
    return day


class CalendarDateField(forms.DateField):
    """A form's date field that refuses days outside the calendar with a clear message."""

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value is not None and not in_calendar(value):
            raise forms.ValidationError(calendar_message(), code="out_of_calendar")
