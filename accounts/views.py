from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import View
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.permissions import RolesAllowedMixin
from accounts.roles import PUBLIC, SIGNED_IN, role_of
from accounts.services import second_factor_device_confirm, second_factor_device_start
from callao.errors import InvalidInput


class LoginView(RolesAllowedMixin, auth_views.LoginView):
    allowed_roles = PUBLIC
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(RolesAllowedMixin, auth_views.LogoutView):
    allowed_roles = PUBLIC


class SecondFactorSetupView(RolesAllowedMixin, View):
    """Set up an authenticator app: scan the code, type its first code, keep the recovery codes."""

    allowed_roles = SIGNED_IN
    second_factor_exempt = True

    def get(self, request: HttpRequest) -> HttpResponse:
        if user_has_device(request.user):
            return redirect(_next(request, "accounts:second-factor-verify"))
        return self._page(request, error="")

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            codes = second_factor_device_confirm(
                user=request.user,  # type: ignore[arg-type]
                token=request.POST.get("token", ""),
            )
        except InvalidInput as error:
            return self._page(request, error=str(error))
        device = TOTPDevice.objects.get(user=request.user, confirmed=True)
        otp_login(request, device)
        context = {"codes": codes, "next": _next(request, "home")}
        return render(request, "accounts/second_factor_codes.html", context)

    def _page(self, request: HttpRequest, *, error: str) -> HttpResponse:
        device = second_factor_device_start(user=request.user)  # type: ignore[arg-type]
        url = device.config_url
        context = {
            "qr_svg": mark_safe(segno.make(url, error="m").svg_inline(scale=4)),  # noqa: S308
            "secret": b32encode(device.bin_key).decode(),
            "error": error,
            "next": request.GET.get("next", ""),
            "required": role_of(request.user) in settings.ACCOUNTS_SECOND_FACTOR_ROLES,
        }
        return render(request, "accounts/second_factor_setup.html", context)


class SecondFactorVerifyView(RolesAllowedMixin, View):
    """Give the second factor at sign-in: the app's current code or one recovery code."""

    allowed_roles = SIGNED_IN
    second_factor_exempt = True

    def get(self, request: HttpRequest) -> HttpResponse:
        if not user_has_device(request.user):
            return redirect(_next(request, "accounts:second-factor-setup"))
        return render(request, "accounts/second_factor_verify.html", {"next": _next_raw(request)})

    def post(self, request: HttpRequest) -> HttpResponse:
        device = match_token(request.user, request.POST.get("token", "").strip())
        if device is None:
            context = {"next": _next_raw(request), "error": True}
            return render(request, "accounts/second_factor_verify.html", context, status=400)
        otp_login(request, device)
        return redirect(_next(request, "home"))


def _next_raw(request: HttpRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def _next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` page asked for, if it is on this site; else ``fallback``'s URL."""
    wanted = _next_raw(request)
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else reverse(fallback)
