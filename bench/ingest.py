"""Import benchmark: the full pipeline against a raw `psql \\copy` of the same file.

    python bench/ingest.py --rows 1000000

Generates a canonical CSV of synthetic Callao incidents, creates a scratch PostGIS database,
times (1) `\\copy` into an unindexed table and (2) `manage.py import_incidents` (parse, validate,
assign districts, fingerprint and deduplicate, COPY into the incident table, rebuild its
indexes) in a child process whose peak RSS is measured. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _scratch_db import ROOT, latest_dataset, psql, scratch_database

DEFAULT_BOUNDARIES = ROOT.parent / "shared" / "data" / "callao_districts.geojson"
CATEGORIES = [
    "Robo",
    "Hurto",
    "Lesiones",
    "Extorsión",
    "Microcomercialización de drogas",
    "Daños",
    "Estafa",
    "Homicidio",
    "Violencia familiar",
    "Otros",
]
ORIGINS = ["victim_report", "citizen_call", "officer_initiated"]
NARRATIVES = [
    "Le arrebataron el celular en el paradero.",
    "Robo a mano armada en moto.",
    "Hurto de autopartes durante la noche.",
    "Agresión a la salida de un local.",
    "Cobro de cupos a un comerciante del mercado.",
]


def generate(
    rows: int,
    boundaries: Path,
    out: Path,
    seed: int = 7,
    *,
    start: str = "2023-01-01",
    days: int = 2 * 365,
) -> None:
    import json as _json

    import numpy as np
    import pandas as pd
    import shapely

    with boundaries.open() as stream:
        shapes = [shapely.geometry.shape(f["geometry"]) for f in _json.load(stream)["features"]]
    region = shapely.union_all(shapes)
    shapely.prepare(region)
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = region.bounds
    lon = np.empty(0)
    lat = np.empty(0)
    while len(lon) < rows:
        x = rng.uniform(minx, maxx, rows)
        y = rng.uniform(miny, maxy, rows)
        inside = shapely.contains_xy(region, x, y)
        lon, lat = np.concatenate([lon, x[inside]]), np.concatenate([lat, y[inside]])
    first = pd.Timestamp(start)
    seconds = rng.integers(0, days * 86400, rows)
    frame = pd.DataFrame(
        {
            "external_id": [f"SYN-{i:08d}" for i in range(rows)],
            "occurred_at": (first + pd.to_timedelta(seconds, unit="s")).strftime(
                "%Y-%m-%dT%H:%M:%S"
            ),
            "lat": np.round(lat[:rows], 6),
            "lon": np.round(lon[:rows], 6),
            "category": rng.choice(CATEGORIES, rows),
            "origin": rng.choice(ORIGINS, rows, p=[0.6, 0.25, 0.15]),
            "narrative": rng.choice(NARRATIVES, rows),
        }
    )
    frame.to_csv(out, index=False)


def raw_copy_seconds(database: str, csv_path: Path) -> float:
    psql(database, "DROP TABLE IF EXISTS raw_copy_bench")
    psql(
        database,
        "CREATE UNLOGGED TABLE raw_copy_bench (external_id text, occurred_at timestamp, "
        "lat float8, lon float8, category text, origin text, narrative text)",
    )
    started = time.perf_counter()
    psql(database, f"\\copy raw_copy_bench FROM '{csv_path}' WITH (FORMAT csv, HEADER)")
    elapsed = time.perf_counter() - started
    psql(database, "DROP TABLE raw_copy_bench")
    return elapsed


def full_import_seconds(
    env: dict[str, str], csv_path: Path
) -> tuple[float, float, dict[str, float]]:
    psql(env["BENCH_DB"], "TRUNCATE incidents_incident, incidents_dataset RESTART IDENTITY CASCADE")
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "import_incidents",
            str(csv_path),
            "--source",
            "bench",
            "--no-progress",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # wait4 gives this child's own peak RSS, not the largest of every child so far.
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import_incidents failed with status {status}")
    peak_kib = usage.ru_maxrss
    summary = latest_dataset(env)
    detail = {key: summary[key] for key in ("timings", "imported", "rejected")}
    return elapsed, peak_kib / 1024, detail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--boundaries", type=Path, default=DEFAULT_BOUNDARIES)
    parser.add_argument("--database", default="callao_bench")
    parser.add_argument("--generate-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate(args.rows, args.boundaries, args.generate_only)
        return

    env = {**scratch_database(args.database), "BENCH_DB": args.database}
    subprocess.run(
        [sys.executable, "manage.py", "import_boundaries", str(args.boundaries)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / f"synthetic_callao_{args.rows}.csv"
        # Generated in a child process: this process must stay small, because a forked child's
        # peak RSS (what getrusage reports for children) counts the parent's pages until exec.
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--rows",
                str(args.rows),
                "--boundaries",
                str(args.boundaries),
                "--generate-only",
                str(csv_path),
            ],
            check=True,
        )
        size_mb = csv_path.stat().st_size / 1e6
        raw, full, peaks, stages = [], [], [], []
        for _ in range(args.repeat):
            raw.append(raw_copy_seconds(args.database, csv_path))
            seconds, peak_mb, detail = full_import_seconds(env, csv_path)
            full.append(seconds)
            peaks.append(peak_mb)
            stages.append(detail)
    raw_median, full_median = statistics.median(raw), statistics.median(full)
    print(
        json.dumps(
            {
                "rows": args.rows,
                "file_mb": round(size_mb, 1),
                "raw_copy_s": [round(s, 2) for s in raw],
                "full_import_s": [round(s, 2) for s in full],
                "raw_copy_rows_per_s": round(args.rows / raw_median),
                "full_import_rows_per_s": round(args.rows / full_median),
                "ratio_full_to_raw": round(raw_median / full_median, 3),
                "peak_rss_mb": round(max(peaks), 1),
                "stages": stages[-1],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
