"""The downloadable report of rejected rows, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import IO

import pandas as pd

from incidents.exports import spreadsheet_safe
from incidents.importing.validation import REASONS

REPORT_HEADER = ("fila/row", "columna/column", "valor/value", "motivo", "reason")


class RejectionReport:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._stream: IO[str] = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._stream)
        self._writer.writerow(REPORT_HEADER)
        self.counts: Counter[str] = Counter()
        self.rows = 0

    def add(self, rejected: pd.DataFrame) -> None:
        for number, column, value, reason in rejected.itertuples(index=False, name=None):
            spanish, english = REASONS[reason]
            self._writer.writerow(
                (
                    number,
                    spreadsheet_safe(str(column)),
                    spreadsheet_safe(str(value)),
                    spanish,
                    english,
                )
            )
            self.counts[reason] += 1
        self.rows += len(rejected)

    def close(self) -> None:
        self._stream.close()

    def summary(self) -> dict[str, dict[str, object]]:
        return {
            code: {"count": count, "es": REASONS[code][0], "en": REASONS[code][1]}
            for code, count in self.counts.most_common()
        }
