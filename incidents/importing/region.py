"""The area incidents must fall in: Callao's districts by default, or a boundary file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from incidents.importing.errors import ImportFileError


@dataclass(frozen=True)
class ImportArea:
    name: str
    geometry: BaseGeometry

    def __post_init__(self) -> None:
        shapely.prepare(self.geometry)

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Vectorised point-in-polygon (boundary included), NaN coordinates are outside."""
        inside = np.zeros(len(lon), dtype=bool)
        finite = np.isfinite(lon) & np.isfinite(lat)
        if not finite.any():
            return inside
        minx, miny, maxx, maxy = self.geometry.bounds
        candidate = finite & (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
        if candidate.any():
            inside[candidate] = shapely.intersects_xy(self.geometry, lon[candidate], lat[candidate])
        return inside


def region_from_districts() -> ImportArea:
    """The union of the district boundaries loaded in the database."""
    from incidents.models import District

    parts = [
        shapely.from_wkb(bytes(geometry.wkb))
        for geometry in District.objects.values_list("geometry", flat=True)
    ]
    if not parts:
        raise ImportFileError(
            "No hay distritos cargados: cargue los límites (import_boundaries) o indique una región.",
            "No districts are loaded: load boundaries (import_boundaries) or give a region.",
        )
    return ImportArea("Callao", shapely.union_all(parts))


def region_from_file(path: str) -> ImportArea:
    """Any polygon file GDAL reads (GeoJSON, zipped Shapefile), every feature merged."""
    from incidents.boundaries import BoundaryFileError, read_boundaries

    try:
        features = read_boundaries(path, province=None, require_codes=False)
    except BoundaryFileError as exc:
        raise ImportFileError(f"Región no válida: {exc}", f"Invalid region: {exc}") from exc
    geometry = shapely.union_all([shapely.from_wkb(bytes(f.geometry.wkb)) for f in features])
    return ImportArea(Path(path).stem, geometry)
