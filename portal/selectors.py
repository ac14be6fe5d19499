from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import ChangeRecord


def changelog_for(instance: models.Model) -> models.QuerySet[ChangeRecord]:
    """The change history of one object, newest first. Callers check who may read it."""
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk
    ).select_related("user")
