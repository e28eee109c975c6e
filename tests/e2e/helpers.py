"""Steps shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page

PASSWORD = "not-a-real-password-1"  # the password tests.factories gives every user


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in through the real login form."""
    page.goto(f"{base}/cuenta/ingresar/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
