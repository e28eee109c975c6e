"""The public report's HTML, PDF and API never leak a point, a narrative, a sensitive category
or a count under 5 — proven on incidents built to break each rule if they leaked."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from incidents.models import District
from reports.models import Report, ReportKind
from reports.services import report_issue
from tests.reports.builders import NARRATIVE_MARKER, WEEK, bellavista_week

pytestmark = pytest.mark.django_db

SENSITIVE_NAMES = (
    "Violencia sexual",
    "Violencia familiar",
    "violencia_sexual",
    "violencia_familiar",
    "Sexual violence",
    "Domestic violence",
)
PERSONAL = ("Juan", "Pérez", "Quispe", "45678912", "Colonial", NARRATIVE_MARKER)
# Any longitude or latitude near Callao written with three or more decimals.
# (Not after a digit or a colon: "16:51:12.345678" in a timestamp is seconds, not degrees.)
COORDINATES = re.compile(r"(?<![\d:])-?(?:11|12|77)[.,]\d{3,}")


@pytest.fixture
def report(districts: list[District], categories: dict[str, int]) -> Report:
    bellavista_week()
    outcome = report_issue(
        kind=ReportKind.PUBLIC_WEEKLY,
        district=District.objects.get(ubigeo="070102"),
        period=WEEK,
        publish=True,
    )
    return outcome.report


@pytest.fixture
def outputs(report: Report) -> dict[str, str]:
    client = Client()
    html = client.get(f"/reportes/{report.pk}/").content.decode()
    pdf = client.get(f"/reportes/{report.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    pdf_text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(pdf.getvalue())).pages
    )
    api = client.get(f"/api/reports/{report.pk}/").content.decode()
    listing = (
        client.get("/api/reports/").content.decode() + client.get("/reportes/").content.decode()
    )
    return {"html": html, "pdf": pdf_text, "api": api, "list": listing}


def _numbers_named_like_counts(data: Any, found: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in {"count", "last_year", "total"} and not isinstance(value, dict | list):
                found.append((key, value))
            _numbers_named_like_counts(value, found)
    elif isinstance(data, list):
        for item in data:
            _numbers_named_like_counts(item, found)
    return found


def test_the_report_reads_well_and_shows_what_is_safe(
    report: Report, outputs: dict[str, str]
) -> None:
    assert report.is_published
    assert "En Bellavista se registraron 22 incidentes" in report.summary_text
    assert "Robo (12)" in report.summary_text
    assert "Bellavista" in outputs["pdf"]
    assert "22" in outputs["pdf"]


def test_no_output_contains_a_point_or_coordinates(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        assert '"Point"' not in text, name
        assert "coordinates" not in text, name
        assert not COORDINATES.findall(text), (name, COORDINATES.findall(text)[:5])


def test_no_output_contains_a_narrative_or_personal_data(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        for fragment in PERSONAL:
            assert fragment not in text, (name, fragment)
        assert "arrebataron" not in text, name


def test_no_output_names_or_counts_a_sensitive_category(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        for sensitive in SENSITIVE_NAMES:
            assert sensitive.lower() not in text.lower(), (name, sensitive)
    # 22 public incidents; 36 would mean the 14 sensitive ones were counted.
    assert json.loads(outputs["api"])["report"]["total"]["count"] == 22
    assert "Total\n22\n" in outputs["pdf"]


def test_a_count_under_5_is_never_shown_in_the_api(outputs: dict[str, str]) -> None:
    data = json.loads(outputs["api"])
    counts = _numbers_named_like_counts(data["report"], [])
    assert counts, "the API shows counts"
    assert all(value is None or value >= 5 for _, value in counts), counts
    rows = {row["code"]: row for row in data["report"]["categories"]}
    assert rows["extorsion"]["count"] is None
    assert rows["extorsion"]["status"] == "suppressed"
    assert rows["extorsion"]["change_vs_previous_pct"] is None


def test_a_total_cannot_reveal_a_suppressed_count(outputs: dict[str, str]) -> None:
    data = json.loads(outputs["api"])["report"]
    rows = {row["code"]: row for row in data["categories"]}
    shown = sum(row["count"] for row in rows.values() if row["count"] is not None)
    # 22 - 12 robberies would be the 3 extortions: the 7 thefts are withheld as well.
    assert rows["hurto"]["count"] is None
    assert rows["hurto"]["status"] == "withheld"
    assert data["total"]["count"] - shown >= 5
    cells = sum(cell["count"] for cell in data["map"]["cells"])
    assert data["total"]["count"] - cells == 0 or data["total"]["count"] - cells >= 5
    hours = sum(item["count"] for item in data["busiest_hours"])
    assert data["total"]["count"] - hours >= 5


def test_the_page_and_the_pdf_say_fewer_than_5_instead_of_the_count(
    outputs: dict[str, str],
) -> None:
    row = re.search(r'<tr data-category="extorsion".*?</tr>', outputs["html"], re.S)
    assert row is not None
    assert re.search(r"(menos de|fewer than) 5", row.group(0))
    assert not re.search(r">\s*3\s*<", row.group(0))
    # pypdf writes each table cell on its own line: the category, then this week's count.
    lines = outputs["pdf"].splitlines()
    cell = lines[next(i for i, line in enumerate(lines) if line.strip() == "Extorsión") + 1]
    assert re.search(r"(menos de|fewer than) 5", cell), cell


def test_the_page_reads_in_english_for_an_english_browser(report: Report) -> None:
    page = Client(headers={"accept-language": "en"}).get(f"/reportes/{report.pk}/")
    text = page.content.decode()
    assert '<html lang="en">' in text
    assert "Robbery (12)" in text
    assert "Keep your phone, jewellery and cash out of sight" in text
