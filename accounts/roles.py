"""Roles and the audiences built from them (DESIGN.md, "Roles")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

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


Rows = TypeVar("Rows", bound=models.QuerySet)


@dataclass(frozen=True)
class DistrictScope:
    """The districts whose operational records (incidents, patrol zones, visits) a user sees.

    ``everywhere`` for planners, officials and admins; the officer's own district; otherwise
    nothing. Every model's ``visible_to(user)`` applies it to its own district field, and the
    fast paths apply it to a cached principal, so the rule exists once.
    """

    everywhere: bool
    district_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.everywhere and self.district_id is None

    def admits(self, district_id: int | None) -> bool:
        return self.everywhere or (district_id is not None and district_id == self.district_id)

    def apply(self, rows: Rows, district_id: str) -> Rows:
        """``rows`` limited to the scope; ``district_id`` is the lookup of a row's district id."""
        if self.everywhere:
            return rows
        if self.district_id is None:
            return rows.none()
        return rows.filter(**{district_id: self.district_id})


def district_scope(user: object) -> DistrictScope:
    """The scope of a request's user (or a cached principal); deny by default."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.PLANNER, Role.OFFICIAL):
        return DistrictScope(everywhere=True)
    if role == Role.OFFICER:
        return DistrictScope(everywhere=False, district_id=getattr(user, "district_id", None))
    return DistrictScope(everywhere=False)
