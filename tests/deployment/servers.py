"""Real processes for the deployment tests: granian serving the WSGI app, and dead ends.

A probe's promise ("503 within 2 s") is about a server process and a socket, so it is checked
against granian itself, not Django's test client.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.processes import process_stop

ROOT = Path(__file__).resolve().parents[2]
GRANIAN = Path(sys.executable).parent / "granian"
# A pod's address as the kubelet and Prometheus' pod discovery send it.
POD_HOST = "10.244.3.17:8000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    seconds: float


def http_get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 10) -> Answer:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 — local test server
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return Answer(response.status, response.read(), time.monotonic() - started)
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(), time.monotonic() - started)


@contextmanager
def silent_listener() -> Iterator[int]:
    """A port that accepts connections and never says a word: a hung database or Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        for connection in held:
            connection.close()
        server.close()


def server_env(**overrides: str) -> dict[str, str]:
    """The test run's environment for a child process, minus pytest's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_ALLOW"))}
    env.update(
        DJANGO_SETTINGS_MODULE="callao.settings",
        DEBUG="true",
        ALLOWED_HOSTS="crimen.callao.gob.pe",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


@contextmanager
def granian(env: dict[str, str], *, workers: int = 1) -> Iterator[str]:
    """granian on a free port with the production command line (Dockerfile); yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(GRANIAN),
            "--interface",
            "wsgi",
            "callao.wsgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"granian exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if http_get(f"{url}/livez", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("granian did not answer /livez within 90 s")
        yield url
    finally:
        process_stop(process, seconds=20)
