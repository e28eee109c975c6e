from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import DISTRICT_BOUND, Role

if TYPE_CHECKING:
    _UserManagerBase = UserManager["User"]
else:
    _UserManagerBase = UserManager


class CallaoUserManager(_UserManagerBase):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person who signs in. What they may see follows from ``role`` (and ``district``)."""

    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, default=Role.COMMUNITY_LEADER
    )
    # The model is named by a setting (a domain app's District), so accounts stays below the
    # domain apps; the column stays on the user row so the check below holds in the database.
    district = models.ForeignKey(
        settings.ACCOUNTS_DISTRICT_MODEL,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Required for police officers and community leaders."),
    )

    objects = CallaoUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(DISTRICT_BOUND), district__isnull=True),
                name="district_bound_roles_have_a_district",
                violation_error_message=_(
                    "Police officers and community leaders must belong to a district."
                ),
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.role in DISTRICT_BOUND and self.district_id is None:
            raise ValidationError(
                {"district": _("Police officers and community leaders must belong to a district.")}
            )

    @property
    def district_key(self) -> str | None:
        """The district's public code (its natural key, a UBIGEO for Callao), or None."""
        return None if self.district is None else str(self.district.natural_key()[0])

    @property
    def is_admin_role(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    # The admin role, not Django's per-model permissions, decides what the admin site allows.
    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        return self.is_admin_role or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_admin_role or super().has_module_perms(app_label)


class SensitiveRead(models.Model):
    """One read of sensitive data (an incident narrative) by one user (Ley 29733)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="sensitive_reads")
    subject = models.CharField(_("what"), max_length=40, default="incident.narrative")
    object_id = models.BigIntegerField(_("record id"))
    via = models.CharField(_("via"), max_length=300)
    read_at = models.DateTimeField(_("read at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-read_at"]
        verbose_name = _("sensitive data read")
        verbose_name_plural = _("sensitive data reads")
        indexes = [models.Index(fields=["subject", "object_id"], name="sensitive_read_object")]

    def __str__(self) -> str:
        return f"{self.user} · {self.subject} #{self.object_id}"
