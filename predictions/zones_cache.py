"""The rendered JSON of ``/api/forecasts/current/``, cached per shift window, district and language.

Written by the API view, read by the view and by its fast path (``predictions.middleware``), and
dropped when a forecast is issued for the window, so a re-issued forecast shows at once.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.cache import cache

from incidents.models import District

ZONES_JSON_SECONDS = 300


def zones_json_key(*, window_start: datetime, district: str | None, language: str) -> str:
    return f"predictions:zones-json:{window_start.isoformat()}:{district or 'all'}:{language}"


def zones_json_get(*, window_start: datetime, district: str | None, language: str) -> bytes | None:
    body: bytes | None = cache.get(
        zones_json_key(window_start=window_start, district=district, language=language)
    )
    return body


def zones_json_set(
    *, window_start: datetime, district: str | None, language: str, body: bytes
) -> None:
    key = zones_json_key(window_start=window_start, district=district, language=language)
    cache.set(key, body, ZONES_JSON_SECONDS)


def zones_json_forget(*, window_start: datetime) -> None:
    districts: list[str | None] = [None, *District.objects.values_list("ubigeo", flat=True)]
    cache.delete_many(
        [
            zones_json_key(window_start=window_start, district=district, language=code)
            for district in districts
            for code, _name in settings.LANGUAGES
        ]
    )
