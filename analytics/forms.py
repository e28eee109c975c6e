"""The parameters of every analysis: one form each, shared by its page and its endpoint.

A form checks the input and turns it into a frozen parameter object; the object's canonical
JSON (``key()``) identifies the analysis, so the same question asked twice is answered once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callao.dates import FIRST_DAY, CalendarDateField, calendar_message
from callao.errors import InvalidInput
from forecasting.analysis import MIN_STEPS
from incidents.filters import IncidentFilters
from incidents.models import CrimeCategory, District, Incident, Origin
from incidents.querysets import IncidentQuerySet

STEPS = (("week", _("Week")), ("month", _("Month")))


def first_step(start: dt.date, step: str) -> dt.date:
    """The first whole week (a Monday) or month (its 1st) on or after ``start``."""
    if step == "week":
        return start + dt.timedelta(days=(7 - start.weekday()) % 7)
    if start.day == 1:
        return start
    return (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def time_steps(start: dt.date, end: dt.date, step: str) -> int:
    """Whole weeks (Monday to Sunday) or calendar months between ``start`` and ``end``.

    A cut week or month at either end is left out, so that the final time step, which the
    hot-spot categories judge by, is a complete one.
    """
    first = first_step(start, step)
    if step == "week":
        return max(0, ((end - first).days + 1) // 7)
    months = (end.year - first.year) * 12 + end.month - first.month
    last_day = (end + dt.timedelta(days=1)).day == 1
    return max(0, months + (1 if last_day else 0))


@dataclass(frozen=True)
class Selection:
    """Which incidents an analysis uses: a period (last day included) and optional filters."""

    start: dt.date
    end: dt.date
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()

    def incidents(self) -> IncidentQuerySet:
        """The incidents of the selection (analysts see every district)."""
        return Incident.objects.filtered(self.incident_filters())

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as local instants: its first midnight and the midnight after its end."""
        zone = timezone.get_default_timezone()
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=zone),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=zone),
        )

    def incident_filters(self) -> IncidentFilters:
        start, end = self.bounds()
        return IncidentFilters(
            start=start,
            end=end,
            categories=self.categories,
            districts=self.districts,
            origins=self.origins,
        )


