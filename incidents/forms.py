from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from incidents.importing.columns import FIELDS
from incidents.models import CrimeCategory, District, Origin

ACCEPTED = ".csv,.txt,.xlsx,.geojson,.json"

FIELD_LABELS: dict[str, Any] = {
    "occurred_at": _("Date and time"),
    "date": _("Date"),
    "time": _("Time"),
    "lat": _("Latitude"),
    "lon": _("Longitude"),
    "category": _("Category"),
    "external_id": _("Record id"),
    "district": _("District (informative)"),
    "origin": _("Origin"),
    "narrative": _("Narrative"),
    "severity": _("Severity (1–5)"),
    "reported_at": _("Report date"),
}
REQUIRED_FIELDS = {"lat", "lon", "category"}


class DatasetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or Latin-1, any delimiter), XLSX or GeoJSON."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        required=False,
        help_text=_("Who produced the data, e.g. SIDPOL Callao 2024. Default: the file name."),
    )
    default_origin = forms.ChoiceField(
        label=_("Origin of rows without one"), choices=Origin.choices, initial=Origin.VICTIM_REPORT
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.DATASET_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.DATASET_MAX_UPLOAD_MB}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class ColumnMappingForm(forms.Form):
    """One select per field, offering the file's headers; the guess comes pre-selected."""

    def __init__(
        self, *args: Any, headers: list[str], guessed: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *((header, header) for header in headers)]
        for field in FIELDS:
            self.fields[field] = forms.ChoiceField(
                label=FIELD_LABELS[field],
                choices=choices,
                required=False,
                initial=guessed.get(field, ""),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = [
            str(FIELD_LABELS[field]) for field in sorted(REQUIRED_FIELDS) if not data.get(field)
        ]
        if not data.get("occurred_at") and not data.get("date"):
            missing.insert(0, str(FIELD_LABELS["date"]))
        if missing:
            raise forms.ValidationError(
                _("Choose a column for: %(fields)s.") % {"fields": ", ".join(missing)}
            )
        chosen = [value for value in data.values() if value]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Each column can feed only one field."))
        return data

    def mapping(self) -> dict[str, str]:
        return {field: self.cleaned_data.get(field) or "" for field in FIELDS}


class IncidentMapFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=CrimeCategory.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        to_field_name="ubigeo",
        required=False,
        empty_label=_("All"),
    )


class SuggestionAcceptForm(forms.Form):
    """Accept an import's suggested categories at or above a probability."""

    min_probability = forms.FloatField(
        label=_("Minimum probability"),
        min_value=0.0,
        max_value=1.0,
        initial=0.8,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
