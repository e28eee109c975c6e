"""A planner opens each analysis, filters, and sees the charts and the map; an official
exports the dashboard. Real Chromium, the live server, and (for the heavy analysis) a real
Celery worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from incidents.models import District
from incidents.services import populations_import
from tests.analytics.test_runs import _plant, growing_hotspot  # noqa: F401 — the fixture
from tests.e2e.helpers import sign_in
from tests.factories import make_user
from tests.incidents.importing_helpers import CALLAO
from tests.incidents.test_population import POPULATION

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _no_csp_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_a_planner_filters_the_temporal_patterns_and_sees_the_charts(
    page: Page,
    live_server,  # type: ignore[no-untyped-def]
    growing_hotspot: None,  # noqa: F811
) -> None:
    errors = _no_csp_errors(page)
    make_user(username="planner-t", role=Role.PLANNER)
    sign_in(page, live_server.url, "planner-t")
    page.goto(f"{live_server.url}/analitica/")
    page.click("text=Patrones temporales")

    start = (timezone.localdate() - dt.timedelta(days=200)).isoformat()
    page.fill("#id_start", start)
    page.select_option("#id_district", ["070101"])
    page.click("#analysis-submit")

    expect(page.locator("#hour-weekday")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#monthly")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#incidents-used")).to_contain_text("incidentes usados")
    assert "district=070101" in page.url
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_planner_runs_the_hot_spot_analysis_and_sees_the_map(
    page: Page,
    live_server,  # type: ignore[no-untyped-def]
    growing_hotspot: None,  # noqa: F811
    celery_worker_process: str,
) -> None:
    errors = _no_csp_errors(page)
    make_user(username="planner-h", role=Role.PLANNER)
    sign_in(page, live_server.url, "planner-h")
    page.goto(f"{live_server.url}/analitica/puntos-calientes/")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 7 * 20)
    page.fill("#id_start", monday.isoformat())
    page.click("#analysis-submit")

    # The worker computes it; the page follows the run and reloads when it is done.
    map_ = page.locator("#hotspot-map")
    expect(map_).to_be_visible(timeout=90_000)
    expect(map_).not_to_have_attribute("data-loaded-features", "0", timeout=15_000)
    loaded = map_.get_attribute("data-loaded-features")
    assert loaded is not None and loaded != "error" and int(loaded) > 0
    expect(page.locator("#hotspot-legend")).to_contain_text("Punto caliente")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_an_official_exports_the_dashboard(
    page: Page,
    live_server,  # type: ignore[no-untyped-def]
    districts: list[District],
    categories: dict[str, int],
) -> None:
    populations_import(source=str(POPULATION))
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    _plant(
        [(CALLAO[0], CALLAO[1], dt.datetime.combine(last_month, dt.time(12), tzinfo=dt.UTC))] * 3
    )
    make_user(username="official-d", role=Role.OFFICIAL)
    sign_in(page, live_server.url, "official-d")
    page.goto(f"{live_server.url}/analitica/tablero/")

    expect(page.locator("#kpi-table")).to_contain_text("Ventanilla")
    expect(page.locator("#incidents-by-district")).to_have_attribute("data-drawn", "true")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename == f"tablero-{last_month:%Y-%m}.xlsx"
    with page.expect_download() as pdf:
        page.click("#export-pdf")
    assert pdf.value.suggested_filename.endswith(".pdf")
