from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from incidents.models import District
from tests.e2e.helpers import sign_in
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_sees_the_seven_districts_on_the_map(
    page: Page,
    live_server,
    districts: list[District],  # type: ignore[no-untyped-def]
) -> None:
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )

    page.goto(f"{live_server.url}/mapa/")

    expect(page.locator("#district-map")).to_have_attribute("data-loaded-features", "7")
    expect(page.locator("#district-list li")).to_have_count(7)
    expect(page.locator("#district-list")).to_contain_text("Mi Perú")
    assert page.locator("#district-map path.leaflet-interactive").count() == 7
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_an_officer_signs_in_and_sees_what_an_officer_may_do(
    page: Page,
    live_server,
    districts: list[District],  # type: ignore[no-untyped-def]
) -> None:
    make_user(username="rosa", role=Role.OFFICER, first_name="Rosa", last_name="Quispe")

    sign_in(page, live_server.url, "rosa")

    expect(page.locator(".who")).to_contain_text("Rosa Quispe · Policía · Callao")
    expect(page.locator("#card-patrol")).to_be_visible()
    expect(page.locator("#card-admin")).to_have_count(0)
    expect(page.locator("nav")).not_to_contain_text("Administración")

    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("h1")).to_have_text("Acceso denegado")


def test_an_admin_reaches_the_administration_and_can_switch_to_english(
    page: Page,
    live_server,
    districts: list[District],  # type: ignore[no-untyped-def]
) -> None:
    make_user(username="admin1", role=Role.ADMIN)

    sign_in(page, live_server.url, "admin1")
    page.click("nav >> text=Administración")
    expect(page.locator("#site-name")).to_contain_text("Callao")

    page.goto(f"{live_server.url}/")
    page.select_option("#lang-select", "en")
    page.click("form.lang button")
    expect(page.locator("h1")).to_have_text("Crime prediction and prevention for Callao")


def test_a_locked_out_user_is_told_so(
    page: Page,
    live_server,
    districts: list[District],
    settings,  # type: ignore[no-untyped-def]
) -> None:
    make_user(username="rosa", role=Role.PLANNER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/cuenta/ingresar/")
        page.fill("#id_username", "rosa")
        page.fill("#id_password", "wrong")
        page.click("#login-submit")

    sign_in(page, live_server.url, "rosa")

    expect(page.locator("h1")).to_have_text("Cuenta bloqueada temporalmente")
