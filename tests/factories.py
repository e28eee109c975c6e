from __future__ import annotations

from typing import Any, cast

import factory

from accounts.models import User
from accounts.roles import DISTRICT_BOUND, Role
from incidents.models import District


class UserFactory(factory.django.DjangoModelFactory):  # type: ignore[type-arg]
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(  # type: ignore[attr-defined]
        lambda n: f"user{n}"
    )
    role = Role.PLANNER
    password = factory.django.Password("not-a-real-password-1")

    @factory.lazy_attribute  # type: ignore[attr-defined, untyped-decorator]
    def district(self) -> District | None:
        if self.role in DISTRICT_BOUND:
            return District.objects.get(ubigeo="070101")
        return None


def make_user(**fields: Any) -> User:
    """A saved user (typed wrapper around the factory)."""
    return cast(User, UserFactory(**fields))
