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
from accounts.roles import ADMINS, INCIDENT_POINTS, NARRATIVE_READERS, PUBLIC
from callao.errors import form_result
from incidents.forms import (
    FIELD_LABELS,
    ColumnMappingForm,
    DatasetUploadForm,
    IncidentMapFilterForm,
    SuggestionAcceptForm,
)
from incidents.models import CategoryClassifier, CategorySuggestion, Dataset, DatasetStatus
from incidents.services import dataset_create, dataset_enqueue, dataset_preview
from incidents.services.classifier import (
    DISPUTE_MAX_STATED,
    DISPUTE_MIN_PROBABILITY,
    category_suggestions_accept,
)

DATASETS_PER_PAGE = 25
DISPUTES_PER_PAGE = 50


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
    """The import's result; its suggested categories can be accepted here in bulk."""
    dataset = get_object_or_404(Dataset.objects.select_related("uploaded_by"), pk=pk)
    form = SuggestionAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted = form_result(
            form,
            lambda: category_suggestions_accept(
                dataset=dataset,
                user=request.user,  # type: ignore[arg-type]
                min_probability=form.cleaned_data["min_probability"],
            ),
        )
        if accepted is not None:
            messages.success(
                request, _("%(count)d suggested categories accepted.") % {"count": accepted}
            )
            return redirect("incidents:dataset-detail", pk=dataset.pk)
    pending = CategorySuggestion.objects.filter(dataset=dataset)
    context = {
        "dataset": dataset,
        "suggestions": pending.counts_by_category(),
        "suggestions_accepted": pending.filter(status="accepted").count(),
        "accept_form": form,
    }
    return render(request, "incidents/dataset_detail.html", context)


@roles_allowed(NARRATIVE_READERS)
def category_disputes(request: HttpRequest) -> HttpResponse:
    """Incidents whose stated category the narrative classifier strongly disputes."""
    disputes = (
        CategorySuggestion.objects.visible_to(request.user)
        .disputes(min_probability=DISPUTE_MIN_PROBABILITY)
        .select_related("incident__district", "incident__category", "category")
        .order_by("-probability", "-incident__occurred_at", "pk")
    )
    page = Paginator(disputes, DISPUTES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "classifier": CategoryClassifier.objects.filter(is_current=True).first(),
        "min_probability": DISPUTE_MIN_PROBABILITY,
        "max_stated": DISPUTE_MAX_STATED,
    }
    return render(request, "incidents/category_disputes.html", context)
