from django.contrib import admin
from django.http import HttpRequest

from analytics.models import AnalysisRun, KpiTarget


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):
    """Officials' targets are set by admins here; the dashboard shows on/off track."""

    list_display = ("district", "indicator", "direction", "value", "note")
    list_filter = ("indicator", "district")


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    """Read-only: runs are made by the analytics pages and the nightly refresh."""

    list_display = ("pk", "kind", "status", "progress", "incidents", "created_at", "finished_at")
    list_filter = ("kind", "status")
    readonly_fields = [field.name for field in AnalysisRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
