"""Writes and workflows for districts, sectors and incident datasets.

The narrative classifier (training, import suggestions, disputes) is in ``classifier``.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypedDict

from django.conf import settings
from django.contrib.gis.db.models.functions import Area, Intersection
from django.core.cache import cache
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from incidents import tasks
from incidents.boundaries import (
    SECTOR_CODE_FIELDS,
    SECTOR_NAME_FIELDS,
    BoundaryFileError,
    read_boundaries,
)
from incidents.importing.columns import guess_mapping
from incidents.importing.errors import ImportFileError
from incidents.importing.readers import open_table
from incidents.models import CrimeCategory, Dataset, DatasetStatus, District, Origin, Sector
from incidents.population import PopulationFileError, read_population
from incidents.taxonomy import normalise_label

if TYPE_CHECKING:
    from incidents.importing.pipeline import ImportOptions, ImportOutcome
    from incidents.importing.region import ImportArea

logger = logging.getLogger(__name__)

PROGRESS_TTL_S = 24 * 3600
PREVIEW_ROWS = 10


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
        district_parts_rebuild()
    return BoundaryImportResult(created, updated, [feature.name for feature in features])


def district_parts_rebuild() -> None:
    """Cut every district into pieces of at most 64 vertices for fast point-in-polygon."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_districtpart")
        cursor.execute(
            "INSERT INTO incidents_districtpart (district_id, geometry) "
            "SELECT id, ST_Subdivide(geometry, 64) FROM incidents_district"
        )


def sectors_import(*, source: str) -> BoundaryImportResult:
    """Load patrol sectors; each belongs to the district that holds most of its area."""
    features = read_boundaries(
        source,
        province=None,
        code_fields=SECTOR_CODE_FIELDS,
        name_fields=SECTOR_NAME_FIELDS,
    )
    created = updated = 0
    with transaction.atomic():
        for feature in features:
            district = (
                District.objects.filter(geometry__intersects=feature.geometry)
                .annotate(shared=Area(Intersection("geometry", feature.geometry)))
                .order_by("-shared")
                .first()
            )
            if district is None:
                raise BoundaryFileError(
                    f"Sector {feature.ubigeo} ({feature.name}) lies outside every loaded district."
                )
            _, was_created = Sector.objects.update_or_create(
                code=feature.ubigeo,
                defaults={
                    "name": feature.name,
                    "district": district,
                    "geometry": feature.geometry,
                    "source": source[:500],
                },
            )
            created += was_created
            updated += not was_created
    return BoundaryImportResult(created, updated, [feature.name for feature in features])


@dataclass(frozen=True)
class PopulationImportResult:
    updated: list[str]  # district names
    unknown: list[str]  # UBIGEO codes of the file that match no loaded district


def populations_import(*, source: str) -> PopulationImportResult:
    """Inhabitants per district from a population file, all or nothing; a newer file replaces."""
    rows = read_population(source)
    districts = {district.ubigeo: district for district in District.objects.all()}
    unknown = [row.ubigeo for row in rows if row.ubigeo not in districts]
    if len(unknown) == len(rows):
        raise PopulationFileError(
            _("No row of the population file matches a loaded district (UBIGEO %(codes)s).")
            % {"codes": ", ".join(unknown[:5])}
        )
    updated = []
    with transaction.atomic():
        for row in rows:
            district = districts.get(row.ubigeo)
            if district is None:
                continue
            district.population = row.population
            district.population_year = row.year
            district.population_source = (row.source or source)[:300]
            district.save(update_fields=["population", "population_year", "population_source"])
            updated.append(district.name)
    return PopulationImportResult(updated=updated, unknown=unknown)


# --- Datasets ------------------------------------------------------------------------------


def category_lookup() -> dict[str, int]:
    """Normalised code, names and aliases → category id."""
    lookup: dict[str, int] = {}
    for category in CrimeCategory.objects.all():
        for label in (category.code, category.name_es, category.name_en, *category.aliases):
            lookup.setdefault(normalise_label(label), category.pk)
    return lookup


def _sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while block := stream.read(1 << 20):
        digest.update(block)
        size += len(block)
    stream.seek(0)
    return digest.hexdigest(), size


