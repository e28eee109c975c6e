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
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from _scratch_db import ROOT, scratch_database
from ingest import DEFAULT_BOUNDARIES, generate

DATABASE = "callao_bench_analytics"
PORT = 8012
POPULATION = ROOT.parent / "shared" / "data" / "callao_population.csv"
CALLAO_BOUNDS = (-77.20, -12.10, -77.05, -11.80)  # west, south, east, north (degrees)
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK {\\"requests\\": %%d, \\"errors\\": %%d, \\"seconds\\": %%.3f, "
    .. "\\"p50_ms\\": %%.2f, \\"p95_ms\\": %%.2f, \\"p99_ms\\": %%.2f, \\"max_ms\\": %%.2f}\\n",
    summary.requests, e.connect + e.read + e.write + e.timeout + e.status,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""
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


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _prepare(env: dict[str, str], rows: int) -> None:
    _manage(env, "import_boundaries", str(DEFAULT_BOUNDARIES))
    _manage(env, "import_population", str(POPULATION))
    start = (dt.date.today() - dt.timedelta(days=3 * 365)).isoformat()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "incidents.csv"
        generate(rows, DEFAULT_BOUNDARIES, path, start=start, days=3 * 365)
        _manage(env, "import_incidents", str(path), "--source", "bench", "--no-progress")


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


def _get(url: str, cookie: str) -> tuple[float, int, int]:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept": "*/*"})  # noqa: S310
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as reply:  # noqa: S310 (loopback)
        body = reply.read()
        return time.perf_counter() - began, reply.status, len(body)


def _wrk(base: str, paths: list[str], cookie: str, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "paths.lua"
        script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
        output = subprocess.run(
            ["wrk", "-t2", "-c10", f"-d{seconds:.0f}s", "--timeout", "10s",
             "-H", f"Cookie: {cookie}", "-s", str(script), base],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    result: dict[str, Any] = json.loads(line[4:])
    if result["errors"]:
        raise SystemExit(f"{paths[0]}…: {result['errors']} non-2xx replies or socket errors")
    return result


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
        cold = [_get(base + path, cookie) for path in paths]
        if any(status != 200 for _s, status, _n in cold):
            raise SystemExit(f"{name}: a reply was not 200")
        results[name] = {
            "urls": len(paths),
            "cold_max_s": round(max(s for s, _st, _n in cold), 3),
            "largest_kb": round(max(n for _s, _st, n in cold) / 1024, 1),
            **_wrk(base, paths, cookie, seconds),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--reuse", action="store_true", help="Keep the scratch database.")
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgis://postgres@127.0.0.1:5432/{DATABASE}",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CACHE_KEY_PREFIX": f"bench-analytics-{os.getpid()}",
        "LOG_LEVEL": "WARNING",
    }
    began = time.perf_counter()
    if not args.reuse:
        env = {
            **scratch_database(DATABASE),
            **{k: v for k, v in env.items() if k != "DATABASE_URL"},
        }
        _prepare(env, args.rows)
    prepared = time.perf_counter() - began
    session = _manage(env, "shell", "-c", PLANNER_SESSION).strip().splitlines()[-1]
    heavy_line = _manage(env, "shell", "-c", HEAVY).strip().splitlines()[-1]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "callao", "worker", "-Q", "default", "-c", "1",
             "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"],
            cwd=ROOT, env=env, start_new_session=True,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "granian", "--interface", "wsgi", "callao.wsgi:application",
             "--workers", "2", "--blocking-threads", "2", "--host", "127.0.0.1",
             "--port", str(PORT), "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        ),
    ]  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(f"{base}/healthz", "")[1] == 200:
                    break
            except OSError:
                time.sleep(0.5)
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
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        if not args.reuse:
            subprocess.run(["dropdb", "-U", "postgres", "-h", "127.0.0.1", "--if-exists", DATABASE])


if __name__ == "__main__":
    main()
