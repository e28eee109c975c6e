"""Two-step sign-in: required for admins, offered to everybody, enforced on pages, API and the
zones' fast path."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from incidents.models import District
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "not-a-real-password-1"


@pytest.fixture(autouse=True)
def _admins_need_a_second_factor(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ACCOUNTS_SECOND_FACTOR_ROLES = ["admin"]


def _signed_in(user: User) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_an_admin_without_a_second_factor_is_sent_to_set_one_up(districts: list[District]) -> None:
    client = _signed_in(make_user(username="ana", role=Role.ADMIN))

    page = client.get("/datos/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:second-factor-setup"))
    assert "next=%2Fdatos%2F" in page["Location"]
    api = client.get("/api/datasets/")
    assert api.status_code == 403 and "segundo factor" in api.json()["detail"]
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("home")).status_code == 200  # public pages stay open


def test_setting_up_the_app_gives_ten_recovery_codes_and_opens_the_admin_pages(
    districts: list[District],
) -> None:
    admin = make_user(username="ana", role=Role.ADMIN)
    client = _signed_in(admin)
    page = client.get(reverse("accounts:second-factor-setup") + "?next=/datos/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    secret = re.search(r'id="second-factor-secret">(\w+)<', page.content.decode())
    assert secret is not None and len(secret.group(1)) == 32  # the key in base32, for typing

    wrong = client.post(reverse("accounts:second-factor-setup"), {"token": "000000"})
    assert "no coincide" in wrong.content.decode()
    time.sleep(1.1)  # a wrong code throttles the device for a second
    done = client.post(
        reverse("accounts:second-factor-setup"), {"token": _code(device), "next": "/datos/"}
    )

    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10 and set(codes) == set(
        StaticToken.objects.values_list("token", flat=True)
    )
    assert client.get("/datos/").status_code == 200
    assert client.get("/api/datasets/").status_code == 200


def test_a_new_session_needs_the_current_code_and_a_recovery_code_works_once(
    districts: list[District],
) -> None:
    admin = make_user(username="ana", role=Role.ADMIN)
    device = _device(admin)
    client = _signed_in(admin)
    held = client.get("/datos/")
    assert held["Location"].startswith(reverse("accounts:second-factor-verify"))

    assert (
        client.post(reverse("accounts:second-factor-verify"), {"token": "123456"}).status_code
        == 400
    )
    assert client.get("/datos/").status_code == 302
    verify = reverse("accounts:second-factor-verify")
    # A wrong code throttles the device: even the right one waits a second (then 2, 4 …).
    assert client.post(verify, {"token": _code(device)}).status_code == 400
    time.sleep(1.1)
    given = client.post(verify, {"token": _code(device), "next": "/datos/"})
    assert given.status_code == 302 and given["Location"] == "/datos/"
    assert client.get("/datos/").status_code == 200

    recovery = StaticDevice.objects.create(user=admin, name="recovery")
    StaticToken.objects.create(device=recovery, token="abcd1234")
    for attempt, expected in ((1, 302), (2, 400)):
        other = _signed_in(admin)
        response = other.post(reverse("accounts:second-factor-verify"), {"token": "abcd1234"})
        assert response.status_code == expected, attempt


def test_a_next_page_off_the_site_is_not_followed(districts: list[District]) -> None:
    admin = make_user(username="ana", role=Role.ADMIN)
    device = _device(admin)
    client = _signed_in(admin)
    given = client.post(
        reverse("accounts:second-factor-verify"),
        {"token": _code(device), "next": "https://evil.example/"},
    )
    assert given["Location"] == reverse("home")


def test_an_officer_who_turned_it_on_gets_no_zones_from_the_fast_path_before_giving_it(
    districts: list[District],
) -> None:
    officer = make_user(username="luis", role=Role.OFFICER)
    device = _device(officer)
    client = _signed_in(officer)
    url = reverse("predictions:api-forecast-current")
    assert client.get(url).status_code == 403

    client.post(reverse("accounts:second-factor-verify"), {"token": _code(device)})
    assert client.get(url).status_code != 403


def test_roles_not_listed_sign_in_with_a_password_alone(districts: list[District]) -> None:
    client = _signed_in(make_user(username="pia", role=Role.PLANNER))
    assert client.get(reverse("predictions:accuracy")).status_code == 200
