"""Permission-matrix entries for the predictions app's URLs (merged by tests/test_permission_matrix.py)."""

from __future__ import annotations

from accounts.roles import ADMINS, ANALYSTS, PATROL, Audience

MATRIX: dict[str, Audience] = {
    "predictions:patrol-map": PATROL,
    "predictions:patrol-sheet": PATROL,
    "predictions:visit-log": PATROL,
    "predictions:accuracy": ANALYSTS,
    "predictions:model-runs": ANALYSTS,
    "predictions:operations": ADMINS,
    "predictions:api-forecast-current": PATROL,
    "predictions:api-model-runs": ANALYSTS,
    "predictions:api-evaluations": ANALYSTS,
    "predictions:api-patrol-visits": PATROL,
    "predictions:api-jobs": ADMINS,
    "predictions:api-job-detail": ADMINS,
}
SAMPLE_QUERIES: dict[str, str] = {}
