from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from incidents.models import Dataset, DatasetStatus, District, Incident, Origin
from incidents.services import dataset_progress
from tests.incidents.importing_helpers import (
    BELLAVISTA,
    CANONICAL_HEADER,
    VENTANILLA,
    assert_failed_cleanly,
    canonical_rows,
    import_file,
    write,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _territory(districts: list[District], categories: dict[str, int]) -> None:
    """Every import test runs with Callao's districts and the shipped categories."""


def _report_rows(dataset: Dataset) -> list[dict[str, str]]:
    with dataset.error_report.open("rb") as stream:
        text = stream.read().decode("utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def test_a_canonical_csv_is_imported_with_districts_assigned_in_sql(tmp_path: Path) -> None:
    path = write(tmp_path / "ok.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(30)]) + "\n")

    dataset = import_file(path)

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assert (dataset.rows_read, dataset.rows_imported, dataset.rows_rejected) == (30, 30, 0)
    incident = Incident.objects.get(external_id="EXT-1")
    assert incident.district is not None and incident.district.ubigeo == "070102"
    assert Incident.objects.get(external_id="EXT-3").district.ubigeo == "070106"  # type: ignore[union-attr]
    assert incident.origin == Origin.CITIZEN_CALL
    assert incident.severity == 1
    # Times without an offset are Lima time (UTC-5).
    assert incident.occurred_at.isoformat() == "2024-03-01T05:15:00+00:00"
    assert dataset_progress(dataset) == {"done": 30, "total": 30, "percent": 100}


def test_a_file_where_every_time_has_an_offset_is_converted_to_utc(tmp_path: Path) -> None:
    lat, lon = BELLAVISTA
    text = (
        "occurred_at,lat,lon,category\n"
        f"2024-03-01T10:00:00-05:00,{lat},{lon},robo\n"
        f"2024-03-01T15:30:00Z,{lat + 0.0001},{lon},hurto\n"
    )
    dataset = import_file(write(tmp_path / "offsets.csv", text))

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assert sorted(i.occurred_at.isoformat() for i in Incident.objects.all()) == [
        "2024-03-01T15:00:00+00:00",
        "2024-03-01T15:30:00+00:00",
    ]


def test_spanish_headers_peruvian_dates_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    text = (
        "Fecha;Hora;Latitud;Longitud;Modalidad;Descripción;Distrito\n"
        "03/04/2024;14:30;-12,0566;-77,1181;Robo agravado;Le arrebataron el celular;Bellavista\n"
        "04/04/2024;2:15 p. m.;-12,0480;-77,1400;HURTO;En el mercado;Callao\n"
    )
    dataset = import_file(write(tmp_path / "denuncias.csv", text))

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assert dataset.rows_imported == 2
    robo = Incident.objects.get(category__code="robo")
    assert robo.occurred_at.isoformat() == "2024-04-03T19:30:00+00:00"
    assert robo.narrative == "Le arrebataron el celular"
    assert Incident.objects.get(category__code="hurto").occurred_at.hour == 19  # 14:15 Lima


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_bom_latin1_and_utf16_files_keep_their_accents(tmp_path: Path, encoding: str) -> None:
    text = "fecha,latitud,longitud,delito,descripcion\n03/04/2024,-12.0566,-77.1181,Extorsión,Cobro de cupos en el Callao\n"
    dataset = import_file(write(tmp_path / "acentos.csv", text, encoding))

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assert Incident.objects.get().category.code == "extorsion"


def test_a_file_mixing_utf8_and_latin1_lines_loses_no_accent(tmp_path: Path) -> None:
    path = tmp_path / "mixto.csv"
    path.write_bytes(
        b"fecha,latitud,longitud,delito,descripcion\n"
        + "03/04/2024,-12.0566,-77.1181,Extorsión,Señora agredida\n".encode()
        + "05/04/2024,-12.0480,-77.1400,Lesiones,Niño en el área\n".encode("cp1252")
    )

    dataset = import_file(path)

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assert set(Incident.objects.values_list("narrative", flat=True)) == {
        "Señora agredida",
        "Niño en el área",
    }


def test_an_xlsx_file_with_real_dates_is_imported(tmp_path: Path) -> None:
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["FECHA", "HORA", "LATITUD", "LONGITUD", "TIPO"])
    sheet.append([dt.date(2024, 4, 3), dt.time(21, 5), BELLAVISTA[0], BELLAVISTA[1], "Robo"])
    sheet.append([dt.date(2024, 4, 4), "08:00", VENTANILLA[0], VENTANILLA[1], "Daños materiales"])
    path = tmp_path / "denuncias.xlsx"
    workbook.save(path)

    dataset = import_file(path)

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assert sorted(Incident.objects.values_list("category__code", flat=True)) == ["danos", "robo"]


def test_a_geojson_of_points_is_imported(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [BELLAVISTA[1], BELLAVISTA[0]]},
            "properties": {"fecha": "2024-04-03 10:00", "delito": "Robo", "id": "G1"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            "properties": {"fecha": "2024-04-03 11:00", "delito": "Robo", "id": "G2"},
        },
    ]
    path = tmp_path / "puntos.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))

    dataset = import_file(path, max_rejected_share=0.9)

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assert (dataset.rows_imported, dataset.rows_rejected) == (1, 1)
    assert _report_rows(dataset)[0]["motivo"] == "coordenadas faltantes"


def test_each_bad_row_is_reported_with_row_column_value_and_reason(tmp_path: Path) -> None:
    good = canonical_rows(10)
    bad = [
        "31/02/2024,-12.0566,-77.1181,robo,B1,,,",  # impossible date
        "2099-01-01T10:00:00,-12.0566,-77.1181,robo,B2,,,",  # future
        "2024-01-01T10:00:00,0,0,robo,B3,,,",  # 0,0
        "2024-01-01T10:00:00,-77.1181,-12.0566,robo,B4,,,",  # swapped
        "2024-01-01T10:00:00,-12.1210,-77.0290,robo,B5,,,",  # Miraflores, Lima: outside Callao
        "2024-01-01T10:00:00,-12.0566,-77.1181,volar cometas,B6,,,",  # unknown category
        "2024-01-01T10:00:00,-12.0566,-77.1181,robo,B7,patrullaje,,9",  # severity 9
        "2024-01-01T10:00:00,-12.0566,-77.1181,robo,B8,telepatía,,",  # unknown origin
        '2024-01-01T10:00:00,-12.0566,-77.1181,robo,B9,,"'
        + "x" * 1_000_000
        + '",',  # 1 MB narrative
    ]
    path = write(tmp_path / "mixed.csv", "\n".join([CANONICAL_HEADER, *good, *bad]) + "\n")

    dataset = import_file(path)

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assert (dataset.rows_imported, dataset.rows_rejected) == (10, 9)
    report = {row["fila/row"]: row for row in _report_rows(dataset)}
    assert report["12"]["valor/value"] == "31/02/2024"
    assert report["12"]["motivo"].startswith("fecha no válida")
    assert report["13"]["reason"] == "date in the future"
    assert report["14"]["motivo"].startswith("coordenadas 0,0")
    assert report["15"]["motivo"] == "latitud y longitud invertidas"
    assert report["16"]["reason"] == "location outside the region"
    assert report["17"]["columna/column"] == "category"
    assert report["17"]["valor/value"] == "volar cometas"
    assert report["18"]["reason"].startswith("severity must be")
    assert report["19"]["reason"] == "unknown origin"
    assert report["20"]["motivo"] == "valor demasiado largo"
    assert dataset.rejection_summary["coords_swapped"]["count"] == 1


def test_formula_strings_are_stored_as_text_and_neutralised_in_the_report(tmp_path: Path) -> None:
    rows = [
        '2024-01-01T10:00:00,-12.0566,-77.1181,robo,F1,,"=HYPERLINK(""http://evil"")",',
        "2024-01-01T10:00:00,-12.0566,-77.1181,\"=cmd|' /C calc'!A0\",F2,,,",
        *canonical_rows(3),
    ]
    dataset = import_file(
        write(tmp_path / "formulas.csv", "\n".join([CANONICAL_HEADER, *rows]) + "\n")
    )

    assert Incident.objects.get(external_id="F1").narrative == '=HYPERLINK("http://evil")'
    assert _report_rows(dataset)[0]["valor/value"].startswith("'=cmd")


def test_duplicates_inside_a_file_and_across_files_are_skipped_and_counted(tmp_path: Path) -> None:
    rows = canonical_rows(5)
    first = import_file(
        write(tmp_path / "a.csv", "\n".join([CANONICAL_HEADER, *rows, rows[0]]) + "\n")
    )
    assert (first.rows_imported, first.rows_duplicate) == (5, 1)

    # Same events under new ids from another source: same time, place and category.
    renamed = [row.replace("EXT-", "OTRO-") for row in rows[:2]]
    second = import_file(
        write(tmp_path / "b.csv", "\n".join([CANONICAL_HEADER, *renamed]) + "\n"), source="otra"
    )
    assert (second.rows_imported, second.rows_duplicate) == (0, 2)
    assert Incident.objects.count() == 5


def test_the_same_file_uploaded_again_is_recognised_by_checksum(tmp_path: Path) -> None:
    path = write(tmp_path / "once.csv", "\n".join([CANONICAL_HEADER, *canonical_rows(3)]) + "\n")
    import_file(path)

    again = import_file(path)

    assert again.status == DatasetStatus.DUPLICATE
    assert "ya fue importado" in again.message
    assert Incident.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "vacío"),
        ("header.csv", CANONICAL_HEADER.encode() + b"\n", "solo encabezado"),
        ("junk.csv", bytes(range(256)) * 50, "binario"),
        (
            "truncated.csv",
            (
                CANONICAL_HEADER + "\n" + "\n".join(canonical_rows(3)) + '\n2024-01-01,"-12.05'
            ).encode(),
            "truncado",
        ),
        (
            # An interrupted upload that stops inside the last row's quoted narrative, after a
            # line break: every column is there, so only the open quote tells the row is cut.
            "cut-narrative.csv",
            (
                b"occurred_at,lat,lon,category,narrative\n"
                b'2024-03-05T09:00:00,-12.0599,-77.1112,robo,"Relato entero"\n'
                b'2024-03-05T10:00:00,-12.0599,-77.1112,robo,"Relato entero"\n'
                b'2024-03-05T11:00:00,-12.0599,-77.1112,robo,"Relato entero"\n'
                b'2024-03-05T12:00:00,-12.0599,-77.1112,robo,"Relato cort\n'
            ),
            "truncado después de la fila 4",
        ),
        ("wrong.csv", b"a b c d\n1 2 3 4\n", "Faltan columnas obligatorias"),
        (
            "wide.csv",
            (",".join(f"c{i}" for i in range(10_000)) + "\n" + "1," * 9999 + "1\n").encode(),
            "10,000 columnas",
        ),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        ("broken.xlsx", b"PK\x03\x04broken zip", "XLSX válido"),
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [{"type": "Feat', "GeoJSON"),
    ],
)
def test_hostile_files_fail_with_a_clear_message_and_change_nothing(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = Incident.objects.count()

    dataset = import_file(path)

    assert_failed_cleanly(dataset, message)
    assert Incident.objects.count() == before


def test_a_file_that_fails_after_its_first_chunk_is_rolled_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = canonical_rows(250)
    path = write(
        tmp_path / "late.csv", "\n".join([CANONICAL_HEADER, *rows]) + '\n2024-01-01,"unterminated\n'
    )
    from incidents.importing import pipeline

    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 100)  # two chunks are staged before the break

    dataset = import_file(path)

    assert_failed_cleanly(dataset, "truncado")
    assert dataset.rows_read == 200
    assert Incident.objects.count() == 0


