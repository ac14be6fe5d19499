"""Public subscriptions by e-mail: an address follows a city's adverse-weather regimes or an enterprise's regime
verdicts and alerts. Double opt-in: a subscription is pending until the link e-mailed to the address is followed,
and only confirmed ones are written to; every message carries the link that ends it."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditedModel, AuditedQuerySet
from portal.permissions import RestrictedQuerySet
from registry.models import Enterprise


class SubscriptionQuerySet(AuditedQuerySet, RestrictedQuerySet):  # type: ignore[override]
    """A subscriber's address is theirs alone: no enterprise or region leads to it, so only administrators (the
    admin) read subscriptions; the public reaches its own by the signed links it was e-mailed."""


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    UNSUBSCRIBED = "unsubscribed", _("unsubscribed")


class Subscription(AuditedModel):
    """One address following one target: a city (its regimes) or an enterprise (its verdicts and alerts).

    The address is kept in lower case, so that the same mailbox written two ways is one subscription and gets each
    message once. Subscribing again returns the same row (to pending after an unsubscription); the change log
    records that the address changed, never the address (`audit_secret`)."""

    audit_secret = ("email",)
    # When the last link was sent is the throttle's, and the language the messages are written in is the page's the
    # address subscribed from: neither is a change anyone made to the subscription.
    audit_exclude = ("confirmation_sent_at", "language")

    email = models.EmailField(_("e-mail address"))
    city = models.ForeignKey(
        "regimes.City",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("city"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("enterprise"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING
    )
    # The page's language when the address subscribed: its messages are written in it.
    language = models.CharField(_("language"), max_length=10)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    # When the last confirmation e-mail was stored: another is sent only after a while (services.RESEND_AFTER).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(city__isnull=True, enterprise__isnull=False)
                | Q(city__isnull=False, enterprise__isnull=True),
                name="subscription_one_target",
            ),
            models.CheckConstraint(condition=Q(email=models.functions.Lower("email")), name="subscription_email_lower"),
            models.UniqueConstraint(
                fields=["email", "city"], condition=Q(city__isnull=False), name="subscription_once_per_city"
            ),
            models.UniqueConstraint(
                fields=["email", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="subscription_once_per_enterprise",
            ),
        ]
        indexes = [
            # Who is told of an event: the confirmed subscribers of a city or an enterprise.
            models.Index(fields=["city"], condition=Q(status="confirmed"), name="subscription_city_told_idx"),
            models.Index(fields=["enterprise"], condition=Q(status="confirmed"), name="subscription_ent_told_idx"),
        ]

    def __str__(self) -> str:
        # Without the address: this is how the change log names the row, and it keeps no address.
        return f"#{self.pk} → {self.city or self.enterprise}"
