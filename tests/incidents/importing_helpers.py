"""Builders for import test files (hostile ones included), written by the tests themselves."""

from __future__ import annotations

from pathlib import Path

from incidents.models import Dataset, DatasetStatus
from incidents.services import dataset_create, dataset_import

# Points inside Callao's districts (Bellavista, Callao Cercado, Ventanilla).
BELLAVISTA = (-12.0599, -77.1112)
CALLAO = (-12.0037, -77.1185)
VENTANILLA = (-11.8839, -77.1233)

CANONICAL_HEADER = "occurred_at,lat,lon,category,external_id,origin,narrative,severity"


def canonical_rows(count: int, *, start_id: int = 1) -> list[str]:
    rows = []
    for i in range(count):
        lat, lon = (BELLAVISTA, CALLAO, VENTANILLA)[i % 3]
        rows.append(
            f"2024-03-{1 + i % 28:02d}T{i % 24:02d}:15:00,{lat + i * 1e-5:.6f},{lon:.6f},robo,"
            f"EXT-{start_id + i},citizen_call,Relato {i},{1 + i % 5}"
        )
    return rows


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def import_file(path: Path, *, source: str = "test", **options: object) -> Dataset:
    with path.open("rb") as stream:
        dataset = dataset_create(file=stream, name=path.name, source=source)
    return dataset_import(dataset=dataset, **options)  # type: ignore[arg-type]


def assert_failed_cleanly(dataset: Dataset, message_part: str) -> None:
    assert dataset.status == DatasetStatus.FAILED, dataset.message
    assert message_part in dataset.message, dataset.message
    assert dataset.rows_imported == 0
    assert dataset.incidents.count() == 0
