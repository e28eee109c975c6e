"""Django's Redis cache, reusing one client per connection pool, failing fast when Redis stalls.

The stock backend builds a new ``redis.Redis`` object for every cache call, and redis-py fills
a table of about 170 response callbacks in each constructor: about a quarter of a millisecond
per call, several calls per request (sessions, fast paths). The pools were already shared.

A request makes several cache calls; with Redis stopped or paused each would wait for the
socket timeout. After one times out or cannot connect, the process treats Redis as down for
``RETRY_AFTER_S``: calls fail at once (the request answers 503, callao/views.py), and the first
call after that tries Redis again, so service comes back by itself.
"""

from __future__ import annotations

import time
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.retry import Retry

RETRY_AFTER_S = 2.0
_down_until = 0.0


def redis_marked_down() -> bool:
    return time.monotonic() < _down_until


def _mark_down() -> None:
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER_S


class FailFastConnection(redis.Connection):
    """A connection that refuses at once while Redis is marked down, and marks it on failure."""

    def connect(self) -> None:
        if redis_marked_down():
            raise redis.ConnectionError("Redis was unreachable moments ago; not retrying yet.")
        try:
            super().connect()
        except (redis.ConnectionError, redis.TimeoutError):
            _mark_down()
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            _mark_down()
            raise


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        stock: Any = self
        if not stock._servers[0].startswith(("rediss:", "unix:")):
            stock._pool_options.setdefault("connection_class", FailFastConnection)
        # redis-py retries a timed-out call three times with back-off (seconds); a web request
        # would rather fail now and let the client retry.
        stock._pool_options.setdefault("retry", Retry(NoBackoff(), 0))

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        stock: Any = self  # Django's private helpers, absent from the type stubs
        index = stock._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = stock._client(connection_pool=stock._get_connection_pool(write))
            self._clients[index] = client
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient
