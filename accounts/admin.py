from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SensitiveRead, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "district", "is_active")
    list_filter = ("role", "district", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Role and district"), {"fields": ("role", "district")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and district"), {"fields": ("role", "district")}),
    )


@admin.register(SensitiveRead)
class SensitiveReadAdmin(admin.ModelAdmin):
    """Read-only: the audit trail cannot be edited or deleted from the site."""

    list_display = ("read_at", "user", "subject", "object_id", "via")
    list_filter = ("subject",)
    search_fields = ("user__username", "object_id")
    date_hierarchy = "read_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# django-otp's own admin for TOTP devices adds a configuration page and a QR code for any
# device (and answers 500 for a missing one); here an admin only sees and removes a user's
# second factors, so that someone who lost their phone sets up a new one at the next sign-in.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.register(TOTPDevice, StaticDevice)
class SecondFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = ("user", "name", "confirmed")
    readonly_fields = ("user", "name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # devices are set up by their owner, with the secret shown only to them
