"""Projections and region boundaries.

Distances, areas and kernels are in metres, so every geometry is projected to the UTM zone of
its centroid (Callao falls in zone 18 south, EPSG:32718).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from .errors import InputError

FloatArray = NDArray[np.float64]


def utm_crs(lon: float, lat: float) -> str:
    """Return the EPSG code of the UTM zone containing a WGS84 point.

    Parameters
    ----------
    lon, lat : float
        Longitude and latitude in degrees.

    Returns
    -------
    str
        For example ``"EPSG:32718"`` for Callao (zone 18, southern hemisphere).
    """
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    return f"EPSG:{(32700 if lat < 0 else 32600) + zone}"


def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def lonlat_to_xy(lon: FloatArray, lat: FloatArray, crs: str) -> tuple[FloatArray, FloatArray]:
    """Project WGS84 longitude/latitude arrays to ``crs`` metres."""
    x, y = _transformer("EPSG:4326", crs).transform(np.asarray(lon), np.asarray(lat))
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def xy_to_lonlat(x: FloatArray, y: FloatArray, crs: str) -> tuple[FloatArray, FloatArray]:
    """Unproject ``crs`` metres to WGS84 longitude/latitude arrays."""
    lon, lat = _transformer(crs, "EPSG:4326").transform(np.asarray(x), np.asarray(y))
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def reproject(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    """Reproject a shapely geometry between two CRSs."""
    tr = _transformer(src, dst)

    def _apply(coords: FloatArray) -> FloatArray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _apply)


@dataclass(frozen=True)
class Region:
    """A study area in projected metres, optionally split into named districts.

    Parameters
    ----------
    geometry : shapely geometry
        The (multi)polygon of the whole area, in ``crs`` metres.
    crs : str
        The projected CRS, e.g. ``"EPSG:32718"``.
    districts : dict of str to shapely geometry
        Named parts of the area (may be empty).
    """

    geometry: BaseGeometry
    crs: str
    districts: dict[str, BaseGeometry] = field(default_factory=dict)

    @property
    def area(self) -> float:
        """Area in square metres."""
        return float(self.geometry.area)

    def to_crs(self, crs: str) -> Region:
        """Return the same region in another projected CRS."""
        if crs == self.crs:
            return self
        return Region(
            reproject(self.geometry, self.crs, crs),
            crs,
            {k: reproject(v, self.crs, crs) for k, v in self.districts.items()},
        )

    @classmethod
    def from_geojson(cls, path: str | Path, crs: str | None = None) -> Region:
        """Read a WGS84 GeoJSON file of polygons.

        Parameters
        ----------
        path : str or Path
            A FeatureCollection, Feature or bare geometry. Districts are named by the
            ``distrito``, ``name``, ``nombre`` or ``ubigeo`` property, else by position.
        crs : str, optional
            Target projected CRS; by default the UTM zone of the region's centroid.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read region file {path}: {exc.strerror}") from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"region file {path} is not valid JSON (line {exc.lineno})") from exc
        parts = _named_polygons(data)
        if not parts:
            raise InputError(f"region file {path} contains no polygons")
        union = shapely.union_all(list(parts.values()))
        if union.is_empty or union.area == 0:
            raise InputError(f"region file {path} has zero area")
        centroid = union.centroid
        target = crs or utm_crs(centroid.x, centroid.y)
        return cls(
            reproject(union, "EPSG:4326", target),
            target,
            {k: reproject(v, "EPSG:4326", target) for k, v in parts.items()},
        )


def _named_polygons(data: Any) -> dict[str, BaseGeometry]:
    if not isinstance(data, dict):
        return {}
    if data.get("type") == "FeatureCollection":
        features = data.get("features") or []
    elif data.get("type") == "Feature":
        features = [data]
    else:
        features = [{"type": "Feature", "geometry": data, "properties": {}}]
    parts: dict[str, BaseGeometry] = {}
    for i, feature in enumerate(features):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not geometry:
            continue
        try:
            geom = shapely.make_valid(shape(geometry))
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise InputError(f"feature {i} of the region has an invalid geometry") from exc
        if geom.area == 0:
            continue
        props = feature.get("properties") or {}
        name = next(
            (str(props[k]) for k in ("distrito", "name", "nombre", "ubigeo") if props.get(k)),
            f"part-{i}",
        )
        parts[name] = shapely.union(parts[name], geom) if name in parts else geom
    return parts
