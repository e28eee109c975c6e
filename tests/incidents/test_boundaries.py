from __future__ import annotations

import functools
import http.server
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from incidents.boundaries import BoundaryFileError, callao_ubigeo_for, normalise_name
from incidents.models import District
from incidents.services import boundaries_import
from tests.conftest import BOUNDARIES, FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_districts(db: None) -> None:
    District.objects.all().delete()


def test_it_loads_the_seven_districts_of_callao_with_their_ubigeo(empty_districts: None) -> None:
    result = boundaries_import(source=str(BOUNDARIES))

    assert result.created == 7
    codes = dict(District.objects.values_list("ubigeo", "name"))
    assert codes == {
        "070101": "Callao",
        "070102": "Bellavista",
        "070103": "Carmen de la Legua Reynoso",
        "070104": "La Perla",
        "070105": "La Punta",
        "070106": "Ventanilla",
        "070107": "Mi Perú",
    }
    ventanilla = District.objects.get(ubigeo="070106")
    assert ventanilla.geometry.srid == 4326
    assert ventanilla.geometry.contains(ventanilla.geometry.point_on_surface)


def test_loading_twice_updates_instead_of_duplicating(empty_districts: None) -> None:
    boundaries_import(source=str(BOUNDARIES))
    again = boundaries_import(source=str(BOUNDARIES))

    assert (again.created, again.updated) == (0, 7)
    assert District.objects.count() == 7


def test_it_reads_the_public_lima_callao_file_with_its_mis_encoded_names(
    empty_districts: None,
) -> None:
    result = boundaries_import(source=str(FIXTURES / "public_source_sample.geojson"))

    assert sorted(result.districts) == ["Bellavista", "Mi Perú"]
    assert set(District.objects.values_list("ubigeo", flat=True)) == {"070102", "070107"}


def test_mis_encoded_and_accented_names_map_to_ubigeo() -> None:
    assert normalise_name("MI PERÃš") == "MI PERU"
    assert callao_ubigeo_for("MI PERÃz") == "070107"
    assert callao_ubigeo_for("Carmen de La Legua-Reynoso") == "070103"
    assert callao_ubigeo_for("MIRAFLORES") is None


def test_it_reads_a_zipped_shapefile_in_another_projection(
    empty_districts: None, tmp_path: Path
) -> None:
    shp_dir = tmp_path / "shp"
    subprocess.run(
        ["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", "EPSG:32718", str(shp_dir), str(BOUNDARIES)],
        check=True,
    )
    archive = tmp_path / "distritos.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in shp_dir.iterdir():
            zipped.write(part, f"distritos/{part.name}")

    boundaries_import(source=str(archive))

    callao = District.objects.get(ubigeo="070101")
    assert callao.geometry.srid == 4326
    assert -77.2 < callao.geometry.centroid.x < -77.0
    assert -12.1 < callao.geometry.centroid.y < -11.8


@pytest.fixture
def served_directory() -> Iterator[str]:
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(BOUNDARIES.parent)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_it_downloads_boundaries_from_a_url(empty_districts: None, served_directory: str) -> None:
    result = boundaries_import(source=f"{served_directory}/{BOUNDARIES.name}")

    assert result.created == 7


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a readable"),
        (b"\x00\x01binary junk\xff", "not a readable"),
        (b'{"type": "FeatureCollection", "features": []}', "No district polygons"),
    ],
)
def test_bad_files_get_a_clear_error_and_change_nothing(
    districts: list[District], tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(content)
    before = list(District.objects.values_list("ubigeo", "geometry"))

    with pytest.raises(BoundaryFileError, match=message):
        boundaries_import(source=str(bad))

    assert list(District.objects.values_list("ubigeo", "geometry")) == before


def test_a_zip_without_a_shapefile_is_rejected(tmp_path: Path) -> None:
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "nothing here")

    with pytest.raises(BoundaryFileError, match=r"exactly one \.shp"):
        boundaries_import(source=str(archive))


def test_the_command_reports_what_it_loaded_and_fails_cleanly(empty_districts: None) -> None:
    out = StringIO()
    call_command("import_boundaries", str(BOUNDARIES), stdout=out)
    assert "7" in out.getvalue() and "Ventanilla" in out.getvalue()

    with pytest.raises(CommandError, match="not found"):
        call_command("import_boundaries", "/no/such/file.geojson")


def test_patrol_sectors_load_into_the_district_that_holds_them(
    districts: list[District], tmp_path: Path
) -> None:
    import json

    from incidents.models import Sector
    from incidents.services import sectors_import

    def square(lon: float, lat: float, size: float = 0.004) -> dict[str, object]:
        ring = [
            [lon, lat],
            [lon + size, lat],
            [lon + size, lat + size],
            [lon, lat + size],
            [lon, lat],
        ]
        return {"type": "Polygon", "coordinates": [ring]}

    path = tmp_path / "sectores.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"codigo": "BV-01", "nombre": "Sector 1"},
                        "geometry": square(-77.113, -12.062),
                    },
                    {
                        "type": "Feature",
                        "properties": {"codigo": "VE-07", "nombre": "Sector 7"},
                        "geometry": square(-77.125, -11.886),
                    },
                ],
            }
        )
    )

    result = sectors_import(source=str(path))

    assert result.created == 2
    assert Sector.objects.get(code="BV-01").district.ubigeo == "070102"
    assert Sector.objects.get(code="VE-07").district.ubigeo == "070106"
