"""Beat entries of the predictions app, merged into callao/celery.py's schedule."""

from __future__ import annotations

from typing import Any

SCHEDULE: dict[str, dict[str, Any]] = {}
