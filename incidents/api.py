"""Incident and dataset API. Role scoping follows DESIGN.md ("Roles"); narratives are audited."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.roles import (
    ADMINS,
    INCIDENT_AGGREGATES,
    INCIDENT_POINTS,
    NARRATIVE_READERS,
    PUBLIC,
    role_of,
)
from accounts.services import sensitive_reads_record
from incidents.exports import spreadsheet_safe
from incidents.importing.columns import FIELDS
from incidents.models import CrimeCategory, Dataset, District, Incident, Origin
from incidents.selectors import (
    FilterError,
    incident_filters_parse,
    incident_stats,
    incident_tile,
    incidents_filtered,
)
from incidents.services import dataset_create, dataset_enqueue, dataset_progress

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


# --- Incidents ---------------------------------------------------------------------------


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


def _filtered(request: Request) -> QuerySet[Incident]:
    try:
        filters = incident_filters_parse(request.query_params)
    except FilterError as exc:
        raise ValidationError({"detail": str(exc)}) from exc
    return incidents_filtered(Incident.objects.visible_to(request.user), filters)


def _wants_narrative(request: Request) -> bool:
    wanted = "narrative" in request.query_params.get("include", "").split(",")
    if wanted and role_of(request.user) not in NARRATIVE_READERS:
        raise PermissionDenied(
            "Su rol no puede leer narrativas. / Your role may not read narratives."
        )
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
    """Counts by day, hour, ISO weekday (America/Lima), category and district."""

    allowed_roles = INCIDENT_AGGREGATES

    def get(self, request: Request) -> Response:
        return Response(incident_stats(_filtered(request)))


@extend_schema(
    parameters=FILTER_PARAMETERS,
    responses={(200, "application/vnd.mapbox-vector-tile"): OpenApiTypes.BINARY},
)
class IncidentTileApi(APIView):
    """Vector tile of incidents (layer ``incidents``): cells with counts below zoom 14, points above."""

    allowed_roles = INCIDENT_POINTS

    def get(self, request: Request, z: int, x: int, y: int) -> HttpResponse:
        try:
            tile = incident_tile(_filtered(request), z=z, x=x, y=y)
        except FilterError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        response = HttpResponse(tile, content_type="application/vnd.mapbox-vector-tile")
        response["Cache-Control"] = "private, max-age=60"
        return response


EXPORT_HEADER = (
    "id",
    "occurred_at",
    "lat",
    "lon",
    "category",
    "district",
    "origin",
    "severity",
    "source",
    "external_id",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


@extend_schema(
    parameters=[*FILTER_PARAMETERS, OpenApiParameter("include", OpenApiTypes.STR)],
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class IncidentExportApi(APIView):
    """CSV of the filtered incidents, streamed; cells that would run as formulas are neutralised."""

    allowed_roles = NARRATIVE_READERS

    def get(self, request: Request) -> StreamingHttpResponse:
        with_narrative = _wants_narrative(request)
        queryset = (
            _filtered(request).select_related("category", "district").order_by("occurred_at", "id")
        )
        writer = csv.writer(_Echo())

        def rows() -> Iterator[str]:
            yield "\ufeff" + writer.writerow(
                [*EXPORT_HEADER, *(["narrative"] if with_narrative else [])]
            )
            batch: list[Incident] = []
            for incident in queryset.iterator(chunk_size=2000):
                values = [
                    incident.pk,
                    timezone.localtime(incident.occurred_at).isoformat(),
                    f"{incident.location.y:.6f}",
                    f"{incident.location.x:.6f}",
                    incident.category.code,
                    incident.district.ubigeo if incident.district else "",
                    incident.origin,
                    incident.severity or "",
                    spreadsheet_safe(incident.source),
                    spreadsheet_safe(incident.external_id),
                ]
                if with_narrative:
                    values.append(spreadsheet_safe(incident.narrative))
                    batch.append(incident)
                    if len(batch) == 2000:
                        _audit_narratives(request, batch)
                        batch = []
                yield writer.writerow(values)
            if batch:
                _audit_narratives(request, batch)

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="incidentes.csv"'
        return response


# --- Datasets ------------------------------------------------------------------------------


class DatasetSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    uploaded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    error_report_url = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields = (
            "id",
            "original_name",
            "source",
            "status",
            "status_label",
            "message",
            "checksum",
            "size_bytes",
            "default_origin",
            "column_mapping",
            "uploaded_by",
            "rows_read",
            "rows_imported",
            "rows_duplicate",
            "rows_rejected",
            "rejection_summary",
            "timings",
            "created_at",
            "started_at",
            "finished_at",
            "progress",
            "error_report_url",
        )
        read_only_fields = fields

    def get_progress(self, dataset: Dataset) -> dict[str, Any]:
        return dataset_progress(dataset)

    def get_error_report_url(self, dataset: Dataset) -> str | None:
        if not dataset.error_report:
            return None
        request = self.context.get("request")
        path = f"/api/datasets/{dataset.pk}/errors.csv"
        return request.build_absolute_uri(path) if request else path


class DatasetUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=100, required=False, allow_blank=True, default=""
    )
    default_origin = serializers.ChoiceField(choices=Origin.choices, default=Origin.VICTIM_REPORT)
    column_mapping = serializers.JSONField(required=False, default=dict)

    def validate_column_mapping(self, value: Any) -> dict[str, str]:
        if isinstance(value, str):
            value = json.loads(value or "{}")
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise serializers.ValidationError("An object of field → column header.")
        unknown = set(value) - set(FIELDS)
        if unknown:
            raise serializers.ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
        return value


class DatasetListApi(generics.ListCreateAPIView):
    """Uploaded datasets (admins). POST a file to import it on a worker."""

    allowed_roles = ADMINS
    serializer_class = DatasetSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Dataset]:
        return Dataset.objects.select_related("uploaded_by").order_by("-created_at")

    @extend_schema(request=DatasetUploadSerializer, responses={202: DatasetSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        upload = DatasetUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        dataset = dataset_create(
            file=data["file"],
            name=data["file"].name,
            source=data["source"],
            uploaded_by=request.user,  # type: ignore[arg-type]
            default_origin=data["default_origin"],
            column_mapping=data["column_mapping"],
        )
        dataset_enqueue(dataset=dataset)
        body = DatasetSerializer(dataset, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


class DatasetDetailApi(generics.RetrieveAPIView):
    """One dataset with its import progress (rows done / total) and results."""

    allowed_roles = ADMINS
    serializer_class = DatasetSerializer
    queryset = Dataset.objects.select_related("uploaded_by")


class DatasetErrorReportApi(APIView):
    """The rejected rows of a dataset as CSV (row, column, value, reason in Spanish and English)."""

    allowed_roles = ADMINS

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, pk: int) -> HttpResponse:
        dataset = get_object_or_404(Dataset, pk=pk)
        if not dataset.error_report:
            return HttpResponse(
                "Sin filas rechazadas / no rejected rows\n", status=404, content_type="text/plain"
            )
        with dataset.error_report.open("rb") as report:
            response = HttpResponse(report.read(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="dataset-{dataset.pk}-rechazos.csv"'
        )
        return response
