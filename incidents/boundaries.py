"""Reading district boundary files (GeoJSON, zipped Shapefile, from a path or a URL).

Reading is kept apart from writing (``services.boundaries_import``) so that a bad
file is fully understood before the database is touched.
"""

from __future__ import annotations

import contextlib
import difflib
import tempfile
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.gdal import CoordTransform, DataSource, GDALException, SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

from callao.text import fold

# INEI codes of the Constitutional Province of Callao (DESIGN.md, "Data at hand").
CALLAO_UBIGEO: dict[str, str] = {
    "CALLAO": "070101",
    "BELLAVISTA": "070102",
    "CARMEN DE LA LEGUA REYNOSO": "070103",
    "LA PERLA": "070104",
    "LA PUNTA": "070105",
    "VENTANILLA": "070106",
    "MI PERU": "070107",
}
DISPLAY_NAMES: dict[str, str] = {
    "070101": "Callao",
    "070102": "Bellavista",
    "070103": "Carmen de la Legua Reynoso",
    "070104": "La Perla",
    "070105": "La Punta",
    "070106": "Ventanilla",
    "070107": "Mi Perú",
}

CODE_FIELDS = ("ubigeo", "iddist", "cod_ubigeo", "code")
NAME_FIELDS = ("distrito", "nombdist", "name", "nombre")
SECTOR_CODE_FIELDS = ("codigo", "cod_sector", "code", "sector", "id")
SECTOR_NAME_FIELDS = ("nombre", "name", "nom_sector", "sector", "descripcion")
PROVINCE_FIELDS = ("provincia", "nombprov", "province")
MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024


class BoundaryFileError(Exception):
    """The boundary file cannot be used; the message says why, for a person."""


@dataclass(frozen=True)
class BoundaryFeature:
    ubigeo: str
    name: str
    province: str
    geometry: MultiPolygon


def normalise_name(raw: str) -> str:
    """Upper-case ASCII form of a place name, repairing UTF-8 read as Latin-1 when possible."""
    text = raw
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = raw.encode("cp1252").decode("utf-8")
    letters = "".join(
        ch if ch.isalpha() or ch == " " else " " for ch in fold(text, ascii_only=True)
    )
    letters = letters.upper()
    return " ".join(letters.split())


def callao_ubigeo_for(name: str) -> str | None:
    """UBIGEO of a Callao district from its (possibly mis-encoded) name."""
    key = normalise_name(name)
    if key in CALLAO_UBIGEO:
        return CALLAO_UBIGEO[key]
    close = difflib.get_close_matches(key, list(CALLAO_UBIGEO), n=1, cutoff=0.75)
    return CALLAO_UBIGEO[close[0]] if close else None


def read_boundaries(
    source: str,
    *,
    province: str | None = "CALLAO",
    require_codes: bool = True,
    code_fields: tuple[str, ...] = CODE_FIELDS,
    name_fields: tuple[str, ...] = NAME_FIELDS,
) -> list[BoundaryFeature]:
    """Read every district polygon in ``source`` (a path or an http(s) URL).

    ``province`` keeps only features whose province field matches it (when the file
    has such a field); ``None`` keeps everything. Without ``require_codes`` (a plain
    region outline), unnamed features are numbered instead of refused.
    """
    with _local_copy(source) as path:
        features = list(
            _read_features(
                path,
                province=province,
                require_codes=require_codes,
                code_fields=code_fields,
                name_fields=name_fields,
            )
        )
    if not features:
        where = f" in province {province}" if province else ""
        raise BoundaryFileError(f"No district polygons found{where} in {source}.")
    codes = [feature.ubigeo for feature in features]
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    if duplicated:
        raise BoundaryFileError(f"Duplicated district codes in {source}: {', '.join(duplicated)}.")
    return features


