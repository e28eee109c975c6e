from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_anonymous_visitor_reads_a_districts_public_report_and_downloads_its_pdf(
    page: Page,
    live_server,  # type: ignore[no-untyped-def]
    public_reports: None,
    tmp_path: Path,
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/reportes/")
    expect(page.locator("#report-list tbody tr")).to_have_count(2)
    page.select_option("#id_district", "070102")
    page.click("#filter-submit")
    expect(page.locator("#report-list tbody tr")).to_have_count(1)
    page.click("#report-list a.report-link")

    expect(page.locator("#report-title")).to_have_text("Bellavista")
    expect(page.locator("#report-period")).to_contain_text("del 3 al 9 de marzo de 2025")
    expect(page.locator("#report-summary")).to_contain_text(
        "En Bellavista se registraron 22 incidentes"
    )
    expect(page.locator('#category-table tr[data-category="robo"] td.num').first).to_have_text("12")
    expect(page.locator("#report-map")).to_be_visible()
    expect(page.locator("#advice li").first).to_be_visible()
    expect(page.locator("#login-link")).to_be_visible()  # still anonymous

    with page.expect_download() as download_info:
        page.click("#pdf-link")
    download = download_info.value
    assert download.suggested_filename == "reporte-public-weekly-070102-2025-W10-v1.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    text = "\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(data)).pages)
    assert "Bellavista" in text
    assert "En Bellavista se registraron 22 incidentes" in text.replace("\n", " ")
    assert not [e for e in errors if "Content Security Policy" in e], errors
