"""DRF glue shared by every app's API."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler

from callao.errors import DomainError


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's own handler, plus domain errors (callao/errors.py) with their message and status."""
    if isinstance(exc, DomainError):
        body: dict[str, object] = dict(exc.errors) or {exc.field or "detail": str(exc)}
        return Response(body, status=exc.status_code)
    return exception_handler(exc, context)