@contextmanager
def _local_copy(source: str) -> Iterator[Path]:
    if source.startswith(("http://", "https://")):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / (Path(source.split("?")[0]).name or "boundaries.geojson")
            try:
                with (
                    urllib.request.urlopen(source, timeout=60) as response,  # noqa: S310 (http(s) only)
                    target.open("wb") as out,
                ):
                    copied = 0
                    while chunk := response.read(1 << 20):
                        copied += len(chunk)
                        if copied > MAX_DOWNLOAD_BYTES:
                            raise BoundaryFileError(f"{source} is larger than 200 MB.")
                        out.write(chunk)
            except OSError as exc:
                raise BoundaryFileError(f"Could not download {source}: {exc}.") from exc
            yield target
        return
    path = Path(source)
    if not path.is_file():
        raise BoundaryFileError(f"Boundary file not found: {source}.")
    yield path


def _gdal_path(path: Path) -> str:
    if path.suffix.lower() != ".zip":
        return str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            shapefiles = [name for name in archive.namelist() if name.lower().endswith(".shp")]
    except zipfile.BadZipFile as exc:
        raise BoundaryFileError(f"{path.name} is not a valid ZIP file.") from exc
    if len(shapefiles) != 1:
        raise BoundaryFileError(
            f"{path.name} must contain exactly one .shp file, found {len(shapefiles)}."
        )
    return f"/vsizip/{path}/{shapefiles[0]}"


def _field(properties: dict[str, object], candidates: tuple[str, ...]) -> str | None:
    lowered = {key.lower(): value for key, value in properties.items()}
    for name in candidates:
        value = lowered.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return None


def _read_features(
    path: Path,
    *,
    province: str | None,
    require_codes: bool,
    code_fields: tuple[str, ...],
    name_fields: tuple[str, ...],
) -> Iterator[BoundaryFeature]:
    try:
        source = DataSource(_gdal_path(path))
    except GDALException as exc:
        raise BoundaryFileError(
            f"{path.name} is not a readable GeoJSON or Shapefile ({exc})."
        ) from exc
    wanted_province = normalise_name(province) if province else None
    wgs84 = SpatialReference(4326)
    for layer in source:  # type: ignore[attr-defined]
        transform = (
            CoordTransform(layer.srs, wgs84) if layer.srs and layer.srs.srid != 4326 else None
        )
        for number, feature in enumerate(layer, start=1):
            properties = {name: feature.get(name) for name in feature.fields}
            feature_province = _field(properties, PROVINCE_FIELDS) or ""
            if (
                wanted_province
                and feature_province
                and normalise_name(feature_province) != wanted_province
            ):
                continue
            name = _field(properties, name_fields)
            if name is None and not require_codes:
                name = f"feature {number}"
            if name is None:
                raise BoundaryFileError(
                    f"Feature {number} of {path.name} has no district name field."
                )
            ubigeo = _field(properties, code_fields) or callao_ubigeo_for(name)
            if ubigeo is None and not require_codes:
                ubigeo = str(number)
            if ubigeo is None:
                raise BoundaryFileError(
                    f"Feature {number} of {path.name} ({name!r}) has no UBIGEO code and is not a "
                    "known district of Callao."
                )
            ogr = feature.geom
            if transform is not None:
                ogr.transform(transform)
            yield BoundaryFeature(
                ubigeo=ubigeo.zfill(6) if code_fields is CODE_FIELDS else ubigeo,
                name=DISPLAY_NAMES.get(ubigeo) or normalise_name(name).title(),
                province=normalise_name(feature_province).title() if feature_province else "",
                geometry=_as_valid_multipolygon(
                    GEOSGeometry(ogr.wkb, srid=4326), path.name, number
                ),
            )


def _as_valid_multipolygon(geometry: GEOSGeometry, filename: str, number: int) -> MultiPolygon:
    if not geometry.valid:
        geometry = geometry.make_valid()  # type: ignore[attr-defined]
    if isinstance(geometry, Polygon):
        return MultiPolygon(geometry, srid=4326)
    if isinstance(geometry, MultiPolygon):
        return geometry
    polygons = (
        [part for part in geometry if isinstance(part, Polygon)]
        if hasattr(geometry, "__iter__")
        else []
    )
    if not polygons:
        raise BoundaryFileError(
            f"Feature {number} of {filename} is a {geometry.geom_type}, not a polygon."
        )
    return MultiPolygon(*polygons, srid=4326)
