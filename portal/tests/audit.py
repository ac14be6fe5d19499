"""Helpers for the tests of the audit trail across the apps."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Max

from portal.models import ChangeRecord


class Log:
    """The change records written since it was made."""

    def __init__(self) -> None:
        self.start = ChangeRecord.objects.aggregate(last=Max("id"))["last"] or 0

    def records(self, model: type[models.Model] | None = None, **filters: Any) -> list[ChangeRecord]:
        found = ChangeRecord.objects.filter(id__gt=self.start, **filters).order_by("id")
        if model is not None:
            found = found.filter(content_type=ContentType.objects.get_for_model(model))
        return list(found)

    def only(self, model: type[models.Model], **filters: Any) -> ChangeRecord:
        """The one record of `model` written since; fails if there are none or several."""
        found = self.records(model, **filters)
        assert len(found) == 1, [(record.kind, record.object_repr, record.changes) for record in found]
        return found[0]
