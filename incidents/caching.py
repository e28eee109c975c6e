"""Results computed from the incidents, cached under the data's version.

The version is the last incident id and a revision counter that every saved or deleted
incident bumps (signals, incidents/apps.py): an import adds rows with new ids, an edit or a
deletion through the ORM bumps the counter. Reading it costs one index lookup and one cache
read, where counting a million rows costs a tenth of a second.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

REVISION_KEY = "incidents:revision"
Result = TypeVar("Result")


def incidents_revision_bump(**_: Any) -> None:
    """post_save / post_delete of an incident: cached results no longer hold."""
    try:
        cache.incr(REVISION_KEY)
    except ValueError:
        cache.set(REVISION_KEY, 1, timeout=None)


def incidents_revision() -> int:
    return int(cache.get(REVISION_KEY) or 0)


def cached_on_incidents(
    name: str,
    parts: Mapping[str, Any],
    compute: Callable[[], Result],
    *,
    seconds: int | None = None,
) -> Result:
    """``compute()`` for these parts (filters, scope, parameters) on the current data, once.

    Stale entries are never read again (the version is in the key) and expire after
    ``seconds`` (default ``DATA_CACHE_SECONDS``): a result that also depends on other data
    asks for a short life instead.
    """
    from incidents.models import Incident

    digest = hashlib.sha256(
        json.dumps(parts, sort_keys=True, default=str, separators=(",", ":")).encode()
    ).hexdigest()
    key = f"incidents:{name}:{digest}:{Incident.objects.data_version()}"
    found: Result | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, settings.DATA_CACHE_SECONDS if seconds is None else seconds)
    return found
