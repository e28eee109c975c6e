"""DRF glue shared by every app's API."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler

from callao.errors import DomainError


def domain_error_body(error: DomainError) -> dict[str, object]:
    """What the API answers for a domain error: ``{field: message}`` or ``{"detail": message}``."""
    return dict(error.errors) or {error.field or "detail": str(error)}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's own handler, plus domain errors (callao/errors.py) with their message and status."""
    if isinstance(exc, DomainError):
        return Response(domain_error_body(exc), status=exc.status_code)
    return exception_handler(exc, context)
