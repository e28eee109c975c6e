"""The incident CSV export against PostgreSQL's own `\\copy (SELECT …) TO` of the same rows.

    .venv/bin/python bench/export.py [--rows 300000] [--repeat 3] [--reuse]

Creates a scratch PostGIS database with ``--rows`` synthetic incidents (bench/ingest.py's
generator, imported through the real pipeline), serves the app with granian (DEBUG off) and
downloads `/api/incidents/export.csv` as an admin, with and without narratives, ``--repeat``
times, interleaved with `psql \\copy` of the same columns to /dev/null. Prints medians and the
ratio as JSON; also how long the server keeps reading after the client hangs up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import time
import urllib.request
from typing import Any

from _scratch_db import scratch_database
from _served_app import production_env, served, session_of, synthetic_incidents_load

DATABASE = "callao_bench_export"
PORT = 8013
ADMIN_SESSION = (
    "from django.test import Client; from tests.factories import make_user; c = Client(); "
    "c.force_login(make_user(username='bench-admin', role='admin')); "
    "print(c.session.session_key)"
)
COPY_SQL = (
    "\\copy (SELECT i.id, i.occurred_at, ST_Y(i.location), ST_X(i.location), c.code, d.ubigeo, "
    "i.origin, i.severity, i.source, i.external_id{narrative} FROM incidents_incident i "
    "JOIN incidents_crimecategory c ON c.id = i.category_id "
    "LEFT JOIN incidents_district d ON d.id = i.district_id "
    "ORDER BY i.occurred_at, i.id) TO '/dev/null' WITH (FORMAT csv, HEADER)"
)


def _download(url: str, cookie: str) -> tuple[float, int]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    began = time.perf_counter()
    lines = 0
    with urllib.request.urlopen(request, timeout=600) as reply:  # noqa: S310 (loopback)
        while block := reply.read(1 << 20):
            lines += block.count(b"\n")
    return time.perf_counter() - began, lines - 1


def _copy(narrative: bool) -> float:
    sql = COPY_SQL.format(narrative=", i.narrative" if narrative else "")
    began = time.perf_counter()
    subprocess.run(
        ["psql", "-U", "postgres", "-h", "127.0.0.1", "-d", DATABASE, "-qc", sql], check=True
    )
    return time.perf_counter() - began


def _hang_up(url: str, cookie: str) -> float:
    """Read one block, close the connection; seconds until no query of the export is active."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    reply = urllib.request.urlopen(request, timeout=600)  # noqa: S310 (loopback)
    reply.read(1 << 16)
    reply.close()
    left = time.perf_counter()
    check = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND query LIKE '%ST_Y%' AND state = 'active' AND pid <> pg_backend_pid()"
    )
    while time.perf_counter() - left < 120:
        out = subprocess.run(
            ["psql", "-U", "postgres", "-h", "127.0.0.1", "-d", DATABASE, "-tAc", check],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        if out.strip() == "0":
            break
        time.sleep(0.05)
    return time.perf_counter() - left


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="Use the scratch database if it exists; keep it."
    )
    args = parser.parse_args()
    database = {"DATABASE_URL": f"postgis://postgres@127.0.0.1:5432/{DATABASE}"}
    exists = subprocess.run(
        ["psql", "-U", "postgres", "-h", "127.0.0.1", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],  # noqa: S608 (a constant)
        capture_output=True, text=True, check=True,
    ).stdout.strip() == "1"  # fmt: skip
    if args.reuse and exists:
        env = production_env({**os.environ, **database}, "bench-export")
    else:
        env = production_env(scratch_database(DATABASE), "bench-export")
        synthetic_incidents_load(env, args.rows)
    cookie = f"sessionid={session_of(env, ADMIN_SESSION)}"
    results: dict[str, Any] = {}
    try:
        with served(env, PORT) as base:
            for narrative in (False, True):
                url = (
                    base + "/api/incidents/export.csv" + ("?include=narrative" if narrative else "")
                )
                app, copy, rows = [], [], 0
                for _ in range(args.repeat):
                    seconds, rows = _download(url, cookie)
                    app.append(seconds)
                    copy.append(_copy(narrative))
                name = "with narratives" if narrative else "without narratives"
                results[name] = {
                    "rows": rows,
                    "export_median_s": round(statistics.median(app), 2),
                    "export_rows_per_s": round(rows / statistics.median(app)),
                    "psql_copy_median_s": round(statistics.median(copy), 2),
                    "psql_rows_per_s": round(rows / statistics.median(copy)),
                    "ratio_to_copy": round(statistics.median(copy) / statistics.median(app), 3),
                }
            results["seconds_reading_after_hang_up"] = round(
                _hang_up(base + "/api/incidents/export.csv", cookie), 2
            )
        results["setup"] = {"rows": args.rows, "repeat": args.repeat, "date": str(dt.date.today())}
        print(json.dumps(results, indent=1))
    finally:
        if not args.reuse:
            subprocess.run(["dropdb", "-U", "postgres", "-h", "127.0.0.1", "--if-exists", DATABASE])


if __name__ == "__main__":
    main()
