"""Narrative classifier benchmark: training on 100,000 narratives, and suggestions in an import.

    python bench/classifier.py [--train 100000] [--rows 1000000] [--repeat 2]

1. Library: fits ``NarrativeClassifier`` on synthetic narratives (a fifth carry a name, a DNI
   and a phone, so the scrubber works as on real text) and times it, then again with every
   narrative distinct (the worst case for its deduplication); scores the held-out split and
   the templates never seen (both synthetic); times scoring alone.
2. App: imports the same 1,000,000-row canonical CSV as bench/ingest.py (a tenth filed as
   "Otros", with narratives) into a scratch database, alternately without a classifier and
   with one in use, and reports the import times and the ``suggest`` stage.

Prints JSON. Targets (issue 14): training under 60 s on 2 cores; suggestions add under 15 %.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _scratch_db import ROOT, latest_dataset, psql, scratch_database

DEFAULT_BOUNDARIES = ROOT.parent / "shared" / "data" / "callao_districts.geojson"
PII = " El agraviado Juan Carlos Pérez Quispe, DNI {dni}, celular 98{phone}, se retiró."

REGISTER = """
from django.conf import settings
from pathlib import Path
from django.utils import timezone
from forecasting.classify import NarrativeClassifier
from forecasting.narratives import narrative_categories, synthetic_narratives
from forecasting.persistence import save_model
from incidents.models import CategoryClassifier
import numpy as np
kinds = np.asarray(narrative_categories(), dtype=object)[np.random.default_rng(0).integers(6, size=20000)]
model = NarrativeClassifier(random_state=0).fit(synthetic_narratives(kinds, random_state=0), list(kinds))
folder = Path(settings.MEDIA_ROOT) / "incidents" / "classifiers"
folder.mkdir(parents=True, exist_ok=True)
save_model(model, folder / "bench.joblib")
CategoryClassifier.objects.all().delete()
CategoryClassifier.objects.create(trained_until=timezone.now(), data_fingerprint=model.fingerprint_,
    n_train=model.n_train_, status="succeeded", is_current=True,
    artifact="incidents/classifiers/bench.joblib")
"""


def _corpus(n: int, seed: int, pii_share: float = 0.2) -> tuple[list[str], list[str]]:
    from forecasting.narratives import synthetic_narratives
    from forecasting.simulate import CATEGORIES

    rng = np.random.default_rng(seed)
    names = list(CATEGORIES)
    labels = rng.choice(names, size=n, p=np.asarray(list(CATEGORIES.values())))
    texts = synthetic_narratives(labels, random_state=seed)
    for i in np.flatnonzero(rng.random(n) < pii_share):
        texts[i] += PII.format(dni=rng.integers(10**7, 10**8), phone=rng.integers(10**6, 10**7))
    return texts, [str(c) for c in labels]


def library(n: int) -> dict[str, object]:
    from forecasting.classify import (
        NarrativeClassifier,
        holdout_evaluate,
        template_holdout_evaluate,
    )

    texts, labels = _corpus(n, seed=1)
    model = NarrativeClassifier(random_state=0)
    started = time.perf_counter()
    model.fit(texts, labels)
    fit_s = time.perf_counter() - started
    probe, _ = _corpus(100_000, seed=2)
    started = time.perf_counter()
    model.suggest(probe)
    score_s = time.perf_counter() - started
    held_out = holdout_evaluate(model, texts[:20_000], labels[:20_000], random_state=0)
    unseen = template_holdout_evaluate(model, n_train=20_000, n_test=5_000, random_state=0)
    # Worst case for the deduplication: every narrative distinct (each carries its own DNI).
    distinct_texts, distinct_labels = _corpus(n, seed=3, pii_share=1.0)
    started = time.perf_counter()
    distinct = NarrativeClassifier(random_state=0).fit(distinct_texts, distinct_labels)
    distinct_fit_s = time.perf_counter() - started
    started = time.perf_counter()
    distinct.suggest(distinct_texts)
    distinct_score_s = time.perf_counter() - started
    return {
        "train_narratives": n,
        "distinct_narratives": model.n_distinct_,
        "fit_s": round(fit_s, 2),
        "all_distinct_fit_s": round(distinct_fit_s, 2),
        "all_distinct_score_s": round(distinct_score_s, 2),
        "vocabulary_terms": len(model.vocabulary()),
        "score_100k_s": round(score_s, 2),
        "held_out_macro_f1_synthetic": round(held_out.macro_f1, 4),
        "unseen_templates_macro_f1_synthetic": round(unseen.macro_f1, 4),
    }


def _import_seconds(env: dict[str, str], csv_path: Path) -> tuple[float, dict[str, object]]:
    psql(
        env["BENCH_DB"],
        "TRUNCATE incidents_categorysuggestion, incidents_incident, incidents_dataset "
        "RESTART IDENTITY CASCADE",
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "import_incidents", str(csv_path), "--source", "bench",
         "--no-progress"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    summary = latest_dataset(env)
    return elapsed, {key: summary[key] for key in ("timings", "imported", "rejected")}


def app(rows: int, repeat: int, boundaries: Path, database: str) -> dict[str, object]:
    media = tempfile.mkdtemp(prefix="callao-bench-media-")
    env = {**scratch_database(database), "BENCH_DB": database, "MEDIA_ROOT": media}
    subprocess.run(
        [sys.executable, "manage.py", "import_boundaries", str(boundaries)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / f"synthetic_callao_{rows}.csv"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "ingest.py"), "--rows", str(rows),
             "--boundaries", str(boundaries), "--generate-only", str(csv_path)],
            check=True,
        )  # fmt: skip
        plain, suggesting, details = [], [], []
        for _ in range(repeat):
            psql(database, "TRUNCATE incidents_categorysuggestion, incidents_categoryclassifier")
            plain.append(_import_seconds(env, csv_path)[0])
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", REGISTER],
                cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            seconds, detail = _import_seconds(env, csv_path)
            suggesting.append(seconds)
            details.append(detail)
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from incidents.models import CategorySuggestion as S; print(S.objects.count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    base, with_suggestions = statistics.median(plain), statistics.median(suggesting)
    return {
        "rows": rows,
        "import_without_classifier_s": [round(s, 2) for s in plain],
        "import_with_suggestions_s": [round(s, 2) for s in suggesting],
        "added_share": round(with_suggestions / base - 1, 3),
        "suggestions_stored": int(output.strip().splitlines()[-1]),
        "stages_with_suggestions": details[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--boundaries", type=Path, default=DEFAULT_BOUNDARIES)
    parser.add_argument("--database", default="callao_bench_classifier")
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    result: dict[str, object] = {"library": library(args.train)}
    if not args.skip_import:
        result["import"] = app(args.rows, args.repeat, args.boundaries, args.database)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
