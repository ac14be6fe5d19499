from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from portal.audit import AuditedModel, AuditedQuerySet

if TYPE_CHECKING:
    from portal.history import ChangeRecordQuerySet


class UserManager(AuthUserManager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    pass


class User(AuditedModel, AbstractUser):
    """A person who logs in. The public never does; it is the anonymous user."""

    # Who may do what is audited (role, active, names, e-mail); a login is not a change, and of the password only
    # the fact that it changed is recorded.
    audit_exclude = ("last_login",)
    audit_secret = ("password",)

    class Role(models.TextChoices):
        ENTERPRISE_STAFF = "enterprise_staff", _("Enterprise staff")
        INSPECTOR = "inspector", _("Inspector")
        ADMINISTRATOR = "administrator", _("Regulator administrator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE_STAFF)

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["enterprise_staff", "inspector", "administrator"]),
                name="user_role_valid",
            )
        ]


# The change log shows a user's fields by Django's labels, and Django's Kazakh catalogue lacks this one: naming it
# here puts it in ours (locale/), which Django reads first.
gettext_noop("email address")


class ChangeKind(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")


class ChangeRecordManager(models.Manager["ChangeRecord"]):
    """Its queryset, portal.history.ChangeRecordQuerySet, is a RestrictedQuerySet; portal.permissions imports
    this module, so the queryset's module is imported when first used."""

    def get_queryset(self) -> "ChangeRecordQuerySet":
        from portal.history import ChangeRecordQuerySet

        return ChangeRecordQuerySet(self.model, using=self._db)

    def restrict(self, user: Any, action: str) -> "ChangeRecordQuerySet":
        return self.get_queryset().restrict(user, action)  # type: ignore[arg-type]


class ChangeRecord(models.Model):
    """One write to an audited row (portal.audit): who, when, and the old and new value of each field.

    Besides the row itself, a record names the parent whose history it belongs to (a survey: its deposit), and the
    enterprise and region it concerns, which decide who may read it: plain ids, so that deleting an enterprise is
    never held up by its history.
    """

    Kind = ChangeKind

    time = models.DateTimeField(_("time"), default=timezone.now)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=ChangeKind.choices)
    # {"field name": [old value, new value]}, values as JSON (a foreign key as the id).
    changes = models.JSONField(default=dict)
    parent_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    parent_id = models.PositiveBigIntegerField(null=True, blank=True)
    enterprise_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    region_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)

    objects = ChangeRecordManager()

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "time"], name="changerecord_object_idx"),
            models.Index(fields=["parent_type", "parent_id", "time"], name="changerecord_parent_idx"),
            models.Index(fields=["time"], name="changerecord_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["create", "update", "delete"]), name="changerecord_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} {self.kind} {self.time:%Y-%m-%d %H:%M}"


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    # Shown on the site (the alert list's "New for you"): delivered when stored, read when opened.
    IN_APP = "in_app", _("on the site")


class OutboxQuerySet(models.QuerySet["OutboxMessage"]):
    def sent(self) -> "OutboxQuerySet":
        return self.exclude(sent_at=None)

    def pending(self) -> "OutboxQuerySet":
        return self.filter(sent_at=None).exclude(next_attempt_at=None)

    def failed(self) -> "OutboxQuerySet":
        return self.filter(sent_at=None, next_attempt_at=None)


class OutboxMessage(models.Model):
    """One message to one person on one channel (portal.outbox). The text is not stored: a code and its
    parameters, rendered in the reader's language when sent or shown by the renderer its app registered.

    `dedupe_key` names the logical message ("return:<version>:<event>:<user>"), so a producer run twice stores
    it once. An e-mail is due while `sent_at` is empty and `next_attempt_at` has come; a sender claims it with a
    conditional UPDATE (`claimed_at`), counts the attempt, and records either `sent_at` or the error with the next
    attempt's time, which is cleared (failed) after OUTBOX_MAX_ATTEMPTS. Not audited: the row is its own record.
    """

    Channel = Channel

    # None for an address with no account behind it (a public subscriber, monitoring.subscriptions): then the
    # message is an e-mail to `address` (outboxmessage_recipient_or_address).
    recipient = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("recipient"),
    )
    # The e-mail address when the message was created: a later change of address does not redirect it.
    address = models.EmailField(_("address"), blank=True)
    # The language the e-mail is written in when its reader chose one (a subscriber: the page's language when they
    # subscribed); empty: the recipient's (outbox.language_of).
    language = models.CharField(_("language"), max_length=10, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    code = models.CharField(_("message"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        constraints = [
            models.UniqueConstraint(fields=["channel", "dedupe_key"], name="outboxmessage_once"),
            models.CheckConstraint(condition=models.Q(channel__in=["email", "in_app"]), name="outboxmessage_channel"),
            # A message goes to a user, or is an e-mail to a bare address: never to nobody.
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | (models.Q(channel="email") & ~models.Q(address="")),
                name="outboxmessage_recipient_or_address",
            ),
        ]
        indexes = [
            # The sender's search for due e-mails, and a person's unread messages on the site.
            models.Index(fields=["next_attempt_at"], condition=models.Q(sent_at=None), name="outboxmessage_due_idx"),
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(channel="in_app", read_at=None),
                name="outboxmessage_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} -> {self.recipient or self.address} ({self.channel})"

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return "sent"
        return "failed" if self.next_attempt_at is None else "pending"
