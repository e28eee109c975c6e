"""Orchestrates one import: read chunks, validate them, load them; commit once or not at all."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone

from incidents.importing.arrow_csv import NeedsRowReader, arrow_frames
from incidents.importing.columns import ColumnMapping, resolve_mapping
from incidents.importing.errors import ImportFileError
from incidents.importing.loader import IncidentLoader
from incidents.importing.readers import TabularSource, open_table
from incidents.importing.region import ImportArea
from incidents.importing.report import RejectionReport
from incidents.importing.suggestions import CategorySuggester, SuggestionCollector
from incidents.importing.validation import ValidationContext, frame_from_rows, validate_chunk

# Arrow's jemalloc keeps freed chunk buffers for a while (a million-row import peaked at 946 MB);
# returning them at once keeps the peak lowest (below glibc's, which fragments).
pa.set_memory_pool(pa.jemalloc_memory_pool())
pa.jemalloc_set_decay_ms(0)

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int | None], None]
CHUNK_ROWS = 50_000


@dataclass(frozen=True)
class ImportOptions:
    source: str
    region: ImportArea
    categories: dict[str, int]
    timezone: str  # of times without an offset (the service passes settings.TIME_ZONE)
    default_origin: str = "victim_report"
    column_overrides: dict[str, str] = field(default_factory=dict)
    max_rejected_share: float = 0.5
    chunk_rows: int = 0  # 0: CHUNK_ROWS
    # The narrative classifier, when one is in use: suggests categories (importing/suggestions).
    suggester: CategorySuggester | None = None


@dataclass
class ImportOutcome:
    rows_read: int = 0
    rows_imported: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    rows_suggested: int = 0
    rejection_summary: dict[str, dict[str, object]] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    file_format: str = ""
    reader: str = ""  # "arrow" or "rows"
    timings: dict[str, float] = field(default_factory=dict)


class TooManyRejections(ImportFileError):
    """More rows failed than the dataset allows; nothing was imported."""


def run_import(
    path: Path,
    options: ImportOptions,
    *,
    dataset_id: int | None,
    report_path: Path,
    progress: ProgressCallback | None = None,
    outcome: ImportOutcome | None = None,
) -> ImportOutcome:
    """Import ``path`` all or nothing. Raises ImportFileError (and rolls back) on failure.

    ``outcome`` is filled as the import goes, so a caller still has the counts after a failure.
    A CSV that Arrow may read goes through Arrow; if Arrow meets a row it cannot place, the
    attempt is rolled back and the file is read again row by row.
    """
    outcome = outcome or ImportOutcome()
    try:
        return _import(path, options, dataset_id, report_path, progress, outcome, arrow=True)
    except NeedsRowReader as exc:
        logger.info("reading %s row by row: %s", path.name, exc)
        vars(outcome).update(vars(ImportOutcome()))
        return _import(path, options, dataset_id, report_path, progress, outcome, arrow=False)


def _import(
    path: Path,
    options: ImportOptions,
    dataset_id: int | None,
    report_path: Path,
    progress: ProgressCallback | None,
    outcome: ImportOutcome,
    *,
    arrow: bool,
) -> ImportOutcome:
    started = time.perf_counter()
    timing = {"read_validate": 0.0}
    with ExitStack() as stack:
        table = open_table(path, stack)
        mapping = resolve_mapping(table.headers, options.column_overrides)
        outcome.mapping = mapping.as_names()
        outcome.file_format = table.format
        outcome.reader = "arrow" if arrow and table.arrow_readable else "rows"
        context = _context(mapping, options)
        report = RejectionReport(report_path)
        stack.callback(report.close)
        suggestions = SuggestionCollector(options.suggester) if options.suggester else None
        frames = _frames(path, table, mapping, options, arrow=outcome.reader == "arrow")
        outermost = not connection.in_atomic_block
        with (
            transaction.atomic(),
            IncidentLoader(
                source=options.source,
                dataset_id=dataset_id,
                expected_rows=table.total_hint,
                outermost=outermost,
            ) as loader,
        ):
            # A bulk load's copy of the incident table outlives a failed transaction: the
            # stack drops it once this block (and the transaction) has ended.
            stack.callback(loader.discard)
            while True:
                tick = time.perf_counter()
                frame = next(frames, None)
                if frame is None:
                    break
                result = validate_chunk(frame, context)
                report.add(result.rejected)
                timing["read_validate"] += time.perf_counter() - tick
                if suggestions is not None:
                    suggestions.add(result.valid)
                loader.load(result.valid)
                outcome.rows_read += len(frame)
                outcome.rows_rejected = report.rows
                outcome.rejection_summary = report.summary()
                if progress is not None:
                    progress(outcome.rows_read, table.total_hint)
            _check_rejections(outcome, options)
            outcome.rows_imported = loader.finish()
            outcome.rows_duplicate = loader.staged - outcome.rows_imported
            timing.update(loader.timings)
            if suggestions is not None:
                outcome.rows_suggested = suggestions.save(dataset_id=dataset_id)
                timing["suggest"] = suggestions.seconds
    timing["total"] = time.perf_counter() - started
    outcome.timings = {name: round(seconds, 3) for name, seconds in timing.items()}
    return outcome


def _frames(
    path: Path, table: TabularSource, mapping: ColumnMapping, options: ImportOptions, *, arrow: bool
) -> Iterator[pd.DataFrame]:
    """The file's chunks of raw values: Arrow's streaming reader, or row by row."""
    if arrow:
        return arrow_frames(
            path, delimiter=table.delimiter, header_width=len(table.headers), mapping=mapping
        )
    return _row_frames(table, mapping, options.chunk_rows or CHUNK_ROWS)


def _row_frames(table: TabularSource, mapping: ColumnMapping, size: int) -> Iterator[pd.DataFrame]:
    rows = iter(table.rows)
    while chunk := list(itertools.islice(rows, size)):
        yield frame_from_rows(chunk, mapping)


def _context(mapping: ColumnMapping, options: ImportOptions) -> ValidationContext:
    return ValidationContext(
        mapping=mapping,
        region=options.region,
        categories=options.categories,
        default_origin=options.default_origin,
        timezone=options.timezone,
        now=pd.Timestamp(timezone.now()),
        fallback_category_id=options.suggester.other_id if options.suggester else None,
    )


def _check_rejections(outcome: ImportOutcome, options: ImportOptions) -> None:
    if outcome.rows_read == 0:
        raise ImportFileError(
            "El archivo no tiene filas de datos (solo encabezado).",
            "The file has no data rows (header only).",
        )
    share = outcome.rows_rejected / outcome.rows_read
    if outcome.rows_rejected == outcome.rows_read or share > options.max_rejected_share:
        top = next(iter(outcome.rejection_summary.values()), {"es": "", "en": ""})
        raise TooManyRejections(
            f"Se rechazaron {outcome.rows_rejected:,} de {outcome.rows_read:,} filas "
            f"({share:.0%}, máximo {options.max_rejected_share:.0%}); motivo principal: {top['es']}. "
            "No se importó nada; revise el reporte de errores.",
            f"{outcome.rows_rejected:,} of {outcome.rows_read:,} rows were rejected "
            f"({share:.0%}, at most {options.max_rejected_share:.0%}); main reason: {top['en']}. "
            "Nothing was imported; see the error report.",
        )
