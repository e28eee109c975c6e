"""The one mapping of domain errors to HTTP, the one district scope, the start-up checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models.query import EmptyQuerySet
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.principals import Principal
from accounts.roles import DistrictScope, Role, district_scope
from callao.errors import InvalidInput, NotAllowed, NotFoundError
from callao.views import bad_request, page_not_found, permission_denied
from incidents.models import District, Incident
from predictions.models import PatrolVisit, PatrolZone
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
FORECAST_URL = "predictions:api-forecast-current"


def _client(role: str, language: str | None = None) -> Client:
    client = Client(headers={"Accept-Language": language} if language else None)
    client.force_login(make_user(role=role))
    return client


# --- The scope rule ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_district_scope_is_everywhere_for_analysts_one_district_for_officers_else_nothing(
    districts: list[District],
) -> None:
    for role in (Role.ADMIN, Role.PLANNER, Role.OFFICIAL):
        assert district_scope(make_user(role=role)) == DistrictScope(everywhere=True)
    officer = make_user(role=Role.OFFICER)
    assert district_scope(officer) == DistrictScope(
        everywhere=False, district_id=officer.district_id
    )
    assert district_scope(make_user(role=Role.COMMUNITY_LEADER)).is_empty
    assert district_scope(AnonymousUser()).is_empty
    inactive = make_user(role=Role.ADMIN, is_active=False)
    assert district_scope(inactive).is_empty


@pytest.mark.django_db
def test_a_cached_principal_gets_the_same_scope_as_its_user(districts: list[District]) -> None:
    officer = make_user(role=Role.OFFICER)
    principal = Principal(
        user_id=officer.pk,
        role=officer.role,
        district_id=officer.district_id,
        district_key=officer.district_key,
        session_hash="",
    )
    assert district_scope(principal) == district_scope(officer)
    assert principal.district_key == "070101"


@pytest.mark.django_db
def test_every_district_scoped_model_applies_the_same_rule(districts: list[District]) -> None:
    officer = make_user(role=Role.OFFICER)
    own = officer.district_id
    assert own is not None
    assert list(District.objects.in_scope_of(officer).values_list("ubigeo", flat=True)) == [
        "070101"
    ]
    assert District.objects.in_scope_of(make_user(role=Role.PLANNER)).count() == 7
    for scoped, expected in (
        (Incident.objects.visible_to(officer), Incident.objects.filter(district_id=own)),
        (PatrolZone.objects.visible_to(officer), PatrolZone.objects.filter(district_id=own)),
        (
            PatrolVisit.objects.visible_to(officer),
            PatrolVisit.objects.filter(zone__district_id=own),
        ),
    ):
        assert str(scoped.query) == str(expected.query)
    leader = make_user(role=Role.COMMUNITY_LEADER)
    assert isinstance(District.objects.in_scope_of(leader), EmptyQuerySet)
    assert isinstance(Incident.objects.visible_to(leader), EmptyQuerySet)
    assert isinstance(PatrolZone.objects.visible_to(leader), EmptyQuerySet)
    assert isinstance(PatrolVisit.objects.visible_to(leader), EmptyQuerySet)


# --- Domain errors through the API ------------------------------------------------------


@pytest.mark.django_db
def test_an_api_domain_error_answers_its_status_with_the_field_and_a_translated_message(
    districts: list[District],
) -> None:
    url = reverse(FORECAST_URL)

    spanish = _client(Role.PLANNER).get(url, {"shift": "pronto"})
    english = _client(Role.PLANNER, language="en").get(url, {"shift": "pronto"})

    assert spanish.status_code == english.status_code == 400
    assert spanish.json() == {"shift": "current, next o el inicio de un turno (ISO 8601)"}
    assert english.json() == {"shift": "current, next or a shift's start (ISO 8601)"}
    refused = _client(Role.OFFICER).get(url, {"district": "070106"})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Solo su distrito."}
    unknown = _client(Role.PLANNER).get(url, {"district": "999999"})
    assert (unknown.status_code, unknown.json()) == (400, {"district": "UBIGEO desconocido"})


@pytest.mark.django_db
def test_a_role_refused_by_the_api_is_told_so_in_its_language(districts: list[District]) -> None:
    url = reverse("incidents-api:incident-list")
    spanish = _client(Role.COMMUNITY_LEADER).get(url)
    english = _client(Role.COMMUNITY_LEADER, language="en").get(url)

    assert spanish.status_code == english.status_code == 403
    assert spanish.json() == {"detail": "Su rol no tiene acceso a este recurso."}
    assert english.json() == {"detail": "Your role may not access this resource."}


# --- Domain errors on pages --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("handler", "error", "status"),
    [
        (bad_request, InvalidInput("fecha ilegible"), 400),
        (permission_denied, NotAllowed("solo su distrito"), 403),
        (page_not_found, NotFoundError("no hay tal reporte"), 404),
    ],
)
def test_an_error_page_shows_a_domain_errors_message(
    handler: object, error: Exception, status: int
) -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = handler(request, error)  # type: ignore[operator]

    assert response.status_code == status
    assert str(error) in response.content.decode()


@pytest.mark.django_db
def test_an_error_page_never_shows_the_message_of_other_errors() -> None:
    from django.core.exceptions import PermissionDenied

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied("internal detail"))

    assert response.status_code == 403
    assert "internal detail" not in response.content.decode()


# --- Settings checked once, at start-up ----------------------------------------------------


def _django_check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "callao.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PREDICTIONS_SHIFTS", "06:00-mediodia", "PREDICTIONS_SHIFTS: cannot read"),
        ("PREDICTIONS_PATROL_UNITS_BY_DISTRICT", "070101:cero", "bad '070101:cero'"),
        ("PREDICTIONS_FLAGGED_PERCENT", "120", "above 100"),
        ("SUMMARIZER_BACKEND", "gpt", "SUMMARIZER_BACKEND must be one of"),
        ("LLM_TIMEOUT_S", "pronto", "LLM_TIMEOUT_S must be a number"),
    ],
)
def test_a_malformed_setting_stops_the_process_at_start_up(
    name: str, value: str, message: str
) -> None:
    result = _django_check(**{name: value})

    assert result.returncode != 0
    assert message in result.stderr
