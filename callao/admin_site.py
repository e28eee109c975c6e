from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class CallaoAdminSite(admin.AdminSite):
    site_header = _("Callao — administration")
    site_title = _("Callao administration")
    index_title = _("Data, models and users")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "role", None) == Role.ADMIN)


class CallaoAdminConfig(AdminConfig):
    default_site = "callao.admin_site.CallaoAdminSite"
