"""Incidents as GeoJSON, statistics, vector tiles and CSV. Role scoping follows DESIGN.md
("Roles"); every narrative read is audited."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.roles import (
    INCIDENT_AGGREGATES,
    INCIDENT_POINTS,
    NARRATIVE_READERS,
    district_scope,
    role_of,
)
from accounts.services import sensitive_reads_record, sensitive_reads_record_matching
from callao.errors import NotAllowed
from incidents.caching import cached_on_incidents
from incidents.exports import csv_export
from incidents.filters import incident_filters_parse
from incidents.models import CrimeCategory, District, Incident
from incidents.querysets import IncidentQuerySet

FILTER_PARAMETERS = [
    OpenApiParameter(
        "start", OpenApiTypes.STR, description="From this date or date-time (ISO 8601)."
    ),
    OpenApiParameter(
        "end", OpenApiTypes.STR, description="Until this date (inclusive) or date-time."
    ),
    OpenApiParameter("category", OpenApiTypes.STR, description="Category codes, comma-separated."),
    OpenApiParameter(
        "district", OpenApiTypes.STR, description="District UBIGEO codes, comma-separated."
    ),
    OpenApiParameter(
        "origin", OpenApiTypes.STR, description="victim_report, citizen_call, officer_initiated."
    ),
    OpenApiParameter("bbox", OpenApiTypes.STR, description="west,south,east,north in degrees."),
]


class IncidentSerializer(GeoFeatureModelSerializer):
    category: serializers.SlugRelatedField[CrimeCategory] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    category_name = serializers.CharField(source="category.name_es", read_only=True)
    district: serializers.SlugRelatedField[District] = serializers.SlugRelatedField(
        slug_field="ubigeo", read_only=True
    )

    class Meta:
        model = Incident
        geo_field = "location"
        fields: tuple[str, ...] = (
            "id",
            "occurred_at",
            "reported_at",
            "category",
            "category_name",
            "district",
            "origin",
            "severity",
            "source",
            "external_id",
        )


class IncidentWithNarrativeSerializer(IncidentSerializer):
    class Meta(IncidentSerializer.Meta):
        fields = (*IncidentSerializer.Meta.fields, "narrative")


class IncidentPagination(GeoJsonPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def _filtered(request: Request) -> IncidentQuerySet:
    filters = incident_filters_parse(request.query_params)
    return Incident.objects.visible_to(request.user).filtered(filters)


def _cache_parts(request: Request, **more: object) -> dict[str, object]:
    """What a cached answer depends on besides the data: the filters and the role's scope."""
    filters = incident_filters_parse(request.query_params)
    return {"filters": asdict(filters), "scope": asdict(district_scope(request.user)), **more}


def _wants_narrative(request: Request) -> bool:
    wanted = "narrative" in request.query_params.get("include", "").split(",")
    if wanted and role_of(request.user) not in NARRATIVE_READERS:
        raise NotAllowed(_("Your role may not read narratives."))
    return wanted


def _audit_narratives(request: Request, incidents: list[Incident]) -> None:
    sensitive_reads_record(
        user=request.user,  # type: ignore[arg-type]
        object_ids=[incident.pk for incident in incidents],
        via=f"{request.method} {request.get_full_path()}",
    )


@extend_schema(
    parameters=[
        *FILTER_PARAMETERS,
        OpenApiParameter(
            "include",
            OpenApiTypes.STR,
            description="'narrative' to include narratives (planners and admins; every read is audited).",
        ),
    ]
)
class IncidentListApi(generics.ListAPIView):
    """Incidents as GeoJSON, newest first, paginated. Officers see only their district."""

    allowed_roles = INCIDENT_POINTS
    pagination_class = IncidentPagination

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return (
            IncidentWithNarrativeSerializer
            if _wants_narrative(self.request)
            else IncidentSerializer
        )

    def get_queryset(self) -> QuerySet[Incident]:
        return (
            _filtered(self.request)
            .select_related("category", "district")
            .order_by("-occurred_at", "-id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        assert page is not None
        if _wants_narrative(request):
            _audit_narratives(request, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class IncidentDetailApi(generics.RetrieveAPIView):
    """One incident; its narrative for planners and admins (the read is audited)."""

    allowed_roles = INCIDENT_POINTS

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if role_of(self.request.user) in NARRATIVE_READERS:
            return IncidentWithNarrativeSerializer
        return IncidentSerializer

    def get_queryset(self) -> QuerySet[Incident]:
        return Incident.objects.visible_to(self.request.user).select_related("category", "district")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incident = self.get_object()
        if role_of(request.user) in NARRATIVE_READERS:
            _audit_narratives(request, [incident])
        return Response(self.get_serializer(incident).data)


@extend_schema(parameters=FILTER_PARAMETERS, responses=OpenApiTypes.OBJECT)
class IncidentStatsApi(APIView):
    """Counts by day, hour, ISO weekday (local time), category and district."""

    allowed_roles = INCIDENT_AGGREGATES

    def get(self, request: Request) -> Response:
        stats = cached_on_incidents("stats", _cache_parts(request), _filtered(request).stats)
        return Response(stats)


@extend_schema(
    parameters=FILTER_PARAMETERS,
    responses={(200, "application/vnd.mapbox-vector-tile"): OpenApiTypes.BINARY},
)
class IncidentTileApi(APIView):
    """Vector tile of incidents (layer ``incidents``): cells with counts below zoom 14, points above."""

    allowed_roles = INCIDENT_POINTS

    def get(self, request: Request, z: int, x: int, y: int) -> HttpResponse:
        rows = _filtered(request)
        tile = cached_on_incidents(
            "tile", _cache_parts(request, tile=(z, x, y)), lambda: rows.vector_tile(z=z, x=x, y=y)
        )
        response = HttpResponse(tile, content_type="application/vnd.mapbox-vector-tile")
        response["Cache-Control"] = "private, max-age=60"
        return response


@extend_schema(
    parameters=[*FILTER_PARAMETERS, OpenApiParameter("include", OpenApiTypes.STR)],
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class IncidentExportApi(APIView):
    """CSV of the filtered incidents, streamed; cells that would run as formulas are neutralised."""

    allowed_roles = NARRATIVE_READERS

    def get(self, request: Request) -> StreamingHttpResponse:
        with_narrative = _wants_narrative(request)
        rows = _filtered(request)
        if with_narrative:
            sensitive_reads_record_matching(
                user=request.user,  # type: ignore[arg-type]
                records=rows,
                via=f"{request.method} {request.get_full_path()}",
            )
        chunks = csv_export(
            rows.export_query(with_narrative=with_narrative),
            with_narrative=with_narrative,
            tz=settings.TIME_ZONE,
        )
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="incidentes.csv"'
        return response
