from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.permissions import RolesAllowedMixin, roles_allowed
from accounts.roles import ADMINS, INCIDENT_POINTS, PUBLIC
from incidents.forms import (
    FIELD_LABELS,
    ColumnMappingForm,
    DatasetUploadForm,
    IncidentMapFilterForm,
)
from incidents.models import Dataset, DatasetStatus
from incidents.services import dataset_create, dataset_enqueue, dataset_preview

DATASETS_PER_PAGE = 25


class DistrictMapView(RolesAllowedMixin, TemplateView):
    allowed_roles = PUBLIC
    template_name = "incidents/district_map.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["tile_url"] = settings.MAP_TILE_URL
        context["tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
        return context


class IncidentMapView(RolesAllowedMixin, TemplateView):
    """Incidents as vector tiles with date, category and district filters."""

    allowed_roles = INCIDENT_POINTS
    template_name = "incidents/incident_map.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["form"] = IncidentMapFilterForm(self.request.GET or None)
        context["tile_url"] = settings.MAP_TILE_URL
        context["tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
        return context


@roles_allowed(ADMINS)
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = Dataset.objects.select_related("uploaded_by").order_by("-created_at")
    page = Paginator(datasets, DATASETS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "incidents/dataset_list.html", {"page": page})


@roles_allowed(ADMINS)
def dataset_upload(request: HttpRequest) -> HttpResponse:
    form = DatasetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dataset = dataset_create(
            file=upload,
            name=upload.name,
            source=form.cleaned_data["source"],
            uploaded_by=request.user,  # type: ignore[arg-type]
            default_origin=form.cleaned_data["default_origin"],
        )
        return redirect("incidents:dataset-mapping", pk=dataset.pk)
    return render(request, "incidents/dataset_upload.html", {"form": form})


@roles_allowed(ADMINS)
def dataset_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = get_object_or_404(Dataset, pk=pk)
    if dataset.status != DatasetStatus.UPLOADED:
        return redirect("incidents:dataset-detail", pk=dataset.pk)
    preview = dataset_preview(dataset=dataset)
    form = ColumnMappingForm(request.POST or None, headers=preview.headers, guessed=preview.guessed)
    if request.method == "POST" and not preview.error and form.is_valid():
        dataset_enqueue(dataset=dataset, column_mapping=form.mapping())
        messages.success(request, _("Import queued: you can follow it here."))
        return redirect("incidents:dataset-detail", pk=dataset.pk)
    context: dict[str, Any] = {
        "dataset": dataset,
        "preview": preview,
        "form": form,
        "field_labels": FIELD_LABELS,
    }
    return render(request, "incidents/dataset_mapping.html", context)


@roles_allowed(ADMINS)
def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = get_object_or_404(Dataset.objects.select_related("uploaded_by"), pk=pk)
    return render(request, "incidents/dataset_detail.html", {"dataset": dataset})
