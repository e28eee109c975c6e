"""Project pages: home, health, metrics, language switch, and the error pages.

The error pages are where a page's domain errors (callao/errors.py) become responses: Django
routes BadRequest, PermissionDenied and Http404 here (handler400/403/404 in callao/urls.py).
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language
from django_prometheus.exports import ExportToDjangoView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.permissions import RolePermission, RolesAllowedMixin, roles_allowed
from accounts.roles import ANALYSTS, PATROL, PUBLIC, Role, role_of
from callao.celery import app as celery_app
from callao.errors import DomainError

WORKER_PING_TIMEOUT_S = 1.0
WORKER_OK_KEY = "healthz:worker-ok"
WORKER_OK_TTL_S = 10


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
    response: HttpResponse = ExportToDjangoView(request)
    return response


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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {"message": _domain_message(exception)}
    return render(request, "400.html", context, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": _domain_message(exception)}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"message": _domain_message(exception)}, status=404)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "500.html", status=500)


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
