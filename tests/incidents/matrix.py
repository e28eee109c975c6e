"""The incidents app's new pages in the permission matrix (tests/test_permission_matrix.py)."""

from __future__ import annotations

from accounts.roles import NARRATIVE_READERS, Audience

# Disputed categories are judgements read from narratives: planners and admins, as narratives.
MATRIX: dict[str, Audience] = {
    "incidents:category-disputes": NARRATIVE_READERS,
}
