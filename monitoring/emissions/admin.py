"""Channels are reference data of a source that administrators keep here (every change audited); submissions arrive
from enterprises and are only read, a failed file queued again by the action."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from monitoring.emissions import services
from monitoring.emissions.models import Channel, EmissionSubmission
from portal.admin_site import AdministratorAccess, ReadOnlyAccess


@admin.register(Channel)
class ChannelAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("source", "substance", "interval_minutes", "since", "silent_after_minutes", "is_active")
    list_filter = ("interval_minutes", "is_active")
    list_select_related = ("source", "substance", "source__enterprise")
    search_fields = ("source__code", "source__enterprise__name", "source__enterprise__bin", "substance__code")
    autocomplete_fields = ("source", "substance")


@admin.register(EmissionSubmission)
class EmissionSubmissionAdmin(ReadOnlyAccess, admin.ModelAdmin):
    list_display = ("pk", "enterprise", "via", "received_at", "status", "received_count", "gap_count", "error_message")
    list_filter = ("status", "via", "error_code")
    list_select_related = ("enterprise",)
    search_fields = ("enterprise__name", "enterprise__bin")
    fields = (
        "enterprise", "submitted_by", "via", "received_at", "status", "processed_at", "file", "received_count",
        "over_limit_count", "gap_count", "gaps", "interval_from", "interval_to", "rows_total", "rows_done",
        "claimed_at", "lease_until", "attempts", "error_message", "errors",
    )  # fmt: skip
    readonly_fields = fields
    actions = ["retry"]

    @admin.display(description=_("error"))
    def error_message(self, submission: EmissionSubmission) -> str:
        return submission.error_message

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return self.may_administer(request)

    @admin.action(description=_("Retry the selected failed submissions"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[EmissionSubmission]) -> None:
        retried = services.submissions_retry(actor=request.user, submissions=queryset)
        message = ngettext(
            "%(count)s failed submission queued again.", "%(count)s failed submissions queued again.", len(retried)
        )
        self.message_user(request, message % {"count": len(retried)}, messages.SUCCESS)
