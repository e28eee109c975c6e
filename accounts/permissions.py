"""Deny by default: every view declares the roles it admits, or nobody gets in.

API views declare ``allowed_roles`` and are checked by :class:`RolePermission`
(the DRF default). Pages declare them with :func:`roles_allowed` or
:class:`RolesAllowedMixin` and are checked by ``DenyByDefaultMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.admin import ModelAdmin
from django.contrib.admin.sites import AdminSite
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.roles import ADMINS, Audience, role_of

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


class RolePermission(BasePermission):
    """Admits a request only if the view declares ``allowed_roles`` containing its role."""

    message = _("Your role may not access this resource.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        allowed: Audience | None = getattr(view, "allowed_roles", None)
        return allowed is not None and role_of(request.user) in allowed


def roles_allowed(audience: Audience) -> Callable[[ViewFunc], ViewFunc]:
    """Declare the roles a function-based page admits."""

    def decorate(view: ViewFunc) -> ViewFunc:
        view.allowed_roles = audience  # type: ignore[attr-defined]
        return view

    return decorate


class RolesAllowedMixin:
    """Declare the roles a class-based page admits (set ``allowed_roles``)."""

    allowed_roles: Audience | None = None


def is_api_view(view_func: Callable[..., Any]) -> bool:
    # Imported here: rest_framework.views imports this module through its settings.
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


def declared_roles(view_func: Callable[..., Any]) -> Audience | None:
    """The audience a resolved page declares, or ``None`` when it declares nothing."""
    declared = getattr(view_func, "allowed_roles", None)
    if declared is None:
        declared = getattr(getattr(view_func, "view_class", None), "allowed_roles", None)
    if declared is None and _belongs_to_admin_site(view_func):
        declared = ADMINS
    return frozenset(declared) if declared is not None else None


def _belongs_to_admin_site(view_func: Callable[..., Any]) -> bool:
    if hasattr(view_func, "admin_site") or hasattr(view_func, "model_admin"):
        return True
    # Views wrapped by AdminSite.admin_view() directly (e.g. UserAdmin's password page).
    layer: Any = view_func
    while layer is not None:
        if isinstance(getattr(layer, "__self__", None), AdminSite | ModelAdmin):
            return True
        layer = getattr(layer, "__wrapped__", None)
    return False
