from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callao.dates import CalendarDateField
from incidents.models import CrimeCategory, District

MAX_SELECTION_DAYS = 366


class ReportFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.order_by("name"),
        to_field_name="ubigeo",
        required=False,
        empty_label=_("All districts"),
    )


class NarrativeSelection(TypedDict):
    start: dt.date
    end: dt.date
    district: District | None
    category: CrimeCategory | None


class NarrativeSelectionForm(forms.Form):
    """The incidents whose narratives are grouped into themes (default: the last 7 days)."""

    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.order_by("name"),
        to_field_name="ubigeo",
        required=False,
        empty_label=_("All districts"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=CrimeCategory.objects.order_by("name_es"),
        to_field_name="code",
        required=False,
        empty_label=_("All categories"),
    )
    start = CalendarDateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = CalendarDateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    @staticmethod
    def defaults() -> dict[str, dt.date]:
        today = timezone.localdate(timezone=timezone.get_default_timezone())
        return {"start": today - dt.timedelta(days=7), "end": today - dt.timedelta(days=1)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date must not be before the start date."))
            if (end - start).days > MAX_SELECTION_DAYS:
                raise forms.ValidationError(_("Choose at most one year."))
        return data

    def selection(self) -> NarrativeSelection:
        """The cleaned selection, as ``narrative_themes_read`` takes it (after is_valid())."""
        data = self.cleaned_data
        return {
            "start": data["start"],
            "end": data["end"],
            "district": data["district"],
            "category": data["category"],
        }
