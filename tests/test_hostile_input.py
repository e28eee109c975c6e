"""Hostile query strings against every URL the site has, as the roles that may open it.

Control characters, dates at the calendar's ends, reversed ranges and unknown codes must each
give a clear refusal (4xx with a message) or be ignored, never a server error. The URL list is
the permission matrix's walk, so a new page or endpoint is covered without an entry here.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.roles import Role
from tests.test_permission_matrix import ENDPOINTS, Endpoint

# Every parameter name the site's filters and forms read, with values that once gave a 500.
HOSTILE_QUERIES = {
    "nul in every list filter": "district=%00&category=%00&origin=%00",
    "control characters": "district=%01%1f&category=rob%7f&q=%00x&kind=%00&period=%00",
    "the calendar's last day": "start=9999-12-31&end=9999-12-31&window_start=9999-12-31T23:00",
    "the calendar's first day": "start=0001-01-01&end=0001-01-01&month=0001-01",
    "an impossible date": "start=2025-02-30&end=2025-13-01&date=2025-02-30",
    "a reversed range": "start=2025-03-10&end=2025-03-01",
    "shift far outside the calendar": "shift=9999-12-31T22:00&at=0001-01-01T00:00",
    "numbers out of range": "page=99999999999999999999&cell=1e308&k=-1&permutations=1e9",
    "unknown codes": "district=999999&category=no-such&origin=alien&language=xx",
}
# One role that sees everything and the two whose scope is narrowest.
ROLES = [Role.ADMIN, Role.PLANNER, Role.OFFICER]


def _reachable(role: str) -> list[Endpoint]:
    return [e for e in ENDPOINTS if e.audience and role in e.audience and e.key != "metrics"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("query", list(HOSTILE_QUERIES.values()), ids=list(HOSTILE_QUERIES))
def test_no_hostile_query_string_makes_any_page_or_endpoint_fail(
    role: str,
    query: str,
    user_for_role,  # type: ignore[no-untyped-def]
    categories: dict[str, int],
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(user_for_role(role))
    failures = []
    for endpoint in _reachable(role):
        joiner = "&" if "?" in endpoint.path else "?"
        response = client.get(f"{endpoint.path}{joiner}{query}")
        if response.status_code >= 500 and not (
            endpoint.key == "healthz" and response.status_code == 503
        ):
            error = response.exc_info[1] if response.exc_info else None  # type: ignore[attr-defined]
            failures.append(f"{endpoint.path}: {response.status_code} {error!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_a_nul_in_a_filter_is_a_400_that_names_the_parameter(
    user_for_role,  # type: ignore[no-untyped-def]
) -> None:
    client = Client()
    client.force_login(user_for_role(Role.PLANNER))
    response = client.get("/api/incidents/stats/?district=%00")
    assert response.status_code == 400
    assert "district" in response.json()
    page = client.get("/analitica/temporal/?district=%00")
    assert page.status_code == 400
    assert "district" in page.content.decode()
    assert "Content-Security-Policy" in page.headers


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("start=2025-02-30", "start"),
        ("start=0001-01-01", "start"),
        ("end=9999-12-31", "end"),
        ("start=2025-03-10&end=2025-03-01", "end debe ser posterior a start"),
    ],
)
def test_dates_outside_the_calendar_or_reversed_are_400s(
    query: str,
    named: str,
    user_for_role,  # type: ignore[no-untyped-def]
) -> None:
    client = Client()
    client.force_login(user_for_role(Role.PLANNER))
    response = client.get(f"/api/incidents/stats/?{query}")
    assert response.status_code == 400
    assert named in response.json()["detail"]


@pytest.mark.django_db
def test_a_one_day_range_with_start_equal_to_end_is_that_whole_day(
    user_for_role,  # type: ignore[no-untyped-def]
) -> None:
    client = Client()
    client.force_login(user_for_role(Role.PLANNER))
    assert client.get("/api/incidents/stats/?start=2025-03-01&end=2025-03-01").status_code == 200


@pytest.mark.django_db
def test_a_shift_far_outside_the_calendar_is_a_400(
    user_for_role,  # type: ignore[no-untyped-def]
) -> None:
    client = Client()
    client.force_login(user_for_role(Role.PLANNER))
    response = client.get("/api/forecasts/current/?shift=9999-12-31T22:00")
    assert response.status_code == 400
    assert "shift" in response.json()


def _headers_only(live_server_url: str, path: str, length: int) -> tuple[bytes, float]:
    """POST headers announcing ``length`` bytes, send none of them, and read the answer."""
    import socket
    import time
    from urllib.parse import urlsplit

    where = urlsplit(live_server_url)
    began = time.monotonic()
    with socket.create_connection((where.hostname, where.port or 80), timeout=10) as sock:
        sock.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: {where.hostname}\r\n"
                f"Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {length}\r\n\r\n"
            ).encode()
        )
        answer = sock.recv(65536)
    return answer, time.monotonic() - began


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "length"),
    [
        ("/cuenta/ingresar/", 200 * 1024 * 1024),  # the login form: small bodies only
        ("/api/datasets/", 501 * 1024 * 1024),  # uploads: up to DATASET_MAX_UPLOAD_MB
        ("/datos/subir/", 501 * 1024 * 1024),
    ],
)
def test_an_oversized_body_is_refused_with_413_before_it_is_sent(
    live_server,  # type: ignore[no-untyped-def]
    path: str,
    length: int,
) -> None:
    answer, seconds = _headers_only(live_server.url, path, length)
    assert answer.split(b"\r\n", 1)[0].endswith(b"413 Request Entity Too Large")
    assert seconds < 5  # answered from the headers: the 200 MB were never waited for
