"""Load test: p50/p95/p99 of /api/forecasts/current/ and /healthz at N concurrent connections.

A small asyncio HTTP/1.1 keep-alive client (loopback only). Start a server first, e.g.
``gunicorn callao.wsgi -w 3 -b 127.0.0.1:8001``, and pass a signed-in session cookie:

    .venv/bin/python bench/forecast_api_load.py --base http://127.0.0.1:8001 \
        --cookie "sessionid=..." --connections 50 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit


async def _worker(
    host: str, port: int, path: str, cookie: str, until: float, out: list[float]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nAccept: application/json\r\n"
        "Connection: keep-alive\r\n\r\n"
    ).encode()
    while time.perf_counter() < until:
        started = time.perf_counter()
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        await reader.readexactly(length)
        out.append(time.perf_counter() - started)
        if b"connection: close" in head.lower():  # a server without keep-alive: reconnect
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
    writer.close()


async def _run(
    base: str, path: str, cookie: str, connections: int, seconds: float
) -> dict[str, float]:
    parts = urlsplit(base)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback addresses only")
    latencies: list[float] = []
    until = time.perf_counter() + seconds
    await asyncio.gather(
        *(
            _worker(parts.hostname, parts.port or 80, path, cookie, until, latencies)
            for _ in range(connections)
        )
    )
    latencies.sort()

    def q(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds),
        "p50_ms": q(0.5),
        "p95_ms": q(0.95),
        "p99_ms": q(0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8001")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    results = {
        path: asyncio.run(_run(args.base, path, args.cookie, args.connections, args.seconds))
        for path in ("/healthz", "/api/forecasts/current/")
    }
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
