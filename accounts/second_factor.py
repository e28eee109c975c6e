"""Two-factor sign-in (TOTP, django-otp): who needs it, and whether a session has given it.

Roles in ``ACCOUNTS_SECOND_FACTOR_ROLES`` (admins by default) must set up an authenticator
before anything but public pages; every other user may set one up, and then must use it at
each sign-in. The rule is read here once, by the middleware that guards pages and API
(accounts/middleware.py) and by the cached principals of the fast paths
(accounts/principals.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device

from accounts.roles import role_of


def second_factor_required(user: object, *, has_device: bool | None = None) -> bool:
    """Whether ``user`` may only act after giving a second factor in this session."""
    if not getattr(user, "is_authenticated", False):
        return False
    if role_of(user) in settings.ACCOUNTS_SECOND_FACTOR_ROLES:
        return True
    return user_has_device(user) if has_device is None else has_device


def second_factor_given(session: SessionBase) -> bool:
    """Whether the session was verified with a device (django-otp's ``otp_login``)."""
    return bool(session.get(DEVICE_ID_SESSION_KEY))
