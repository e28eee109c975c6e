"""Project pages: home, health, metrics, language switch, and the error pages.

The error pages are where a page's domain errors (callao/errors.py) become responses: Django
routes BadRequest, PermissionDenied and Http404 here (handler400/403/404 in callao/urls.py).
"""

from __future__ import annotations

import hmac
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.permissions import RolePermission, RolesAllowedMixin, roles_allowed
from accounts.roles import ANALYSTS, PATROL, PUBLIC, Role, role_of
from callao.api import domain_error_body
from callao.celery import app as celery_app
from callao.errors import DomainError
from callao.metrics import metrics_exposition

WORKER_PING_TIMEOUT_S = 1.0
WORKER_OK_KEY = "healthz:worker-ok"
WORKER_OK_TTL_S = 10
# Readiness must answer within the kubelet's probe timeout (2 s in deployment/kubernetes): every
# dependency is checked at once, and one that has not answered by then counts as down.
READY_DEADLINE_S = 1.5
READY_CONNECT_TIMEOUT_S = 1


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT postgis_lib_version()")
        row = cursor.fetchone()
    return f"ok (PostGIS {row[0]})" if row else "ok"


def _check_redis() -> str:
    cache.set("healthz:probe", "1", timeout=10)
    if cache.get("healthz:probe") != "1":
        raise RuntimeError("cache round trip failed")
    return "ok"


def _check_worker() -> str:
    # A broadcast ping costs a round trip through the broker; probes every few seconds from
    # several load balancers would multiply it, so a positive answer is reused briefly.
    if cache.get(WORKER_OK_KEY):
        return "ok"
    # limit=1: answer as soon as one worker replies instead of waiting out the timeout.
    replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT_S, limit=1)
    if not replies:
        raise RuntimeError("no Celery worker answered")
    cache.set(WORKER_OK_KEY, True, WORKER_OK_TTL_S)
    return "ok"


def _ready_database() -> str:
    # A connection of its own with a connect timeout: the request's connection has none, and
    # a database that accepts TCP but never answers would hold the probe for minutes.
    wrapper = connections.create_connection("default")
    options = {**wrapper.settings_dict.get("OPTIONS", {})}
    options["connect_timeout"] = READY_CONNECT_TIMEOUT_S
    wrapper.settings_dict = {**wrapper.settings_dict, "OPTIONS": options}
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        wrapper.close()
    return "ok"


def _ready_redis() -> str:
    # The cache client waits forever on a silent server; this one gives up after a second.
    client = redis.Redis.from_url(
        settings.CACHES["default"]["LOCATION"],
        socket_connect_timeout=READY_CONNECT_TIMEOUT_S,
        socket_timeout=READY_CONNECT_TIMEOUT_S,
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _run_with_deadline(probes: dict[str, Callable[[], str]], deadline_s: float) -> dict[str, str]:
    """Run every probe in its own daemon thread; whatever has not answered by then is down."""
    results: dict[str, str] = {}

    def run(name: str, probe: Callable[[], str]) -> None:
        try:
            results[name] = probe()
        except Exception as exc:  # noqa: BLE001 — any failure is a failed check, reported by name
            results[name] = f"error: {exc}"

    threads = [
        threading.Thread(target=run, args=(name, probe), daemon=True, name=f"readyz-{name}")
        for name, probe in probes.items()
    ]
    for thread in threads:
        thread.start()
    end = time.monotonic() + deadline_s
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    return {name: results.get(name, f"error: no answer within {deadline_s} s") for name in probes}


@never_cache
@roles_allowed(PUBLIC)
def livez(request: HttpRequest) -> HttpResponse:
    """200 while the process answers HTTP; touches no database, cache or broker."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@roles_allowed(PUBLIC)
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when PostgreSQL and Redis answer within the deadline; 503 otherwise.

    Celery is left out on purpose: a worker outage must not take the web pods out of service.
    """
    checks = _run_with_deadline(
        {"database": _ready_database, "redis": _ready_redis}, READY_DEADLINE_S
    )
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


@never_cache
@roles_allowed(PUBLIC)
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, Redis and at least one Celery worker answer; 503 otherwise."""
    checks: dict[str, str] = {}
    healthy = True
    for name, probe in (
        ("database", _check_database),
        ("redis", _check_redis),
        ("celery_worker", _check_worker),
    ):
        try:
            checks[name] = probe()
        except Exception as exc:  # noqa: BLE001 — any failure is a failed check, reported by name
            healthy = False
            checks[name] = f"error: {exc}"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


@roles_allowed(PUBLIC)
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition; when METRICS_TOKEN is set, it is required as a bearer token."""
    if settings.METRICS_TOKEN:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(supplied, settings.METRICS_TOKEN):
            return HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
    body, content_type = metrics_exposition()
    return HttpResponse(body, content_type=content_type)


set_language = roles_allowed(PUBLIC)(django_set_language)


class SchemaView(SpectacularAPIView):
    allowed_roles = PUBLIC
    permission_classes = [RolePermission]


class ApiDocsView(SpectacularSwaggerSplitView):
    allowed_roles = PUBLIC
    permission_classes = [RolePermission]


def _domain_message(exception: Exception | None) -> str:
    """A domain error's message (callao/errors.py) is for the person; Django's own are not."""
    return str(exception) if isinstance(exception, DomainError) else ""


def error_response(
    request: HttpRequest, *, status: int, exception: Exception | None = None
) -> HttpResponse:
    """An error answered outside a DRF view: JSON under /api/ (the API's shape), else the page."""
    if request.path_info.startswith("/api/"):
        if isinstance(exception, DomainError):
            return JsonResponse(domain_error_body(exception), status=status)
        return JsonResponse({"detail": str(GENERIC_DETAIL.get(status, ""))}, status=status)
    template = f"{status}.html" if status in (400, 403, 404) else "400.html"
    return render(request, template, {"message": _domain_message(exception)}, status=status)


GENERIC_DETAIL = {
    400: gettext_lazy("The request could not be understood."),
    403: gettext_lazy("You may not see this."),
    404: gettext_lazy("Nothing was found at this address."),
}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, status=400, exception=exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, status=403, exception=exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, status=404, exception=exception)


# A stopped or stalled dependency is an outage, not a bug: 503, and the client may retry.
UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError, OperationalError, InterfaceError)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    # Rendered without the request's context: the menu would read the session, which may be
    # what is down.
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        message = _("The service is briefly unavailable; try again in a moment.")
        if request.path_info.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


class HomeView(RolesAllowedMixin, TemplateView):
    """What each role can do, on one page."""

    allowed_roles = PUBLIC
    template_name = "home.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        role = role_of(self.request.user)
        context.update(
            role=role,
            can_patrol=role in PATROL,
            can_analyse=role in ANALYSTS,
            is_admin=role == Role.ADMIN,
            is_community_leader=role == Role.COMMUNITY_LEADER,
        )
        return context
