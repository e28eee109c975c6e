"""Roles and the audiences built from them (DESIGN.md, "Roles")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICIAL = "official", _("Official")
    PLANNER = "planner", _("Planner")
    OFFICER = "officer", _("Police officer")
    COMMUNITY_LEADER = "community_leader", _("Community leader")


ANONYMOUS = "anonymous"

Audience = frozenset[str]

PUBLIC: Audience = frozenset({ANONYMOUS, *Role.values})
SIGNED_IN: Audience = frozenset(Role.values)
PATROL: Audience = frozenset({Role.OFFICER, Role.PLANNER, Role.OFFICIAL, Role.ADMIN})
ANALYSTS: Audience = frozenset({Role.PLANNER, Role.OFFICIAL, Role.ADMIN})
ADMINS: Audience = frozenset({Role.ADMIN})

# Roles that belong to one district and only see that district's operational data.
DISTRICT_BOUND: Audience = frozenset({Role.OFFICER, Role.COMMUNITY_LEADER})


def role_of(user: object) -> str:
    """The role a request's user acts as; ``anonymous`` when not signed in."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ANONYMOUS
    return str(getattr(user, "role", ANONYMOUS))


# Incident data (DESIGN.md, "incident points, narratives"): officials see aggregates only.
INCIDENT_POINTS: Audience = frozenset({Role.OFFICER, Role.PLANNER, Role.ADMIN})
INCIDENT_AGGREGATES: Audience = frozenset({Role.OFFICER, Role.PLANNER, Role.OFFICIAL, Role.ADMIN})
NARRATIVE_READERS: Audience = frozenset({Role.PLANNER, Role.ADMIN})
