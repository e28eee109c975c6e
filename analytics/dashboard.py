"""The officials' KPI dashboard: one month, for Callao and each district, against targets.

Incident counts and their tests come from the incidents (``Incident.objects…tally``) and the
library (``poisson_change_test``: exact, exposure-adjusted by the days of each month); the
forecast figures from the predictions app through ``FORECAST_SECTIONS_PROVIDER``, as the
official report shows them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from analytics.forms import DashboardParams, Selection
from analytics.models import Indicator, KpiTarget
from callao.providers import Section, forecast_sections_provided
from forecasting.analysis import poisson_change_test, rate_per
from incidents.caching import cached_on_incidents
from incidents.models import CrimeCategory, District, Origin

ALPHA = 0.05
TOP_CATEGORIES = 3


@dataclass(frozen=True)
class Change:
    """A count against an earlier one: change in % of the daily rate, exact test's p-value."""

    earlier: int
    change_pct: float | None
    p_value: float | None
    significant: bool


@dataclass(frozen=True)
class TargetStatus:
    indicator: str
    label: str
    direction: str
    value: float
    actual: float | None
    on_track: bool | None


@dataclass(frozen=True)
class AreaKpis:
    ubigeo: str | None  # None: all of Callao
    name: str
    incidents: int
    previous_month: Change
    last_year: Change
    population: int | None
    population_year: int | None
    rate_per_10k: float | None
    top_categories: list[tuple[str, int]]
    victim_share_pct: float | None
    patrol_coverage_pct: float | None
    forecast_pai: float | None
    baseline_pai: float | None
    targets: list[TargetStatus] = field(default_factory=list)


@dataclass(frozen=True)
class Dashboard:
    month: str
    start: dt.date
    end: dt.date
    areas: list[AreaKpis]
    equity: Section

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        return data


# The dashboard also shows forecast figures and targets, which change without the incidents:
# the whole page is kept a minute (targets' edits bump their revision at once), its incident
# counts as long as the incidents stay the same.
DASHBOARD_SECONDS = 60
TARGETS_REVISION_KEY = "analytics:targets-revision"


def dashboard_build(params: DashboardParams) -> Dashboard:
    parts = {"params": params.key(), "targets": cache.get(TARGETS_REVISION_KEY, 0)}
    return cached_on_incidents(
        "kpi-dashboard", parts, lambda: _dashboard(params), seconds=DASHBOARD_SECONDS
    )


def targets_revision_bump(**_: object) -> None:
    """post_save / post_delete of a KPI target: the cached dashboards no longer hold."""
    try:
        cache.incr(TARGETS_REVISION_KEY)
    except ValueError:
        cache.set(TARGETS_REVISION_KEY, 1, timeout=None)


def _dashboard(params: DashboardParams) -> Dashboard:
    month = params.selection
    previous = _month_before(month)
    last_year = _same_month_last_year(month)
    counts = {period: _counts(period) for period in (month, previous, last_year)}
    start, end = month.bounds()
    forecast = forecast_sections_provided(district=None, start=start, end=end)
    names = dict(CrimeCategory.objects.values_list("code", "name_es"))
    targets = {(t.district_id, t.indicator): t for t in KpiTarget.objects.all()}
    areas = []
    for district in [None, *District.objects.defer("geometry").order_by("ubigeo")]:
        code = district.ubigeo if district else None
        area = _area(
            district,
            now=counts[month].get(code, Counter()),
            before=counts[previous].get(code, Counter()),
            year_ago=counts[last_year].get(code, Counter()),
            days=(_days(month), _days(previous), _days(last_year)),
            forecast=_forecast_row(forecast, district),
            names=names,
        )
        own = district.pk if district else None
        areas.append(_with_targets(area, [t for (where, _i), t in targets.items() if where == own]))
    return Dashboard(
        month=params.month,
        start=month.start,
        end=month.end,
        areas=areas,
        equity=forecast["equity"],
    )


def _month_before(month: Selection) -> Selection:
    end = month.start - dt.timedelta(days=1)
    return Selection(start=end.replace(day=1), end=end)


