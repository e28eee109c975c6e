"""Analytics API (planners, officials, admins): temporal patterns, emerging hot spots,
near repeat, the KPI dashboard. Parameters are the pages' forms; errors are answered by
callao/api.py's exception handler."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.roles import ANALYSTS
from analytics.dashboard import dashboard_build
from analytics.forms import (
    DashboardForm,
    HotspotForm,
    NearRepeatForm,
    SelectionForm,
    TemporalForm,
    params_kind,
    valid_params,
)
from analytics.models import AnalysisRun, RunStatus
from analytics.services import analysis_run_request
from analytics.temporal import temporal_patterns
from callao.errors import NotFoundError

LIST_FIELDS = ("category", "district", "origin")
SELECTION_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: per analysis)."),
    OpenApiParameter(
        "end", OpenApiTypes.DATE, description="Last day, inclusive (default: yesterday)."
    ),
    OpenApiParameter("category", OpenApiTypes.STR, description="Category codes, comma-separated."),
    OpenApiParameter(
        "district", OpenApiTypes.STR, description="District UBIGEO codes, comma-separated."
    ),
    OpenApiParameter(
        "origin", OpenApiTypes.STR, description="victim_report, citizen_call, officer_initiated."
    ),
]


def form_data(*sources: Any) -> QueryDict:
    """Query string and body (form or JSON) as one form input; "a,b" lists become lists."""
    data = QueryDict(mutable=True)
    for source in sources:
        for key in source:
            values = source.getlist(key) if hasattr(source, "getlist") else source[key]
            values = values if isinstance(values, list) else [values]
            if key in LIST_FIELDS:
                values = [part for value in values for part in str(value).split(",")]
            data.setlist(key, [str(value).strip() for value in values if str(value).strip()])
    return data


def run_json(run: AnalysisRun, request: Request) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": run.pk,
        "kind": run.kind,
        "status": run.status,
        "progress": run.progress,
        "stage": run.stage,
        "incidents": run.incidents,
        "params": run.params,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "url": request.build_absolute_uri(reverse("analytics-api:run-detail", args=[run.pk])),
    }
    if run.status == RunStatus.FAILED:
        body["error"] = run.error
    if run.status == RunStatus.SUCCEEDED:
        body["result"] = run.result
    return body


@extend_schema(parameters=SELECTION_PARAMETERS, responses=OpenApiTypes.OBJECT)
class TemporalApi(APIView):
    """Hour × weekday (counts, expected under independence, ratio), months (12-month moving
    average, change against a year earlier) and day-of-year seasonality of a selection."""

    allowed_roles = ANALYSTS

    def get(self, request: Request) -> Response:
        form = TemporalForm(form_data(request.query_params))
        return Response(temporal_patterns(valid_params(form, form.params)))


class AnalysisRunApi(APIView):
    """GET: the latest result for these parameters (404 until computed). POST: compute it
    (202 with the run to follow; 200 when this data was analysed already)."""

    allowed_roles = ANALYSTS
    form_class: type[SelectionForm] = SelectionForm

    def _params(self, request: Request) -> Any:
        form = self.form_class(form_data(request.query_params, request.data))
        return valid_params(form, form.params)  # type: ignore[attr-defined]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        params = self._params(request)
        run = AnalysisRun.objects.visible_to(request.user).latest_succeeded(
            params_kind(params), params.key()
        )
        if run is None:
            raise NotFoundError(_("Not computed yet: POST the same parameters to compute it."))
        return Response(run_json(run, request))

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 202: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        user = request.user
        run = analysis_run_request(
            params=self._params(request), user=user if isinstance(user, User) else None
        )
        done = run.status == RunStatus.SUCCEEDED
        return Response(
            run_json(run, request),
            status=status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("analytics-api:run-detail", args=[run.pk])},
        )


@extend_schema(parameters=SELECTION_PARAMETERS, responses=OpenApiTypes.OBJECT)
class HotspotsApi(AnalysisRunApi):
    """Emerging hot spots (Getis-Ord Gi* per cell and step, Mann-Kendall trend, ArcGIS's
    categories). Extra parameters: cell_m, step (week|month), distance_m, time_window."""

    form_class = HotspotForm


@extend_schema(parameters=SELECTION_PARAMETERS, responses=OpenApiTypes.OBJECT)
class NearRepeatApi(AnalysisRunApi):
    """Knox test with Monte Carlo permutations. Extra parameters: distance_band_m,
    distance_bands, time_band_days, time_bands, permutations."""

    form_class = NearRepeatForm


class RunDetailApi(APIView):
    """One analysis run: status and progress while it runs, the result once it is done."""

    allowed_roles = ANALYSTS

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        run = AnalysisRun.objects.visible_to(request.user).filter(pk=pk).first()
        if run is None:
            raise NotFoundError(_("No such analysis."))
        return Response(run_json(run, request))


@extend_schema(
    parameters=[
        OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM (default: last month).")
    ],
    responses=OpenApiTypes.OBJECT,
)
class KpiApi(APIView):
    """The KPI dashboard of a month for Callao and each district, with targets."""

    allowed_roles = ANALYSTS

    def get(self, request: Request) -> Response:
        form = DashboardForm(request.query_params)
        return Response(dashboard_build(valid_params(form, form.params)).as_json())
