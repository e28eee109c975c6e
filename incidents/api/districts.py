"""District boundaries as GeoJSON (public)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.roles import PUBLIC
from incidents.models import District


class DistrictSerializer(GeoFeatureModelSerializer):
    class Meta:
        model = District
        geo_field = "geometry"
        fields = ("ubigeo", "name", "province")


class DistrictListApi(generics.ListAPIView):
    """District boundaries as a GeoJSON FeatureCollection (public)."""

    allowed_roles = PUBLIC
    serializer_class = DistrictSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[District]:
        return District.objects.order_by("ubigeo")