@dataclass(frozen=True)
class AnalysisParams:
    selection: Selection

    def canonical(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str, sort_keys=True))

    def key(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(f"{type(self).__name__}:{text}".encode()).hexdigest()


@dataclass(frozen=True)
class TemporalParams(AnalysisParams):
    pass


@dataclass(frozen=True)
class HotspotParams(AnalysisParams):
    cell_m: int = 250
    step: str = "week"
    distance_m: int = 500
    time_window: int = 0


@dataclass(frozen=True)
class NearRepeatParams(AnalysisParams):
    distance_band_m: int = 100
    distance_bands: int = 5
    time_band_days: int = 7
    time_bands: int = 5
    permutations: int = 99


@dataclass(frozen=True)
class DashboardParams(AnalysisParams):
    month: str = ""  # YYYY-MM; the selection is that month


def _today() -> dt.date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


class SelectionForm(forms.Form):
    """Period and filters; the period defaults to the form's ``default_days`` up to yesterday."""

    default_days = 365
    max_days = 5 * 366

    start = CalendarDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = CalendarDateField(
        label=_("Until (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    category = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=CrimeCategory.objects.order_by("name_es"),
        to_field_name="code",
        required=False,
    )
    district = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.order_by("name"),
        to_field_name="ubigeo",
        required=False,
    )
    origin = forms.MultipleChoiceField(label=_("Origin"), choices=Origin.choices, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = _today()
        end = data.get("end") or today - dt.timedelta(days=1)
        start = data.get("start") or end - dt.timedelta(days=self.default_days - 1)
        if start > today:
            raise forms.ValidationError(_("The period starts in the future."))
        if end > today:
            raise forms.ValidationError(_("The period must not end after today."))
        if end < start:
            raise forms.ValidationError(_("The end date must not be before the start date."))
        if (end - start).days + 1 > self.max_days:
            raise forms.ValidationError(
                _("Choose at most %(days)d days.") % {"days": self.max_days}
            )
        data["start"], data["end"] = start, end
        return data

    def selection(self) -> Selection:
        return self.selection_from(self.cleaned_data)

    @staticmethod
    def selection_from(data: dict[str, Any]) -> Selection:
        return Selection(
            start=data["start"],
            end=data["end"],
            categories=tuple(sorted(c.code for c in data.get("category") or ())),
            districts=tuple(sorted(d.ubigeo for d in data.get("district") or ())),
            origins=tuple(sorted(data.get("origin") or ())),
        )


class TemporalForm(SelectionForm):
    default_days = 3 * 365 + 1
    max_days = 10 * 366

    def params(self) -> TemporalParams:
        return TemporalParams(selection=self.selection())


class HotspotForm(SelectionForm):
    default_days = 2 * 364  # 104 weeks
    cell_m = forms.IntegerField(
        label=_("Cell size (m)"), initial=250, min_value=50, max_value=5000, required=False
    )
    step = forms.ChoiceField(label=_("Time step"), choices=STEPS, initial="week", required=False)
    distance_m = forms.IntegerField(
        label=_("Neighbourhood distance (m)"),
        initial=500,
        min_value=50,
        max_value=10_000,
        required=False,
        help_text=_("Cells whose centres lie this close are neighbours (Getis-Ord Gi*)."),
    )
    time_window = forms.IntegerField(
        label=_("Previous time steps in the neighbourhood"),
        initial=0,
        min_value=0,
        max_value=12,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["cell_m"] = data.get("cell_m") or 250
        data["distance_m"] = data.get("distance_m") or 2 * data["cell_m"]
        data["step"] = data.get("step") or "week"
        data["time_window"] = data.get("time_window") or 0
        if data["distance_m"] < data["cell_m"]:
            raise forms.ValidationError(
                _("The neighbourhood must reach at least the next cell (distance ≥ cell size).")
            )
        if "start" in data and time_steps(data["start"], data["end"], data["step"]) < MIN_STEPS:
            raise forms.ValidationError(
                _("The period holds %(n)d time steps; the analysis needs at least %(min)d.")
                % {"n": time_steps(data["start"], data["end"], data["step"]), "min": MIN_STEPS}
            )
        cells = District.objects.all().to_region().area / data["cell_m"] ** 2
        if cells > settings.ANALYTICS_MAX_CELLS:
            self.add_error(
                "cell_m",
                _("Cells of %(cell)d m would make about %(n)d cells; the limit is %(max)d.")
                % {"cell": data["cell_m"], "n": cells, "max": settings.ANALYTICS_MAX_CELLS},
            )
        return data

    def params(self) -> HotspotParams:
        data = self.cleaned_data
        return HotspotParams(
            selection=self.selection(),
            cell_m=data["cell_m"],
            step=data["step"],
            distance_m=data["distance_m"],
            time_window=data["time_window"],
        )


class NearRepeatForm(SelectionForm):
    max_days = 3 * 366
    distance_band_m = forms.IntegerField(
        label=_("Distance band (m)"), initial=100, min_value=10, max_value=2000, required=False
    )
    distance_bands = forms.IntegerField(
        label=_("Distance bands"), initial=5, min_value=1, max_value=10, required=False
    )
    time_band_days = forms.IntegerField(
        label=_("Time band (days)"), initial=7, min_value=1, max_value=90, required=False
    )
    time_bands = forms.IntegerField(
        label=_("Time bands"), initial=5, min_value=1, max_value=10, required=False
    )
    permutations = forms.IntegerField(
        label=_("Permutations"), initial=99, min_value=99, max_value=999, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Pairs grow with the square of the incidents: past the limit the test would take
        # minutes and gigabytes; a narrower selection answers the same question faster.
        count = self.selection_from(data).incidents().count()
        if count > settings.ANALYTICS_NEAR_REPEAT_MAX_INCIDENTS:
            raise forms.ValidationError(
                _(
                    "The selection holds %(n)d incidents; the near-repeat test takes at most %(max)d. Choose a category, a district or a shorter period."
                )
                % {"n": count, "max": settings.ANALYTICS_NEAR_REPEAT_MAX_INCIDENTS}
            )
        return data

    def params(self) -> NearRepeatParams:
        data = self.cleaned_data
        return NearRepeatParams(
            selection=self.selection(),
            distance_band_m=data.get("distance_band_m") or 100,
            distance_bands=data.get("distance_bands") or 5,
            time_band_days=data.get("time_band_days") or 7,
            time_bands=data.get("time_bands") or 5,
            permutations=data.get("permutations") or 99,
        )


class DashboardForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def clean_month(self) -> str:
        month: str = self.cleaned_data.get("month") or ""
        today = _today()
        if not month:
            last = today.replace(day=1) - dt.timedelta(days=1)
            return f"{last.year}-{last.month:02d}"
        if month > f"{today.year}-{today.month:02d}":
            raise forms.ValidationError(_("The month is in the future."))
        if month < FIRST_DAY.isoformat()[:7]:
            raise forms.ValidationError(calendar_message())
        return month

    def params(self) -> DashboardParams:
        month = self.cleaned_data["month"]
        year, number = (int(part) for part in month.split("-"))
        first = dt.date(year, number, 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return DashboardParams(selection=Selection(start=first, end=last), month=month)


AnyParams = TypeVar("AnyParams", bound=AnalysisParams)
PARAMS_OF_KIND: dict[str, type[AnalysisParams]] = {
    "hotspots": HotspotParams,
    "near_repeat": NearRepeatParams,
}


def params_kind(params: AnalysisParams) -> str:
    """The AnalysisKind of a heavy analysis' parameters."""
    return next(kind for kind, cls in PARAMS_OF_KIND.items() if isinstance(params, cls))


def params_load(kind: str, canonical: dict[str, Any]) -> AnalysisParams:
    """Parameters back from their canonical JSON (a run's ``params``)."""
    values = dict(canonical)
    raw = values.pop("selection")
    selection = Selection(
        start=dt.date.fromisoformat(raw["start"]),
        end=dt.date.fromisoformat(raw["end"]),
        categories=tuple(raw["categories"]),
        districts=tuple(raw["districts"]),
        origins=tuple(raw["origins"]),
    )
    return PARAMS_OF_KIND[kind](selection=selection, **values)


def valid_params(form: forms.Form, params: Callable[[], AnyParams]) -> AnyParams:
    """The form's parameters, or an InvalidInput naming what is wrong (the API's 400)."""
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    return params()
