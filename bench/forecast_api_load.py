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
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from _scratch_db import ROOT, scratch_database

DATABASE = "callao_bench_api"
PORT = 8011
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK {\\"requests\\": %d, \\"errors\\": %d, \\"seconds\\": %.3f, "
    .. "\\"p50_ms\\": %.2f, \\"p95_ms\\": %.2f, \\"p99_ms\\": %.2f, \\"max_ms\\": %.2f}\\n",
    summary.requests, e.connect + e.read + e.write + e.timeout + e.status,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""
# A real sign-in (auth.login and its signals), as the login page does it.
OFFICER_SESSION = (
    "from django.test import Client; from accounts.models import User; c = Client(); "
    "c.force_login(User.objects.get(username='demo_officer')); print(c.session.session_key)"
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


def _prepare(env: dict[str, str]) -> str:
    """Demo data, forecasts for the current shift; returns the officer's session key."""
    _manage(env, "import_boundaries", str(ROOT.parent / "shared/data/callao_districts.geojson"))
    _manage(env, "ensure_demo_users")
    _manage(env, "demo_bootstrap")
    return _manage(env, "shell", "-c", OFFICER_SESSION).strip().splitlines()[-1]


def _wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:  # noqa: S310 (loopback)
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {seconds:.0f} s")


def _wrk(url: str, cookie: str, connections: int, seconds: float, script: Path) -> dict[str, Any]:
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds:.0f}s",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: {cookie}",
            "-H",
            "Accept: application/json",
            "-s",
            str(script),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    result: dict[str, Any] = json.loads(line[4:])
    result["rps"] = round(result["requests"] / result["seconds"])
    if result["errors"]:
        raise SystemExit(f"{url}: {result['errors']} non-200 replies or socket errors")
    return result


def _server_command(args: argparse.Namespace) -> list[str]:
    """The production web server (Procfile, Dockerfile) with the given workers and threads."""
    return [sys.executable, "-m", "granian", "--interface", "wsgi", "callao.wsgi:application",
            "--workers", str(args.workers), "--blocking-threads", str(args.threads),
            "--host", "127.0.0.1", "--port", str(PORT), "--log-level", "warning"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (make setup installs it)")
    env = scratch_database(DATABASE)
    env.update(
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        CACHE_KEY_PREFIX=f"bench-api-{os.getpid()}",
        LOG_LEVEL="WARNING",
    )
    session = _prepare(env)
    base = f"http://127.0.0.1:{PORT}"
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "callao", "worker", "-Q", "default",
             "-c", "1", "--without-heartbeat", "--without-mingle", "--without-gossip",
             "-l", "WARNING"],
            cwd=ROOT, env=env, start_new_session=True,
        ),
        subprocess.Popen(_server_command(args), cwd=ROOT, env=env, start_new_session=True),
    ]  # fmt: skip
    try:
        _wait_ready(f"{base}/healthz")
        cookie = f"sessionid={session}"
        url = f"{base}/api/forecasts/current/"
        request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (loopback)
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310
            zones = len(json.load(reply)["features"])
        if not zones:
            raise SystemExit("the officer sees no zones: the demo issued no forecast")
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "report.lua"
            script.write_text(WRK_REPORT)
            results = {
                path: _wrk(f"{base}{path}", cookie, args.connections, args.seconds, script)
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
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        subprocess.run(["dropdb", "-U", "postgres", "-h", "127.0.0.1", "--if-exists", DATABASE])


if __name__ == "__main__":
    main()
