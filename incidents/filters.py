"""The incident filters every page and endpoint takes: dates, categories, districts, origins, box.

``incident_filters_parse`` reads them from query parameters; ``Incident.objects.filtered``
applies them. A parameter that cannot be understood raises :class:`FilterError` (a 400).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from callao.dates import in_calendar, out_of_calendar_message
from callao.errors import InvalidInput


class FilterError(InvalidInput):
    """A query parameter that cannot be understood; the message names it."""


@dataclass(frozen=True)
class IncidentFilters:
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None


def _moment(name: str, raw: str, *, end_of_day: bool) -> dt.datetime:
    # A date alone first: Python reads "2025-03-01" as a date-time too, which would lose the
    # inclusive end of that day.
    try:
        day = parse_date(raw)
        moment = None if day else parse_datetime(raw)
    except ValueError:  # well formed but not in the calendar (30 February)
        moment = day = None
    if moment is None:
        if day is None:
            raise FilterError(
                _("%(name)s: use YYYY-MM-DD or an ISO 8601 date-time, not %(raw)r.")
                % {"name": name, "raw": raw}
            )
        moment = dt.datetime.combine(day, dt.time())
    if not in_calendar(moment):
        raise FilterError(out_of_calendar_message(name))
    if day is not None and end_of_day:
        moment += dt.timedelta(days=1)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _codes(raw: str | None) -> tuple[str, ...]:
    return tuple(code.strip() for code in (raw or "").split(",") if code.strip())


def incident_filters_parse(params: Mapping[str, str]) -> IncidentFilters:
    """Filters from ?start=&end=&category=&district=&origin=&bbox= (comma-separated lists).

    A date-only ``end`` includes that whole day.
    """
    start = _moment("start", params["start"], end_of_day=False) if params.get("start") else None
    end = _moment("end", params["end"], end_of_day=True) if params.get("end") else None
    if start and end and end <= start:
        raise FilterError(_("end must be after start."))
    bbox = None
    if params.get("bbox"):
        try:
            west, south, east, north = (float(value) for value in params["bbox"].split(","))
        except ValueError as exc:
            raise FilterError(_("bbox: four numbers west,south,east,north in degrees.")) from exc
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise FilterError(_("bbox: west < east and south < north, within ±180/±90."))
        bbox = (west, south, east, north)
    return IncidentFilters(
        start=start,
        end=end,
        categories=_codes(params.get("category")),
        districts=_codes(params.get("district")),
        origins=_codes(params.get("origin")),
        bbox=bbox,
    )
