"""Who a session belongs to, answered from the cache: the fast paths' view of ``request.user``.

Django's authentication middleware loads the user row on every request. Hot read-only endpoints
(the officers' patrol zones) instead resolve the session to a small cached ``Principal`` with
the same checks Django makes: the session's backend is configured, the user is active, and the
session's auth hash still matches the password (a password change signs every session out).
The entry is dropped whenever the user row is saved or deleted, and expires after a minute in
case a bulk ``update()`` bypassed the signals.

At sign-in the session also records the user's district (``DISTRICT_HINT``), so that a fast
path can fetch the principal and a district's data in one round trip; the hint is only a guess,
checked against the principal before use.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from accounts.second_factor import second_factor_given, second_factor_required

PRINCIPAL_SECONDS = 60
DISTRICT_HINT = "_accounts_district"


@dataclass(frozen=True)
class Principal:
    """A signed-in, active user as the fast paths see it (role rules accept it like a User)."""

    user_id: int
    role: str
    district_id: int | None
    district_key: str | None  # the district's natural key (User.district_key)
    session_hash: str
    # The user must give a second factor in each session (accounts/second_factor.py).
    second_factor: bool = False
    is_authenticated: bool = True
    is_active: bool = True


@dataclass(frozen=True)
class SessionClaim:
    """What a session says about its user, before the user is checked."""

    user_id: str
    session_hash: str
    district_hint: str | None
    second_factor_given: bool = False


def principal_key(user_id: int | str) -> str:
    return f"accounts:principal:v3:{user_id}"


def principal_forget(user_id: int) -> None:
    cache.delete(principal_key(user_id))


def session_claim(request: HttpRequest) -> SessionClaim | None:
    """The signed-in user a request's session names (one cache read), or None."""
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user_id = session.get(SESSION_KEY)
    if user_id is None or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    return SessionClaim(
        user_id=str(user_id),
        session_hash=str(session.get(HASH_SESSION_KEY, "")),
        district_hint=session.get(DISTRICT_HINT),
        second_factor_given=second_factor_given(session),
    )


def principal_verify(claim: SessionClaim, cached: Any) -> Principal | None:
    """The claim's principal (``cached`` if the cache had it, else from the database), checked."""
    principal: Principal | None = cached if isinstance(cached, Principal) else None
    if principal is None:
        principal = _principal_load(claim.user_id)
        if principal is None:
            return None
        cache.set(principal_key(claim.user_id), principal, PRINCIPAL_SECONDS)
    if not constant_time_compare(claim.session_hash, principal.session_hash):
        return None
    if principal.second_factor and not claim.second_factor_given:
        return None
    return principal


def principal_forget_on_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete of a user, or of one of their second-factor devices."""
    principal_forget(getattr(instance, "user_id", None) or instance.pk)


def district_hint_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """user_logged_in: remember the user's district in the session (see the module's doc)."""
    if request is not None and hasattr(request, "session"):
        request.session[DISTRICT_HINT] = getattr(user, "district_key", None)


def _principal_load(user_id: int | str) -> Principal | None:
    from accounts.models import User

    user = User.objects.select_related("district").filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return Principal(
        user_id=user.pk,
        role=user.role,
        district_id=user.district_id,
        district_key=user.district_key,
        session_hash=user.get_session_auth_hash(),
        second_factor=second_factor_required(user),
    )