def dataset_create(
    *,
    file: IO[bytes],
    name: str,
    source: str,
    uploaded_by: User | None = None,
    default_origin: str = Origin.VICTIM_REPORT,
    column_mapping: dict[str, str] | None = None,
) -> Dataset:
    """Archive an uploaded file (kept whatever happens to its import) and record it."""
    checksum, size = _sha256(file)
    dataset = Dataset(
        original_name=Path(name).name[:255],
        checksum=checksum,
        size_bytes=size,
        source=source.strip()[:100] or Path(name).stem[:100],
        default_origin=default_origin,
        column_mapping=column_mapping or {},
        uploaded_by=uploaded_by,
    )
    dataset.file.save(Path(name).name, File(file), save=False)
    dataset.save()
    return dataset


@dataclass(frozen=True)
class DatasetPreview:
    headers: list[str]
    guessed: dict[str, str]
    rows: list[list[str]]
    file_format: str
    error: str = ""


def dataset_preview(*, dataset: Dataset) -> DatasetPreview:
    """The header, a mapping guess and the first rows, for the column-mapping page."""
    try:
        with ExitStack() as stack:
            table = open_table(Path(dataset.file.path), stack)
            rows = []
            for _, values in table.rows:
                rows.append([value[:120] for value in values[: len(table.headers)]])
                if len(rows) == PREVIEW_ROWS:
                    break
            return DatasetPreview(
                table.headers[:500], guess_mapping(table.headers), rows, table.format
            )
    except ImportFileError as exc:
        return DatasetPreview([], {}, [], "", error=str(exc))


def dataset_same_file_imported(dataset: Dataset) -> Dataset | None:
    return (
        Dataset.objects.filter(checksum=dataset.checksum, status=DatasetStatus.IMPORTED)
        .exclude(pk=dataset.pk)
        .order_by("created_at")
        .first()
    )


def dataset_enqueue(*, dataset: Dataset, column_mapping: dict[str, str] | None = None) -> None:
    """Queue the import on a worker once the surrounding transaction commits."""
    if column_mapping is not None:
        dataset.column_mapping = column_mapping
    dataset.status = DatasetStatus.QUEUED
    dataset.save(update_fields=["column_mapping", "status"])
    dataset_progress_set(dataset.pk, 0, None)
    tasks.dataset_import_task.delay_on_commit(dataset.pk)  # type: ignore[attr-defined]


def dataset_progress_key(dataset_id: int) -> str:
    return f"dataset-progress:{dataset_id}"


def dataset_progress_set(dataset_id: int, done: int, total: int | None) -> None:
    cache.set(dataset_progress_key(dataset_id), {"done": done, "total": total}, PROGRESS_TTL_S)


class DatasetProgress(TypedDict):
    done: int
    total: int | None
    percent: int | None


def dataset_progress(dataset: Dataset) -> DatasetProgress:
    """Rows done and expected, from the cache while running and from the row when finished."""
    if dataset.is_finished:
        return {"done": dataset.rows_read, "total": dataset.rows_read, "percent": 100}
    progress = cache.get(dataset_progress_key(dataset.pk)) or {"done": 0, "total": None}
    total = progress["total"]
    percent = min(99, int(100 * progress["done"] / total)) if total else None
    return {"done": progress["done"], "total": total, "percent": percent}


ProgressCallback = Callable[[int, int | None], None]
INTERNAL_ERROR = (
    "Error interno durante la importación; no se importó nada. "
    "/ Internal error during the import; nothing was imported."
)


