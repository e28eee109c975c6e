"""Permission-matrix entries for the reports app's URLs (merged by tests/test_permission_matrix.py)."""

from __future__ import annotations

from accounts.roles import ANALYSTS, NARRATIVE_READERS, PUBLIC, Audience

MATRIX: dict[str, Audience] = {
    "reports:public-list": PUBLIC,
    "reports:public-detail": PUBLIC,
    "reports:public-pdf": PUBLIC,
    "reports:official-list": ANALYSTS,
    "reports:official-detail": ANALYSTS,
    "reports:official-pdf": ANALYSTS,
    "reports:narrative-themes": NARRATIVE_READERS,
    "reports:api-public-list": PUBLIC,
    "reports:api-public-detail": PUBLIC,
    "reports:api-official-list": ANALYSTS,
    "reports:api-official-detail": ANALYSTS,
    "reports:api-narrative-themes": NARRATIVE_READERS,
    # Reports are generated, never typed in: the admin offers no "add" page to anybody.
    "admin:reports_report_add": frozenset(),
}
SAMPLE_QUERIES: dict[str, str] = {}
