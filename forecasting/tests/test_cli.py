"""The command line, end to end, in a subprocess as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forecasting", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory, region_geojson: Path) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    result = run(
        "simulate",
        "--region",
        region_geojson,
        "--start",
        "2023-01-01",
        "--days",
        "150",
        "--seed",
        "7",
        "--out",
        folder / "events.csv",
        "--oracle-out",
        folder / "oracle.npz",
        "--narratives",
    )
    assert result.returncode == 0, result.stderr
    return folder


def test_simulate_writes_the_canonical_csv(simulated: Path) -> None:
    header = (simulated / "events.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"occurred_at", "lat", "lon", "category", "origin", "district", "narrative"} <= set(
        header
    )
    assert (simulated / "oracle.npz").exists()


def test_backtest_writes_json_and_markdown_and_shows_progress(
    simulated: Path, region_geojson: Path
) -> None:
    out = simulated / "bt"
    result = run(
        "backtest",
        "--events",
        simulated / "events.csv",
        "--region",
        region_geojson,
        "--cell",
        "150",
        "--start",
        "2023-04-03",
        "--end",
        "2023-05-01",
        "--every",
        "7d",
        "--horizon",
        "7d",
        "--models",
        "naive,kde,prospective,sepp",
        "--coverage",
        "0.01,0.05,0.10",
        "--offsets",
        "2",
        "--oracle",
        simulated / "oracle.npz",
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    assert "[10/10] offset 2/2 origin 2023-05-01" in result.stderr
    data = json.loads((out / "results.json").read_text())
    assert len(data["protocol"]["origins"]) == 5
    assert set(data["summary"]) >= {"naive7", "naive_all", "kde", "prospective", "sepp", "oracle"}
    row = data["summary"]["sepp"]
    assert set(row["coverage"]) == {"0.01", "0.05", "0.1"}
    assert {"hit_rate", "pai", "pei_star"} == set(row["coverage"]["0.05"])
    assert {
        "log_likelihood_per_incident",
        "brier",
        "fit_seconds_per_origin",
        "predict_seconds_per_origin",
    } <= set(row)
    markdown = (out / "results.md").read_text()
    assert "| kde | 10% |" in markdown


def test_backtest_with_select_auto_records_the_choice_and_without_it_nothing_changes(
    simulated: Path, region_geojson: Path
) -> None:
    common = [
        "backtest", "--events", simulated / "events.csv", "--region", region_geojson,
        "--start", "2023-05-01", "--end", "2023-05-15", "--models", "naive7,decayed,borrow",
    ]  # fmt: skip
    result = run(*common, "--select", "auto", "--select-origins", "4", "--out", simulated / "s")
    assert result.returncode == 0, result.stderr
    assert "selected borrow: pooled hit rate at 5%" in result.stderr
    data = json.loads((simulated / "s" / "results.json").read_text())
    borrow = data["selection"]["borrow"]
    assert len(borrow["candidates"]) == 25 and len(borrow["validation_origins"]) == 4
    assert borrow["validation_origins"][-1] == "2023-04-24T00:00:00-05:00"
    best = max(c["hit_rate"] for c in borrow["candidates"])
    chosen = next(c for c in borrow["candidates"] if c["params"] == borrow["chosen"])
    assert borrow["chosen_score"] >= best - chosen["standard_error"] and borrow["n_se"] == 1
    assert data["selection"]["naive7"]["chosen"] == {}
    assert "| borrow | base__half_life_days=" in (simulated / "s" / "results.md").read_text()
    result = run(*common, "--out", simulated / "plain")
    assert result.returncode == 0, result.stderr
    assert "selection" not in json.loads((simulated / "plain" / "results.json").read_text())
    assert "selected" not in result.stderr


def test_forecast_writes_geojson_cells(simulated: Path) -> None:
    out = simulated / "forecast.geojson"
    result = run(
        "forecast",
        "--events",
        simulated / "events.csv",
        "--at",
        "2023-05-01T06:00",
        "--horizon",
        "8h",
        "--model",
        "sepp",
        "--cell",
        "150",
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["properties"]["start"] == "2023-05-01T06:00:00-05:00"
    assert data["properties"]["end"] == "2023-05-01T14:00:00-05:00"
    cells = data["features"]
    assert sorted(f["properties"]["rank"] for f in cells) == list(range(1, len(cells) + 1))
    ring = cells[0]["geometry"]["coordinates"][0]
    assert len(ring) == 5 and -78 < ring[0][0] < -76 and -13 < ring[0][1] < -11


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("occurred_at,lat,category\n2024-01-01,-12.0,robo\n")
    result = run("forecast", "--events", path, "--at", "2024-02-01", "--out", tmp_path / "f.json")
    assert_one_line_error(result, "missing column", "lon")


def test_unparseable_rows_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "occurred_at,lat,lon,category\n2024-01-01,-12.0,-77.1,robo\n2024-13-45,-12.0,-77.1,robo\n"
    )
    result = run("forecast", "--events", path, "--at", "2024-02-01", "--out", tmp_path / "f.json")
    assert_one_line_error(result, "unparseable", "line 3")


def test_an_empty_window_is_reported(simulated: Path, tmp_path: Path) -> None:
    result = run(
        "backtest",
        "--events",
        simulated / "events.csv",
        "--start",
        "2020-01-01",
        "--end",
        "2020-02-01",
        "--out",
        tmp_path / "bt",
    )
    assert_one_line_error(result, "no incidents before the first origin")
    result = run(
        "forecast",
        "--events",
        simulated / "events.csv",
        "--at",
        "2019-01-01",
        "--out",
        tmp_path / "f.json",
    )
    assert_one_line_error(result, "no incidents before")


def test_a_region_with_no_cells_is_reported(simulated: Path, tmp_path: Path) -> None:
    region = tmp_path / "empty.geojson"
    region.write_text('{"type": "FeatureCollection", "features": []}')
    result = run(
        "forecast",
        "--events",
        simulated / "events.csv",
        "--region",
        region,
        "--at",
        "2023-05-01",
        "--out",
        tmp_path / "f.json",
    )
    assert_one_line_error(result, "no polygons")
    far = tmp_path / "far.geojson"
    far.write_text(
        '{"type": "Polygon", "coordinates": [[[-70, -15], [-69.9, -15], '
        "[-69.9, -14.9], [-70, -15]]]}"
    )
    result = run(
        "forecast",
        "--events",
        simulated / "events.csv",
        "--region",
        far,
        "--at",
        "2023-05-01",
        "--out",
        tmp_path / "f.json",
    )
    assert_one_line_error(result, "none of the", "region")


def test_bad_flags_get_one_line(simulated: Path, tmp_path: Path) -> None:
    result = run(
        "backtest",
        "--events",
        simulated / "events.csv",
        "--start",
        "2023-04-03",
        "--end",
        "2023-05-01",
        "--models",
        "crystal_ball",
        "--out",
        tmp_path / "x",
    )
    assert_one_line_error(result, "unknown model")
    result = run(
        "forecast",
        "--events",
        simulated / "events.csv",
        "--at",
        "2023-05-01",
        "--horizon",
        "soon",
        "--out",
        tmp_path / "f.json",
    )
    assert_one_line_error(result, "duration")
    result = run(
        "forecast",
        "--events",
        simulated / "nope.csv",
        "--at",
        "2023-05-01",
        "--out",
        tmp_path / "f.json",
    )
    assert_one_line_error(result, "no such file")
