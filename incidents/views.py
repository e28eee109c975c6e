from __future__ import annotations

from django.conf import settings
from django.views.generic import TemplateView

from accounts.permissions import RolesAllowedMixin
from accounts.roles import PUBLIC


class DistrictMapView(RolesAllowedMixin, TemplateView):
    allowed_roles = PUBLIC
    template_name = "incidents/district_map.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["tile_url"] = settings.MAP_TILE_URL
        context["tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
        return context
