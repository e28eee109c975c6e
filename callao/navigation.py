"""The menu: every app's pages, each shown only to the roles that may open it."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import (
    ADMINS,
    ANALYSTS,
    INCIDENT_POINTS,
    NARRATIVE_READERS,
    PATROL,
    PUBLIC,
    Audience,
    role_of,
)

# (label, url name, audience). The menu shows only what the role may open.
NAVIGATION: list[tuple[Promise, str, Audience]] = [
    (_("Home"), "home", PUBLIC),
    (_("District map"), "incidents:district-map", PUBLIC),
    (_("Reports"), "reports:public-list", PUBLIC),
    (_("Patrol zones"), "predictions:patrol-map", PATROL),
    (_("Incidents"), "incidents:incident-map", INCIDENT_POINTS),
    (_("Analytics"), "analytics:index", ANALYSTS),
    (_("KPI dashboard"), "analytics:dashboard", ANALYSTS),
    (_("Accuracy"), "predictions:accuracy", ANALYSTS),
    (_("Model runs"), "predictions:model-runs", ANALYSTS),
    (_("Official reports"), "reports:official-list", ANALYSTS),
    (_("Narrative themes"), "reports:narrative-themes", NARRATIVE_READERS),
    (_("Category review"), "incidents:category-disputes", NARRATIVE_READERS),
    (_("Model operations"), "predictions:operations", ADMINS),
    (_("Datasets"), "incidents:dataset-list", ADMINS),
    (_("API"), "api-docs", PUBLIC),
    (_("Administration"), "admin:index", ADMINS),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    role = role_of(getattr(request, "user", None))
    items = [
        {"label": label, "url": reverse(name), "active": request.path == reverse(name)}
        for label, name, audience in NAVIGATION
        if role in audience
    ]
    return {"nav_items": items, "current_role": role}
