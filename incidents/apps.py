from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents and territory")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from incidents.caching import incidents_revision_bump
        from incidents.models import Incident

        # Results cached under the data's version (incidents/caching.py) no longer hold.
        for signal in (post_save, post_delete):
            signal.connect(incidents_revision_bump, sender=Incident, weak=False)
