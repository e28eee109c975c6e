"""The parameters of the patrol pages and endpoints: which shift window, which district.

Both take them from the query string; the district rule is the scope of ``visible_to``
(officers: their own district only).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, role_of
from callao.dates import day_checked
from callao.errors import InvalidInput, NotAllowed
from incidents.models import District
from predictions.shifts import ShiftWindow, shift_at_start, shift_current, shift_next


def patrol_window(value: str | None) -> ShiftWindow:
    """``current`` (default), ``next`` or the ISO 8601 start of a configured shift."""
    now = timezone.now()
    if not value or value == "current":
        return shift_current(moment=now)
    if value == "next":
        return shift_next(moment=now)
    try:
        start = day_checked(datetime.fromisoformat(value), field="shift")
        if timezone.is_naive(start):
            start = timezone.make_aware(start)
        return shift_at_start(start=start)
    except ValueError as exc:
        raise InvalidInput(_("current, next or a shift's start (ISO 8601)"), field="shift") from exc


def patrol_district(user: object, value: str | None, *, strict: bool) -> District | None:
    """The district a patrol view shows: officers always their own; others the one asked for.

    ``strict`` (the API) refuses what a page quietly ignores: an officer asking for another
    district (403) and an unknown UBIGEO (400); a page shows the officer's own district and,
    for an unknown UBIGEO, every district.
    """
    visible = District.objects.in_scope_of(user)
    if role_of(user) == Role.OFFICER:
        own = visible.first()
        if strict and (own is None or (value and value != own.ubigeo)):
            raise NotAllowed(_("Only your own district."))
        return own
    if not value:
        return None
    district = visible.filter(ubigeo=value).first()
    if district is None and strict:
        raise InvalidInput(_("unknown UBIGEO"), field="district")
    return district
