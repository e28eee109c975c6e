"""Arrow reads clean CSVs; whatever it cannot place goes row by row, with the same results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from incidents.importing import arrow_csv, pipeline
from incidents.models import Dataset, District, Incident
from tests.incidents.importing_helpers import CANONICAL_HEADER, canonical_rows, import_file, write

pytestmark = pytest.mark.django_db

MIXED_ROWS = [
    *canonical_rows(40),
    "31/02/2024 10:00,-12.0599,-77.1112,robo,BAD-1,,fecha imposible,",
    "2024-03-01T10:00:00,-77.1112,-12.0599,robo,BAD-2,,invertidas,",
    '2024-03-01T10:00:00,-12.0599,-77.1112,desconocida,BAD-3,,"con, coma",',
    '2024-03-02T10:00:00,-12.0599,-77.1112,hurto,OK-1,,"varias\nlíneas ""citadas""",2',
    *canonical_rows(40, start_id=100),
]


@pytest.fixture(autouse=True)
def _territory(districts: list[District], categories: dict[str, int]) -> None:
    """Every test here imports into Callao with the shipped categories."""


@pytest.fixture
def readers_used(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records which reader each import attempt used; small blocks make several chunks."""
    used: list[str] = []
    monkeypatch.setattr(arrow_csv, "BLOCK_BYTES", 2048)
    real = pipeline.arrow_frames

    def spying(*args: object, **kwargs: object) -> Iterator[object]:
        used.append("arrow")
        yield from real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "arrow_frames", spying)
    return used


def _result(dataset: Dataset) -> tuple[object, ...]:
    report = dataset.error_report.read().decode("utf-8-sig") if dataset.error_report else ""
    incidents = sorted(
        Incident.objects.values_list(
            "external_id", "occurred_at", "location", "district_id", "narrative", "severity"
        )
    )
    return (
        dataset.rows_read,
        dataset.rows_imported,
        dataset.rows_rejected,
        dataset.rejection_summary,
        report,
        [(row[0], row[1], row[2].coords, *row[3:]) for row in incidents],
    )


def _row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> Iterator[object]:
        raise arrow_csv.NeedsRowReader("forced by the test")
        yield  # a generator, like the real one

    monkeypatch.setattr(pipeline, "arrow_frames", refuse)


def test_a_clean_csv_is_read_by_arrow_with_the_same_result_as_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, readers_used: list[str]
) -> None:
    path = write(tmp_path / "mixed.csv", "\n".join([CANONICAL_HEADER, *MIXED_ROWS]) + "\n")

    by_arrow = _result(import_file(path))
    assert readers_used == ["arrow"]
    assert by_arrow[:3] == (84, 41, 3)  # the second 40 repeat the first in time and place
    Incident.objects.all().delete()
    Dataset.objects.all().delete()
    _row_by_row(monkeypatch)

    assert _result(import_file(path)) == by_arrow
    assert Incident.objects.get(external_id="OK-1").narrative == 'varias\nlíneas "citadas"'


def test_a_row_of_the_wrong_width_late_in_the_file_sends_it_row_by_row(
    tmp_path: Path, readers_used: list[str]
) -> None:
    rows = canonical_rows(65)
    rows.insert(60, "2024-03-01T10:00:00,-12.0599,-77.1112,robo,W-1,,,,,extra")
    path = write(tmp_path / "wide.csv", "\n".join([CANONICAL_HEADER, *rows]) + "\n")

    dataset = import_file(path)

    assert readers_used == ["arrow"]  # tried, stopped at the wide row, then row by row
    assert (dataset.rows_read, dataset.rows_imported, dataset.rows_rejected) == (66, 65, 1)
    report = dataset.error_report.read().decode("utf-8-sig").splitlines()
    assert report[1].startswith("62,*,")  # the header is row 1
    assert Incident.objects.count() == 65


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_blank_lines_keep_the_row_numbers_of_the_file(
    tmp_path: Path, readers_used: list[str], newline: str
) -> None:
    rows = [*canonical_rows(3), "", canonical_rows(1, start_id=9)[0]]
    rows.append("2024-03-05T10:00:00,0,0,robo,EXT-10,,,")
    dataset = import_file(write(tmp_path / "blank.csv", newline.join([CANONICAL_HEADER, *rows])))

    assert readers_used == []  # a blank line shifts Arrow's count: read row by row
    report = dataset.error_report.read().decode("utf-8-sig").splitlines()
    assert report[1].split(",")[0] == "7"  # header, 3 rows, the blank line, EXT-9, EXT-10


def test_trailing_blank_lines_do_not_stop_arrow(tmp_path: Path, readers_used: list[str]) -> None:
    text = "\n".join([CANONICAL_HEADER, *canonical_rows(5)]) + "\n\n\n"

    dataset = import_file(write(tmp_path / "tail.csv", text))

    assert readers_used == ["arrow"]
    assert dataset.rows_imported == 5
