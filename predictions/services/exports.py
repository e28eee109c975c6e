"""Moving a model run between installations: its artifact, metadata and model card.

An export is a folder: ``model.joblib`` (and ``model.joblib.keras`` for a Keras network),
``run.json`` (the run's parameters, training window, data fingerprint, backtest metrics,
equity and calibration, and the artifact's own metadata) and ``MODEL_CARD.md``. Importing
refuses a folder written in another export format, by another library version, with another
fingerprint format, or whose artifact is not the one ``run.json`` describes.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

import forecasting
from callao.errors import Conflict, InvalidInput, NotFoundError
from forecasting.persistence import IncompatibleModelError, check_compatible, read_metadata
from predictions.conf import prediction_settings
from predictions.models import ModelRun, RunStatus
from predictions.services.training import artifact_dir

EXPORT_FORMAT = 1
ARTIFACT = "model.joblib"
RUN_FILE = "run.json"
CARD_FILE = "MODEL_CARD.md"
# What run.json carries of a ModelRun; the rest (ids, champion flags, timestamps) stays home.
RUN_FIELDS = (
    "kind",
    "params",
    "data_fingerprint",
    "training_origins",
    "n_events",
    "synthetic",
    "backtest",
    "pai5",
    "pai5_low",
    "pai5_high",
    "hit_rate5",
    "pei5",
    "calibration",
    "equity",
    "timings",
)


def model_run_export(*, run_id: int, directory: Path) -> Path:
    """Write run ``run_id`` to ``directory`` (created; must be empty) and return it."""
    run = ModelRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFoundError(_("There is no model run #%(id)s.") % {"id": run_id})
    if run.status != RunStatus.SUCCEEDED or not run.artifact:
        raise Conflict(_("Only a succeeded run with an artifact can be exported."))
    source = Path(settings.MEDIA_ROOT) / run.artifact
    if not source.exists():
        raise Conflict(_("The run's artifact %(path)s is missing.") % {"path": source})
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise InvalidInput(_("The export folder %(path)s is not empty.") % {"path": directory})
    metadata = read_metadata(source)
    shutil.copyfile(source, directory / ARTIFACT)
    if "network" in metadata:
        shutil.copyfile(source.with_name(metadata["network"]), directory / f"{ARTIFACT}.keras")
    conf = prediction_settings()
    document: dict[str, Any] = {
        "export_format": EXPORT_FORMAT,
        "library_version": forecasting.__version__,
        "run": {name: getattr(run, name) for name in RUN_FIELDS},
        "trained_until": run.trained_until.isoformat(),
        "source_run_id": run.pk,
        "was_champion": bool(run.is_champion or run.champion_since),
        # How the production backtest was run, so a researcher can reproduce it.
        "protocol": {
            "cell_m": conf.cell_m,
            "seed": conf.seed,
            "history_days": conf.history_days,
            "timezone": conf.timezone,
            "coverages": [0.01, 0.05, 0.10],
            "offsets": 1,
        },
        "artifact_metadata": metadata,
    }
    (directory / RUN_FILE).write_text(
        json.dumps(document, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    (directory / CARD_FILE).write_text(_model_card(run, metadata), encoding="utf-8")
    return directory


def _model_card(run: ModelRun, metadata: dict[str, Any]) -> str:
    """The run's own figures, then the library's model card (docs/model-card.md)."""
    lines = [
        f"# {run.kind} trained until {run.trained_until:%Y-%m-%d}",
        "",
        f"- training incidents: {run.n_events} (origins: {', '.join(run.training_origins)})",
        f"- data fingerprint: `{run.data_fingerprint}` ({metadata.get('fingerprint_format', '')})",
        f"- library version: {metadata.get('library_version', '')}",
        f"- simulated data: {'yes' if run.synthetic else 'no'}",
        f"- backtest PAI at 5 %: {run.pai5} [{run.pai5_low}, {run.pai5_high}]",
        f"- hit rate at 5 %: {run.hit_rate5}; PEI* at 5 %: {run.pei5}",
        "",
    ]
    card = Path(settings.BASE_DIR) / "docs" / "model-card.md"
    if card.exists():
        lines.append(card.read_text(encoding="utf-8"))
    return "\n".join(lines)


def _read_export(directory: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """run.json and the artifact's metadata, checked; raises InvalidInput with the reason."""
    run_file, artifact = directory / RUN_FILE, directory / ARTIFACT
    if not run_file.exists() or not artifact.exists():
        raise InvalidInput(
            _("%(path)s is not a model export: it needs %(run)s and %(artifact)s.")
            % {"path": directory, "run": RUN_FILE, "artifact": ARTIFACT}
        )
    document: dict[str, Any] = json.loads(run_file.read_text(encoding="utf-8"))
    if document.get("export_format") != EXPORT_FORMAT:
        raise InvalidInput(
            _("The export format is %(found)s; this installation reads format %(expected)s.")
            % {"found": document.get("export_format"), "expected": EXPORT_FORMAT}
        )
    metadata = read_metadata(artifact)
    try:
        check_compatible(metadata)
    except IncompatibleModelError as error:
        raise InvalidInput(
            _("The model cannot be imported: %(reason)s.") % {"reason": error}
        ) from error
    if metadata.get("data_fingerprint") != document["run"]["data_fingerprint"]:
        raise InvalidInput(
            _(
                "The artifact was not trained on the data that run.json describes (fingerprints differ)."
            )
        )
    return document, metadata


def model_run_import(*, directory: Path) -> ModelRun:
    """Create a succeeded, non-champion run from an export folder; return it."""
    document, metadata = _read_export(directory)
    fields = document["run"]
    trained_until = datetime.fromisoformat(document["trained_until"])
    existing = (
        ModelRun.objects.filter(
            kind=fields["kind"],
            trained_until=trained_until,
            data_fingerprint=fields["data_fingerprint"],
        )
        .exclude(status=RunStatus.FAILED)
        .first()
    )
    if existing is not None:
        raise Conflict(_("This model is already here as run #%(id)s.") % {"id": existing.pk})
    with transaction.atomic():
        run = ModelRun.objects.create(
            trained_until=trained_until,
            status=RunStatus.RUNNING,
            **{name: fields[name] for name in RUN_FIELDS},
        )
        folder = artifact_dir()
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"run-{run.pk}-{run.kind}.joblib"
        partial = folder / f".run-{run.pk}-{run.kind}.joblib.part"
        shutil.copyfile(directory / ARTIFACT, partial)
        if "network" in metadata:
            # The loader finds the network by the name recorded in the artifact's metadata.
            network = folder / metadata["network"]
            if network.exists():
                raise Conflict(_("A network file %(path)s is already here.") % {"path": network})
            shutil.copyfile(directory / f"{ARTIFACT}.keras", network)
        os.replace(partial, final)
        run.artifact = str(final.relative_to(settings.MEDIA_ROOT))
        run.status = RunStatus.SUCCEEDED
        run.save(update_fields=["artifact", "status"])
    return run
