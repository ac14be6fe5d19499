from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.http import HttpRequest

from portal.models import ChangeRecord, User
from portal.services import changelog_record, snapshot


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Qaldyq", {"fields": ("role",)}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Qaldyq", {"fields": ("role",)}))
    list_display = ("username", "email", "role", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff")


class ChangeLoggedAdmin(admin.ModelAdmin):
    """Admin edits are changes like any other: recorded with who, when, old and new values."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        kind = ChangeRecord.Kind.UPDATE if change else ChangeRecord.Kind.CREATE
        changelog_record(actor=request.user, instance=obj, kind=kind, before=before)


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ("time", "user", "content_type", "object_repr", "kind")
    list_filter = ("kind", "content_type")
    search_fields = ("object_repr",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ChangeRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ChangeRecord | None = None) -> bool:
        return False
