from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from predictions.models import PatrolVisit
from tests.e2e.helpers import sign_in
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_sees_the_zones_opens_the_patrol_sheet_and_logs_a_visit(
    page: Page,
    live_server,  # type: ignore[no-untyped-def]
    zones: None,
) -> None:
    make_user(username="officer1", role=Role.OFFICER)
    sign_in(page, live_server.url, "officer1")
    page.goto(f"{live_server.url}/patrullaje/")

    expect(page.locator("#synthetic-banner")).to_be_visible()
    expect(page.locator("#patrol-map")).not_to_have_attribute("data-zones-loaded", "0")
    expect(page.locator("#patrol-map path.leaflet-interactive").first).to_be_visible()
    rows = page.locator("#zone-table tbody tr")
    expect(rows.first).to_contain_text("Callao")
    assert rows.count() >= 1
    # Dispatched on the shape itself: a click at the centre of its bounding box can miss an
    # L-shaped or multi-part zone.
    page.locator("#patrol-map path.leaflet-interactive").first.dispatch_event("click")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Callao")

    page.click("#sheet-link")
    expect(page.locator("#patrol-sheet svg.sheet-map polygon").first).to_be_attached()
    expect(page.locator("#sheet-table tbody tr").first).to_contain_text("Callao")

    page.goto(f"{live_server.url}/patrullaje/")
    page.click("#visit-link")
    page.fill("#id_note", "Ronda sin novedad")
    page.click("#visit-submit")
    expect(page.locator(".messages")).to_be_visible()
    visit = PatrolVisit.objects.get()
    assert visit.zone.district.ubigeo == "070101" and visit.note == "Ronda sin novedad"


def test_a_community_leader_and_an_anonymous_visitor_cannot_reach_the_zones(
    page: Page,
    live_server,  # type: ignore[no-untyped-def]
    zones: None,
) -> None:
    response = page.goto(f"{live_server.url}/patrullaje/")
    assert "/cuenta/ingresar/" in page.url
    api = page.request.get(f"{live_server.url}/api/forecasts/current/")
    assert api.status in (401, 403)

    make_user(username="leader1", role=Role.COMMUNITY_LEADER)
    sign_in(page, live_server.url, "leader1")
    response = page.goto(f"{live_server.url}/patrullaje/")
    assert response is not None and response.status == 403
    assert page.request.get(f"{live_server.url}/api/forecasts/current/").status == 403
    assert page.request.get(f"{live_server.url}/patrullaje/hoja/").status == 403
