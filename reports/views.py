"""Report pages: public weekly reports for everybody, official ones for analysts, and the
narrative themes page for planners and admins. Logic lives in services and selectors."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.models import User
from accounts.permissions import roles_allowed
from accounts.roles import ANALYSTS, NARRATIVE_READERS, PUBLIC
from reports.formatting import language, official_section_titles, origin_label
from reports.forms import NarrativeSelectionForm, ReportFilterForm
from reports.models import Report, ReportKind
from reports.selectors import official_reports, public_reports, report_current_version
from reports.services import ReportError, narrative_themes_read

REPORTS_PER_PAGE = 25


def _report_list(request: HttpRequest, *, official: bool) -> HttpResponse:
    form = ReportFilterForm(request.GET or None)
    district = form.cleaned_data["district"] if form.is_valid() else None
    ubigeo = district.ubigeo if district else None
    reports = official_reports(district=ubigeo) if official else public_reports(district=ubigeo)
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    template = "reports/official_list.html" if official else "reports/public_list.html"
    return render(request, template, {"form": form, "page": page, "district": district})


def _get_report(request: HttpRequest, pk: int, *, official: bool) -> Report:
    if official:
        queryset = Report.objects.visible_to(request.user).filter(kind=ReportKind.OFFICIAL_MONTHLY)
    else:
        queryset = Report.objects.public()
    return get_object_or_404(queryset.select_related("district"), pk=pk)


def _detail(request: HttpRequest, pk: int, *, official: bool) -> HttpResponseBase:
    report = _get_report(request, pk, official=official)
    current = report_current_version(report)
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
    if not official and report_current_version(report).pk != report.pk:
        return redirect("reports:public-pdf", pk=report_current_version(report).pk)
    if not report.pdf:
        raise Http404("This report has no PDF.")
    return FileResponse(
        report.pdf.open("rb"),
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
        try:
            result = narrative_themes_read(
                user=user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                district=form.cleaned_data["district"],
                category=form.cleaned_data["category"],
                language=language(),
                via=f"GET {request.get_full_path()}"[:300],
            )
        except ReportError as error:
            form.add_error(None, str(error))
    return render(request, "reports/narrative_themes.html", {"form": form, "result": result})