def dataset_import(
    *,
    dataset: Dataset,
    region: ImportArea | None = None,
    region_path: str | None = None,
    timezone_name: str | None = None,
    max_rejected_share: float | None = None,
    progress: ProgressCallback | None = None,
) -> Dataset:
    """Import a dataset all or nothing and record what happened on it.

    A file already imported (same SHA-256) is not imported again. Failures leave the
    incidents exactly as they were and say why on the dataset. Times without an offset are
    local time in ``timezone_name`` (default ``settings.TIME_ZONE``).
    """
    # pandas, pyarrow and shapely load here, in the worker, not in every web process.
    from incidents.importing.pipeline import ImportOutcome, run_import

    earlier = dataset_same_file_imported(dataset)
    if earlier is not None:
        return _dataset_mark_duplicate(dataset, earlier)
    _dataset_mark_running(dataset)
    outcome = ImportOutcome()
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / f"dataset-{dataset.pk}-rechazos.csv"
        try:
            run_import(
                Path(dataset.file.path),
                _import_options(dataset, region, region_path, timezone_name, max_rejected_share),
                dataset_id=dataset.pk,
                report_path=report_path,
                progress=_progress_reporter(dataset, progress),
                outcome=outcome,
            )
            dataset.status = DatasetStatus.IMPORTED
        except ImportFileError as exc:
            _dataset_mark_failed(dataset, outcome, str(exc))
        except Exception:
            logger.exception("dataset import failed", extra={"dataset": dataset.pk})
            _dataset_mark_failed(dataset, outcome, INTERNAL_ERROR)
            _record_outcome(dataset, outcome, report_path)
            raise
        _record_outcome(dataset, outcome, report_path)
    return dataset


def _dataset_mark_duplicate(dataset: Dataset, earlier: Dataset) -> Dataset:
    dataset.status = DatasetStatus.DUPLICATE
    dataset.message = (
        f"Este archivo ya fue importado el {timezone.localtime(earlier.created_at):%d/%m/%Y %H:%M} "
        f"(dataset #{earlier.pk}); no se importó de nuevo. / This file was already imported "
        f"(dataset #{earlier.pk}); it was not imported again."
    )
    dataset.finished_at = timezone.now()
    dataset.save()
    return dataset


def _dataset_mark_running(dataset: Dataset) -> None:
    dataset.status = DatasetStatus.RUNNING
    dataset.started_at = timezone.now()
    dataset.message = ""
    dataset.save(update_fields=["status", "started_at", "message"])


def _dataset_mark_failed(dataset: Dataset, outcome: ImportOutcome, message: str) -> None:
    dataset.status = DatasetStatus.FAILED
    dataset.message = message
    outcome.rows_imported = outcome.rows_duplicate = 0


def _import_options(
    dataset: Dataset,
    region: ImportArea | None,
    region_path: str | None,
    timezone_name: str | None,
    max_rejected_share: float | None,
) -> ImportOptions:
    """The pipeline's options for a dataset; a bad region file raises ImportFileError."""
    from incidents.importing.pipeline import ImportOptions
    from incidents.importing.region import region_from_districts, region_from_file
    from incidents.services.classifier import category_suggester

    if region is None:
        region = region_from_file(region_path) if region_path else region_from_districts()
    return ImportOptions(
        source=dataset.source,
        region=region,
        categories=category_lookup(),
        default_origin=dataset.default_origin,
        column_overrides=dict(dataset.column_mapping or {}),
        timezone=timezone_name or settings.TIME_ZONE,
        max_rejected_share=(
            settings.DATASET_MAX_REJECTED_SHARE
            if max_rejected_share is None
            else max_rejected_share
        ),
        suggester=category_suggester(),
    )


def _progress_reporter(dataset: Dataset, progress: ProgressCallback | None) -> ProgressCallback:
    """Progress to the cache (the dataset page polls it) and to the caller's callback."""

    def report(done: int, total: int | None) -> None:
        dataset_progress_set(dataset.pk, done, total)
        if progress is not None:
            progress(done, total)

    return report


def _record_outcome(dataset: Dataset, outcome: ImportOutcome, report_path: Path) -> None:
    dataset.rows_read = outcome.rows_read
    dataset.rows_imported = outcome.rows_imported
    dataset.rows_duplicate = outcome.rows_duplicate
    dataset.rows_rejected = outcome.rows_rejected
    dataset.rejection_summary = outcome.rejection_summary
    dataset.timings = outcome.timings
    if outcome.mapping:
        dataset.column_mapping = outcome.mapping
    if outcome.rows_rejected and report_path.exists():
        with report_path.open("rb") as report:
            dataset.error_report.save(report_path.name, File(report), save=False)
    dataset.finished_at = timezone.now()
    dataset.save()
    dataset_progress_set(dataset.pk, outcome.rows_read, outcome.rows_read)
