"""Lag, publication, immutability and corrections of reports, and generate_reports."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client

from accounts.roles import Role
from incidents.models import District
from reports.models import Report, ReportKind, ReportStatus
from reports.periods import latest_period, period_for
from reports.services import (
    ReportAlreadyPublished,
    ReportError,
    ReportNotReady,
    report_generate,
    report_issue,
    report_jobs_due,
    report_publish,
)
from tests.factories import make_user
from tests.reports.builders import LIMA, WEEK, bellavista_week

pytestmark = pytest.mark.django_db

WEEKLY = ReportKind.PUBLIC_WEEKLY


@pytest.fixture
def bellavista(districts: list[District], categories: dict[str, int]) -> District:
    bellavista_week()
    return District.objects.get(ubigeo="070102")


def _week_end() -> dt.datetime:
    return period_for(WEEKLY, WEEK).end_at


def test_a_week_cannot_be_reported_until_7_days_after_it_ends(bellavista: District) -> None:
    with pytest.raises(ReportNotReady):
        report_generate(
            kind=WEEKLY, district=bellavista, period=WEEK, now=_week_end() + dt.timedelta(days=6)
        )
    report, action = report_generate(
        kind=WEEKLY, district=bellavista, period=WEEK, now=_week_end() + dt.timedelta(days=7)
    )
    assert action == "created"
    assert report.publishable_at == _week_end() + dt.timedelta(days=7)


def test_the_public_never_sees_a_report_inside_the_lag_even_if_one_were_written(
    bellavista: District,
) -> None:
    report = report_issue(kind=WEEKLY, district=bellavista, period=WEEK, publish=True).report
    assert Report.objects.public().filter(pk=report.pk).exists()
    assert not Report.objects.public(now=report.publishable_at - dt.timedelta(seconds=1)).exists()


def test_the_newest_reportable_week_is_the_one_that_ended_at_least_7_days_ago() -> None:
    monday = dt.datetime(2025, 3, 17, 6, 0, tzinfo=LIMA)
    assert latest_period(WEEKLY, monday).code == "2025-W10"  # ended Sunday 9 March
    assert latest_period(WEEKLY, monday - dt.timedelta(hours=7)).code == "2025-W09"
    assert latest_period(ReportKind.OFFICIAL_MONTHLY, monday).code == "2025-02"


def test_public_reports_are_per_district_only(districts: list[District]) -> None:
    with pytest.raises(ReportError, match="per district"):
        report_generate(kind=WEEKLY, district=None, period=WEEK)


def test_a_week_code_is_required_for_weekly_reports(bellavista: District) -> None:
    with pytest.raises(ValueError, match="covers a week"):
        report_generate(kind=WEEKLY, district=bellavista, period="2025-03")


def test_regenerating_a_draft_replaces_it_in_place(bellavista: District) -> None:
    first, _ = report_generate(kind=WEEKLY, district=bellavista, period=WEEK)
    again, action = report_generate(kind=WEEKLY, district=bellavista, period=WEEK)
    assert action == "replaced"
    assert again.pk == first.pk
    assert again.version == 1
    assert Report.objects.count() == 1


def test_a_published_report_is_immutable(bellavista: District) -> None:
    report = report_issue(kind=WEEKLY, district=bellavista, period=WEEK, publish=True).report
    assert report.status == ReportStatus.PUBLISHED
    assert report.pdf.name.endswith(".pdf")
    with pytest.raises(ReportAlreadyPublished):
        report_publish(report=report)
    with pytest.raises(ReportAlreadyPublished):
        report_generate(kind=WEEKLY, district=bellavista, period=WEEK)
    outcome = report_issue(kind=WEEKLY, district=bellavista, period=WEEK, publish=True)
    assert (outcome.action, outcome.report.pk) == ("unchanged", report.pk)


def test_the_database_refuses_to_change_or_delete_a_published_report(bellavista: District) -> None:
    report = report_issue(kind=WEEKLY, district=bellavista, period=WEEK, publish=True).report
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(summary_text="Todo está tranquilo.")
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        Report.objects.filter(pk=report.pk).delete()
    report.refresh_from_db()
    assert report.summary_text.startswith("En Bellavista")


def test_a_correction_is_a_new_version_that_supersedes_the_published_one(
    bellavista: District,
) -> None:
    first = report_issue(kind=WEEKLY, district=bellavista, period=WEEK, publish=True).report
    before = dict(first.content)
    outcome = report_issue(
        kind=WEEKLY,
        district=bellavista,
        period=WEEK,
        publish=True,
        correct=True,
        correction_reason="Se importaron denuncias tardías.",
    )
    second = outcome.report
    assert outcome.action == "corrected"
    assert (second.version, second.supersedes_id) == (2, first.pk)
    first.refresh_from_db()
    assert first.content == before
    assert first.status == ReportStatus.PUBLISHED
    assert list(Report.objects.public().current()) == [second]
    client = Client()
    response = client.get(f"/reportes/{first.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/reportes/{second.pk}/"
    assert "Se importaron denuncias tardías." in client.get(response["Location"]).content.decode()


def test_the_admin_shows_reports_read_only_and_never_deletes_a_published_one(
    bellavista: District,
) -> None:
    report = report_issue(kind=WEEKLY, district=bellavista, period=WEEK, publish=True).report
    client = Client()
    client.force_login(make_user(username="admin-reports", role=Role.ADMIN))
    change_url = f"/admin/reports/report/{report.pk}/change/"
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"summary_text": "x"}).status_code == 403
    assert client.get(f"/admin/reports/report/{report.pk}/delete/").status_code == 403
    assert client.get("/admin/reports/report/add/").status_code == 403
    report.refresh_from_db()
    assert report.summary_text.startswith("En Bellavista")


def test_the_admin_publishes_a_draft_through_the_service(bellavista: District) -> None:
    draft, _ = report_generate(kind=WEEKLY, district=bellavista, period=WEEK)
    client = Client()
    client.force_login(make_user(username="admin-publisher", role=Role.ADMIN))
    response = client.post(
        "/admin/reports/report/",
        {"action": "publish_drafts", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.pdf


def test_the_command_generates_publishes_leaves_alone_and_corrects(bellavista: District) -> None:
    def run(*args: str) -> str:
        out = StringIO()
        call_command(
            "generate_reports", "--kind", WEEKLY, "--district", "070102", "--period", WEEK,
            *args, stdout=out, stderr=StringIO(),
        )  # fmt: skip
        return out.getvalue()

    assert "created v1, draft" in run()
    assert "replaced v1, draft" in run()
    assert "replaced v1, published" in run("--publish")
    assert "unchanged v1, published (already published; use --correct)" in run("--publish")
    assert "corrected v2, draft" in run("--correct", "--reason", "Datos tardíos")
    assert Report.objects.filter(kind=WEEKLY).count() == 2


def test_the_command_makes_one_weekly_report_per_district_for_all(bellavista: District) -> None:
    out = StringIO()
    call_command(
        "generate_reports", "--kind", WEEKLY, "--district", "all", "--period", WEEK, stdout=out
    )
    assert Report.objects.filter(kind=WEEKLY).count() == 7
    assert "Bellavista 2025-W10: created v1" in out.getvalue()


def test_the_command_refuses_an_unknown_district_and_a_too_recent_week(
    bellavista: District,
) -> None:
    with pytest.raises(CommandError, match="No district"):
        call_command("generate_reports", "--kind", WEEKLY, "--district", "999999")
    with pytest.raises(CommandError, match="could not be generated"):
        call_command(
            "generate_reports", "--kind", WEEKLY, "--district", "070102", "--period", "2099-W01",
            stderr=StringIO(),
        )  # fmt: skip


def test_the_weekly_schedule_asks_for_every_district(districts: list[District]) -> None:
    jobs = report_jobs_due(kind=WEEKLY, now=dt.datetime(2025, 3, 17, 6, 0, tzinfo=LIMA))
    assert jobs == [(district.ubigeo, "2025-W10") for district in districts]
    assert report_jobs_due(
        kind=ReportKind.OFFICIAL_MONTHLY, now=dt.datetime(2025, 4, 1, 6, 30, tzinfo=LIMA)
    ) == [(None, "2025-03")]


def test_beat_runs_the_weekly_and_monthly_reports_in_lima_time() -> None:
    from callao.celery import app

    weekly = app.conf.beat_schedule["reports-public-weekly"]
    monthly = app.conf.beat_schedule["reports-official-monthly"]
    assert weekly["task"] == monthly["task"] == "reports.tasks.reports_schedule_task"
    assert weekly["kwargs"] == {"kind": "public_weekly"}
    assert weekly["schedule"].day_of_week == {1}
    assert monthly["schedule"].day_of_month == {1}
    assert app.conf.timezone == "America/Lima"


def test_the_public_list_answers_in_a_fixed_number_of_queries(
    bellavista: District, django_assert_max_num_queries: Any
) -> None:
    for ubigeo in ("070101", "070102", "070103"):
        district = District.objects.get(ubigeo=ubigeo)
        report_issue(kind=WEEKLY, district=district, period=WEEK, publish=True)
    client = Client()
    with django_assert_max_num_queries(2):
        data = client.get("/api/reports/").json()
    assert data["count"] == 3
    with django_assert_max_num_queries(3):
        assert client.get("/reportes/").status_code == 200
