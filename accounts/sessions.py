"""Idle sign-out per role: officers share phones, so their sessions end after a short idle time.

``ACCOUNTS_IDLE_MINUTES`` lists ``role:minutes`` pairs (``officer:15``); a role not listed keeps
Django's fixed session age. The expiry slides with activity, refreshed at most once a minute
(each refresh writes the session).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from accounts.roles import Role, role_of
from callao.env import ImproperlyConfiguredEnv

SEEN_KEY = "_accounts_seen"


def idle_minutes_parse(items: Iterable[str]) -> dict[str, float]:
    """``["officer:15"]`` → ``{"officer": 15.0}``; a malformed pair stops start-up."""
    parsed: dict[str, float] = {}
    for item in items:
        role, _, minutes = item.partition(":")
        try:
            value = float(minutes)
        except ValueError:
            value = -1.0
        if role.strip() not in Role.values or value <= 0:
            raise ImproperlyConfiguredEnv(f"ACCOUNTS_IDLE_MINUTES: cannot read {item!r}")
        parsed[role.strip()] = value
    return parsed


class IdleSignOutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            minutes = idle_minutes_parse(settings.ACCOUNTS_IDLE_MINUTES).get(role_of(user))
            if minutes:
                idle = max(1, round(minutes * 60))
                now = int(time.time())
                if now - int(request.session.get(SEEN_KEY, 0)) >= min(60, idle // 2 or 1):
                    request.session[SEEN_KEY] = now
                    request.session.set_expiry(idle)
        return self.get_response(request)
