"""Report API: published public reports for everybody, official ones for analysts, and
narrative themes for planners and admins (every narrative read is audited)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.roles import ANALYSTS, NARRATIVE_READERS, PUBLIC
from callao.errors import InvalidInput
from reports.forms import NarrativeSelectionForm
from reports.models import Report, ReportKind
from reports.services import narrative_themes_read

# The parts of a public report's content the API shows (all privacy-protected already).
PUBLIC_CONTENT = (
    "district",
    "period",
    "threshold",
    "total",
    "categories",
    "some_withheld",
    "busiest_hours",
    "busiest_weekdays",
    "map",
    "hotspots",
    "advice",
    "general_advice",
    "emergency",
    "summary",
)

DISTRICT_PARAMETER = OpenApiParameter(
    "district", OpenApiTypes.STR, description="District UBIGEO, e.g. 070102."
)


class ReportListSerializer(serializers.ModelSerializer[Report]):
    district = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = (
            "id",
            "kind",
            "district",
            "period",
            "period_start",
            "period_end",
            "version",
            "published_at",
            "html_url",
            "pdf_url",
        )

    def get_district(self, report: Report) -> dict[str, str] | None:
        if report.district is None:
            return None
        return {"ubigeo": report.district.ubigeo, "name": report.district.name}

    def _prefix(self, report: Report) -> str:
        return "official" if report.kind == ReportKind.OFFICIAL_MONTHLY else "public"

    def get_html_url(self, report: Report) -> str:
        return reverse(f"reports:{self._prefix(report)}-detail", kwargs={"pk": report.pk})

    def get_pdf_url(self, report: Report) -> str:
        return reverse(f"reports:{self._prefix(report)}-pdf", kwargs={"pk": report.pk})


class PublicReportSerializer(ReportListSerializer):
    report = serializers.SerializerMethodField()

    class Meta(ReportListSerializer.Meta):
        fields = (*ReportListSerializer.Meta.fields, "report")  # type: ignore[assignment]

    def get_report(self, report: Report) -> dict[str, Any]:
        return {key: report.content.get(key) for key in PUBLIC_CONTENT}


class OfficialReportSerializer(ReportListSerializer):
    content = serializers.JSONField(read_only=True)
    summary = serializers.SerializerMethodField()

    class Meta(ReportListSerializer.Meta):
        fields = (  # type: ignore[assignment]
            *ReportListSerializer.Meta.fields,
            "content",
            "summary",
            "supersedes",
        )

    def get_summary(self, report: Report) -> dict[str, Any]:
        return {
            "text": report.summary_text,
            "backend": report.summary_backend,
            "model": report.summary_model,
            "latency_ms": report.summary_latency_ms,
            "prompt_tokens": report.summary_prompt_tokens,
            "completion_tokens": report.summary_completion_tokens,
            "fell_back": report.summary_fell_back,
            "fallback_reason": report.summary_fallback_reason,
        }


@extend_schema(parameters=[DISTRICT_PARAMETER])
class PublicReportListApi(generics.ListAPIView[Report]):
    """Published weekly public reports, newest week first (no sign-in needed)."""

    allowed_roles = PUBLIC
    serializer_class = ReportListSerializer

    def get_queryset(self) -> QuerySet[Report]:
        return (
            Report.objects.visible_to(self.request.user)
            .public()
            .current()
            .in_district(self.request.query_params.get("district"))
            .newest_first()
        )


class PublicReportDetailApi(generics.RetrieveAPIView[Report]):
    """One published weekly public report: counts (under 5 suppressed), map cells, advice."""

    allowed_roles = PUBLIC
    serializer_class = PublicReportSerializer

    def get_queryset(self) -> QuerySet[Report]:
        # Only current versions: a superseded public version is not shown (views.py, _detail).
        visible = Report.objects.visible_to(self.request.user)
        return visible.public().current().select_related("district")


@extend_schema(parameters=[DISTRICT_PARAMETER])
class OfficialReportListApi(generics.ListAPIView[Report]):
    """Published monthly official reports (planners, officials, admins)."""

    allowed_roles = ANALYSTS
    serializer_class = ReportListSerializer

    def get_queryset(self) -> QuerySet[Report]:
        return (
            Report.objects.visible_to(self.request.user)
            .official()
            .current()
            .in_district(self.request.query_params.get("district"))
            .newest_first()
        )


class OfficialReportDetailApi(generics.RetrieveAPIView[Report]):
    """One monthly official report with its KPIs, tables and summary metadata."""

    allowed_roles = ANALYSTS
    serializer_class = OfficialReportSerializer

    def get_queryset(self) -> QuerySet[Report]:
        return Report.objects.visible_to(self.request.user).official()


@extend_schema(
    parameters=[
        OpenApiParameter(
            "start", OpenApiTypes.DATE, description="First day (default: 7 days ago)."
        ),
        OpenApiParameter(
            "end", OpenApiTypes.DATE, description="Last day, inclusive (default: yesterday)."
        ),
        DISTRICT_PARAMETER,
        OpenApiParameter("category", OpenApiTypes.STR, description="Category code, e.g. robo."),
        OpenApiParameter("language", OpenApiTypes.STR, enum=["es", "en"]),
    ],
    responses=OpenApiTypes.OBJECT,
)
class NarrativeThemesApi(APIView):
    """Themes of the narratives of a selection, phrased by the summarizer.

    Planners and admins; every narrative read is written to the audit log.
    """

    allowed_roles = NARRATIVE_READERS

    def get(self, request: Request) -> Response:
        params = {**NarrativeSelectionForm.defaults(), **request.query_params.dict()}
        form = NarrativeSelectionForm(params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        language = request.query_params.get("language", "es")
        if language not in ("es", "en"):
            raise InvalidInput(_("es or en"), field="language")
        user = request.user
        assert isinstance(user, User)
        result = narrative_themes_read(
            user=user,
            **form.selection(),
            language=language,
            via=f"GET {request.get_full_path()}"[:300],
        )
        return Response(
            {
                "period": result.period,
                "narratives_read": result.read,
                "truncated": result.truncated,
                "summary": result.summary.to_dict(),
                "themes": [
                    {
                        "label": theme.label,
                        "size": theme.size,
                        "share": round(theme.share, 4),
                        "top_terms": list(theme.top_terms),
                        "modus_operandi": list(theme.modus_operandi),
                        "times_of_day": list(theme.times_of_day),
                        "place_types": list(theme.place_types),
                        "example": theme.example,
                    }
                    for theme in result.themes
                ],
            }
        )
