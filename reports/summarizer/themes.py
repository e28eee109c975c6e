"""Group incident narratives into themes with scikit-learn, and describe each theme.

TF-IDF over scrubbed narratives (our own Spanish stop words, prefix stems and stem pairs)
clustered with k-means; k is the smallest of 2 to about sqrt(n) whose silhouette is close
to the best, or 1 when no split is any good.
Each theme also gets the modus operandi, time of day and type of place that narratives
in it mention, from a fixed lexicon (lexicon.py), which reads better than raw terms.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from callao.text import fold
from forecasting.scrub import scrub
from reports.summarizer.facts import Facts, ThemeFacts
from reports.summarizer.formatting import round_half_up
from reports.summarizer.lexicon import (
    MODUS_OPERANDI,
    PLACE_TYPES,
    STOP_WORDS,
    TIMES_OF_DAY,
    Keyword,
    hours_mentioned,
    time_of_day,
)

TOP_TERMS = 5
TOP_KEYWORDS = 3
KEYWORD_MIN_SHARE = 0.3  # a keyword describes a theme when this share of it mentions it
MIN_NARRATIVES_TO_SPLIT = 4
# Below this mean silhouette the "themes" are noise: one theme says more.
MIN_SILHOUETTE = 0.05
# Silhouette keeps creeping up with k; a few hundredths are not worth another theme.
SILHOUETTE_TOLERANCE = 0.02
SILHOUETTE_SAMPLE = 2000
EXAMPLE_CHARS = 240
WORD_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"  # letters only: numbers and tags are not themes
STEM_PATTERN = r"\S+"
STEM_CHARS = 5


@dataclass(frozen=True)
class Theme:
    """One group of similar narratives; ``members`` index the list given to the clusterer."""

    size: int
    share: float
    top_terms: tuple[str, ...]
    example: str
    modus_operandi: tuple[str, ...]
    times_of_day: tuple[str, ...]
    place_types: tuple[str, ...]
    members: tuple[int, ...]

    @property
    def label(self) -> str:
        words = self.top_terms[:3] or (self.modus_operandi + self.place_types)[:3]
        return ", ".join(words) or "sin términos distintivos"


def candidate_theme_counts(narratives: int, max_themes: int) -> range:
    """The k tried: 2 up to about sqrt(n), so 4 to 8 narratives allow 2 themes, 12 allow 4.

    Fewer than 4 narratives make one theme: two or three stories are not a pattern.
    """
    if narratives < MIN_NARRATIVES_TO_SPLIT or max_themes < 2:
        return range(1, 2)
    return range(2, max(2, min(max_themes, narratives - 1, math.ceil(math.sqrt(narratives)))) + 1)


def narrative_themes(
    narratives: Sequence[str], *, max_themes: int = 5, random_state: int = 0
) -> list[Theme]:
    """Themes of ``narratives``, largest first; blank narratives are ignored.

    Terms and examples come from scrubbed narratives, so they carry no names, DNI
    numbers, phones or addresses; keywords come from the fixed lexicon in lexicon.py.
    """
    if max_themes < 1:
        raise ValueError(f"max_themes must be at least 1, not {max_themes}")
    indexed = [(i, text) for i, text in enumerate(narratives) if text and text.strip()]
    if not indexed:
        return []
    members = [i for i, _ in indexed]
    scrubbed = [scrub(text) for _, text in indexed]
    # Keywords come from a fixed lexicon, so they may read the unscrubbed text:
    # "Av. Colonial" still says "vía pública" after it became [DIRECCIÓN].
    folded = [fold(text) for _, text in indexed]
    matrix, vocabulary = _vectorize(scrubbed)
    vocabulary = _with_accents(vocabulary, scrubbed)
    labels = _cluster(matrix, candidate_theme_counts(len(indexed), max_themes), random_state)
    themes = []
    for cluster in sorted(set(labels)):
        rows = [row for row, label in enumerate(labels) if label == cluster]
        theme = _describe(rows, matrix, vocabulary, scrubbed, [folded[row] for row in rows])
        themes.append(
            dataclasses.replace(
                theme, share=len(rows) / len(indexed), members=tuple(members[row] for row in rows)
            )
        )
    return sorted(themes, key=lambda t: (-t.size, t.members[0]))


def themes_summary(
    themes: Sequence[Theme],
    *,
    district: str,
    period: str,
    subject: str = "",
    include_examples: bool = False,
    base: Facts | None = None,
) -> Facts:
    """Facts for :func:`summarize` that describe ``themes``.

    Examples stay out unless asked for: they are (scrubbed) narrative text, and
    DESIGN.md keeps narratives out of anything public. With ``base``, the themes are
    added to those facts (counts and all) instead of to empty ones.
    """
    theme_facts = tuple(
        ThemeFacts(
            label=theme.label,
            size=theme.size,
            share_pct=round_half_up(theme.share * 100, 1),
            terms=theme.top_terms,
            modus_operandi=theme.modus_operandi,
            times_of_day=theme.times_of_day,
            place_types=theme.place_types,
            example=theme.example if include_examples else "",
        )
        for theme in themes
    )
    return dataclasses.replace(
        base or Facts(district=district, period=period),
        district=district,
        period=period,
        subject=subject,
        narratives=sum(theme.size for theme in themes),
        themes=theme_facts,
    )


def _stems(text: str) -> list[str]:
    """Folded words without stop words, cut to their first letters.

    Cutting words to a prefix is a crude but dependable Spanish stemmer: "arrebató",
    "arrebataron" and "arrebato" all become "arreba", so one story is not split in two
    by how the officer conjugated a verb.
    """
    words = re.findall(WORD_PATTERN, fold(text))
    return [word[:STEM_CHARS] for word in words if word not in STOP_WORDS]


def _vectorize(texts: list[str]) -> tuple[Any, list[str]]:
    """TF-IDF rows (L2-normalised) over stems and the stems; ``None`` when no word is left."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    documents = [" ".join(_stems(text)) for text in texts]
    # Words used by a single narrative describe it, not a theme, once there are enough.
    for min_df in (2, 1) if len(texts) >= 10 else (1,):
        vectorizer = TfidfVectorizer(
            lowercase=False,
            token_pattern=STEM_PATTERN,
            ngram_range=(1, 2),
            min_df=min_df,
            max_df=0.9 if len(texts) >= 5 else 1.0,
            max_features=5000,
            sublinear_tf=True,
        )
        try:
            matrix = vectorizer.fit_transform(documents)
        except ValueError:  # every word was a stop word or too rare
            continue
        return matrix, list(vectorizer.get_feature_names_out())
    return None, []


def _cluster(matrix: Any, ks: range, random_state: int) -> list[int]:
    """k-means labels for the fewest k in ``ks`` whose silhouette (cosine) is near the best."""
    if matrix is None:
        return [0]
    rows = matrix.shape[0]
    distinct = len({(tuple(row.indices), tuple(row.data.round(6))) for row in matrix})
    ks = range(ks.start, min(ks.stop, distinct))
    if ks.start < 2 or not ks:
        return [0] * rows
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    scored: list[tuple[float, list[int]]] = []
    for k in ks:
        labels = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(matrix)
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(
            matrix,
            labels,
            metric="cosine",
            sample_size=min(rows, SILHOUETTE_SAMPLE),
            random_state=random_state,
        )
        scored.append((float(score), [int(label) for label in labels]))
    best = max((score for score, _ in scored), default=0.0)
    if best < MIN_SILHOUETTE:
        return [0] * rows
    # Fewest themes whose silhouette is about as good as the best.
    return next(labels for score, labels in scored if score >= best - SILHOUETTE_TOLERANCE)


def _describe(
    rows: list[int], matrix: Any, vocabulary: list[str], scrubbed: list[str], folded: list[str]
) -> Theme:
    """The theme made of ``rows``; its share and members are filled in by the caller."""
    terms: tuple[str, ...] = ()
    representative = rows[0]
    if matrix is not None:
        import numpy as np

        centroid = np.asarray(matrix[rows].mean(axis=0)).ravel()
        terms = _top_terms(centroid, vocabulary)
        similarity = np.asarray(matrix[rows] @ centroid).ravel()
        representative = rows[int(np.argmax(similarity))]
    return Theme(
        size=len(rows),
        share=1.0,
        top_terms=terms,
        example=_shorten(scrubbed[representative]),
        modus_operandi=_keywords(MODUS_OPERANDI, folded),
        times_of_day=_times(folded),
        place_types=_keywords(PLACE_TYPES, folded),
        members=tuple(rows),
    )


def _top_terms(weights: Any, vocabulary: list[str]) -> tuple[str, ...]:
    # Ties (common with one narrative) go to single words, then alphabetically, for stability.
    order = sorted(
        (i for i in range(len(vocabulary)) if weights[i] > 0),
        key=lambda i: (-round(float(weights[i]), 9), vocabulary[i].count(" "), vocabulary[i]),
    )
    chosen: list[str] = []
    used: set[str] = set()
    for index in order:
        words = set(vocabulary[index].split())
        # "mano armada" and "armada" say the same thing; keep whichever weighs more.
        if words & used:
            continue
        chosen.append(vocabulary[index])
        used |= words
        if len(chosen) == TOP_TERMS:
            break
    return tuple(chosen)


def _with_accents(vocabulary: list[str], texts: list[str]) -> list[str]:
    """Show each stem as the word the narratives use most for it, accents included."""
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        for word in re.findall(WORD_PATTERN, text.lower()):
            spellings.setdefault(fold(word)[:STEM_CHARS], Counter())[word] += 1

    def spelled(stem: str) -> str:
        counts = spellings.get(stem)
        return min(counts, key=lambda w: (-counts[w], w)) if counts else stem

    return [" ".join(spelled(stem) for stem in term.split()) for term in vocabulary]


def _keywords(lexicon: Sequence[Keyword], folded: list[str]) -> tuple[str, ...]:
    counts = {k.label: sum(k.found_in(text) for text in folded) for k in lexicon}
    return _frequent(counts, len(folded))


def _times(folded: list[str]) -> tuple[str, ...]:
    counts = dict.fromkeys((k.label for k in TIMES_OF_DAY), 0)
    for text in folded:
        found = {k.label for k in TIMES_OF_DAY if k.found_in(text)}
        found |= {time_of_day(hour) for hour in hours_mentioned(text)}
        for label in found:
            counts[label] += 1
    return _frequent(counts, len(folded))


def _frequent(counts: dict[str, int], size: int) -> tuple[str, ...]:
    needed = max(1, math.ceil(KEYWORD_MIN_SHARE * size))
    order = list(counts)
    ranked = sorted(
        (label for label, n in counts.items() if n >= needed),
        key=lambda label: (-counts[label], order.index(label)),
    )
    return tuple(ranked[:TOP_KEYWORDS])


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EXAMPLE_CHARS:
        return text
    return text[:EXAMPLE_CHARS].rsplit(" ", 1)[0] + "…"
