from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from analytics.dashboard import targets_revision_bump
        from analytics.models import KpiTarget

        # A changed target shows on the (cached) dashboard at once.
        for signal in (post_save, post_delete):
            signal.connect(targets_revision_bump, sender=KpiTarget, weak=False)
