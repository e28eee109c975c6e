from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.permissions import declared_roles, is_api_view
from accounts.roles import role_of

logger = logging.getLogger(__name__)


class DenyByDefaultMiddleware:
    """Refuses every page whose view does not admit the user's role.

    API views are left to ``RolePermission`` so that they answer in JSON.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if is_api_view(view_func):
            return None
        audience = declared_roles(view_func)
        if audience is None:
            logger.error("view declares no roles", extra={"path": request.path})
            raise PermissionDenied("This page declares no roles.")
        if role_of(request.user) in audience:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
