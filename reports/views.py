"""Report pages: public weekly reports for everybody, official ones for analysts, and the
narrative themes page for planners and admins. Logic lives in services and QuerySet methods;
domain errors become error pages in one place (callao/views.py)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import roles_allowed
from accounts.roles import ANALYSTS, NARRATIVE_READERS, PUBLIC
from callao.errors import NotFoundError
from reports.formatting import language, official_section_titles, origin_label
from reports.forms import NarrativeSelectionForm, ReportFilterForm
from reports.models import Report, ReportQuerySet
from reports.services import narrative_themes_read

REPORTS_PER_PAGE = 25


def _report_list(request: HttpRequest, *, official: bool) -> HttpResponse:
    form = ReportFilterForm(request.GET or None)
    district = form.cleaned_data["district"] if form.is_valid() else None
    reports = (
        _reports(request, official=official)
        .current()
        .in_district(district.ubigeo if district else None)
        .newest_first()
    )
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    template = "reports/official_list.html" if official else "reports/public_list.html"
    return render(request, template, {"form": form, "page": page, "district": district})


def _reports(request: HttpRequest, *, official: bool) -> ReportQuerySet:
    """The official or the public reports the user may see."""
    visible = Report.objects.visible_to(request.user)
    return visible.official() if official else visible.public()


def _get_report(request: HttpRequest, pk: int, *, official: bool) -> Report:
    return get_object_or_404(_reports(request, official=official).select_related("district"), pk=pk)


def _detail(request: HttpRequest, pk: int, *, official: bool) -> HttpResponseBase:
    report = _get_report(request, pk, official=official)
    current = report.current_version()
    if not official and current.pk != report.pk:
        # Superseded public versions are not shown: two versions side by side could be
        # subtracted to reveal small counts. The record itself stays (immutable).
        return redirect("reports:public-detail", pk=current.pk)
    context: dict[str, Any] = {
        "report": report,
        "content": report.content,
        "current": current,
        "summary": report.content.get("summary", {}).get(language(), report.summary_text),
        "pdf_url": reverse(
            "reports:official-pdf" if official else "reports:public-pdf", kwargs={"pk": report.pk}
        ),
    }
    if official:
        context.update(_official_context(report.content))
    template = "reports/official_detail.html" if official else "reports/public_detail.html"
    return render(request, template, context)


def _official_context(content: dict[str, Any]) -> dict[str, Any]:
    sections = content.get("sections", {})
    return {
        "origins": [
            {**item, "label": origin_label(item["origin"])}
            for item in content.get("kpis", {}).get("origins", [])
        ],
        "sections": [
            {"key": key, "title": title, **sections.get(key, {"available": False})}
            for key, title in official_section_titles().items()
        ],
    }


def _pdf(request: HttpRequest, pk: int, *, official: bool) -> HttpResponseBase:
    report = _get_report(request, pk, official=official)
    if not official and (current := report.current_version()).pk != report.pk:
        return redirect("reports:public-pdf", pk=current.pk)
    if not report.pdf:
        raise NotFoundError(_("This report has no PDF."))
    try:
        stored = report.pdf.open("rb")
    except FileNotFoundError as exc:  # the row outlived its file (storage restored, cleaned)
        raise NotFoundError(_("This report's PDF is not available; ask an admin.")) from exc
    return FileResponse(
        stored,
        as_attachment=True,
        filename=report.pdf_filename,
        content_type="application/pdf",
    )


@roles_allowed(PUBLIC)
def public_report_list(request: HttpRequest) -> HttpResponse:
    return _report_list(request, official=False)


@roles_allowed(PUBLIC)
def public_report_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, pk, official=False)


@roles_allowed(PUBLIC)
def public_report_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _pdf(request, pk, official=False)


@roles_allowed(ANALYSTS)
def official_report_list(request: HttpRequest) -> HttpResponse:
    return _report_list(request, official=True)


@roles_allowed(ANALYSTS)
def official_report_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _detail(request, pk, official=True)


@roles_allowed(ANALYSTS)
def official_report_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _pdf(request, pk, official=True)


@roles_allowed(NARRATIVE_READERS)
def narrative_themes_page(request: HttpRequest) -> HttpResponse:
    """Themes of the narratives of a selection; nothing is read until the form is sent."""
    submitted = "start" in request.GET
    form = NarrativeSelectionForm(
        request.GET if submitted else None, initial=NarrativeSelectionForm.defaults()
    )
    result = None
    if submitted and form.is_valid():
        user = request.user
        assert isinstance(user, User)
        # The form refuses a reversed or over-long range; what the service still refuses
        # is a domain error, rendered by the error pages.
        result = narrative_themes_read(
            user=user,
            **form.selection(),
            language=language(),
            via=f"GET {request.get_full_path()}"[:300],
        )
    return render(request, "reports/narrative_themes.html", {"form": form, "result": result})
