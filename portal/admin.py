from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from portal import outbox
from portal.admin_site import AdministratorAccess, ReadOnlyAccess
from portal.models import ChangeRecord, OutboxMessage, OutboxQuerySet, User


@admin.register(User)
class PortalUserAdmin(AdministratorAccess, UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Qaldyq", {"fields": ("role",)}))  # type: ignore[misc]  # stub: Optional
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Qaldyq", {"fields": ("role",)}))
    list_display = ("username", "email", "role", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff")


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAccess, admin.ModelAdmin):
    list_display = ("time", "user", "content_type", "object_repr", "kind")
    list_filter = ("kind", "content_type")
    search_fields = ("object_repr",)


# OutboxMessage.status, as read in the admin.
OUTBOX_STATUS = {
    "pending": _("waiting to be sent"),
    "sent": pgettext_lazy("e-mail", "sent"),
    "failed": pgettext_lazy("e-mail", "failed"),
}


class OutboxStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(status, str(label)) for status, label in OUTBOX_STATUS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> QuerySet[OutboxMessage]:
        if self.value() in {"pending", "sent", "failed"}:
            return getattr(queryset, str(self.value()))()
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAccess, admin.ModelAdmin):
    """Read-only: the outbox is written by the apps' events and the sender; an administrator can only have failed
    e-mails tried once more."""

    list_display = (
        "created_at", "recipient", "address", "channel", "code", "status_display", "attempts", "sent_at",
        "next_attempt_at", "last_error",
    )  # fmt: skip
    list_filter = (OutboxStatusFilter, "channel", "code")
    search_fields = ("recipient__username", "address", "code", "dedupe_key")
    list_select_related = ("recipient",)
    actions = ("retry_failed",)

    @admin.display(description=_("status"))
    def status_display(self, message: OutboxMessage) -> str:
        return str(OUTBOX_STATUS[message.status])

    @admin.action(description=_("Try the selected failed e-mails again"))
    def retry_failed(self, request: HttpRequest, queryset: OutboxQuerySet) -> None:
        count = outbox.retry(queryset)
        self.message_user(
            request,
            ngettext("%(count)d e-mail will be tried again.", "%(count)d e-mails will be tried again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