def _same_month_last_year(month: Selection) -> Selection:
    start = month.start.replace(year=month.start.year - 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return Selection(start=start, end=end)


def _days(period: Selection) -> int:
    return (period.end - period.start).days + 1


def _counts(period: Selection) -> dict[str | None, Counter[tuple[str, str]]]:
    """(category, origin) counts by district UBIGEO, and for all of Callao under ``None``.

    The one slow read of the dashboard (a month of incidents, three months a page): cached
    under the data's version; the forecast figures and targets are read fresh.
    """
    parts = {"start": period.start, "end": period.end}
    return cached_on_incidents("kpi-counts", parts, lambda: _counted(period))


def _counted(period: Selection) -> dict[str | None, Counter[tuple[str, str]]]:
    out: dict[str | None, Counter[tuple[str, str]]] = {None: Counter()}
    rows = period.incidents().tally("district__ubigeo", "category__code", "origin")
    for (ubigeo, category, origin), n in rows.items():
        out.setdefault(ubigeo, Counter())[(category, origin)] += n
        out[None][(category, origin)] += n
    return out


def _change(now: int, before: int, days_now: int, days_before: int) -> Change:
    test = poisson_change_test(
        now, before, current_exposure=days_now, previous_exposure=days_before
    )
    return Change(
        earlier=before,
        change_pct=None if test.change_pct is None else round(test.change_pct, 1),
        p_value=None if test.p_value is None else round(test.p_value, 4),
        significant=bool(test.significant(ALPHA)),
    )


def _area(
    district: District | None,
    *,
    now: Counter[tuple[str, str]],
    before: Counter[tuple[str, str]],
    year_ago: Counter[tuple[str, str]],
    days: tuple[int, int, int],
    forecast: dict[str, float | None],
    names: dict[str, str],
) -> AreaKpis:
    total = sum(now.values())
    by_category: Counter[str] = Counter()
    for (category, _origin), n in now.items():
        by_category[category] += n
    victims = sum(n for (_c, origin), n in now.items() if origin == Origin.VICTIM_REPORT)
    population, year = _population(district)
    return AreaKpis(
        ubigeo=district.ubigeo if district else None,
        name=district.name if district else _("All of Callao"),
        incidents=total,
        previous_month=_change(total, sum(before.values()), days[0], days[1]),
        last_year=_change(total, sum(year_ago.values()), days[0], days[2]),
        population=population,
        population_year=year,
        rate_per_10k=_rounded(rate_per(total, population), 2),
        top_categories=[(names.get(c, c), n) for c, n in by_category.most_common(TOP_CATEGORIES)],
        victim_share_pct=round(100 * victims / total, 1) if total else None,
        patrol_coverage_pct=forecast.get("coverage_pct"),
        forecast_pai=forecast.get("pai"),
        baseline_pai=forecast.get("baseline_pai"),
    )


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _population(district: District | None) -> tuple[int | None, int | None]:
    if district is not None:
        return district.population, district.population_year
    known = list(District.objects.values_list("population", "population_year"))
    if not known or any(population is None for population, _year in known):
        return None, None
    return sum(p or 0 for p, _y in known), max((y or 0 for _p, y in known), default=None)


def _forecast_row(
    sections: dict[str, Section], district: District | None
) -> dict[str, float | None]:
    """PAI, the baseline's PAI and patrol coverage of the area, from the provided tables."""
    if district is None:
        total = sections["forecast_total"]
        if not total.get("available") or not total.get("rows"):
            return {}
        row = total["rows"][0]
        return {"pai": _num(row[3]), "baseline_pai": _num(row[4]), "coverage_pct": _pct(row[7])}
    found: dict[str, float | None] = {}
    accuracy, coverage = sections["forecast_accuracy"], sections["patrol_coverage"]
    for row in accuracy.get("rows", []) if accuracy.get("available") else []:
        if row[0] == district.name:
            found.update(pai=_num(row[4]), baseline_pai=_num(row[5]))
    for row in coverage.get("rows", []) if coverage.get("available") else []:
        if row[0] == district.name:
            found["coverage_pct"] = _pct(row[3])
    return found


def _num(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _pct(value: object) -> float | None:
    number = _num(value)
    return None if number is None else round(100 * number, 1)


def _with_targets(area: AreaKpis, targets: list[KpiTarget]) -> AreaKpis:
    actual: dict[str, float | None] = {
        Indicator.INCIDENTS: float(area.incidents),
        Indicator.RATE: area.rate_per_10k,
        Indicator.CHANGE_LAST_YEAR: area.last_year.change_pct,
        Indicator.VICTIM_SHARE: area.victim_share_pct,
        Indicator.PATROL_COVERAGE: area.patrol_coverage_pct,
        Indicator.FORECAST_PAI: area.forecast_pai,
    }
    statuses = [
        TargetStatus(
            indicator=target.indicator,
            label=str(target.get_indicator_display()),
            direction=target.direction,
            value=target.value,
            actual=actual.get(target.indicator),
            on_track=target.met_by(actual.get(target.indicator)),
        )
        for target in sorted(targets, key=lambda t: t.indicator)
    ]
    return replace(area, targets=statuses)


def dashboard_title(params: DashboardParams) -> str:
    return _("KPI dashboard · %(month)s") % {"month": params.month}
