"""Writes to users. Role changes are recorded by django-auditlog with their author."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SensitiveRead, User
from accounts.roles import DISTRICT_BOUND, Role
from callao.errors import InvalidInput


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
    """Write one audit row per record whose sensitive field the user is about to read.

    One statement however many records (an export audits 5,000 at a time): the ORM's
    bulk_create built and sent a model object per row, three quarters of an export's time.
    """
    if not object_ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SensitiveRead._meta.db_table} (user_id, subject, object_id, via, read_at)"
            " SELECT %s, %s, unnest(%s::bigint[]), %s, now()",
            [user.pk, subject, list(object_ids), via[:300]],
        )
    return len(object_ids)


def sensitive_reads_record_matching(
    *, user: User, records: QuerySet[Any], via: str, subject: str = "incident.narrative"
) -> int:
    """One audit row per record of ``records`` (before an export streams them), in one statement.

    Recorded when the export starts: a client that leaves half-way has still asked for them all.
    """
    ids_sql, params = records.order_by().values("pk").query.sql_with_params()
    table = SensitiveRead._meta.db_table
    columns = "user_id, subject, object_id, via, read_at"
    insert = f"INSERT INTO {table} ({columns}) SELECT %s, %s, ids.*, %s, now() FROM ({ids_sql}) ids"  # noqa: S608 (Django's own SQL)
    with connection.cursor() as cursor:
        cursor.execute(insert, [user.pk, subject, via[:300], *params])
        return int(cursor.rowcount)


RECOVERY_CODES = 10


def second_factor_device_start(*, user: User) -> TOTPDevice:
    """The user's authenticator being set up: an unconfirmed TOTP device (kept until confirmed,
    so that reloading the page does not change the secret already scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Autenticador", confirmed=False)


def second_factor_device_confirm(*, user: User, token: str) -> list[str]:
    """Confirm the authenticator with its first code; new recovery codes (shown once).

    Raises InvalidInput when the code does not match.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        raise InvalidInput(_("That code does not match; try the current one."), field="token")
    with transaction.atomic():
        device.confirmed = True
        device.save()
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="Códigos de recuperación")
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes
