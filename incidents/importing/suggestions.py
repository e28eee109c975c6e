"""Category suggestions inside an import: the classifier scores each chunk's rows at once.

Validation keeps rows whose category is missing or unknown but which carry a narrative as
"otros" and marks them (``suggest_reason``), as it marks rows filed as "otros". Here the marked
rows of a chunk are scrubbed, vectorised and scored in one call; their fingerprints (the same
digest the loader stores) identify them once loaded, so the suggestions are written after the
last COPY, in the import's transaction: all or nothing with the incidents.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db import connection

from forecasting.classify import NarrativeClassifier
from incidents.importing.prepare import fingerprints, hex_strings

INSERT_SQL = """
INSERT INTO incidents_categorysuggestion
    (incident_id, dataset_id, classifier_id, reason, stated_label, category_id, probability,
     status)
SELECT incident.id, %(dataset)s, %(classifier)s, s.reason, s.stated, s.category_id,
       s.probability, 'pending'
  FROM unnest(%(prints)s::uuid[], %(reasons)s::text[], %(stated)s::text[], %(categories)s::int[],
              %(probabilities)s::float8[]) AS s(fingerprint, reason, stated, category_id, probability)
  JOIN incidents_incident AS incident ON incident.fingerprint = s.fingerprint
 WHERE incident.dataset_id IS NOT DISTINCT FROM %(dataset)s::int  -- not a row of an earlier import
ON CONFLICT (incident_id) DO NOTHING
"""
STATED_MAX_CHARS = 200


@dataclass(frozen=True)
class CategorySuggester:
    """The current classifier and what its categories are called in this database."""

    classifier: NarrativeClassifier
    classifier_id: int
    category_ids: dict[str, int]  # code -> id
    other_id: int  # "otros": where unclassified rows are kept


@dataclass
class SuggestionCollector:
    """Suggestions for the marked rows of each chunk, written once the incidents are."""

    suggester: CategorySuggester
    seconds: float = 0.0
    _prints: list[str] = field(default_factory=list)
    _reasons: list[str] = field(default_factory=list)
    _stated: list[str] = field(default_factory=list)
    _categories: list[int] = field(default_factory=list)
    _probabilities: list[float] = field(default_factory=list)

    def add(self, valid: pd.DataFrame) -> None:
        """Score the rows of one validated chunk that need a suggested category."""
        if valid.empty or "suggest_reason" not in valid:
            return
        tick = time.perf_counter()
        marked = valid[valid["suggest_reason"].notna()]
        if not marked.empty:
            self._score(marked)
        self.seconds += time.perf_counter() - tick

    def _score(self, marked: pd.DataFrame) -> None:
        category, probability = self.suggester.classifier.suggest(marked["narrative"].tolist())
        ids = np.asarray(
            [self.suggester.category_ids.get(str(code), -1) for code in category], dtype=np.int64
        )
        # A category the classifier learnt but this database no longer has is not suggested.
        known = np.flatnonzero(ids >= 0)
        if len(known) == 0:
            return
        kept = marked.iloc[known]
        lon = kept["lon"].to_numpy(dtype=np.float64)
        lat = kept["lat"].to_numpy(dtype=np.float64)
        stored_category = kept["category_id"].to_numpy(dtype=np.int64)
        digests = fingerprints(kept["occurred_at"], lon, lat, stored_category)
        self._prints.extend(hex_strings(b"".join(digests), width=16).to_pylist())
        self._reasons.extend(kept["suggest_reason"].astype(str).tolist())
        self._stated.extend(kept["category_stated"].astype(str).str.slice(0, STATED_MAX_CHARS))
        self._categories.extend(ids[known].tolist())
        self._probabilities.extend(np.round(probability[known], 6).tolist())

    def save(self, *, dataset_id: int | None) -> int:
        """Store the suggestions of the rows that were loaded; returns how many."""
        if not self._prints:
            return 0
        tick = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT_SQL,
                {
                    "dataset": dataset_id,
                    "classifier": self.suggester.classifier_id,
                    "prints": self._prints,
                    "reasons": self._reasons,
                    "stated": self._stated,
                    "categories": self._categories,
                    "probabilities": self._probabilities,
                },
            )
            stored = int(cursor.rowcount)
        self.seconds += time.perf_counter() - tick
        return stored
