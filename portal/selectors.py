from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from portal.models import ChangeRecord
from portal.permissions import Action, AnyUser


def readable_changes(*, user: AnyUser) -> models.QuerySet[ChangeRecord]:
    """Every change record `user` may read, newest first (the audit log)."""
    return ChangeRecord.objects.restrict(user, Action.READ_HISTORY).select_related("user")


def history_of(*, user: AnyUser, instance: models.Model) -> models.QuerySet[ChangeRecord]:
    """The history of one row: its own records and those of the rows that belong to it (a deposit's surveys),
    of those `user` may read. Callers check that the user may read the row's history at all."""
    content_type = ContentType.objects.get_for_model(instance)
    return readable_changes(user=user).filter(
        Q(content_type=content_type, object_id=instance.pk) | Q(parent_type=content_type, parent_id=instance.pk)
    )
