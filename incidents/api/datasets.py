"""Uploaded datasets (admins): upload a file to import it on a worker, follow its progress."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import ADMINS
from callao.errors import NotFoundError
from incidents.importing.columns import FIELDS
from incidents.models import Dataset, Origin
from incidents.services import (
    DatasetProgress,
    dataset_create,
    dataset_enqueue,
    dataset_progress,
)


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

    def get_progress(self, dataset: Dataset) -> DatasetProgress:
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
            raise serializers.ValidationError(_("An object of field → column header."))
        unknown = set(value) - set(FIELDS)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
            )
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
            raise NotFoundError(_("This dataset has no rejected rows."))
        with dataset.error_report.open("rb") as report:
            response = HttpResponse(report.read(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="dataset-{dataset.pk}-rechazos.csv"'
        )
        return response
