from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from incidents.models import Dataset, DatasetStatus, District, Incident
from tests.e2e.helpers import sign_in
from tests.factories import make_user
from tests.incidents.importing_helpers import CALLAO, import_file, write

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_uploads_a_spanish_file_maps_columns_and_watches_the_worker_import_it(
    page: Page,
    live_server,  # type: ignore[no-untyped-def]
    districts: list[District],
    categories: dict[str, int],
    celery_worker_process: str,
    tmp_path: Path,
) -> None:
    make_user(username="admin1", role=Role.ADMIN)
    upload = write(
        tmp_path / "denuncias_marzo.csv",
        "Fecha;Hora;Latitud;Longitud;Modalidad;Descripción\n"
        f"03/03/2024;21:15;{CALLAO[0]};{CALLAO[1]};Robo agravado;Arrebato de celular\n"
        f"04/03/2024;08:40;{CALLAO[0] + 0.001};{CALLAO[1]};Hurto;Robo de autopartes\n"
        "31/02/2024;10:00;-12.05;-77.13;Hurto;Fecha imposible\n",
        "cp1252",
    )

    sign_in(page, live_server.url, "admin1")
    page.goto(f"{live_server.url}/datos/")
    page.click("#upload-link")
    page.set_input_files("#id_file", str(upload))
    page.fill("#id_source", "Comisaría Callao")
    page.click("#upload-submit")

    expect(page.locator("#preview th")).to_have_count(6)
    expect(page.locator("#id_date")).to_have_value("Fecha")
    expect(page.locator("#id_category")).to_have_value("Modalidad")
    page.select_option("#id_narrative", "Descripción")
    page.click("#import-submit")

    expect(page.locator("#status-label")).to_have_text("Importado", timeout=60_000)
    expect(page.locator("#progress")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#rows-imported")).to_have_text("2")
    expect(page.locator("#rows-rejected")).to_have_text("1")
    expect(page.locator("#rejection-rows")).to_contain_text("fecha no válida")
    with page.expect_download() as download:
        page.click("#error-report")
    assert "31/02/2024" in Path(download.value.path()).read_text(encoding="utf-8-sig")

    dataset = Dataset.objects.get()
    assert dataset.status == DatasetStatus.IMPORTED
    assert set(Incident.objects.values_list("narrative", flat=True)) == {
        "Arrebato de celular",
        "Robo de autopartes",
    }


def test_an_upload_of_a_binary_file_is_refused_with_a_clear_message(
    page: Page,
    live_server,
    districts: list[District],
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    make_user(username="admin1", role=Role.ADMIN)
    junk = tmp_path / "foto.csv"
    junk.write_bytes(bytes(range(256)) * 20)

    sign_in(page, live_server.url, "admin1")
    page.goto(f"{live_server.url}/datos/subir/")
    page.set_input_files("#id_file", str(junk))
    page.click("#upload-submit")

    expect(page.locator("#preview-error")).to_contain_text("binario")
    assert Incident.objects.count() == 0


def test_a_planner_filters_the_incident_map(
    page: Page,
    live_server,
    districts: list[District],
    categories: dict[str, int],
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    rows = "\n".join(
        f"2024-03-{day:02d}T10:00:00,{CALLAO[0] + day * 1e-4},{CALLAO[1]},{'robo' if day % 2 else 'hurto'}"
        for day in range(1, 21)
    )
    import_file(write(tmp_path / "m.csv", "occurred_at,lat,lon,category\n" + rows + "\n"))
    make_user(username="plan", role=Role.PLANNER)

    sign_in(page, live_server.url, "plan")
    page.click("nav >> text=Incidentes")
    expect(page.locator("#incident-map")).to_have_attribute("data-total", "20")
    expect(page.locator("#incident-map")).to_have_attribute("data-tiles-loaded", "true")
    assert page.locator("#incident-map canvas").count() > 0

    page.select_option("#id_category", "robo")
    page.click("#incident-filters button")
    expect(page.locator("#incident-map")).to_have_attribute("data-total", "10")
    expect(page.locator("#incident-total")).to_contain_text("10")
