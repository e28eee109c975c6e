"""A stalled or stopped Redis fails requests fast with a 503, and service comes back by itself."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client, override_settings

import callao.cache
from accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def stalled_redis() -> Iterator[str]:
    """A port that accepts connections and never answers: Redis paused, or a dead peer."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()
    callao.cache._down_until = 0.0  # the next test starts with Redis up


def _caches_at(url: str) -> dict[str, dict[str, object]]:
    return {"default": {**settings.CACHES["default"], "LOCATION": url}}


def test_with_redis_stalled_pages_and_api_answer_503_within_two_seconds_then_recover(
    stalled_redis: str,
    user_for_role,  # type: ignore[no-untyped-def]
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(user_for_role(Role.PLANNER))
    assert client.get("/api/incidents/stats/").status_code == 200  # a warm process, as served
    with override_settings(CACHES=_caches_at(stalled_redis)):
        for path, kind in [("/api/incidents/stats/", "application/json"), ("/analitica/", "html")]:
            began = time.monotonic()
            response = client.get(path)
            assert time.monotonic() - began < 2.0, path
            assert response.status_code == 503, path
            assert kind in response["Content-Type"]
            assert "Retry-After" in response
        assert "no disponible" in client.get("/analitica/").content.decode()

    callao.cache._down_until = 0.0  # as after RETRY_AFTER_S
    assert client.get("/api/incidents/stats/").status_code == 200


def test_after_one_timeout_the_next_calls_do_not_wait_again(stalled_redis: str) -> None:
    from django.core.cache import caches

    with override_settings(CACHES=_caches_at(stalled_redis)):
        began = time.monotonic()
        for _ in range(5):
            with pytest.raises(Exception, match=r"(?i)timeout|timed out|unreachable"):
                caches["default"].get("anything")
        assert time.monotonic() - began < settings.DEPENDENCY_TIMEOUT_MS / 1000 + 0.5
