"""Every URL pattern × every role (and anonymous) against a declared matrix.

A new URL without an entry here fails `test_every_url_pattern_has_an_entry`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from accounts.roles import (
    ADMINS,
    ANONYMOUS,
    INCIDENT_AGGREGATES,
    INCIDENT_POINTS,
    NARRATIVE_READERS,
    PUBLIC,
    SIGNED_IN,
    Audience,
)
from tests.analytics.matrix import MATRIX as ANALYTICS_MATRIX
from tests.conftest import ALL_ROLES
from tests.incidents.matrix import MATRIX as INCIDENTS_MATRIX
from tests.predictions.matrix import MATRIX as PREDICTIONS_MATRIX
from tests.predictions.matrix import SAMPLE_QUERIES as PREDICTIONS_SAMPLE_QUERIES
from tests.reports.matrix import MATRIX as REPORTS_MATRIX
from tests.reports.matrix import SAMPLE_QUERIES as REPORTS_SAMPLE_QUERIES

MATRIX: dict[str, Audience] = {
    "home": PUBLIC,
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:second-factor-setup": SIGNED_IN,
    "accounts:second-factor-verify": SIGNED_IN,
    "incidents:district-map": PUBLIC,
    "incidents:incident-map": INCIDENT_POINTS,
    "incidents:dataset-list": ADMINS,
    "incidents:dataset-upload": ADMINS,
    "incidents:dataset-mapping": ADMINS,
    "incidents:dataset-detail": ADMINS,
    "incidents-api:district-list": PUBLIC,
    "incidents-api:incident-list": INCIDENT_POINTS,
    "incidents-api:incident-detail": INCIDENT_POINTS,
    "incidents-api:incident-tile": INCIDENT_POINTS,
    "incidents-api:incident-stats": INCIDENT_AGGREGATES,
    "incidents-api:incident-export": NARRATIVE_READERS,
    "incidents-api:dataset-list": ADMINS,
    "incidents-api:dataset-detail": ADMINS,
    "incidents-api:dataset-errors": ADMINS,
    "me": SIGNED_IN,
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    "set_language": PUBLIC,
    "livez": PUBLIC,
    "readyz": PUBLIC,
    "healthz": PUBLIC,
    "metrics": PUBLIC,
}
MATRIX.update(REPORTS_MATRIX)
MATRIX.update(PREDICTIONS_MATRIX)
MATRIX.update(ANALYTICS_MATRIX)
MATRIX.update(INCIDENTS_MATRIX)
# Actions that the admin site offers to nobody: access logs and the audit trail are append-only.
NOBODY: Audience = frozenset()
MATRIX.update(
    {
        "admin:axes_accessattempt_add": NOBODY,
        "admin:axes_accesslog_add": NOBODY,
        "admin:axes_accessfailurelog_add": NOBODY,
        "admin:auditlog_logentry_add": NOBODY,
        "admin:auditlog_logentry_delete": NOBODY,
        "admin:accounts_sensitiveread_add": NOBODY,
        "admin:accounts_sensitiveread_delete": NOBODY,
        "admin:incidents_dataset_add": NOBODY,
        # Second factors are set up by their owner (the secret is shown only to them).
        "admin:otp_totp_totpdevice_add": NOBODY,
        "admin:otp_static_staticdevice_add": NOBODY,
    }
)
# Health answers 503 when a dependency is down (no worker runs in this test); access is what counts.
MAY_BE_UNAVAILABLE = {"healthz"}
# The admin site is one capability ("upload datasets, boundaries, retrain, users"): admins only.
NAMESPACE_MATRIX: dict[str, Audience] = {"admin": ADMINS}

SAMPLE_VALUES = {"app_label": "accounts", "url": "no-such-page/"}
# Views that refuse a request without parameters get a well-formed one.
SAMPLE_QUERIES = {
    "admin:autocomplete": "?app_label=accounts&model_name=user&field_name=groups&term=a",
    **REPORTS_SAMPLE_QUERIES,
    **PREDICTIONS_SAMPLE_QUERIES,
}


@dataclass(frozen=True)
class Endpoint:
    key: str
    path: str
    audience: Audience | None


def _sample_kwargs(pattern: URLPattern | URLResolver) -> dict[str, object]:
    regex = pattern.pattern.regex
    converters = getattr(pattern.pattern, "converters", {})
    kwargs: dict[str, object] = {}
    for group in regex.groupindex:
        converter = type(converters.get(group)).__name__ if group in converters else ""
        kwargs[group] = 1 if converter == "IntConverter" else SAMPLE_VALUES.get(group, "1")
    return kwargs


def _literal(pattern: URLPattern | URLResolver, kwargs: dict[str, object]) -> str:
    if isinstance(pattern.pattern, RoutePattern):
        route = str(pattern.pattern._route)  # type: ignore[attr-defined]
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    assert isinstance(pattern.pattern, RegexPattern)
    regex = str(pattern.pattern._regex)  # type: ignore[attr-defined]
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), regex)
    return text.lstrip("^").rstrip("$")


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str | None
) -> Iterator[Endpoint]:
    for pattern in patterns:
        kwargs = _sample_kwargs(pattern)
        literal = prefix + _literal(pattern, kwargs)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(pattern.url_patterns, literal, inner)
            continue
        name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else None
        top_namespace = namespace.split(":")[0] if namespace else None
        audience = MATRIX.get(name or "", NAMESPACE_MATRIX.get(top_namespace or ""))
        path = reverse(name, kwargs=kwargs) if name else "/" + literal
        path += SAMPLE_QUERIES.get(name or "", "")
        yield Endpoint(key=name or "/" + literal, path=path, audience=audience)


ENDPOINTS = list(_walk(get_resolver().url_patterns, "", None))


def test_every_url_pattern_has_an_entry() -> None:
    missing = [endpoint.key for endpoint in ENDPOINTS if endpoint.audience is None]
    assert missing == [], f"URL patterns without an entry in the permission matrix: {missing}"
    stale = set(MATRIX) - {endpoint.key for endpoint in ENDPOINTS}
    assert stale == set(), f"Matrix entries for URLs that no longer exist: {stale}"


def test_the_walk_sees_the_whole_site() -> None:
    keys = {endpoint.key for endpoint in ENDPOINTS}
    assert {"home", "healthz", "admin:index", "admin:accounts_user_changelist"} <= keys


def _is_login_redirect(response: object) -> bool:
    location = getattr(response, "headers", {}).get("Location", "")
    return (
        getattr(response, "status_code", 0) in (301, 302)
        and str(reverse(settings.LOGIN_URL)) in location
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.key)
def test_each_role_gets_exactly_what_the_matrix_declares(
    endpoint: Endpoint,
    role: str,
    client_for_role,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.METRICS_TOKEN = ""
    client = client_for_role(role)
    # Health is probed without waiting for a worker: only its access is under test here.
    response = client.get(endpoint.path, headers={"accept": "text/html,*/*;q=0.8"})
    assert endpoint.audience is not None
    refused = response.status_code in (401, 403) or _is_login_redirect(response)
    if role in endpoint.audience:
        assert not refused, f"{role} refused at {endpoint.path}: {response.status_code}"
        assert response.status_code < 500 or (
            endpoint.key in MAY_BE_UNAVAILABLE and response.status_code == 503
        )
    else:
        assert refused, f"{role} admitted at {endpoint.path}: {response.status_code}"
        if role == ANONYMOUS and endpoint.path.startswith("/api/"):
            assert response.status_code in (401, 403)
        elif role == ANONYMOUS:
            assert _is_login_redirect(response)
        else:
            assert response.status_code == 403
