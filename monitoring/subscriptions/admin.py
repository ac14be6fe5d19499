"""Administrators read the subscriptions and may end some (a complaint, an address that bounces); an address
subscribes, confirms and ends its own only by the links it is e-mailed."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from monitoring.subscriptions.models import Subscription
from monitoring.subscriptions.services import subscriptions_end
from portal.admin_site import ReadOnlyAccess


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAccess, admin.ModelAdmin):
    list_display = (
        "email",
        "city",
        "enterprise",
        "status",
        "language",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    )
    list_filter = ("status", "language")
    search_fields = ("email", "city__name", "enterprise__name", "enterprise__bin")
    list_select_related = ("city", "enterprise")
    actions = ("end_selected",)

    @admin.action(description=_("End the selected subscriptions"))
    def end_selected(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        count = subscriptions_end(queryset)
        self.message_user(
            request,
            ngettext("%(count)d subscription ended.", "%(count)d subscriptions ended.", count) % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
