"""Request guards that run before any view: control characters and body size.

Both refuse what no view could use, at one place, before the body is read:

- a query string with control characters (a NUL reaches PostgreSQL as an error; the others
  are never part of a code, a date or a search): 400;
- a body larger than its URL allows (``Content-Length``, which Django never reads past): 413.
  Dataset uploads (the page and the API) may send ``DATASET_MAX_UPLOAD_MB``; everything else
  ``REQUEST_MAX_BODY_MB``. Form and serializer fields already refuse NUL characters in bodies.

Placed after the CSP, locale and authentication middleware, so the refusal page has the same
headers, language and menu as every page; nothing before it reads the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from callao.errors import DomainError, InvalidInput, TooLarge
from callao.views import error_response

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# URL names whose POST carries an incident file.
UPLOAD_URLS = frozenset({"incidents:dataset-upload", "incidents-api:dataset-list"})
MB = 1024 * 1024


def _body_limit_mb(request: HttpRequest) -> int:
    try:
        name = resolve(request.path_info).view_name
    except Resolver404:
        name = ""
    if name in UPLOAD_URLS:
        return int(settings.DATASET_MAX_UPLOAD_MB)
    return int(settings.REQUEST_MAX_BODY_MB)


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django itself reads such a body as empty


def request_checked(request: HttpRequest) -> None:
    """Raise the domain error that refuses this request, if any."""
    for name, values in request.GET.lists():
        if any(CONTROL_CHARACTERS.search(text) for text in (name, *values)):
            raise InvalidInput(
                _("%(name)s: control characters are not allowed.") % {"name": name[:40]},
                field=name[:40],
            )
    limit = _body_limit_mb(request)
    if _declared_length(request) > limit * MB:
        raise TooLarge(_("The request is larger than %(mb)s MB.") % {"mb": limit})


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request_checked(request)
        except DomainError as error:
            return error_response(request, status=error.status_code, exception=error)
        return self.get_response(request)
