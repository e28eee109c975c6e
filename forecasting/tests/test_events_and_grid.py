"""Loading the canonical CSV, projections and grids."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from forecasting import InputError, read_csv
from forecasting.geo import Region, utm_crs
from forecasting.grid import Grid, GridSpec
from forecasting.timeutil import parse_duration, to_days


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_picks_the_utm_zone_of_the_centroid() -> None:
    assert utm_crs(-77.1, -12.05) == "EPSG:32718"  # Callao
    assert utm_crs(-79.4, 43.7) == "EPSG:32617"  # Toronto


def test_times_without_offset_are_lima_time(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "occurred_at,lat,lon,category\n"
        "2024-01-05T21:30:00,-12.05,-77.13,robo\n"
        "2024-01-05T21:30:00-05:00,-12.05,-77.13,hurto\n"
        "2024-01-06T02:30:00Z,-12.06,-77.12,hurto\n",
    )
    events = read_csv(path)
    assert events.crs == "EPSG:32718"
    # All three rows are the same instant, 02:30 UTC on the 6th.
    assert np.allclose(events.t, to_days("2024-01-06T02:30:00Z", "UTC"))
    assert events.local_times()[0].hour == 21


def test_it_accepts_spanish_headers(tmp_path: Path) -> None:
    path = write(
        tmp_path, "fecha,hora,latitud,longitud,delito\n2024-01-05,21:30,-12.05,-77.13,robo\n"
    )
    events = read_csv(path)
    assert events.category.tolist() == ["robo"]
    assert events.local_times()[0] == pd.Timestamp("2024-01-05 21:30", tz="America/Lima")


def test_it_names_missing_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "occurred_at,lat,category\n2024-01-05,-12.05,robo\n")
    with pytest.raises(InputError, match=r"missing column.*lon"):
        read_csv(path)


def test_it_rejects_unparseable_rows_naming_the_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "occurred_at,lat,lon,category\n2024-01-05,-12.05,-77.13,robo\nyesterday,-12.05,-77.13,robo\n",
    )
    with pytest.raises(InputError, match=r"1 unparseable row.*line 3.*occurred_at"):
        read_csv(path)
    path = write(tmp_path, "occurred_at,lat,lon,category\n2024-01-05,north,-77.13,robo\n")
    with pytest.raises(InputError, match=r"line 2.*lat/lon"):
        read_csv(path)


def test_events_are_sorted_and_read_only(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "occurred_at,lat,lon,category\n2024-02-01,-12.05,-77.13,b\n2024-01-01,-12.05,-77.13,a\n",
    )
    events = read_csv(path)
    assert events.category.tolist() == ["a", "b"]
    with pytest.raises(ValueError):
        events.t[0] = 0.0


def test_durations() -> None:
    assert parse_duration("7d") == 7
    assert parse_duration("8h") == pytest.approx(1 / 3)
    assert parse_duration("2w") == 14
    with pytest.raises(InputError):
        parse_duration("soon")


def test_grid_cells_overlap_the_region() -> None:
    region = Region(shapely.box(0, 0, 300, 450), "EPSG:32718")
    grid = Grid.from_region(region, 150)
    assert (grid.nx, grid.ny, grid.n_cells) == (2, 3, 6)
    # Shifting by half a cell adds a column and a row of partly covered cells.
    shifted = Grid.from_region(region, 150, offset=(75, 75))
    assert (shifted.nx, shifted.ny, shifted.n_cells) == (3, 4, 12)
    assert shifted.x0 == -75 and shifted.y0 == -75


def test_cells_touching_only_at_an_edge_are_not_in_the_grid() -> None:
    triangle = Region(shapely.Polygon([(0, 0), (300, 0), (0, 300)]), "EPSG:32718")
    grid = Grid.from_region(triangle, 150)
    # The north-east cell of the 2x2 lattice only touches the hypotenuse at a corner.
    assert grid.n_cells == 3


def test_locate_and_images_round_trip() -> None:
    region = Region(shapely.box(0, 0, 300, 300), "EPSG:32718")
    grid = Grid.from_region(region, 150)
    cells = grid.locate(np.array([10.0, 160.0, 299.0, 400.0]), np.array([10.0, 10.0, 299.0, 0.0]))
    assert cells.tolist() == [0, 1, 3, -1]
    values = np.arange(4.0)
    np.testing.assert_array_equal(grid.from_image(grid.to_image(values)), values)


def test_random_offsets_are_reproducible(region: Region) -> None:
    a = Grid.random_offset(region, 150, random_state=5)
    b = Grid.random_offset(region, 150, random_state=5)
    assert a.offset == b.offset and 0 <= a.offset[0] < 150


@pytest.mark.parametrize("offset", [(0.0, 0.0), (37.5, 121.25)])
def test_a_grid_round_trips_through_its_spec_and_json(offset: tuple[float, float]) -> None:
    # A triangle, so that the active mask is not the whole lattice.
    triangle = Region(shapely.Polygon([(0, 0), (900, 0), (0, 600)]), "EPSG:32718")
    grid = Grid.from_region(triangle, 150, offset=offset)
    spec: GridSpec = json.loads(json.dumps(grid.spec()))
    active = np.asarray(json.loads(json.dumps(grid.active.tolist())), dtype=bool)
    rebuilt = Grid.from_spec(spec, active)
    assert rebuilt.spec() == grid.spec()
    assert rebuilt.offset == offset
    np.testing.assert_array_equal(rebuilt.active, grid.active)
    np.testing.assert_array_equal(rebuilt.flat, grid.flat)
    assert shapely.equals_exact(rebuilt.boxes(), grid.boxes(), 0.0).all()
    x = np.array([-10.0, 1.0, 149.9, 150.0, 400.0, 899.0, 50.0, 1e4])
    y = np.array([5.0, 1.0, 149.9, 300.0, 100.0, 1.0, 599.0, 0.0])
    np.testing.assert_array_equal(rebuilt.locate(x, y), grid.locate(x, y))


def test_a_spec_without_offset_or_with_a_wrong_mask(grid: Grid) -> None:
    spec = grid.spec()
    del spec["offset"]  # type: ignore[misc]  # as stored before grids had offsets
    assert Grid.from_spec(spec, grid.active.ravel()).offset == (0.0, 0.0)
    with pytest.raises(InputError, match="active mask"):
        Grid.from_spec(grid.spec(), grid.active[:-1])
    with pytest.raises(InputError, match="active cells"):
        Grid.from_spec(grid.spec(), ~grid.active)


def test_a_zero_area_region_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "line.geojson"
    path.write_text('{"type": "LineString", "coordinates": [[-77.1, -12.0], [-77.0, -12.1]]}')
    with pytest.raises(InputError, match="no polygons"):
        Region.from_geojson(path)


def test_districts_are_assigned_by_largest_overlap(region: Region, grid: Grid) -> None:
    names = grid.districts(region)
    x, _ = grid.centres()
    assert set(names[x < 269_900]) == {"west"}
    assert set(names[x > 270_100]) == {"east"}
