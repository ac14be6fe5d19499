"""How a change record reads, on every history page, the audit log and the API: each field by its translated label,
each value formatted in the reader's language (choices by their label, numbers localized, dates, yes / no, related
rows by their name, a field's own format where its model gives one in `audit_formats`), the person or "system", the
kind translated, the changed row by its name as the reader's language writes it today (the name stored with the
record, in the language of whoever changed it, only once the row is gone).

Related and changed rows are named when the page is shown, with one query per model for the whole page.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.audit import SECRET_CHANGED
from portal.models import ChangeRecord, User

EMPTY = "—"


@dataclass(frozen=True)
class ChangeLine:
    field: str
    label: str
    old: str
    new: str


def person(user: User | None) -> str:
    if user is None:
        return _("system")
    return user.get_full_name() or user.username


def present(records: Iterable[ChangeRecord]) -> list[ChangeRecord]:
    """The records, each with `lines` (ChangeLine), `actor` and `model_label` set for display."""
    records = list(records)
    names = _related_names(records)
    for record in records:
        model = ContentType.objects.get_for_id(record.content_type_id).model_class()
        record.model_label = _translated(model._meta.verbose_name) if model else ""  # type: ignore[attr-defined]
        shown = names.get((model, record.object_id)) if model else None
        record.object_name = shown or record.object_repr  # type: ignore[attr-defined]
        record.actor = person(record.user)  # type: ignore[attr-defined]
        record.lines = [  # type: ignore[attr-defined]
            ChangeLine(
                field=key,
                label=_label(field, key),
                old=_format(model, field, old, names),
                new=_format(model, field, new, names),
            )
            for key, field, (old, new) in _ordered(model, record.changes)
        ]
    return records


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)  # a name or, in older records, an attname
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) and field.concrete else None


def _ordered(model: type[models.Model] | None, changes: dict[str, Any]) -> list[tuple[str, models.Field | None, Any]]:
    """The changes in the order of the model's fields; keys that are not fields (older records) last."""
    order = {field.name: index for index, field in enumerate(model._meta.concrete_fields)} if model else {}
    rows = [(key, _field(model, key), value) for key, value in changes.items()]
    return sorted(rows, key=lambda row: (order.get(row[1].name, len(order)) if row[1] else len(order), row[0]))


def _label(field: models.Field | None, key: str) -> str:
    return key if field is None else _translated(field.verbose_name)


def _translated(name: Any) -> str:
    # A name Django made from the attribute or class ("user") is a plain string: look it up in the catalogues too.
    return capfirst(str(name) if isinstance(name, Promise) else _(str(name)))


def _related_names(records: list[ChangeRecord]) -> dict[tuple[type[models.Model], Any], str]:
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for record in records:
        model = ContentType.objects.get_for_id(record.content_type_id).model_class()
        for key, (old, new) in record.changes.items():
            field = _field(model, key)
            if field is not None and field.many_to_one:
                wanted[field.related_model].update(value for value in (old, new) if value is not None)  # type: ignore[index]
        if model is not None:
            wanted[model].add(record.object_id)
    names = {}
    for related, ids in wanted.items():
        # select_related(): a name may show a related row (a waste return its enterprise).
        for pk, row in related._base_manager.select_related().in_bulk(list(ids)).items():
            names[(related, pk)] = person(row) if isinstance(row, User) else str(row)
    return names


def _format(
    model: type[models.Model] | None, field: models.Field | None, value: Any, names: dict[tuple[type, Any], str]
) -> str:
    if value is None or value == "":
        return EMPTY
    if field is None:
        return _plain(value)
    if value == SECRET_CHANGED and field.name in getattr(model, "audit_secret", ()):
        return _("changed")
    if field.many_to_one:
        return names.get((field.related_model, value), f"#{value}")  # type: ignore[arg-type]
    if own := getattr(model, "audit_formats", {}).get(field.name):
        return own(value)
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, models.DecimalField | models.FloatField):
        try:
            return number_format(Decimal(str(value)), use_l10n=True, force_grouping=True)
        except InvalidOperation:
            return str(value)
    if isinstance(field, models.IntegerField):
        return number_format(value, use_l10n=True)
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        day = parse_date(str(value))
        return date_format(day, "DATE_FORMAT") if isinstance(day, datetime.date) else str(value)
    return _plain(value)


def _plain(value: Any) -> str:
    """JSON as text: an object as “key: value” pairs, a list by commas."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_plain(item)}" for key, item in value.items()) or EMPTY
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value) or EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
