"""Writes shared by every app: the change log."""

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from portal.models import AnyUser, ChangeRecord


def _json_value(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of an instance, as JSON (foreign keys as ids)."""
    return {
        field.attname: _json_value(field.value_from_object(instance))
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }


def changelog_record(
    *,
    actor: AnyUser | None,
    instance: models.Model,
    kind: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ChangeRecord | None:
    """Record a change of `instance`. Returns None (and records nothing) when nothing changed."""
    before = before or {}
    after = snapshot(instance) if after is None else after
    changes = {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
    if not changes and kind == ChangeRecord.Kind.UPDATE:
        return None
    return ChangeRecord.objects.create(
        user=actor if actor is not None and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        object_repr=str(instance)[:300],
        kind=kind,
        changes=changes,
    )
