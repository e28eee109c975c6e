"""At phone size (390 × 844) the menu collapses behind a button and no page scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.roles import Role
from incidents.models import District
from predictions.services.forecasting import forecast_issue
from predictions.services.training import models_train_all
from predictions.shifts import shift_current
from reports.models import ReportKind
from reports.services import report_issue
from tests.e2e.helpers import sign_in
from tests.e2e.phone import assert_fits_the_screen, open_menu, phone_context
from tests.factories import make_user
from tests.predictions.helpers import fast, midnight_today, simulated_history
from tests.reports.builders import WEEK, bellavista_week

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser: Browser, settings) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    settings.MAP_TILE_URL = ""  # no internet here: draw districts without a base map
    context = phone_context(browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def zones(districts: list[District], categories: dict[str, int], settings) -> None:  # type: ignore[no-untyped-def]
    fast(settings)
    settings.PREDICTIONS_MODELS = ["naive365"]
    simulated_history(days=60)
    models_train_all(trained_until=midnight_today())
    forecast_issue(window=shift_current(moment=timezone.now()))


@pytest.fixture
def public_reports(districts: list[District], categories: dict[str, int]) -> None:
    bellavista_week()
    for ubigeo in ("070101", "070102"):
        report_issue(
            kind=ReportKind.PUBLIC_WEEKLY,
            district=District.objects.get(ubigeo=ubigeo),
            period=WEEK,
            publish=True,
        )


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
