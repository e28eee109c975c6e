"""Statistical disclosure control for public reports (DESIGN.md, "Privacy").

Rules, in the order they are applied to every table a public report shows:

1. **Primary suppression.** A count below :data:`THRESHOLD` (zero included) is not shown: it
   reads "menos de 5".
2. **Complementary suppression.** When a table shows its total, ``total - sum(shown cells)``
   is the sum of the hidden cells. If that remainder is between 1 and 4, the smallest shown
   cells are withheld too ("reservado") until it is 5 or more. Withheld cells are at least 5,
   so at best a reader learns a bound, never a small count. A remainder of 0 only says that
   the hidden cells are empty, which discloses nobody.
3. **Sums of published periods.** The average of the previous four weeks is a sum of counts
   that other weekly reports show. It is shown only when its weeks hid nothing, or hid at
   least 5 between them; otherwise "last four weeks minus the three shown" gives one away.
4. **Totals below the threshold** are suppressed, and then every cell of their table is.

Public weekly reports exist per district only: a Callao-wide public report would make each
district's hidden cells the difference of two published numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reports.summarizer import SUPPRESSION_THRESHOLD

THRESHOLD = SUPPRESSION_THRESHOLD
# Aggregated map cells are never smaller than this (DESIGN.md); the public map uses 500 m.
MIN_CELL_M = 250

SHOWN = "shown"
SUPPRESSED = "suppressed"  # below the threshold
WITHHELD = "withheld"  # at least the threshold, hidden so that a total cannot give others away
OMITTED = "omitted"  # not in a top-N list (busiest hours); hidden like a suppressed cell


@dataclass(frozen=True)
class ProtectedTable:
    """A table of counts after suppression; ``value()`` is ``None`` for any hidden cell."""

    counts: Mapping[str, int]
    status: Mapping[str, str]
    total: int | None

    def value(self, key: str) -> int | None:
        return self.counts[key] if self.status.get(key) == SHOWN else None

    def shown(self) -> dict[str, int]:
        return {key: self.counts[key] for key, state in self.status.items() if state == SHOWN}

    def hidden_sum(self) -> int:
        return sum(self.counts[key] for key, state in self.status.items() if state != SHOWN)


def protect_table(
    counts: Mapping[str, int],
    *,
    total: int | None = None,
    show_total: bool = True,
    force_hidden: Iterable[str] = (),
    top: int | None = None,
) -> ProtectedTable:
    """Apply rules 1, 2 and 4 to one table of counts.

    ``total`` defaults to the sum of the cells (pass it when the cells do not cover it all);
    ``show_total=False`` publishes the cells without a total (no remainder to protect).
    ``force_hidden`` cells are withheld from the start (rule 3 decided so elsewhere);
    ``top`` shows only the largest cells (busiest hours), the rest count as hidden.
    """
    whole = sum(counts.values()) if total is None else total
    forced = set(force_hidden)
    status = {
        key: (WITHHELD if key in forced and count >= THRESHOLD else SUPPRESSED)
        for key, count in counts.items()
    }
    if whole < THRESHOLD:
        return ProtectedTable(counts=dict(counts), status=status, total=None)
    ranked = sorted(
        (key for key, count in counts.items() if count >= THRESHOLD and key not in forced),
        key=lambda key: (-counts[key], key),
    )
    for position, key in enumerate(ranked):
        status[key] = SHOWN if top is None or position < top else OMITTED
    if show_total:
        _complementary(counts, status, whole)
    return ProtectedTable(counts=dict(counts), status=status, total=whole if show_total else None)


def _complementary(counts: Mapping[str, int], status: dict[str, str], whole: int) -> None:
    """Rule 2: withhold the smallest shown cells until the hidden remainder is safe."""
    while True:
        shown = [key for key, state in status.items() if state == SHOWN]
        remainder = whole - sum(counts[key] for key in shown)
        if remainder == 0 or remainder >= THRESHOLD or not shown:
            return
        smallest = min(shown, key=lambda key: (counts[key], key))
        status[smallest] = WITHHELD


def protect_sum(parts: Iterable[tuple[int, bool]]) -> int | None:
    """Rule 3: the sum of counts published elsewhere, each given as ``(count, was_shown)``.

    ``None`` when the sum is below the threshold, or when the parts that were hidden add up to
    1 to 4 (the sum minus the shown parts would reveal them).
    """
    items = list(parts)
    whole = sum(count for count, _ in items)
    hidden = sum(count for count, shown in items if not shown)
    if whole < THRESHOLD or 0 < hidden < THRESHOLD:
        return None
    return whole
