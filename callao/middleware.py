"""Probes and metrics answered before the rest of the middleware stack.

The kubelet sends ``Host: <pod IP>:8000`` and Prometheus, discovering pods, does the same; no
ALLOWED_HOSTS can list every pod's address, and Django's host check (CommonMiddleware, CSRF,
the HTTPS redirect) would answer 400 or 301. These four paths read nothing from the host, so
they are dispatched here, first: no host check, no session, no redirect, and probes and scrapes
are not counted as traffic in the request metrics.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from callao import views

PROBES: dict[str, Callable[[HttpRequest], HttpResponseBase]] = {
    "/livez": views.livez,
    "/readyz": views.readyz,
    "/healthz": views.healthz,
    "/metrics": views.metrics,
}


class ProbesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        view = PROBES.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
