"""The audit trail: every write to an audited model leaves one `ChangeRecord` per row, in the same transaction, with
the old values read from the database and the new ones, whatever the path (form, API, file, task, admin).

A model takes part by subclassing `AuditedModel` (its class attributes say which fields do not count, which parent's
history a row belongs to, and how a row leads to its enterprise and region) and by a manager whose queryset mixes in
`AuditedQuerySet`. Then:

- `save()` and `delete()`, so also cascades, the admin and its inlines, are recorded by signal receivers connected
  to each audited model. The old values are read from the database just before the write, locked until the
  transaction ends: the instance may already hold the new ones (a ModelForm puts them there before the service
  runs). `save()` runs in a transaction, so that its record shares it even in autocommit.
- `QuerySet.update()`, `bulk_update()` and `bulk_create()` are recorded by `AuditedQuerySet`; `QuerySet.delete()`
  sends the delete signals for each row.
- Raw SQL, and a `bulk_create(ignore_conflicts=True)` (which cannot tell the rows it created), run inside
  `track(queryset)`: the queryset's rows are read (and locked) before the block and read again after it, and
  their differences recorded; or, for rows inserted by SQL that returns their ids, `created(model, ids)`.

An update that changes no audited field records nothing. The person is the current request's user (the middleware
puts the request in a context variable and `request.user` is read when the record is written, after DRF's token
authentication has set it) or the user of `acting(user)` (both in `portal.audit_actor`); a Celery task acts as
nobody, "system", unless it says whom it acts for.
"""

import datetime
import functools
import json
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.db.models import F
from django.db.models.signals import class_prepared, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from portal.audit_actor import acting_user_id

if TYPE_CHECKING:
    from portal.models import ChangeRecord

# What a record says of a secret field (a password hash): only that it changed.
SECRET_CHANGED = "(changed)"
_PENDING = "_audit_pending"
# Aliases of the values read alongside a row's fields: where its enterprise, region and parent are.
_ENTERPRISE, _REGION = "audit_enterprise_id", "audit_region_id"


class AuditedModel(models.Model):
    """A model every write to which is recorded (see the module's docstring).

    `audit_exclude`: fields whose changes do not count (a progress counter, a login time).
    `audit_secret`: fields recorded only as "changed", never with their values.
    `audit_parent`: a foreign key to the row whose history this one belongs to (a survey: its deposit).
    `audit_enterprise`, `audit_region`: lookup paths to the ids of the enterprise and region a row concerns, which
    decide who reads its records; by default the queryset's `enterprise_field` and `region_field`.
    """

    audit_exclude: ClassVar[tuple[str, ...]] = ()
    audit_secret: ClassVar[tuple[str, ...]] = ()
    audit_parent: ClassVar[str | None] = None
    audit_enterprise: ClassVar[str | None] = None
    audit_region: ClassVar[str | None] = None

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            return super().delete(*args, **kwargs)


def audited_models() -> list[type[AuditedModel]]:
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, AuditedModel)]


_quieted: ContextVar[frozenset[type[models.Model]]] = ContextVar("audit_quieted", default=frozenset())


# What is recorded of a model.


class _Unresolved(Exception):
    """An instance holds an expression (F() + 1) rather than the value it saved."""


@dataclass(frozen=True)
class _Spec:
    model: type[models.Model]
    fields: tuple[models.Field, ...]
    secret: frozenset[str]
    parent: models.ForeignKey | None
    enterprise: str | None
    region: str | None

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """Field names and attnames (update() and update_fields take either)."""
        return frozenset(name for field in self.fields for name in (field.name, field.attname))

    def local(self, path: str | None) -> str | None:
        """The attname a lookup path reads on the row itself, if it does not cross a relation."""
        if path is None:
            return None
        if path == "pk":
            return self.model._meta.pk.attname
        names = {field.name: field.attname for field in self.model._meta.concrete_fields}
        return names.get(path) or (path if path in names.values() else None)

    @functools.cached_property
    def remote(self) -> dict[str, Any]:
        """The scope read through relations, as values() aliases."""
        paths = {_ENTERPRISE: self.enterprise, _REGION: self.region}
        return {alias: F(path) for alias, path in paths.items() if path is not None and self.local(path) is None}

    def read_aliases(self) -> dict[str, Any]:
        """Everything a row's records need: the scope, local or not."""
        paths = {_ENTERPRISE: self.enterprise, _REGION: self.region}
        return {alias: F(path) for alias, path in paths.items() if path is not None}

    def values_of(self, instance: models.Model) -> dict[str, Any]:
        return {field.attname: _json(field, field.value_from_object(instance)) for field in self.fields}


