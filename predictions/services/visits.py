"""Patrol visits logged by officers (the feedback loop's record of where patrols went)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, role_of
from callao.dates import day_checked
from callao.errors import InvalidInput, NotAllowed
from predictions.conf import prediction_settings
from predictions.models import PatrolVisit, PatrolZone


def patrol_visit_create(
    *, zone: PatrolZone, officer: User, started_at: datetime, ended_at: datetime, note: str = ""
) -> PatrolVisit:
    """Record a visit (DESIGN.md's role table). Resubmits are no-ops.

    Officers log visits to zones of their district, inside the zone's shift give or take
    ``PREDICTIONS_VISIT_TOLERANCE_MINUTES``; admins may log any visit (corrections); nobody
    else logs visits, since the dosage analysis counts them as patrols.
    """
    role = role_of(officer)
    if role not in (Role.OFFICER, Role.ADMIN):
        raise NotAllowed(_("Only officers log patrol visits (admins correct them)."))
    if not PatrolZone.objects.visible_to(officer).filter(pk=zone.pk).exists():
        raise NotAllowed(_("Zone outside your district."))
    day_checked(started_at, field="started_at")
    day_checked(ended_at, field="ended_at")
    if ended_at < started_at:
        raise InvalidInput(_("The visit must end after it starts."), field="ended_at")
    if role == Role.OFFICER:
        _inside_the_shift(zone, started_at, ended_at)
    try:
        with transaction.atomic():
            return PatrolVisit.objects.create(
                zone=zone,
                officer=officer,
                started_at=started_at,
                ended_at=ended_at,
                note=note.strip()[:2000],
            )
    except IntegrityError:
        return PatrolVisit.objects.get(zone=zone, officer=officer, started_at=started_at)


def _inside_the_shift(zone: PatrolZone, started_at: datetime, ended_at: datetime) -> None:
    slack = timedelta(minutes=prediction_settings().visit_tolerance_minutes)
    window = zone.forecast
    if started_at < window.window_start - slack or ended_at > window.window_end + slack:
        raise InvalidInput(
            _("The visit must lie inside the zone's shift (%(start)s – %(end)s).")
            % {
                "start": date_format(localtime(window.window_start), "SHORT_DATETIME_FORMAT"),
                "end": date_format(localtime(window.window_end), "SHORT_DATETIME_FORMAT"),
            },
            field="started_at",
        )
