"""Analytics pages for planners, officials and admins: temporal patterns, emerging hot spots,
near repeat, the KPI dashboard and its exports. Reads and workflows live in the modules
beside this one; pages only build forms, charts and tables."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import roles_allowed
from accounts.roles import ANALYSTS
from analytics.dashboard import Dashboard, dashboard_build, dashboard_title
from analytics.exports import dashboard_pdf, dashboard_xlsx
from analytics.forms import (
    AnalysisParams,
    DashboardForm,
    HotspotForm,
    NearRepeatForm,
    SelectionForm,
    TemporalForm,
    params_kind,
)
from analytics.labels import HOTSPOT_CATEGORIES, hotspot_label
from analytics.models import AnalysisKind, AnalysisRun
from analytics.services import analysis_run_request
from analytics.temporal import temporal_patterns
from callao.charts import MatrixChart, Series, SeriesChart
from callao.errors import form_result
from incidents.models import CrimeCategory


def _bound(form_class: type[SelectionForm], request: HttpRequest) -> SelectionForm:
    """The form of the page's query string; with none, the analysis' defaults."""
    data = request.POST if request.method == "POST" else request.GET
    fields = {key: value for key, value in data.lists() if key in form_class.base_fields}
    return form_class(data if fields else {})


@roles_allowed(ANALYSTS)
def index(request: HttpRequest) -> HttpResponse:
    runs = AnalysisRun.objects.visible_to(request.user).select_related("requested_by")[:20]
    return render(request, "analytics/index.html", {"runs": runs})


# --- Temporal patterns --------------------------------------------------------------------


@roles_allowed(ANALYSTS)
def temporal(request: HttpRequest) -> HttpResponse:
    form = _bound(TemporalForm, request)
    data = None
    if form.is_valid():
        data = form_result(form, lambda: temporal_patterns(form.params()))  # type: ignore[attr-defined]
    context: dict[str, Any] = {"form": form, "data": data}
    if data is not None:
        context["charts"] = _temporal_charts(data)
    return render(request, "analytics/temporal.html", context)


def _temporal_charts(data: dict[str, Any]) -> list[SeriesChart | MatrixChart]:
    hours = [f"{hour:02d}" for hour in range(24)]
    days = [str(WEEKDAYS[day]) for day in range(7)]  # Monday first, as the analysis counts
    months = [row["month"] for row in data["monthly"]]
    return [
        MatrixChart(
            id="hour-weekday",
            title=_("Incidents by hour and weekday"),
            row_labels=days,
            column_labels=hours,
            values=data["hour_weekday"]["counts"],
            legend_label=_("incidents"),
            x_label=_("Hour"),
            y_label=_("Day"),
        ),
        MatrixChart(
            id="hour-weekday-ratio",
            title=_("Ratio to the count expected if hour and weekday were independent"),
            row_labels=days,
            column_labels=hours,
            values=data["hour_weekday"]["ratio"],
            legend_label=_("ratio"),
            x_label=_("Hour"),
            y_label=_("Day"),
            decimals=2,
        ),
        SeriesChart(
            id="monthly",
            title=_("Incidents per month"),
            x_labels=months,
            series=[
                Series(_("Incidents"), [row["count"] for row in data["monthly"]]),
                Series(
                    _("12-month moving average"),
                    [row["moving_average_12"] for row in data["monthly"]],
                    reference=True,
                ),
            ],
            x_label=_("Month"),
            decimals=1,
        ),
        SeriesChart(
            id="year-over-year",
            title=_("Change against the same month a year earlier"),
            x_labels=months,
            series=[
                Series(_("Change"), [row["change_vs_last_year_pct"] for row in data["monthly"]])
            ],
            x_label=_("Month"),
            unit="%",
            kind="bar",
            decimals=1,
        ),
        SeriesChart(
            id="day-of-year",
            title=_("Seasonality: incidents per day of the year against the daily average"),
            x_labels=[str(row["day"]) for row in data["day_of_year"]],
            series=[
                Series(_("Ratio to the average day"), [row["ratio"] for row in data["day_of_year"]])
            ],
            x_label=_("Day of the year"),
            decimals=2,
        ),
    ]


# --- Heavy analyses: hot spots and near repeat ------------------------------------------


def _run_page(request: HttpRequest, form_class: type[SelectionForm], template: str) -> HttpResponse:
    form = _bound(form_class, request)
    if request.method == "POST" and form.is_valid():
        user = request.user if isinstance(request.user, User) else None
        params: AnalysisParams = form.params()  # type: ignore[attr-defined]
        run = form_result(form, lambda: analysis_run_request(params=params, user=user))
        if run is not None:
            query = request.POST.copy()
            query.pop("csrfmiddlewaretoken", None)
            query["run"] = str(run.pk)
            return redirect(f"{request.path}?{query.urlencode()}")
    run = None
    if request.method == "GET" and form.is_valid():
        params = form.params()  # type: ignore[attr-defined]
        runs = AnalysisRun.objects.visible_to(request.user)
        asked = request.GET.get("run", "")
        run = runs.filter(pk=int(asked)).first() if asked.isdigit() else None
        run = run or runs.latest_succeeded(params_kind(params), params.key())
    context = {"form": form, "run": run, "result": run.result if run and run.result else None}
    return render(request, template, {**context, **_result_context(run)})


def _result_context(run: AnalysisRun | None) -> dict[str, Any]:
    if run is None or not run.result:
        return {}
    if run.kind == AnalysisKind.HOTSPOTS:
        counts = run.result.get("categories", {})
        legend = [
            {"code": code, "label": str(label), "colour": colour, "cells": counts.get(code, 0)}
            for code, (label, colour) in HOTSPOT_CATEGORIES.items()
            if counts.get(code)
        ]
        changed = [
            {
                **row,
                "before_label": hotspot_label(row["before"]),
                "after_label": hotspot_label(row["after"]),
            }
            for row in run.result.get("changed", [])
        ]
        return {
            "legend": legend,
            "colours": {code: colour for code, (_l, colour) in HOTSPOT_CATEGORIES.items()},
            "labels": {code: str(label) for code, (label, _c) in HOTSPOT_CATEGORIES.items()},
            "changed": changed,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        }
    return {"knox_rows": _knox_rows(run.result), "sentence": near_repeat_sentence(run)}


@roles_allowed(ANALYSTS)
def hotspots(request: HttpRequest) -> HttpResponse:
    return _run_page(request, HotspotForm, "analytics/hotspots.html")


@roles_allowed(ANALYSTS)
def near_repeat(request: HttpRequest) -> HttpResponse:
    return _run_page(request, NearRepeatForm, "analytics/near_repeat.html")


def _distance_label(edges: list[float], index: int) -> str:
    """Rows as the Near Repeat Calculator names them: same place, 1–100 m, 101–200 m …"""
    if index == 0 and edges[0] == 0:
        return _("Same place")
    low = 0 if index == 0 else edges[index - 1]
    return f"{number_format(low + 1, 0)}–{number_format(edges[index], 0)} m"


def _time_label(edges: list[float], index: int) -> str:
    low = 0 if index == 0 else edges[index - 1] + 1
    return _("%(low)s–%(high)s days") % {
        "low": number_format(low, 0),
        "high": number_format(edges[index], 0),
    }


def _knox_rows(result: dict[str, Any]) -> dict[str, Any]:
    distances, times = result["distance_edges"], result["time_edges"]
    return {
        "columns": [_time_label(times, j) for j in range(len(times))],
        "rows": [
            {
                "label": _distance_label(distances, i),
                "cells": [
                    {
                        "observed": result["observed"][i][j],
                        "expected": result["expected"][i][j],
                        "ratio": result["ratio"][i][j],
                        "p_value": result["p_value"][i][j],
                        "significant": result["p_value"][i][j] is not None
                        and result["p_value"][i][j] <= 0.05
                        and (result["ratio"][i][j] or 0) > 1,
                    }
                    for j in range(len(times))
                ],
            }
            for i in range(len(distances))
        ],
    }


def near_repeat_sentence(run: AnalysisRun) -> str:
    """What the Knox test means, in one sentence ("tras un robo, el riesgo en 200 m …")."""
    extent = run.result.get("extent")
    codes = run.params.get("selection", {}).get("categories") or []
    event = _("an incident")
    category = CrimeCategory.objects.filter(code=codes[0]).first() if len(codes) == 1 else None
    if category is not None:
        name = category.name_es if get_language().startswith("es") else category.name_en
        event = _("an incident of %(category)s") % {"category": name.lower()}
    if extent is None:
        return _(
            "No near-repeat pattern: after %(event)s, nearby incidents in the following days "
            "are not more frequent than chance would give."
        ) % {"event": event}
    return _(
        "After %(event)s, the risk within %(metres)s m during %(days)s days is %(ratio)s times "
        "the expected."
    ) % {
        "event": event,
        "metres": number_format(extent["distance_m"], 0),
        "days": number_format(extent["days"], 0),
        "ratio": number_format(extent["ratio"], 1),
    }


# --- KPI dashboard ------------------------------------------------------------------------


def _dashboard(request: HttpRequest) -> tuple[DashboardForm, Dashboard | None, str]:
    form = DashboardForm(request.GET)
    if not form.is_valid():
        return form, None, ""
    params = form.params()
    return form, dashboard_build(params), dashboard_title(params)


@roles_allowed(ANALYSTS)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, built, title = _dashboard(request)
    context: dict[str, Any] = {"form": form, "dashboard": built, "title": title}
    if built is not None:
        districts = [area for area in built.areas if area.ubigeo]
        context["chart"] = SeriesChart(
            id="incidents-by-district",
            title=_("Incidents by district: this month, previous month, a year earlier"),
            x_labels=[area.name for area in districts],
            series=[
                Series(_("This month"), [area.incidents for area in districts]),
                Series(
                    _("Previous month"),
                    [area.previous_month.earlier for area in districts],
                    reference=True,
                ),
                Series(
                    _("Same month last year"),
                    [area.last_year.earlier for area in districts],
                    reference=True,
                ),
            ],
            kind="bar",
            decimals=0,
        )
        context["targets_set"] = any(area.targets for area in built.areas)
        query = request.GET.urlencode()
        context["xlsx_url"] = f"{reverse('analytics:dashboard-xlsx')}?{query}"
        context["pdf_url"] = f"{reverse('analytics:dashboard-pdf')}?{query}"
    return render(request, "analytics/dashboard.html", context)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@roles_allowed(ANALYSTS)
def dashboard_export_xlsx(request: HttpRequest) -> HttpResponse:
    form, built, _title = _dashboard(request)
    if built is None:
        return render(request, "analytics/dashboard.html", {"form": form}, status=400)
    return _download(
        dashboard_xlsx(built),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"tablero-{built.month}.xlsx",
    )


@roles_allowed(ANALYSTS)
def dashboard_export_pdf(request: HttpRequest) -> HttpResponse:
    form, built, title = _dashboard(request)
    if built is None:
        return render(request, "analytics/dashboard.html", {"form": form}, status=400)
    return _download(dashboard_pdf(built, title), "application/pdf", f"tablero-{built.month}.pdf")
