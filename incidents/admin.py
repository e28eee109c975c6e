from django.contrib import admin
from django.http import HttpRequest

from incidents.models import CrimeCategory, Dataset, District, Incident, Sector


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    """Boundaries are loaded from files (`import_boundaries`), not drawn by hand."""

    list_display = ("ubigeo", "name", "province", "updated_at")
    search_fields = ("ubigeo", "name")
    readonly_fields = ("geometry", "source", "updated_at")


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "district")
    list_filter = ("district",)
    search_fields = ("code", "name")
    readonly_fields = ("geometry", "source")


@admin.register(CrimeCategory)
class CrimeCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_es", "name_en", "severity_weight", "public", "sensitive")
    list_filter = ("public", "sensitive")
    search_fields = ("code", "name_es", "name_en", "aliases")


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    """Read-only record of imports; uploads go through the dataset pages (one code path)."""

    list_display = (
        "pk",
        "original_name",
        "source",
        "status",
        "rows_imported",
        "rows_rejected",
        "created_at",
    )
    list_filter = ("status", "source")
    search_fields = ("original_name", "source", "checksum")
    readonly_fields = [field.name for field in Dataset._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    """Narratives are left out here: they are read through the audited API."""

    list_display = ("pk", "occurred_at", "category", "district", "origin", "source")
    list_filter = ("category", "district", "origin", "source")
    search_fields = ("external_id",)
    date_hierarchy = "occurred_at"
    list_select_related = ("category", "district")
    exclude = ("narrative",)
    readonly_fields = ("location", "fingerprint", "dataset", "source", "external_id")
    show_full_result_count = False
