"""Reports in the admin: read-only (they are generated, never typed), drafts can be published."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reports.models import Report, ReportStatus
from reports.services import ReportError, report_publish


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "district",
        "period",
        "version",
        "status",
        "published_at",
        "summary_backend",
        "summary_fell_back",
    )
    list_filter = ("kind", "status", "district", "summary_backend", "summary_fell_back")
    search_fields = ("period", "district__name", "district__ubigeo")
    ordering = ("-period_start", "district__ubigeo", "-version")
    actions = ["publish_drafts"]

    def get_readonly_fields(self, request: HttpRequest, obj: Report | None = None) -> list[str]:
        # Every field: a report is the output of report_generate, and published ones are
        # immutable (a correction is `generate_reports --correct`).
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Drafts may be thrown away; published reports are kept for good.
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == ReportStatus.DRAFT
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        super().delete_queryset(request, queryset.filter(status=ReportStatus.DRAFT))

    @admin.action(description=_("Publish the selected drafts"))
    def publish_drafts(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        published = 0
        for report in queryset.filter(status=ReportStatus.DRAFT):
            try:
                report_publish(report=report)
            except ReportError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            published += 1
        self.message_user(
            request,
            ngettext("%(n)d report published.", "%(n)d reports published.", published)
            % {"n": published},
            messages.SUCCESS,
        )
