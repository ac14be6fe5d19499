from typing import Any, Literal, Self

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

Action = Literal["view", "change"]


class User(AbstractUser):
    """A person who logs in. The public never does; it is the anonymous user."""

    class Role(models.TextChoices):
        ENTERPRISE_STAFF = "enterprise_staff", _("Enterprise staff")
        INSPECTOR = "inspector", _("Inspector")
        ADMINISTRATOR = "administrator", _("Regulator administrator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE_STAFF)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["enterprise_staff", "inspector", "administrator"]),
                name="user_role_valid",
            )
        ]

    @property
    def is_administrator(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == self.Role.ADMINISTRATOR)

    @property
    def is_inspector(self) -> bool:
        return self.is_active and self.role == self.Role.INSPECTOR

    @property
    def is_enterprise_staff(self) -> bool:
        return self.is_active and self.role == self.Role.ENTERPRISE_STAFF


AnyUser = User | AnonymousUser


class RestrictedQuerySet(models.QuerySet):
    """Base for querysets that know who may see or change their rows.

    `Model.objects.restrict(user, "view" | "change")` is the one place permission is decided;
    pages, API and services all go through it (NetBox style).
    """

    def restrict(self, user: AnyUser, action: Action = "view") -> Self:
        raise NotImplementedError(f"{self.model.__name__} must define restrict()")


class ChangeKind(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")


class ChangeRecord(models.Model):
    """One change to a registry object: who, when, and the old and new value of each field."""

    Kind = ChangeKind

    time = models.DateTimeField(_("time"), default=timezone.now)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    # {"field name": [old value, new value]}, values as JSON.
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "time"], name="changerecord_object_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["create", "update", "delete"]), name="changerecord_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} {self.kind} {self.time:%Y-%m-%d %H:%M}"

    @property
    def change_list(self) -> list[tuple[str, Any, Any]]:
        return [(field, old, new) for field, (old, new) in sorted(self.changes.items())]
