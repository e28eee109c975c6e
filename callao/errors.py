"""Domain errors, and the one place each becomes an HTTP response.

Services raise these with a message meant for a person (through gettext); views never catch
them to build a response by hand:

- API views: ``callao.api.api_exception_handler`` (DRF's ``EXCEPTION_HANDLER``) answers
  ``{"detail": message}``, or ``{field: message}`` when the error names a field.
- Pages: each error is also one of Django's own request exceptions (``BadRequest``,
  ``PermissionDenied``, ``Http404``), so Django's error handlers (``handler400/403/404`` in
  callao/urls.py, rendered by callao/views.py) answer with the error page and the message.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404


class DomainError(Exception):
    """A request the domain refuses; ``str(error)`` is the message for the person who asked."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidInput(DomainError, BadRequest):
    """Input that cannot be understood or does not fit the rules (400)."""


class NotAllowed(DomainError, PermissionDenied):
    """The user's role or district does not allow this (403)."""

    status_code = 403


class NotFoundError(DomainError, Http404):
    """What was asked for does not exist, or is not visible to the user (404)."""

    status_code = 404
