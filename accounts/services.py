"""Writes to users. Role changes are recorded by django-auditlog with their author."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import SensitiveRead, User
from accounts.roles import DISTRICT_BOUND, Role
from incidents.models import District


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    district: str | None


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    district: District | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    user = User(
        username=username,
        role=role,
        district=district,
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def demo_accounts_ensure(*, password: str) -> list[DemoAccount]:
    """Create or reset one demo account per role (idempotent).

    District-bound roles are placed in the Callao district (UBIGEO 070101), or the
    first district loaded if that one is missing.
    """
    district = District.objects.filter(ubigeo="070101").first() or District.objects.first()
    accounts: list[DemoAccount] = []
    with transaction.atomic():
        for role in Role:
            username = f"demo_{role.value}"
            home = district if role in DISTRICT_BOUND else None
            if role in DISTRICT_BOUND and home is None:
                raise ValueError("Load the district boundaries before creating demo accounts.")
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role = role
            user.district = home
            user.first_name = "Demo"
            user.last_name = str(role.label)
            user.is_active = True
            user.set_password(password)
            user.full_clean()
            user.save()
            accounts.append(DemoAccount(username, role.value, home.name if home else None))
    return accounts


def sensitive_reads_record(
    *, user: User, object_ids: list[int], via: str, subject: str = "incident.narrative"
) -> int:
    """Write one audit row per record whose sensitive field the user is about to read."""
    rows = [
        SensitiveRead(user=user, subject=subject, object_id=object_id, via=via[:300])
        for object_id in object_ids
    ]
    SensitiveRead.objects.bulk_create(rows)
    return len(rows)
