from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.sessions import idle_minutes_parse
from callao.env import ImproperlyConfiguredEnv
from incidents.models import District
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "not-a-real-password-1"


def _login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.1.1.1",
    )


def test_a_user_signs_in_and_sees_their_role_and_district(districts: list[District]) -> None:
    make_user(username="rosa", role=Role.OFFICER)
    client = Client()

    response = _login(client, "rosa", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == reverse("home")

    home = client.get(reverse("home")).content.decode()
    assert "Policía" in home and "Callao" in home
    assert 'id="card-patrol"' in home and 'id="card-admin"' not in home


def test_a_wrong_password_says_so_in_spanish(districts: list[District]) -> None:
    make_user(username="rosa", role=Role.PLANNER)

    response = _login(Client(), "rosa", "wrong")

    assert response.status_code == 200
    assert "Usuario o contraseña incorrectos" in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    districts: list[District],
    settings,  # type: ignore[no-untyped-def]
) -> None:
    make_user(username="rosa", role=Role.PLANNER)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "rosa", "wrong")

    response = _login(client, "rosa", PASSWORD)

    assert response.status_code == 429
    assert "bloqueada temporalmente" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post_and_ends_the_session(districts: list[District]) -> None:
    client = Client()
    client.force_login(make_user(role=Role.PLANNER))

    client.post(reverse("accounts:logout"))

    assert "_auth_user_id" not in client.session


def test_one_password_tried_over_many_user_names_locks_the_address(
    districts: list[District],
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    make_user(username="rosa", role=Role.PLANNER)
    for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        _login(Client(), f"guess-{number}", "Callao2025!")
    # Seven failures from the station's address, none reaching one account's limit: still in.
    assert _login(Client(), "rosa", PASSWORD).status_code == 302

    for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        _login(Client(), f"guess-{number}", "Callao2025!")
    locked = _login(Client(), "rosa", PASSWORD)
    assert locked.status_code == 429
    elsewhere = Client().post(
        reverse("accounts:login"),
        {"username": "rosa", "password": PASSWORD},
        REMOTE_ADDR="10.9.9.9",
    )
    assert elsewhere.status_code == 302


def test_an_officers_idle_session_ends_and_a_planners_does_not(
    districts: list[District],
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.ACCOUNTS_IDLE_MINUTES = ["officer:0.05"]  # three seconds
    officer, planner = Client(), Client()
    _login(officer, make_user(username="rosa", role=Role.OFFICER).username, PASSWORD)
    _login(planner, make_user(username="pia", role=Role.PLANNER).username, PASSWORD)
    patrol = reverse("predictions:patrol-map")
    assert officer.get(patrol).status_code == 200

    time.sleep(1.5)
    assert officer.get(patrol).status_code == 200  # activity keeps it alive …
    time.sleep(3.5)
    assert officer.get(patrol).status_code == 302  # … idleness ends it
    assert planner.get(patrol).status_code == 200


def test_a_malformed_idle_setting_is_refused() -> None:
    with pytest.raises(ImproperlyConfiguredEnv):
        idle_minutes_parse(["officer:soon"])
    with pytest.raises(ImproperlyConfiguredEnv):
        idle_minutes_parse(["sheriff:5"])
