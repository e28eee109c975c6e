from __future__ import annotations

from django.contrib.auth import views as auth_views

from accounts.permissions import RolesAllowedMixin
from accounts.roles import PUBLIC


class LoginView(RolesAllowedMixin, auth_views.LoginView):
    allowed_roles = PUBLIC
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(RolesAllowedMixin, auth_views.LogoutView):
    allowed_roles = PUBLIC
