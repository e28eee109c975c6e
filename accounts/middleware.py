from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from accounts.permissions import declared_roles, is_api_view
from accounts.roles import ANONYMOUS, role_of
from accounts.second_factor import second_factor_required

logger = logging.getLogger(__name__)


class _ViewMiddleware:
    """A middleware that only looks at the resolved view (``process_view``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


class DenyByDefaultMiddleware(_ViewMiddleware):
    """Refuses every page whose view does not admit the user's role.

    API views are left to ``RolePermission`` so that they answer in JSON.
    """

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


class SecondFactorMiddleware(_ViewMiddleware):
    """Holds back a signed-in user who owes a second factor (accounts/second_factor.py).

    Public pages stay open; pages send the user to set up or give the second factor and come
    back; the API answers 403 in JSON. Runs after django-otp's middleware (``is_verified``)
    and after the role check.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        audience = declared_roles(view_func) or frozenset()
        if ANONYMOUS in audience or _exempt(view_func):
            return None
        has_device = user_has_device(user)
        if not second_factor_required(user, has_device=has_device):
            return None
        if is_api_view(view_func):
            message = _("Give your second factor (authenticator code) on the sign-in page first.")
            return JsonResponse({"detail": message}, status=403)
        target = "accounts:second-factor-verify" if has_device else "accounts:second-factor-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def _exempt(view_func: Callable[..., Any]) -> bool:
    view_class = getattr(view_func, "view_class", None)
    return bool(getattr(view_class, "second_factor_exempt", False))
