"""Load test: p50/p95/p99 of /api/forecasts/current/ and /healthz at 50 connections.

Self-contained: it creates a scratch PostGIS database with the demo (two simulated years, a
champion, the forecasts and zones of the current shift), signs the demo officer in, starts a
Celery worker (for /healthz) and granian with production settings (DEBUG off), and drives both
endpoints with `wrk` (installed by the Makefile) on loopback, one after the other in the same
run, so /healthz gives the framework's floor for the forecast endpoint. Prints JSON.

    .venv/bin/python bench/forecast_api_load.py [--connections 50] [--seconds 20] \
        [--workers 2] [--threads 2]

Only 200 responses count: any other status or socket error fails the run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import urllib.request

from _scratch_db import ROOT, scratch_database
from _served_app import manage, production_env, served, session_of, wrk

DATABASE = "callao_bench_api"
PORT = 8011
# A real sign-in (auth.login and its signals), as the login page does it.
OFFICER_SESSION = (
    "from django.test import Client; from accounts.models import User; c = Client(); "
    "c.force_login(User.objects.get(username='demo_officer')); print(c.session.session_key)"
)


def _prepare(env: dict[str, str]) -> str:
    """Demo data, forecasts for the current shift; returns the officer's session key."""
    manage(env, "import_boundaries", str(ROOT.parent / "shared/data/callao_districts.geojson"))
    manage(env, "ensure_demo_users")
    manage(env, "demo_bootstrap")
    return session_of(env, OFFICER_SESSION)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    env = production_env(scratch_database(DATABASE), "bench-api")
    session = _prepare(env)
    try:
        with served(env, PORT, workers=args.workers, threads=args.threads) as base:
            cookie = f"sessionid={session}"
            url = f"{base}/api/forecasts/current/"
            request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
            with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 (loopback)
                zones = len(json.load(reply)["features"])
            if not zones:
                raise SystemExit("the officer sees no zones: the demo issued no forecast")
            results = {
                path: wrk(
                    base,
                    [path],
                    cookie,
                    connections=args.connections,
                    seconds=args.seconds,
                    accept="application/json",
                )
                for path in ("/healthz", "/api/forecasts/current/")
            }
        results["setup"] = {
            "connections": args.connections,
            "seconds": args.seconds,
            "server": f"granian, {args.workers} workers x {args.threads} threads",
            "officer_zones": zones,
            "load_average_after": os.getloadavg()[0],
        }
        print(json.dumps(results, indent=1))
    finally:
        subprocess.run(["dropdb", "-U", "postgres", "-h", "127.0.0.1", "--if-exists", DATABASE])


if __name__ == "__main__":
    main()
