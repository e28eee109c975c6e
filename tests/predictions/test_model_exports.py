"""model_export / model_import move a run between installations, and refuse what cannot be
trusted (another library version, fingerprint format or export format) with a clear reason."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import joblib
import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from forecasting.backtest import backtest
from forecasting.persistence import load_model
from incidents.models import District, Incident
from predictions.models import ModelRun, RunStatus
from predictions.services.training import COVERAGES, model_train
from tests.predictions.helpers import fast, midnight_today, simulated_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(districts, categories, settings) -> ModelRun:  # type: ignore[no-untyped-def]
    fast(settings)
    simulated_history(days=60)
    trained = model_train(kind="naive365", trained_until=midnight_today())
    assert trained.status == RunStatus.SUCCEEDED
    return trained


def _forecast(run: ModelRun) -> np.ndarray:
    model, _ = load_model(Path(settings.MEDIA_ROOT) / run.artifact)
    start = run.trained_until
    return model.predict(start, start + timedelta(days=1))


def test_an_exported_run_imports_elsewhere_with_the_same_forecasts_and_metrics(
    run: ModelRun, tmp_path: Path
) -> None:
    call_command("model_export", str(run.pk), str(tmp_path / "export"))
    expected = _forecast(run)
    document = json.loads((tmp_path / "export" / "run.json").read_text(encoding="utf-8"))
    assert document["run"]["data_fingerprint"] == run.data_fingerprint
    assert document["artifact_metadata"]["library_version"] == document["library_version"]
    assert "What they cannot see" in (tmp_path / "export" / "MODEL_CARD.md").read_text()
    # Another installation: the run is not here.
    run.delete()

    call_command("model_import", str(tmp_path / "export"))

    imported = ModelRun.objects.get()
    assert imported.status == RunStatus.SUCCEEDED
    assert not imported.is_champion  # a researcher's import never takes over patrols
    assert (imported.kind, imported.trained_until, imported.pai5) == (
        run.kind,
        run.trained_until,
        run.pai5,
    )
    assert imported.equity == run.equity
    np.testing.assert_array_equal(_forecast(imported), expected)


def test_importing_the_same_run_twice_is_refused(run: ModelRun, tmp_path: Path) -> None:
    call_command("model_export", str(run.pk), str(tmp_path / "export"))
    with pytest.raises(CommandError, match=rf"ya está aquí como la ejecución n\.º {run.pk}"):
        call_command("model_import", str(tmp_path / "export"))


def _tamper_artifact(folder: Path, **changes: str) -> None:
    payload = joblib.load(folder / "model.joblib")
    payload["metadata"].update(changes)
    joblib.dump(payload, folder / "model.joblib")


def test_a_model_from_another_library_version_is_refused(run: ModelRun, tmp_path: Path) -> None:
    call_command("model_export", str(run.pk), str(tmp_path / "export"))
    _tamper_artifact(tmp_path / "export", library_version="9.1.0")
    with pytest.raises(CommandError, match=r"saved by forecasting 9\.1\.0"):
        call_command("model_import", str(tmp_path / "export"))


def test_a_model_with_another_fingerprint_format_is_refused(run: ModelRun, tmp_path: Path) -> None:
    call_command("model_export", str(run.pk), str(tmp_path / "export"))
    _tamper_artifact(tmp_path / "export", fingerprint_format="md5-v0")
    with pytest.raises(CommandError, match="md5-v0"):
        call_command("model_import", str(tmp_path / "export"))


def test_an_artifact_that_does_not_match_its_description_is_refused(
    run: ModelRun, tmp_path: Path
) -> None:
    call_command("model_export", str(run.pk), str(tmp_path / "export"))
    _tamper_artifact(tmp_path / "export", data_fingerprint="0" * 64)
    with pytest.raises(CommandError, match="las huellas difieren"):
        call_command("model_import", str(tmp_path / "export"))


def test_another_export_format_and_missing_files_are_refused(run: ModelRun, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no es una exportación de modelo"):
        call_command("model_import", str(tmp_path))
    call_command("model_export", str(run.pk), str(tmp_path / "export"))
    run_file = tmp_path / "export" / "run.json"
    document = json.loads(run_file.read_text(encoding="utf-8"))
    document["export_format"] = 99
    run_file.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="formato de exportación es 99"):
        call_command("model_import", str(tmp_path / "export"))


def test_exporting_an_unknown_run_or_into_a_used_folder_is_refused(
    run: ModelRun, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match=r"No existe la ejecución de modelo n\.º 999999"):
        call_command("model_export", "999999", str(tmp_path / "a"))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "other.txt").write_text("x")
    with pytest.raises(CommandError, match="no está vacía"):
        call_command("model_export", str(run.pk), str(tmp_path / "b"))


def test_the_readme_recipe_reproduces_the_production_backtest(
    run: ModelRun, tmp_path: Path
) -> None:
    """forecasting/README.md, "Reproducing a production run": same data, same protocol."""
    call_command("model_export", str(run.pk), str(tmp_path / "export"))
    document = json.loads((tmp_path / "export" / "run.json").read_text(encoding="utf-8"))
    protocol, fields = document["protocol"], document["run"]
    until = datetime.fromisoformat(document["trained_until"])
    # The researcher's copy of the incidents (here read straight from the database).
    events = (
        Incident.objects.of_origins(fields["training_origins"])
        .between(until - timedelta(days=protocol["history_days"]), until)
        .to_events()
    )
    assert events is not None
    assert events.fingerprint() == fields["data_fingerprint"]
    result = backtest(
        events,
        District.objects.all().to_region(),
        [fields["kind"]],
        fields["backtest"]["origins"],
        fields["backtest"]["horizon_days"],
        cell=protocol["cell_m"],
        coverages=COVERAGES,
        offsets=protocol["offsets"],
        random_state=protocol["seed"],
        progress=None,
    )
    summary = result.summary(n_boot=1000, random_state=protocol["seed"])[fields["kind"]]
    assert summary["coverage"]["0.05"]["pai"]["estimate"] == pytest.approx(fields["pai5"])
