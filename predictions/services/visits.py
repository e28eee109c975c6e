"""Patrol visits logged by officers (the feedback loop's record of where patrols went)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import Role, role_of
from predictions.models import PatrolVisit, PatrolZone
from predictions.selectors import zones_visible_to


def patrol_visit_create(
    *, zone: PatrolZone, officer: User, started_at: datetime, ended_at: datetime, note: str = ""
) -> PatrolVisit:
    """Record a visit; officers only for zones of their own district. Resubmits are no-ops."""
    if not zones_visible_to(officer).filter(pk=zone.pk).exists():
        raise PermissionDenied("zone outside your district")
    if role_of(officer) == Role.COMMUNITY_LEADER:
        raise PermissionDenied("community leaders do not log patrols")
    if ended_at < started_at:
        raise ValidationError({"ended_at": "The visit must end after it starts."})
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
