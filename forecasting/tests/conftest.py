"""Shared fixtures: a small square city near Callao and a simulated history over it.

The library's tests need neither Django nor a database; they run with ``-p no:django``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from forecasting.geo import Region, reproject
from forecasting.grid import Grid
from forecasting.simulate import Simulation, simulate

CRS = "EPSG:32718"
# A 4.5 km square in UTM 18S, inside Callao's zone.
BOX = shapely.box(268_000.0, 8_664_000.0, 272_500.0, 8_668_500.0)


@pytest.fixture(scope="session")
def region() -> Region:
    return Region(
        BOX,
        CRS,
        {
            "west": shapely.box(268_000, 8_664_000, 270_000, 8_668_500),
            "east": shapely.box(270_000, 8_664_000, 272_500, 8_668_500),
        },
    )


@pytest.fixture(scope="session")
def grid(region: Region) -> Grid:
    return Grid.from_region(region, 150.0)


@pytest.fixture(scope="session")
def sim(region: Region) -> Simulation:
    return simulate(
        region, "2023-01-01", 240, random_state=3, background_per_day=12.0, n_hotspots=4
    )


@pytest.fixture(scope="session")
def region_geojson(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("region") / "region.geojson"
    lonlat = reproject(BOX, CRS, "EPSG:4326")
    feature = {
        "type": "Feature",
        "properties": {"distrito": "PRUEBA"},
        "geometry": shapely.geometry.mapping(lonlat),
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path
