"""Pages: the officers' patrol map, sheet and visit form; accuracy and model runs; operations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import roles_allowed
from accounts.roles import ADMINS, ANALYSTS, PATROL
from incidents.models import District, Incident
from predictions.filters import patrol_district
from predictions.models import Forecast, ForecastEvaluation, ModelRun, PatrolZone
from predictions.presenters import accuracy_chart, sheet_map_svg, zone_reason
from predictions.services.visits import patrol_visit_create
from predictions.shifts import shift_current


def _patrol_context(request: HttpRequest) -> dict[str, Any]:
    window = shift_current(moment=timezone.now())
    forecast = Forecast.objects.visible_to(request.user).latest_for(window.start)
    district = patrol_district(request.user, request.GET.get("district"), strict=False)
    zones = (
        list(PatrolZone.objects.visible_to(request.user).of_forecast(forecast, district))
        if forecast
        else []
    )
    for zone in zones:
        zone.reason = zone_reason(zone)  # type: ignore[attr-defined]
    return {
        "window": window,
        "forecast": forecast,
        "district": district,
        "districts": District.objects.in_scope_of(request.user),
        "zones": zones,
        "synthetic": Incident.objects.synthetic().exists(),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


@roles_allowed(PATROL)
def patrol_map(request: HttpRequest) -> HttpResponse:
    return render(request, "predictions/patrol_map.html", _patrol_context(request))


@roles_allowed(PATROL)
def patrol_sheet(request: HttpRequest) -> HttpResponse:
    context = _patrol_context(request)
    context["map_svg"] = mark_safe(sheet_map_svg(context["zones"]))  # noqa: S308 - built from numbers
    context["printed_at"] = timezone.localtime()
    return render(request, "predictions/patrol_sheet.html", context)


class VisitForm(forms.Form):
    zone = forms.ModelChoiceField(queryset=PatrolZone.objects.none(), label=gettext_lazy("Zone"))
    started_at = forms.DateTimeField(
        label=gettext_lazy("Start"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ended_at = forms.DateTimeField(
        label=gettext_lazy("End"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("started_at")
            and data.get("ended_at")
            and data["ended_at"] < data["started_at"]
        ):
            raise forms.ValidationError(_("The visit must end after it starts."))
        return data


@roles_allowed(PATROL)
def visit_log(request: HttpRequest) -> HttpResponse:
    window = shift_current(moment=timezone.now())
    forecast = Forecast.objects.visible_to(request.user).latest_for(window.start)
    zones = PatrolZone.objects.visible_to(request.user).filter(forecast=forecast)
    zones = zones.select_related("district").order_by("district__ubigeo", "rank")
    now = timezone.localtime().replace(second=0, microsecond=0)
    first = zones.first()
    initial = {
        "zone": request.GET.get("zone") or (first.pk if first else None),
        "started_at": now - timedelta(minutes=30),
        "ended_at": now,
    }
    form = VisitForm(request.POST or None, initial=initial)
    form.fields["zone"].queryset = zones  # type: ignore[attr-defined]
    form.fields["zone"].label_from_instance = lambda z: f"{z.district.name} · #{z.rank}"  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        patrol_visit_create(
            zone=form.cleaned_data["zone"],
            officer=request.user,  # type: ignore[arg-type]
            started_at=form.cleaned_data["started_at"],
            ended_at=form.cleaned_data["ended_at"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Visit recorded."))
        return redirect("predictions:patrol-map")
    return render(request, "predictions/visit_form.html", {"form": form, "window": window})


@roles_allowed(ANALYSTS)
def accuracy(request: HttpRequest) -> HttpResponse:
    evaluations = ForecastEvaluation.objects.visible_to(request.user)
    rolling = evaluations.callao_wide().recent().pooled()
    below = (
        rolling.pai is not None
        and rolling.baseline_pai is not None
        and rolling.pai < rolling.baseline_pai
    )
    champion = ModelRun.objects.visible_to(request.user).champion()
    names = dict(District.objects.values_list("ubigeo", "name"))
    equity = [
        {**row, "name": names.get(row["district"], row["district"])}
        for row in (champion.equity if champion else [])
    ]
    return render(
        request,
        "predictions/accuracy.html",
        {
            "chart": accuracy_chart(evaluations.callao_wide().recent(days=90).series()),
            "rolling": rolling,
            "below_baseline": below,
            "by_district": evaluations.per_district().recent().pooled_by_district(),
            "champion": champion,
            "equity": equity,
            "synthetic": Incident.objects.synthetic().exists(),
        },
    )


@roles_allowed(ANALYSTS)
def model_runs(request: HttpRequest) -> HttpResponse:
    runs = ModelRun.objects.visible_to(request.user)
    return render(
        request,
        "predictions/model_runs.html",
        {
            "runs": runs.order_by("-created_at")[:50],
            "history": runs.champion_history()[:20],
            "champion": runs.champion(),
        },
    )


@roles_allowed(ADMINS)
def operations(request: HttpRequest) -> HttpResponse:
    champion = ModelRun.objects.visible_to(request.user).champion()
    return render(request, "predictions/operations.html", {"champion": champion})
