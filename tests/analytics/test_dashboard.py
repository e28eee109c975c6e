"""The KPI dashboard on hand-placed incidents: counts, exact tests, rates, targets, exports."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from scipy import stats

from accounts.roles import Role
from analytics.models import Direction, Indicator, KpiTarget
from incidents.models import District, Origin
from incidents.services import populations_import
from tests.analytics.helpers import at, incident
from tests.factories import make_user
from tests.incidents.test_population import POPULATION

pytestmark = pytest.mark.django_db
URL = reverse("analytics-api:kpis")


@pytest.fixture
def month(districts: list[District], categories: dict[str, int]) -> None:
    """March 2025 in Callao: 12 (9 by victims), February 2025: 6, March 2024: 3; Bellavista 2."""
    populations_import(source=str(POPULATION))
    for day in range(1, 13):
        origin = Origin.VICTIM_REPORT if day <= 9 else Origin.CITIZEN_CALL
        incident(at(2025, 3, day), code="robo" if day % 3 else "hurto", origin=origin)
    for day in range(1, 7):
        incident(at(2025, 2, day))
    for day in range(1, 4):
        incident(at(2024, 3, day))
    incident(at(2025, 3, 20), ubigeo="070102")
    incident(at(2025, 3, 21), ubigeo="070102")


def _dashboard(role: str = Role.OFFICIAL) -> dict[str, Any]:
    client = Client()
    client.force_login(make_user(role=role))
    response = client.get(URL, {"month": "2025-03"})
    assert response.status_code == 200, response.content
    return response.json()


def _area(body: dict[str, Any], name: str) -> dict[str, Any]:
    return next(area for area in body["areas"] if area["name"] == name)


def test_each_district_gets_its_counts_rate_and_an_exact_test(month: None) -> None:
    callao = _area(_dashboard(), "Callao")  # the district of Callao, not the region
    region = _dashboard()["areas"][0]

    assert region["ubigeo"] is None and region["incidents"] == 14
    assert callao["incidents"] == 12
    assert callao["previous_month"]["earlier"] == 6
    # Daily rates: 12/31 against 6/28.
    assert callao["previous_month"]["change_pct"] == pytest.approx(
        100 * (12 / 31 / (6 / 28) - 1), abs=0.1
    )
    expected_p = stats.binomtest(12, 18, 31 / (31 + 28)).pvalue
    assert callao["previous_month"]["p_value"] == pytest.approx(expected_p, abs=1e-4)
    assert callao["last_year"]["earlier"] == 3 and callao["last_year"]["significant"] is True
    assert callao["rate_per_10k"] == pytest.approx(12 / 406_760 * 10_000, abs=0.01)
    assert region["rate_per_10k"] == pytest.approx(14 / 1_028_144 * 10_000, abs=0.01)
    assert callao["victim_share_pct"] == pytest.approx(75.0)
    assert callao["top_categories"][0] == ["Robo", 8]


def test_targets_say_whether_an_area_is_on_track(month: None) -> None:
    callao = District.objects.get(ubigeo="070101")
    KpiTarget.objects.create(
        district=callao, indicator=Indicator.INCIDENTS, direction=Direction.AT_MOST, value=10
    )
    KpiTarget.objects.create(
        district=callao, indicator=Indicator.VICTIM_SHARE, direction=Direction.AT_LEAST, value=70
    )
    KpiTarget.objects.create(
        district=None, indicator=Indicator.PATROL_COVERAGE, direction=Direction.AT_LEAST, value=50
    )

    body = _dashboard()
    targets = {t["indicator"]: t for t in _area(body, "Callao")["targets"]}

    assert targets["incidents"]["on_track"] is False and targets["incidents"]["actual"] == 12
    assert targets["victim_share_pct"]["on_track"] is True
    # No forecast was issued: coverage has no figure, so the status is unknown, not "off".
    assert body["areas"][0]["targets"][0]["on_track"] is None


def test_a_month_in_the_future_or_malformed_is_a_400(month: None) -> None:
    client = Client()
    client.force_login(make_user(role=Role.PLANNER))

    assert client.get(URL, {"month": "2099-01"}).status_code == 400
    assert "month" in client.get(URL, {"month": "marzo"}).json()


def test_the_dashboard_exports_to_xlsx_and_pdf_with_the_same_figures(month: None) -> None:
    client = Client()
    client.force_login(make_user(role=Role.OFFICIAL))

    xlsx = client.get(reverse("analytics:dashboard-xlsx"), {"month": "2025-03"})
    document = client.get(reverse("analytics:dashboard-pdf"), {"month": "2025-03"})

    assert xlsx.status_code == 200 and document.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    by_area = {row[0]: row for row in rows}
    assert rows[0][1] == 14  # all of Callao first
    assert by_area["Callao"][1] == 12 and by_area["Bellavista"][1] == 2
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(document.content)).pages)
    assert "Bellavista" in text and "Tablero" in text


def test_the_page_shows_every_district_by_name(month: None) -> None:
    client = Client()
    client.force_login(make_user(role=Role.PLANNER))
    page = client.get(reverse("analytics:dashboard"), {"month": "2025-03"}).content.decode()

    for name in District.objects.values_list("name", flat=True):
        assert name in page
    assert 'id="export-xlsx"' in page and 'id="incidents-by-district"' in page
