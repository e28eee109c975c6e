"""The monthly official report: KPIs, tables, provided sections, and who may read it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from accounts.roles import Role
from incidents.models import District
from reports.models import Report, ReportKind
from reports.services import report_issue
from tests.factories import make_user
from tests.reports.builders import bellavista_week

pytestmark = pytest.mark.django_db


def accuracy_provider(**kwargs: Any) -> dict[str, Any]:
    return {
        "forecast_accuracy": {
            "columns": ["Modelo", "Tasa de acierto", "PAI"],
            "rows": [["GridSEPP", 0.41, 8.2]],
            "note": "Backtest rodante.",
        },
        "equity": "not a table",
    }


def broken_provider(**kwargs: Any) -> dict[str, Any]:
    raise RuntimeError("model store unreachable")


@pytest.fixture
def march(districts: list[District], categories: dict[str, int]) -> Report:
    bellavista_week()
    return report_issue(
        kind=ReportKind.OFFICIAL_MONTHLY, district=None, period="2025-03", publish=True
    ).report


def _client(role: str) -> Client:
    client = Client()
    client.force_login(make_user(username=f"{role}-official", role=role))
    return client


def test_the_monthly_report_counts_every_category_and_compares_months(march: Report) -> None:
    kpis = march.content["kpis"]
    assert (kpis["total"], kpis["previous"], kpis["last_year"]) == (36, 28, 9)
    assert kpis["change_vs_previous_pct"] == 28.6
    rows = {row["code"]: row for row in march.content["categories"]}
    assert rows["violencia_sexual"]["count"] == 6
    assert rows["violencia_sexual"]["sensitive"] is True
    assert rows["extorsion"]["count"] == 3  # officials see aggregates unsuppressed
    districts = {row["ubigeo"]: row["count"] for row in march.content["districts"]}
    assert districts["070102"] == 36
    assert march.summary_text.startswith("En Callao se registraron 36 incidentes en marzo de 2025")


def test_sections_without_a_provider_say_not_available_and_invent_nothing(
    march: Report,
) -> None:
    assert all(not section["available"] for section in march.content["sections"].values())
    page = _client(Role.OFFICIAL).get(f"/reportes/oficiales/{march.pk}/").content.decode()
    assert page.count('class="unavailable"') == 3


def test_a_provider_fills_its_sections_and_a_malformed_one_stays_unavailable(
    districts: list[District], categories: dict[str, int], settings: Any
) -> None:
    settings.FORECAST_SECTIONS_PROVIDER = f"{__name__}.accuracy_provider"
    report = report_issue(kind=ReportKind.OFFICIAL_MONTHLY, district=None, period="2025-03").report
    sections = report.content["sections"]
    assert sections["forecast_accuracy"]["rows"] == [["GridSEPP", 0.41, 8.2]]
    assert sections["equity"] == {"available": False}
    assert sections["patrol_coverage"] == {"available": False}
    settings.FORECAST_SECTIONS_PROVIDER = f"{__name__}.broken_provider"
    report = report_issue(kind=ReportKind.OFFICIAL_MONTHLY, district=None, period="2025-03").report
    assert not any(section["available"] for section in report.content["sections"].values())


def test_a_report_whose_pdf_file_is_gone_is_a_404_without_a_path(march: Report) -> None:
    march.pdf.storage.delete(march.pdf.name)
    response = _client(Role.PLANNER).get(f"/reportes/oficiales/{march.pk}/pdf/")
    assert response.status_code == 404
    assert march.pdf.name not in response.content.decode()
    assert "PDF" in response.content.decode()


def test_analysts_read_the_official_report_and_its_pdf(march: Report) -> None:
    client = _client(Role.PLANNER)
    listing = client.get("/reportes/oficiales/").content.decode()
    assert f"/reportes/oficiales/{march.pk}/" in listing
    page = client.get(f"/reportes/oficiales/{march.pk}/")
    assert page.status_code == 200
    assert "36" in page.content.decode()
    pdf = client.get(f"/reportes/oficiales/{march.pk}/pdf/")
    text = PdfReader(io.BytesIO(pdf.getvalue())).pages[0].extract_text()
    assert "Callao" in text
    api = client.get(f"/api/reports/official/{march.pk}/").json()
    assert api["content"]["kpis"]["total"] == 36
    assert api["summary"]["backend"] == "template"


def test_official_reports_never_appear_among_public_ones(march: Report) -> None:
    client = Client()
    assert client.get(f"/reportes/{march.pk}/").status_code == 404
    assert client.get(f"/api/reports/{march.pk}/").status_code == 404
    assert client.get("/api/reports/").json()["count"] == 0
    leader = _client(Role.COMMUNITY_LEADER)
    assert leader.get(f"/reportes/oficiales/{march.pk}/").status_code == 403
    assert leader.get(f"/api/reports/official/{march.pk}/").status_code == 403
