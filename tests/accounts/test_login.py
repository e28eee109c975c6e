from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
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
