from django.contrib import admin

from incidents.models import District


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    """Boundaries are loaded from files (`import_boundaries`), not drawn by hand."""

    list_display = ("ubigeo", "name", "province", "updated_at")
    search_fields = ("ubigeo", "name")
    readonly_fields = ("geometry", "source", "updated_at")
