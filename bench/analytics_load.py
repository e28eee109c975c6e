"""Analytics and the planner's incident map with a million incidents stored.

    .venv/bin/python bench/analytics_load.py [--rows 1000000] [--seconds 15] [--reuse]

Creates a scratch PostGIS database with Callao's districts and populations and ``--rows``
synthetic incidents over the last three years (bench/ingest.py's generator, imported through
the real pipeline), signs a planner in, starts granian with production settings (DEBUG off)
and a Celery worker, and measures, for each endpoint, the first (cold) answer and then p50/p95
with `wrk` (10 connections) beside /healthz in the same run: the temporal patterns, the KPI
dashboard, the incident statistics, and the vector tiles from zoom 11 to 16 over the districts
(every tile of each zoom that holds incidents, cycled by one wrk script). Also times the two
heavy analyses as the app runs them (database → library → stored result). Prints JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import time
from typing import Any

from _scratch_db import ROOT, scratch_database
from _served_app import (
    get,
    manage,
    production_env,
    served,
    session_of,
    synthetic_incidents_load,
    wrk,
)

DATABASE = "callao_bench_analytics"
PORT = 8012
POPULATION = ROOT.parent / "shared" / "data" / "callao_population.csv"
CALLAO_BOUNDS = (-77.20, -12.10, -77.05, -11.80)  # west, south, east, north (degrees)
PLANNER_SESSION = (
    "from django.test import Client; from tests.factories import make_user; c = Client(); "
    "c.force_login(make_user(username='bench-planner', role='planner')); "
    "print(c.session.session_key)"
)
HEAVY = (
    "import json, time; from analytics.forms import HotspotForm, NearRepeatForm; "
    "from analytics.services import analysis_run_request, analysis_run_execute; out = {}\n"
    "for name, form in (('hotspots_104_weeks', HotspotForm({})), "
    "('near_repeat_category_district', NearRepeatForm({'category': ['robo'], "
    "'district': ['070101']}))):\n"
    "    assert form.is_valid(), form.errors\n"
    "    run = analysis_run_request(params=form.params(), user=None)\n"
    "    began = time.perf_counter(); run = analysis_run_execute(run=run)\n"
    "    out[name] = {'seconds': round(time.perf_counter() - began, 2), "
    "'incidents': run.incidents, 'status': run.status}\n"
    "print('HEAVY ' + json.dumps(out))"
)


def _tiles(zoom: int) -> list[str]:
    west, south, east, north = CALLAO_BOUNDS

    def tile(lon: float, lat: float) -> tuple[int, int]:
        n = 2**zoom
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        return x, y

    (x0, y0), (x1, y1) = tile(west, north), tile(east, south)
    paths = [
        f"/api/incidents/tiles/{zoom}/{x}/{y}.mvt"
        for x in range(x0, x1 + 1)
        for y in range(y0, y1 + 1)
    ]
    return paths[:: max(1, len(paths) // 40)]  # at most ~40 tiles a zoom


def _measure(base: str, cookie: str, seconds: float) -> dict[str, Any]:
    groups = {
        "/healthz": ["/healthz"],
        "/api/analytics/temporal/": ["/api/analytics/temporal/"],
        "/api/analytics/kpis/": ["/api/analytics/kpis/"],
        "/api/incidents/stats/": ["/api/incidents/stats/"],
        **{f"tiles z{z}": _tiles(z) for z in range(11, 17)},
    }
    results: dict[str, Any] = {}
    for name, paths in groups.items():
        cold = [get(base + path, cookie) for path in paths]
        if any(status != 200 for _s, status, _n in cold):
            raise SystemExit(f"{name}: a reply was not 200")
        results[name] = {
            "urls": len(paths),
            "cold_max_s": round(max(s for s, _st, _n in cold), 3),
            "largest_kb": round(max(n for _s, _st, n in cold) / 1024, 1),
            **wrk(base, paths, cookie, seconds=seconds),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--reuse", action="store_true", help="Keep the scratch database.")
    args = parser.parse_args()
    began = time.perf_counter()
    if args.reuse:
        database = {"DATABASE_URL": f"postgis://postgres@127.0.0.1:5432/{DATABASE}"}
        env = production_env({**os.environ, **database}, "bench-analytics")
    else:
        env = production_env(scratch_database(DATABASE), "bench-analytics")
        synthetic_incidents_load(env, args.rows, population=POPULATION)
    prepared = time.perf_counter() - began
    session = session_of(env, PLANNER_SESSION)
    heavy_line = manage(env, "shell", "-c", HEAVY).strip().splitlines()[-1]
    try:
        with served(env, PORT) as base:
            results = _measure(base, f"sessionid={session}", args.seconds)
        results["heavy_analyses"] = json.loads(heavy_line.removeprefix("HEAVY "))
        results["setup"] = {
            "rows": args.rows,
            "prepare_seconds": round(prepared, 1),
            "wrk": f"2 threads, 10 connections, {args.seconds:.0f} s per endpoint",
            "server": "granian, 2 workers x 2 threads, DEBUG off",
            "date": dt.date.today().isoformat(),
        }
        print(json.dumps(results, indent=1))
    finally:
        if not args.reuse:
            subprocess.run(["dropdb", "-U", "postgres", "-h", "127.0.0.1", "--if-exists", DATABASE])


if __name__ == "__main__":
    main()
