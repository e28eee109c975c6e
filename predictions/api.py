"""Predictions API (DRF, role-scoped, OpenAPI through drf-spectacular)."""

from __future__ import annotations

import json
from typing import Any

from celery.result import AsyncResult
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import ADMINS, ANALYSTS, PATROL
from predictions.filters import patrol_district, patrol_window
from predictions.models import Forecast, ForecastEvaluation, ModelRun, PatrolVisit, PatrolZone
from predictions.presenters import zones_geojson
from predictions.services.pipeline import job_request
from predictions.services.visits import patrol_visit_create
from predictions.zones_cache import zones_json_get, zones_json_set


class CurrentForecastApi(APIView):
    """Patrol zones of a shift as GeoJSON (officers: their district only)."""

    allowed_roles = PATROL

    @extend_schema(
        parameters=[
            OpenApiParameter("district", OpenApiTypes.STR, description="District UBIGEO."),
            OpenApiParameter(
                "shift", OpenApiTypes.STR, description="current (default), next, or ISO start."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> HttpResponseBase:
        window = patrol_window(request.query_params.get("shift"))
        district = patrol_district(request.user, request.query_params.get("district"), strict=True)
        forecast = Forecast.objects.visible_to(request.user).latest_for(window.start)
        meta: dict[str, Any] = {
            "shift": window.code,
            "window_start": window.start.isoformat(),
            "window_end": window.end.isoformat(),
            "district": district.ubigeo if district else None,
        }
        if forecast is None:
            return Response({"type": "FeatureCollection", "features": [], "forecast": None, **meta})
        cached = {
            "window_start": window.start,
            "district": meta["district"],
            "language": request.LANGUAGE_CODE,
        }
        body = zones_json_get(**cached)
        if body is None:
            payload = zones_geojson(
                PatrolZone.objects.visible_to(request.user).of_forecast(forecast, district)
            )
            payload["forecast"] = {
                "id": forecast.pk,
                "model": forecast.model_run.kind,
                "issued_at": forecast.issued_at.isoformat(),
                "synthetic": forecast.model_run.synthetic,
            }
            body = json.dumps(
                {**payload, **meta}, ensure_ascii=False, separators=(",", ":")
            ).encode()
            zones_json_set(**cached, body=body)
        # Rendered once per window, district and language; the fast path serves the same bytes.
        return HttpResponse(body, content_type="application/json")


class ModelRunSerializer(serializers.ModelSerializer[ModelRun]):
    class Meta:
        model = ModelRun
        fields = [
            "id",
            "kind",
            "status",
            "trained_until",
            "n_events",
            "training_origins",
            "synthetic",
            "pai5",
            "pai5_low",
            "pai5_high",
            "hit_rate5",
            "pei5",
            "equity",
            "calibration",
            "timings",
            "error",
            "is_champion",
            "champion_since",
            "champion_until",
            "champion_reason",
            "created_at",
            "finished_at",
        ]


class ModelRunListApi(generics.ListAPIView[ModelRun]):
    allowed_roles = ANALYSTS
    serializer_class = ModelRunSerializer

    def get_queryset(self) -> QuerySet[ModelRun]:
        return ModelRun.objects.visible_to(self.request.user).order_by("-created_at")


class EvaluationSerializer(serializers.ModelSerializer[ForecastEvaluation]):
    district = serializers.CharField(source="district.ubigeo", default=None)
    window_start = serializers.DateTimeField(source="forecast.window_start")
    shift = serializers.CharField(source="forecast.shift_code")

    class Meta:
        model = ForecastEvaluation
        fields = [
            "id",
            "forecast",
            "shift",
            "window_start",
            "district",
            "incidents",
            "hits",
            "flagged_cells",
            "cells",
            "hit_rate",
            "pai",
            "pei_star",
            "baseline_pai",
            "evaluated_at",
        ]


class EvaluationListApi(generics.ListAPIView[ForecastEvaluation]):
    allowed_roles = ANALYSTS
    serializer_class = EvaluationSerializer

    @extend_schema(
        parameters=[OpenApiParameter("district", OpenApiTypes.STR, description="UBIGEO or 'all'.")]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ForecastEvaluation]:
        rows = ForecastEvaluation.objects.visible_to(self.request.user).select_related(
            "forecast", "district"
        )
        district = self.request.query_params.get("district")
        if district == "all":
            rows = rows.filter(district__isnull=True)
        elif district:
            rows = rows.filter(district__ubigeo=district)
        return rows.order_by("-forecast__window_start", "district__ubigeo")


class PatrolVisitSerializer(serializers.ModelSerializer[PatrolVisit]):
    officer = serializers.CharField(source="officer.username", read_only=True)

    class Meta:
        model = PatrolVisit
        fields = ["id", "zone", "officer", "started_at", "ended_at", "note", "created_at"]
        read_only_fields = ["id", "officer", "created_at"]


class PatrolVisitListApi(generics.ListCreateAPIView[PatrolVisit]):
    """Visits in the caller's scope; officers log visits to zones of their district."""

    allowed_roles = PATROL
    serializer_class = PatrolVisitSerializer

    def get_queryset(self) -> QuerySet[PatrolVisit]:
        return PatrolVisit.objects.visible_to(self.request.user).select_related("officer")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = patrol_visit_create(
            zone=serializer.validated_data["zone"],
            officer=request.user,  # type: ignore[arg-type]
            started_at=serializer.validated_data["started_at"],
            ended_at=serializer.validated_data["ended_at"],
            note=serializer.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)


class JobSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=["train", "forecast"])


class JobCreateApi(APIView):
    """Admins start the nightly chain (retrain) or a forecast for the current shift now."""

    allowed_roles = ADMINS

    @extend_schema(request=JobSerializer, responses={202: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        serializer = JobSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task_id = job_request(action=serializer.validated_data["action"])
        return Response({"id": task_id, "state": "PENDING"}, status=status.HTTP_202_ACCEPTED)


class JobDetailApi(APIView):
    allowed_roles = ADMINS

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, task_id: str) -> Response:
        if len(task_id) > 64:
            raise NotFound()
        result: AsyncResult = AsyncResult(task_id)
        latest = ModelRun.objects.order_by("-created_at").values("kind", "status").first()
        return Response(
            {
                "id": task_id,
                "state": result.state,
                "ready": result.ready(),
                "running_runs": ModelRun.objects.filter(status="running").count(),
                "latest_run": latest,
            }
        )
