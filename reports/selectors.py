"""Reads: raw incident counts for report builders, and the report lists pages and API show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from incidents.models import CrimeCategory, District, Incident, IncidentQuerySet
from reports.models import Report, ReportKind, ReportQuerySet
from reports.periods import LIMA, ReportPeriod

# Projected CRS for Callao (UTM 18S): metres, so cells are squares of known size.
UTM_SRID = 32718


def public_categories() -> list[CrimeCategory]:
    """Categories that public outputs may name: public and not sensitive."""
    return list(CrimeCategory.objects.filter(public=True, sensitive=False).order_by("code"))


def incidents_in(
    period: ReportPeriod, *, district: District | None, category_ids: Iterable[int] | None = None
) -> IncidentQuerySet:
    queryset = Incident.objects.between(period.start_at, period.end_at)
    if district is not None:
        queryset = queryset.filter(district=district)
    if category_ids is not None:
        queryset = queryset.filter(category_id__in=list(category_ids))
    return queryset


def counts_by_category(queryset: IncidentQuerySet) -> dict[str, int]:
    rows = queryset.order_by().values("category__code").annotate(n=Count("id"))
    return {row["category__code"]: row["n"] for row in rows}


def counts_by_district(queryset: IncidentQuerySet) -> dict[str | None, int]:
    rows = queryset.order_by().values("district__ubigeo").annotate(n=Count("id"))
    return {row["district__ubigeo"]: row["n"] for row in rows}


def counts_by_origin(queryset: IncidentQuerySet) -> dict[str, int]:
    rows = queryset.order_by().values("origin").annotate(n=Count("id"))
    return {row["origin"]: row["n"] for row in rows}


def counts_by_hour(queryset: IncidentQuerySet) -> dict[int, int]:
    """Counts by hour of day in Lima time."""
    rows = (
        queryset.order_by()
        .annotate(h=ExtractHour("occurred_at", tzinfo=LIMA))
        .values("h")
        .annotate(n=Count("id"))
    )
    return {row["h"]: row["n"] for row in rows}


def counts_by_weekday(queryset: IncidentQuerySet) -> dict[int, int]:
    """Counts by weekday in Lima time, 0 being Monday (as ``datetime.weekday()``)."""
    rows = (
        queryset.order_by()
        .annotate(w=ExtractIsoWeekDay("occurred_at", tzinfo=LIMA))
        .values("w")
        .annotate(n=Count("id"))
    )
    return {row["w"] - 1: row["n"] for row in rows}


def severity_index(queryset: IncidentQuerySet) -> float:
    """Incidents weighted by their category's severity weight."""
    total = queryset.order_by().aggregate(s=Sum("category__severity_weight"))["s"]
    return float(total or 0.0)


def counts_by_cell(queryset: IncidentQuerySet, *, cell_m: int) -> dict[tuple[int, int], int]:
    """Counts per square cell of a fixed UTM grid: ``(column, row) -> count``.

    The grid is anchored at the CRS origin, not at the data, so every report uses the same
    cells and two maps cannot be subtracted to isolate a smaller area.
    """
    ids_sql, ids_params = queryset.order_by().values("id").query.sql_with_params()
    sql = f"""
        SELECT floor(ST_X(p) / %s)::int AS col, floor(ST_Y(p) / %s)::int AS row, count(*)
          FROM (SELECT ST_Transform(location, {UTM_SRID}) AS p
                  FROM incidents_incident WHERE id IN ({ids_sql})) AS projected
         GROUP BY 1, 2
    """  # noqa: S608 — the inner query is Django's own SQL with its parameters bound below
    with connection.cursor() as cursor:
        cursor.execute(sql, [cell_m, cell_m, *ids_params])
        return {(col, row): n for col, row, n in cursor.fetchall()}


def incidents_with_narratives(queryset: IncidentQuerySet, *, limit: int) -> list[tuple[int, str]]:
    """(id, narrative) of the newest incidents that have one."""
    rows = (
        queryset.exclude(narrative="")
        .order_by("-occurred_at", "-id")
        .values_list("id", "narrative")[:limit]
    )
    return list(rows)


# --- Report lists ------------------------------------------------------------------------------


def public_reports(
    *, district: str | None = None, now: dt.datetime | None = None
) -> ReportQuerySet:
    """Current published weekly reports for everybody, newest week first."""
    queryset = Report.objects.public(now).current().select_related("district")
    if district:
        queryset = queryset.filter(district__ubigeo=district)
    return queryset.order_by("-period_start", "district__ubigeo")


def official_reports(*, district: str | None = None) -> ReportQuerySet:
    """Current published monthly official reports (analysts only: the views check)."""
    queryset = (
        Report.objects.published()
        .current()
        .filter(kind=ReportKind.OFFICIAL_MONTHLY)
        .select_related("district")
    )
    if district == "all":
        queryset = queryset.filter(district__isnull=True)
    elif district:
        queryset = queryset.filter(district__ubigeo=district)
    return queryset.order_by("-period_start", "district__ubigeo")


def report_current_version(report: Report) -> Report:
    """The published version that replaces ``report`` in the end (itself if none does)."""
    current = report
    while True:
        newer = Report.objects.published().filter(supersedes=current).first()
        if newer is None:
            return current
        current = newer


def districts_with_public_reports() -> list[District]:
    ids = Report.objects.public().values("district_id")
    return list(District.objects.filter(pk__in=ids).order_by("name"))
