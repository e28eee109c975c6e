from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import demo_accounts_ensure


class Command(BaseCommand):
    help = "Create or reset one demo account per role and print the credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", help="Password for every demo account (default: DEMO_PASSWORD or random)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or settings.DEMO_PASSWORD or secrets.token_urlsafe(9)
        try:
            accounts = demo_accounts_ensure(password=password)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Cuentas de demostración / demo accounts:"))
        for account in accounts:
            where = f"  ({account.district})" if account.district else ""
            self.stdout.write(f"  {account.role:<17} {account.username:<24} {password}{where}")
