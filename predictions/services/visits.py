"""Patrol visits logged by officers (the feedback loop's record of where patrols went)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from callao.errors import InvalidInput, NotAllowed
from predictions.models import PatrolVisit, PatrolZone


def patrol_visit_create(
    *, zone: PatrolZone, officer: User, started_at: datetime, ended_at: datetime, note: str = ""
) -> PatrolVisit:
    """Record a visit to a zone the user may see (officers: their district). Resubmits are no-ops."""
    if not PatrolZone.objects.visible_to(officer).filter(pk=zone.pk).exists():
        raise NotAllowed(_("Zone outside your district."))
    if ended_at < started_at:
        raise InvalidInput(_("The visit must end after it starts."), field="ended_at")
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
