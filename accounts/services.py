"""Writes to users. Role changes are recorded by django-auditlog with their author."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction

from accounts.models import SensitiveRead, User
from accounts.roles import DISTRICT_BOUND, Role


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
    district: Any = None,  # a row of settings.ACCOUNTS_DISTRICT_MODEL
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

    District-bound roles are placed in the first district in the district model's order (for
    Callao, UBIGEO 070101, the district of Callao itself).
    """
    # The model named by ACCOUNTS_DISTRICT_MODEL (accounts never imports a domain app).
    district: Any = apps.get_model(settings.ACCOUNTS_DISTRICT_MODEL)._default_manager.first()
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
            accounts.append(DemoAccount(username, role.value, str(home) if home else None))
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
