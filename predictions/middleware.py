"""A fast path for the officers' hottest read: the patrol zones of the current or next shift.

Runs before sessions, authentication and DRF. It answers only when everything is ordinary —
a GET with at most ``district`` and ``shift=current|next``, a valid session whose scope
admits the district (``accounts.roles.district_scope``, the rule of every ``visible_to``:
officers only their own district) and the rendered JSON already in the cache — and otherwise
hands the request to the full stack unchanged, which also fills the cache and answers any
refusal. Tests compare both paths byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from accounts.principals import principal_key, principal_verify, session_claim
from accounts.roles import district_scope
from predictions.shifts import ShiftWindow, shift_current, shift_next
from predictions.zones_cache import zones_json_key

FAST_PARAMS = frozenset({"district", "shift"})


class CurrentZonesFastPath:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path = ""
        # (valid from, valid until, current window, next window): reading the shift settings
        # costs more than the rest of the fast path, and the answer changes a few times a day.
        self._windows: tuple[datetime, datetime, ShiftWindow, ShiftWindow] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Reversed at the first request, once the script prefix (SCRIPT_NAME) is known.
        self.path = self.path or reverse("predictions:api-forecast-current")
        if request.method == "GET" and request.path == self.path:
            response = self._cached(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _cached(self, request: HttpRequest) -> HttpResponse | None:
        if not FAST_PARAMS.issuperset(request.GET):
            return None
        shift = request.GET.get("shift") or "current"
        if shift not in ("current", "next"):
            return None
        claim = session_claim(request)
        if claim is None:
            return None
        current, upcoming = self._shift_windows(timezone.now())
        window = current if shift == "current" else upcoming
        language = translation.get_language_from_request(request)

        def key(district: str | None) -> str:
            return zones_json_key(window_start=window.start, district=district, language=language)

        # One round trip for the principal and the zones of the district the session expects.
        guess = request.GET.get("district") or claim.district_hint
        found = cache.get_many([principal_key(claim.user_id), key(guess)])
        principal = principal_verify(claim, found.get(principal_key(claim.user_id)))
        if principal is None:
            return None
        scope = district_scope(principal)
        if scope.is_empty:
            return None
        district = request.GET.get("district") or None
        if not scope.everywhere:
            if district not in (None, principal.district_key):
                return None  # the view refuses it, with its own message
            district = principal.district_key
        body = found.get(key(district)) if district == guess else cache.get(key(district))
        if body is None:
            return None
        response = HttpResponse(body, content_type="application/json")
        response.headers["Content-Language"] = language
        response.headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        patch_vary_headers(response, ("Accept", "Accept-Language", "Cookie"))
        return response

    def _shift_windows(self, now: datetime) -> tuple[ShiftWindow, ShiftWindow]:
        memo = self._windows
        if memo is None or not memo[0] <= now < memo[1]:
            current, upcoming = shift_current(moment=now), shift_next(moment=now)
            memo = (current.start, min(current.end, upcoming.start), current, upcoming)
            self._windows = memo
        return memo[2], memo[3]
