"""At phone size (390 × 844) the menu collapses behind a button and no page scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from incidents.models import District
from tests.e2e.helpers import sign_in
from tests.e2e.phone import assert_fits_the_screen, open_menu
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_on_a_phone_uses_the_menu_to_reach_the_zones_and_log_a_visit(
    phone: Page,
    live_server,  # type: ignore[no-untyped-def]
    zones: None,
) -> None:
    page = phone
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    make_user(username="officer1", role=Role.OFFICER, first_name="Rosa", last_name="Quispe")

    page.goto(f"{live_server.url}/cuenta/ingresar/")
    assert_fits_the_screen(page)
    sign_in(page, live_server.url, "officer1")
    expect(page.locator("#card-patrol")).to_be_visible()
    assert_fits_the_screen(page)

    open_menu(page)
    expect(page.locator(".who")).to_be_visible()
    page.click("#site-menu nav >> text=Zonas de patrullaje")
    expect(page.locator("#patrol-map path.leaflet-interactive").first).to_be_visible()
    expect(page.locator("#site-menu nav")).to_be_hidden()  # a new page starts closed
    assert_fits_the_screen(page)

    page.click("#sheet-link")
    expect(page.locator("#patrol-sheet svg.sheet-map polygon").first).to_be_attached()
    assert_fits_the_screen(page)

    page.go_back()
    page.click("#visit-link")
    expect(page.locator("#visit-form")).to_be_visible()
    assert_fits_the_screen(page)
    page.fill("#id_note", "Ronda sin novedad")
    page.click("#visit-submit")
    expect(page.locator(".messages")).to_be_visible()
    assert_fits_the_screen(page)

    open_menu(page)
    page.click("#site-menu nav >> text=Incidentes")
    expect(page.locator("#incident-map")).to_be_visible()
    assert_fits_the_screen(page)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_public_reports_fit_a_phone(
    phone: Page,
    live_server,  # type: ignore[no-untyped-def]
    public_reports: None,
) -> None:
    page = phone
    page.goto(f"{live_server.url}/")
    assert_fits_the_screen(page)
    open_menu(page)
    page.click("#site-menu nav >> text=Reportes")
    expect(page.locator("#report-list tbody tr")).to_have_count(2)
    assert_fits_the_screen(page)

    page.click("#report-list a.report-link >> nth=0")
    expect(page.locator("#report-title")).to_be_visible()
    expect(page.locator("#category-table")).to_be_visible()
    assert_fits_the_screen(page)


def test_on_a_wide_screen_the_menu_is_shown_without_its_button(
    page: Page,
    live_server,  # type: ignore[no-untyped-def]
    districts: list[District],
) -> None:
    page.goto(f"{live_server.url}/")
    expect(page.locator("#site-menu nav")).to_be_visible()
    expect(page.locator("#menu-toggle")).to_be_hidden()
