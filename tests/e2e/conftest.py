from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, sync_playwright

from incidents.models import District
from predictions.services.forecasting import forecast_issue
from predictions.services.training import models_train_all
from predictions.shifts import shift_current
from reports.models import ReportKind
from reports.services import report_issue
from tests.e2e.phone import phone_context
from tests.predictions.helpers import fast, midnight_today, simulated_history
from tests.reports.builders import WEEK, bellavista_week

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# tests themselves (creating users) are still synchronous and safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, settings) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    settings.MAP_TILE_URL = ""  # no internet here: draw districts without a base map
    context = browser.new_context(locale="es-PE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser, settings) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A page at phone size (tests/e2e/phone.py)."""
    settings.MAP_TILE_URL = ""
    context = phone_context(browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def zones(districts: list[District], categories: dict[str, int], settings) -> None:  # type: ignore[no-untyped-def]
    """The current shift's patrol zones, from a fast model on 60 simulated days."""
    fast(settings)
    settings.PREDICTIONS_MODELS = ["naive365"]
    simulated_history(days=60)
    models_train_all(trained_until=midnight_today())
    forecast_issue(window=shift_current(moment=timezone.now()))


@pytest.fixture
def public_reports(districts: list[District], categories: dict[str, int]) -> None:
    """Published weekly reports of the week of 3–9 March 2025 for Callao and Bellavista."""
    bellavista_week()
    for ubigeo in ("070101", "070102"):
        report_issue(
            kind=ReportKind.PUBLIC_WEEKLY,
            district=District.objects.get(ubigeo=ubigeo),
            period=WEEK,
            publish=True,
        )
