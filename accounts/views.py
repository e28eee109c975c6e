from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.views.generic import TemplateView

from accounts.permissions import RolesAllowedMixin
from accounts.roles import ANALYSTS, PATROL, PUBLIC, Role, role_of


class LoginView(RolesAllowedMixin, auth_views.LoginView):
    allowed_roles = PUBLIC
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(RolesAllowedMixin, auth_views.LogoutView):
    allowed_roles = PUBLIC


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