@functools.cache
def _spec(model: type[models.Model]) -> _Spec:
    audited = cast(type[AuditedModel], model)
    excluded = set(audited.audit_exclude)
    fields = tuple(
        field for field in model._meta.concrete_fields if not field.primary_key and field.name not in excluded
    )
    queryset = model._default_manager.all()
    parent = model._meta.get_field(audited.audit_parent) if audited.audit_parent else None
    return _Spec(
        model=model,
        fields=fields,
        secret=frozenset(audited.audit_secret),
        parent=cast(models.ForeignKey | None, parent),
        enterprise=audited.audit_enterprise or getattr(queryset, "enterprise_field", None),
        region=audited.audit_region or getattr(queryset, "region_field", None),
    )


def _json(field: models.Field, value: Any) -> Any:
    """A value as the record keeps it: the field's own Python type, then JSON; equal values compare equal whether
    they come from the database or from an instance."""
    if hasattr(value, "resolve_expression"):
        raise _Unresolved
    if isinstance(field, models.FileField):
        value = getattr(value, "name", value) or ""
    elif value is not None:
        with suppress(ValidationError):
            value = field.to_python(value)
    if isinstance(value, Decimal) and isinstance(field, models.DecimalField) and value.is_finite():
        value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _is_recorded(model: type[models.Model]) -> bool:
    return issubclass(model, AuditedModel) and model not in _quieted.get()


def _read(model: type[models.Model], queryset: models.QuerySet, *, lock: bool) -> dict[Any, dict[str, Any]]:
    """The audited values and the scope of the queryset's rows, by primary key; locked (as an update would lock
    them) when asked and inside a transaction."""
    spec = _spec(model)
    rows = queryset.order_by()
    if lock and connections[rows.db].in_atomic_block and connections[rows.db].features.has_select_for_update:
        # In one order, so that two writers of overlapping rows wait for each other rather than deadlock.
        rows = rows.select_for_update(no_key=True, of=("self",)).order_by("pk")
    attnames = [field.attname for field in spec.fields]
    return {row.pop("pk"): row for row in rows.values("pk", *attnames, **spec.read_aliases())}


def _changes(
    spec: _Spec, before: dict[str, Any] | None, after: dict[str, Any] | None, only: Iterable[str] | None = None
) -> dict[str, list[Any]]:
    """{field name: [old, new]}; a created row lists its values, a deleted one its old values (empty ones left out)."""
    wanted = None if only is None else set(only)
    changes: dict[str, list[Any]] = {}
    for field in spec.fields:
        if wanted is not None and not {field.name, field.attname} & wanted:
            continue
        old = before.get(field.attname) if before is not None else None
        new = _json(field, after.get(field.attname)) if after is not None else None
        if before is not None:
            old = _json(field, old)
        if field.name in spec.secret:
            if after is not None and new and old != new:
                changes[field.name] = [None, SECRET_CHANGED]
        elif (before is None or after is None) and (old if before is not None else new) in (None, "", [], {}):
            continue
        elif before is None or after is None or old != new:
            changes[field.name] = [old, new]
    return changes


def _scope(spec: _Spec, values: dict[str, Any], read: dict[str, Any] | None) -> dict[str, Any]:
    """enterprise_id, region_id and parent of a record: local paths from the row's own values (`values`, by
    attname), the others from what was read through relations (`read`)."""

    def resolve(path: str | None, alias: str) -> Any:
        local = spec.local(path)
        if local is not None:
            return values.get(local)
        return (read or {}).get(alias)

    parent = spec.parent
    return {
        "enterprise_id": resolve(spec.enterprise, _ENTERPRISE),
        "region_id": resolve(spec.region, _REGION),
        "parent_type": ContentType.objects.get_for_model(parent.related_model) if parent is not None else None,
        "parent_id": values.get(parent.attname) if parent is not None else None,
    }


def _record(
    model: type[models.Model], pk: Any, kind: str, changes: dict[str, list[Any]], text: str, scope: dict[str, Any]
) -> "ChangeRecord":
    from portal.models import ChangeRecord  # portal.models imports this module for AuditedModel

    return ChangeRecord(
        user_id=acting_user_id(),
        content_type=ContentType.objects.get_for_model(model),
        object_id=pk,
        object_repr=text[:300],
        kind=kind,
        changes=changes,
        **scope,
    )


