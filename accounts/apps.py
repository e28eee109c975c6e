from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from accounts.models import User
        from accounts.principals import district_hint_on_login, principal_forget_on_change

        # Every change to a user's role, district or status is kept with its author.
        auditlog.register(User, exclude_fields=["password", "last_login"])
        # A changed role, district, status or password reaches the cached fast paths at once.
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for signal in (post_save, post_delete):
            for model in (User, TOTPDevice, StaticDevice):
                signal.connect(principal_forget_on_change, sender=model, weak=False)
        user_logged_in.connect(district_hint_on_login, weak=False)

        from django.conf import settings

        from accounts.sessions import idle_minutes_parse

        idle_minutes_parse(settings.ACCOUNTS_IDLE_MINUTES)  # a malformed value stops start-up
