"""Helpers shared by the load benchmarks: the app served as in production, and `wrk` against it.

Running this file does nothing; `make bench` runs every bench/*.py, this one included.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _scratch_db import ROOT

# wrk cycles through ``paths`` (one per request) and prints its summary as one JSON line.
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


def production_env(env: dict[str, str], cache_prefix: str) -> dict[str, str]:
    """``env`` with production settings (DEBUG off) that still work over plain loopback HTTP."""
    return {
        **env,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CACHE_KEY_PREFIX": f"{cache_prefix}-{os.getpid()}",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    """Run a management command against ``env``'s database; its standard output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def synthetic_incidents_load(
    env: dict[str, str], rows: int, *, population: Path | None = None, years: int = 3
) -> None:
    """Callao's districts (and populations) and ``rows`` synthetic incidents over the last
    ``years`` years (bench/ingest.py's generator), imported through the real pipeline."""
    from ingest import DEFAULT_BOUNDARIES, generate

    manage(env, "import_boundaries", str(DEFAULT_BOUNDARIES))
    if population is not None:
        manage(env, "import_population", str(population))
    start = (dt.date.today() - dt.timedelta(days=years * 365)).isoformat()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "incidents.csv"
        generate(rows, DEFAULT_BOUNDARIES, path, start=start, days=years * 365)
        manage(env, "import_incidents", str(path), "--source", "bench", "--no-progress")


def session_of(env: dict[str, str], sign_in: str) -> str:
    """The session key printed by ``sign_in``, a `manage.py shell -c` script."""
    return manage(env, "shell", "-c", sign_in).strip().splitlines()[-1]


def get(url: str, cookie: str = "") -> tuple[float, int, int]:
    """One GET: seconds taken, status and body size."""
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept": "*/*"})  # noqa: S310
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as reply:  # noqa: S310 (loopback)
        body = reply.read()
        return time.perf_counter() - began, reply.status, len(body)


@contextmanager
def served(env: dict[str, str], port: int, *, workers: int = 2, threads: int = 2) -> Iterator[str]:
    """A Celery worker (for /healthz) and granian as `make run` runs them; the base URL."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (make setup installs it)")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "callao", "worker", "-Q", "default", "-c", "1",
             "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "granian", "--interface", "wsgi", "callao.wsgi:application",
             "--workers", str(workers), "--blocking-threads", str(threads),
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        ),
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{base}/healthz")
        yield base
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def _wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(url)[1] == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {seconds:.0f} s")


def wrk(
    base: str,
    paths: Sequence[str],
    cookie: str,
    *,
    connections: int = 10,
    seconds: float = 15,
    accept: str = "*/*",
) -> dict[str, Any]:
    """p50/p95/p99/max and requests per second of GETs cycling through ``paths``."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "paths.lua"
        script.write_text(WRK_SCRIPT % ", ".join(f'"{path}"' for path in paths))
        output = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "10s",
             "-H", f"Cookie: {cookie}", "-H", f"Accept: {accept}", "-s", str(script), base],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    result: dict[str, Any] = json.loads(line[4:])
    result["rps"] = round(result["requests"] / result["seconds"])
    if result["errors"]:
        raise SystemExit(f"{paths[0]}…: {result['errors']} non-2xx replies or socket errors")
    return result