def _save(records: list["ChangeRecord"]) -> None:
    if records:
        type(records[0]).objects.bulk_create(records)


# save() and delete(): signal receivers, connected to each audited model when it is defined.


def _before_save(sender: type[AuditedModel], instance: AuditedModel, update_fields: Any, using: str, **_: Any) -> None:
    instance.__dict__.pop(_PENDING, None)
    if not _is_recorded(sender):
        return
    spec = _spec(sender)
    if update_fields is not None and not spec.names & set(update_fields):
        return
    before = None
    if instance.pk is not None:
        before = _read(sender, sender._base_manager.using(using).filter(pk=instance.pk), lock=True).get(instance.pk)
    instance.__dict__[_PENDING] = before if before is not None else {}


def _after_save(sender: type[AuditedModel], instance: AuditedModel, update_fields: Any, using: str, **_: Any) -> None:
    before = instance.__dict__.pop(_PENDING, None)
    if before is None:
        return
    spec = _spec(sender)
    created = not before
    try:
        after = spec.values_of(instance)
    except _Unresolved:  # the database computed the value: read it
        after = _read(sender, sender._base_manager.using(using).filter(pk=instance.pk), lock=False)[instance.pk]
    changes = _changes(spec, None if created else before, after, update_fields)
    if not created and not changes:
        return
    read = before
    if created and spec.remote:
        read = sender._base_manager.using(using).filter(pk=instance.pk).values(**spec.remote).first()
    kind = "create" if created else "update"
    _record(sender, instance.pk, kind, changes, str(instance), _scope(spec, after, read)).save(using=using)


def _before_delete(sender: type[AuditedModel], instance: AuditedModel, using: str, **_: Any) -> None:
    instance.__dict__.pop(_PENDING, None)
    if not _is_recorded(sender):
        return
    before = _read(sender, sender._base_manager.using(using).filter(pk=instance.pk), lock=True).get(instance.pk)
    if before is not None:
        instance.__dict__[_PENDING] = (before, str(instance))


def _after_delete(sender: type[AuditedModel], instance: AuditedModel, using: str, **_: Any) -> None:
    pending = instance.__dict__.pop(_PENDING, None)
    if pending is None:
        return
    before, text = pending
    spec = _spec(sender)
    changes = _changes(spec, before, None)
    _record(sender, instance.pk, "delete", changes, text, _scope(spec, before, before)).save(using=using)


@receiver(class_prepared, dispatch_uid="portal.audit.class_prepared")
def _connect(sender: type[models.Model], **kwargs: Any) -> None:
    if not issubclass(sender, AuditedModel) or sender._meta.abstract or sender._meta.proxy:
        return
    uid = f"portal.audit.{sender._meta.label}"
    pre_save.connect(_before_save, sender=sender, dispatch_uid=uid)
    post_save.connect(_after_save, sender=sender, dispatch_uid=uid)
    pre_delete.connect(_before_delete, sender=sender, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=sender, dispatch_uid=uid)


# Writes of many rows at once.


def _differences(
    model: type[models.Model],
    before: dict[Any, dict[str, Any]],
    after: dict[Any, dict[str, Any]],
    only: Iterable[str] | None = None,
) -> list["ChangeRecord"]:
    """The records of what changed between two reads of the same rows."""
    spec = _spec(model)
    found: list[tuple[Any, str, dict[str, list[Any]], dict[str, Any]]] = []
    for pk in sorted(set(before) | set(after), key=str):
        old, new = before.get(pk), after.get(pk)
        kind = "create" if old is None else "delete" if new is None else "update"
        changes = _changes(spec, old, new, only)
        if kind != "update" or changes:
            found.append((pk, kind, changes, cast(dict[str, Any], new if new is not None else old)))
    texts = _texts(model, [pk for pk, kind, _, _ in found if kind != "delete"])
    label = model._meta.verbose_name
    return [
        _record(model, pk, kind, changes, texts.get(pk, f"{label} #{pk}"), _scope(spec, row, row))
        for pk, kind, changes, row in found
    ]


def _texts(model: type[models.Model], pks: list[Any]) -> dict[Any, str]:
    if not pks:
        return {}
    # Most names show a related row (an alert its point and pollutant, or its source and substance).
    # select_related() follows only the keys that cannot be empty; the others are fetched in one query each.
    optional = [field.name for field in model._meta.concrete_fields if field.many_to_one and field.null]
    rows = model._base_manager.select_related().prefetch_related(*optional)
    return {pk: str(row) for pk, row in rows.in_bulk(pks).items()}


