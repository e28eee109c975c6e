"""Permission-matrix entries for the analytics app's URLs (merged by tests/test_permission_matrix.py).

Planners, officials and admins; officers and community leaders get nothing here (DESIGN.md).
"""

from __future__ import annotations

from accounts.roles import ANALYSTS, Audience

MATRIX: dict[str, Audience] = {
    "analytics:index": ANALYSTS,
    "analytics:temporal": ANALYSTS,
    "analytics:hotspots": ANALYSTS,
    "analytics:near-repeat": ANALYSTS,
    "analytics:dashboard": ANALYSTS,
    "analytics:dashboard-xlsx": ANALYSTS,
    "analytics:dashboard-pdf": ANALYSTS,
    "analytics-api:temporal": ANALYSTS,
    "analytics-api:hotspots": ANALYSTS,
    "analytics-api:near-repeat": ANALYSTS,
    "analytics-api:kpis": ANALYSTS,
    "analytics-api:run-detail": ANALYSTS,
    # Runs are made by the pages and the nightly refresh, never typed in.
    "admin:analytics_analysisrun_add": frozenset(),
}
SAMPLE_QUERIES: dict[str, str] = {}
