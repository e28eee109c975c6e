"""Domain errors, and the one place each becomes an HTTP response.

Services raise these with a message meant for a person (through gettext); views never catch
them to build a response by hand:

- API views: ``callao.api.api_exception_handler`` (DRF's ``EXCEPTION_HANDLER``) answers
  ``{"detail": message}``, or ``{field: message}`` when the error names a field.
- Pages: each error is also one of Django's own request exceptions (``BadRequest``,
  ``PermissionDenied``, ``Http404``), so Django's error handlers (``handler400/403/404`` in
  callao/urls.py, rendered by callao/views.py) answer with the error page and the message.
  A page built around a form may instead show an ``InvalidInput`` (or a ``Conflict``) on
  the form, through :func:`form_result`, so the person can act where they typed it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import BadRequest, PermissionDenied
from django.forms import Form
from django.http import Http404


class DomainError(Exception):
    """A request the domain refuses; ``str(error)`` is the message for the person who asked.

    ``field`` names the one parameter at fault; ``errors`` carries a form's messages by field
    when several may be (the API answers them as ``{field: [messages]}``).
    """

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.errors = errors or {}


class InvalidInput(DomainError, BadRequest):
    """Input that cannot be understood or does not fit the rules (400)."""

    @classmethod
    def from_form(cls, form: Form) -> InvalidInput:
        """A bound form's errors, by field (``__all__`` for the form's own)."""
        errors = {
            field: [str(message) for message in messages] for field, messages in form.errors.items()
        }
        first = next((messages[0] for messages in errors.values() if messages), "")
        return cls(first, errors=errors)


class NotAllowed(DomainError, PermissionDenied):
    """The user's role or district does not allow this (403)."""

    status_code = 403


class NotFoundError(DomainError, Http404):
    """What was asked for does not exist, or is not visible to the user (404)."""

    status_code = 404


class TooLarge(DomainError):
    """A request body over the limit for its URL (413), refused before it is read."""

    status_code = 413


class Conflict(DomainError, BadRequest):
    """The request clashes with work already under way (409 in the API; a page says why)."""

    status_code = 409


Result = TypeVar("Result")


def form_result(form: Form, compute: Callable[[], Result]) -> Result | None:
    """``compute()``, or None with its InvalidInput's (or Conflict's) message on the form."""
    try:
        return compute()
    except (InvalidInput, Conflict) as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return None