def test_too_many_rejections_fail_the_dataset_but_keep_the_report(tmp_path: Path) -> None:
    rows = [f"2024-01-01T10:00:00,0,0,robo,Z{i},,," for i in range(8)] + canonical_rows(2)
    dataset = import_file(
        write(tmp_path / "zeros.csv", "\n".join([CANONICAL_HEADER, *rows]) + "\n")
    )

    assert_failed_cleanly(dataset, "Se rechazaron 8 de 10 filas")
    assert len(_report_rows(dataset)) == 8


def test_a_column_mapping_override_and_another_city_region(tmp_path: Path) -> None:
    toronto = tmp_path / "toronto_region.geojson"
    toronto.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [
                                    [-79.7, 43.5],
                                    [-79.1, 43.5],
                                    [-79.1, 43.9],
                                    [-79.7, 43.9],
                                    [-79.7, 43.5],
                                ]
                            ],
                        },
                    }
                ],
            }
        )
    )
    text = (
        "occurrencedate,occurrencehour,MCI,Lat,Long,Neighbourhood\n"
        "2014/03/02 05:00:00+00,8,Assault,43.73401277,-79.59033164,West Humber\n"
        "2014/03/02 05:00:00+00,22,Break and Enter,43.7318,-79.6007,West Humber\n"
    )
    path = write(tmp_path / "mci.csv", text)
    with path.open("rb") as stream:
        from incidents.services import dataset_create, dataset_import

        dataset = dataset_create(
            file=stream, name="mci.csv", source="toronto", column_mapping={"category": "MCI"}
        )
    dataset = dataset_import(
        dataset=dataset, region_path=str(toronto), timezone_name="America/Toronto"
    )

    assert dataset.status == DatasetStatus.IMPORTED, dataset.message
    assault = Incident.objects.get(category__code="lesiones")
    assert assault.occurred_at.isoformat() == "2014-03-02T13:00:00+00:00"  # 08:00 EST
    assert assault.district is None


def test_narratives_with_backslashes_tabs_and_line_breaks_arrive_intact(tmp_path: Path) -> None:
    narratives = ["C:\\ruta\\n no es salto", "tab\taquí", "línea 1\r\nlínea 2", "\\N", "fin \\"]
    lat, lon = BELLAVISTA
    rows = [
        f'2024-03-0{i + 1}T10:00:00,{lat},{lon},robo,T{i},,"{text}",'
        for i, text in enumerate(narratives)
    ]

    dataset = import_file(write(tmp_path / "escapes.csv", "\n".join([CANONICAL_HEADER, *rows])))

    assert dataset.rows_imported == 5, dataset.message
    stored = dict(Incident.objects.values_list("external_id", "narrative"))
    assert stored == {f"T{i}": text for i, text in enumerate(narratives)}
