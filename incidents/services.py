"""Writes for districts (and, later, datasets and incidents)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from incidents.boundaries import read_boundaries
from incidents.models import District


@dataclass(frozen=True)
class BoundaryImportResult:
    created: int
    updated: int
    districts: list[str]


def boundaries_import(*, source: str, province: str | None = "CALLAO") -> BoundaryImportResult:
    """Load or refresh district boundaries from a file or URL, all or nothing."""
    features = read_boundaries(source, province=province)
    created = updated = 0
    with transaction.atomic():
        for feature in features:
            _, was_created = District.objects.update_or_create(
                ubigeo=feature.ubigeo,
                defaults={
                    "name": feature.name,
                    "province": feature.province,
                    "geometry": feature.geometry,
                    "source": source[:500],
                },
            )
            created += was_created
            updated += not was_created
    return BoundaryImportResult(created, updated, [feature.name for feature in features])