class AuditedQuerySet(models.QuerySet[Any]):
    """Records the writes that bypass save() and delete(). Mix it into an audited model's queryset, before any
    other base: `class DepositQuerySet(AuditedQuerySet, PublishedOrScopedQuerySet)` (django-stubs gives each
    queryset its own `as_manager` type, so a class of two querysets needs `# type: ignore[override]`)."""

    @property
    def _audited(self) -> type[models.Model]:
        return cast(type[models.Model], self.model)

    def _rows(self, pks: Iterable[Any]) -> models.QuerySet:
        return self._audited._base_manager.using(self.db).filter(pk__in=pks)

    def update(self, **kwargs: Any) -> int:
        model = self._audited
        if not _is_recorded(model) or not _spec(model).names & set(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            before = _read(model, self._rows(self.values("pk")), lock=True)
            # Only the rows read and locked: the queryset's own WHERE could match rows committed since.
            count = self._rows(before).update(**kwargs)
            after = _read(model, self._rows(before), lock=False)
            _save(_differences(model, before, after))
        return count

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None) -> int:
        model, objs, fields = self._audited, list(objs), list(fields)
        if not _is_recorded(model) or not _spec(model).names & set(fields):
            return super().bulk_update(objs, fields, batch_size=batch_size)
        with transaction.atomic(using=self.db):
            before = _read(model, self._rows([obj.pk for obj in objs]), lock=True)
            with _quiet(model):  # bulk_update() runs update(), which would record the rows again
                count = super().bulk_update(objs, fields, batch_size=batch_size)
            after = _read(model, self._rows(before), lock=False)
            _save(_differences(model, before, after, only=fields))
        return count

    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(
        self,
        objs: Iterable[Any],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> list[Any]:
        def insert() -> list[Any]:
            return super(AuditedQuerySet, self).bulk_create(
                objs, batch_size, ignore_conflicts, update_conflicts, update_fields, unique_fields
            )

        model = self._audited
        if not _is_recorded(model):
            return insert()
        if ignore_conflicts or update_conflicts:
            raise TypeError(
                f"{model.__name__} is audited and bulk_create() with conflicts cannot tell the rows it wrote: "
                "run it inside portal.audit.track()."
            )
        with transaction.atomic(using=self.db):
            created = insert()
            spec = _spec(model)
            read: dict[Any, dict[str, Any]] = {}
            if spec.remote:
                rows = self._rows([obj.pk for obj in created]).values("pk", **spec.remote)
                read = {row.pop("pk"): row for row in rows}
            records = []
            for obj in created:
                values = spec.values_of(obj)
                scope = _scope(spec, values, read.get(obj.pk))
                records.append(_record(model, obj.pk, "create", _changes(spec, None, values), str(obj), scope))
            _save(records)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]


def created(model: type[AuditedModel], pks: Iterable[Any]) -> None:
    """Record rows raw SQL has just inserted, in the caller's transaction (required: outside one, the rows would
    be committed before their record)."""
    if not connections[router.db_for_write(model)].in_atomic_block:
        raise RuntimeError("audit.created() records rows inside the transaction that inserted them")
    pks = list(pks)
    if pks and _is_recorded(model):
        rows = _read(model, model._base_manager.filter(pk__in=pks), lock=False)
        _save(_differences(model, {}, rows))


@contextmanager
def _quiet(model: type[models.Model]) -> Iterator[None]:
    """Writes to `model` in the block are left to the caller to record."""
    token = _quieted.set(_quieted.get() | {model})
    try:
        yield
    finally:
        _quieted.reset(token)


@contextmanager
def track(queryset: models.QuerySet) -> Iterator[None]:
    """Record what the block writes to the rows of `queryset` by comparing them before and after: for raw SQL and
    conflict-ignoring inserts. The queryset must select every row of its model the block writes, by values the
    block does not change; its rows are locked from the start (as the block's updates would lock them), and within
    the block other writes to the model are left to this comparison."""
    model = queryset.model
    with transaction.atomic(using=queryset.db):
        before = _read(model, queryset, lock=True)
        with _quiet(model):
            yield
        after = _read(model, queryset.all(), lock=False)
        _save(_differences(model, before, after))
