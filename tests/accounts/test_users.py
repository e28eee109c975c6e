from __future__ import annotations

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from incidents.models import District
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_officers_and_community_leaders_must_belong_to_a_district(
    districts: list[District],
) -> None:
    with pytest.raises(ValidationError, match="district"):
        user_create(username="agente", password="a-long-passphrase-1", role=Role.OFFICER)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="sin-distrito", role=Role.COMMUNITY_LEADER)

    officer = user_create(
        username="agente", password="a-long-passphrase-1", role=Role.OFFICER, district=districts[0]
    )
    assert officer.district == districts[0]


def test_a_new_user_gets_the_least_privileged_role_by_default() -> None:
    assert User().role == Role.COMMUNITY_LEADER


def test_the_admin_role_decides_admin_permissions(districts: list[District]) -> None:
    admin = make_user(role=Role.ADMIN)
    planner = make_user(role=Role.PLANNER)

    assert admin.has_perm("accounts.change_user") and admin.has_module_perms("incidents")
    assert not planner.has_perm("accounts.change_user")
    admin.is_active = False
    assert not admin.has_perm("accounts.change_user")


def test_createsuperuser_makes_an_admin() -> None:
    user = User.objects.create_superuser("root-user", "root@example.org", "a-long-passphrase-1")
    assert user.role == Role.ADMIN


def test_role_changes_made_in_the_admin_are_audited_with_their_author(
    districts: list[District],
) -> None:
    admin = make_user(role=Role.ADMIN)
    target = make_user(role=Role.PLANNER, username="ana")
    client = Client()
    client.force_login(admin)

    response = client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        {
            "username": "ana",
            "role": Role.OFFICIAL,
            "district": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    target.refresh_from_db()
    assert target.role == Role.OFFICIAL
    entry = LogEntry.objects.get_for_object(target).latest("timestamp")
    assert entry.actor == admin
    assert entry.changes_dict["role"] == [Role.PLANNER, Role.OFFICIAL]
    assert "password" not in entry.changes_dict


def test_demo_accounts_exist_for_every_role_and_can_be_reset(districts: list[District]) -> None:
    out = StringIO()
    call_command("ensure_demo_users", "--password", "demo-pass-123456", stdout=out)
    call_command("ensure_demo_users", "--password", "demo-pass-654321", stdout=StringIO())

    assert sorted(
        User.objects.filter(username__startswith="demo_").values_list("role", flat=True)
    ) == sorted(Role.values)
    officer = User.objects.get(username="demo_officer")
    assert officer.district is not None and officer.district.ubigeo == "070101"
    assert officer.check_password("demo-pass-654321")
    assert "demo_officer" in out.getvalue() and "demo-pass-123456" in out.getvalue()
