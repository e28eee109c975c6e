"""Reads of analytics: QuerySet methods, the role rule first (deny by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from accounts.roles import ANALYSTS, role_of

if TYPE_CHECKING:
    from analytics.models import AnalysisRun, KpiTarget  # noqa: F401 — the QuerySets' row types


class AnalysisRunQuerySet(models.QuerySet["AnalysisRun"]):
    def visible_to(self, user: object) -> AnalysisRunQuerySet:
        return self if role_of(user) in ANALYSTS else self.none()

    def of(self, kind: str, params_key: str) -> AnalysisRunQuerySet:
        return self.filter(kind=kind, params_key=params_key)

    def succeeded(self) -> AnalysisRunQuerySet:
        return self.filter(status="succeeded")

    def unfinished(self) -> AnalysisRunQuerySet:
        return self.filter(status__in=("queued", "running"))

    def latest_succeeded(self, kind: str, params_key: str) -> AnalysisRun | None:
        return self.of(kind, params_key).succeeded().order_by("-finished_at", "-pk").first()


class KpiTargetQuerySet(models.QuerySet["KpiTarget"]):
    def visible_to(self, user: object) -> KpiTargetQuerySet:
        return self if role_of(user) in ANALYSTS else self.none()
