"""Sign-in lockout (django-axes) per account and per address.

Axes counts failures per (username, address) and per address alone, and compares the larger
with one limit. Guessing one password across many user names is caught only by the second
count, which must allow more failures: officers of one station share an address, and five
typos among them must not lock the whole station out. So the per-address count is scaled,
``AXES_ADDRESS_FAILURE_LIMIT`` failures from one address weighing as much as
``AXES_FAILURE_LIMIT`` failures for one account.
"""

from __future__ import annotations

import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class AccountAndAddressLockout(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        account, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scale = settings.AXES_FAILURE_LIMIT / settings.AXES_ADDRESS_FAILURE_LIMIT
        return max(account, math.floor(address * scale))
