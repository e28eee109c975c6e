"""Django's Redis cache, reusing one client per connection pool.

The stock backend builds a new ``redis.Redis`` object for every cache call, and redis-py fills
a table of about 170 response callbacks in each constructor: about a quarter of a millisecond
per call, several calls per request (sessions, fast paths). The pools were already shared.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

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
