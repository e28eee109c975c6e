"""Permission-matrix entries for the predictions app's URLs (merged by tests/test_permission_matrix.py)."""

from __future__ import annotations

from accounts.roles import Audience

MATRIX: dict[str, Audience] = {}
SAMPLE_QUERIES: dict[str, str] = {}
