from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from accounts.models import User

        # Every change to a user's role, district or status is kept with its author.
        auditlog.register(User, exclude_fields=["password", "last_login"])
