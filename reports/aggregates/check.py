"""The nightly check: the incrementally refreshed tables compared with a rebuild from the sources, and repaired."""

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import (
    Field,
    FloatField,
    Model,
    UniqueConstraint,
)

from reports import invalidation
from reports.aggregates.refresh import _marks, _writers_take_turns
from reports.aggregates.tables import CELLS, KINDS, Aggregate, _clear, _recomputable
from reports.models import (
    DirtyAggregate,
    DirtyMonitoringCell,
)

logger = logging.getLogger(__name__)

Figures = dict[str, object]
# Means are float sums, which the database adds in scan order: a refresh and a rebuild may differ in the last bits.
FLOAT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Difference:
    """An aggregate row whose figures in the incremental table differ from a fresh rebuild's: the figures that
    differ, on both sides; a side is None when that table has no such row (the other side then has them all).
    `awaiting_refresh`: its year and region are marked, so the difference may be a change whose refresh has not
    run yet rather than a lost update."""

    kind: str  # of the marks that refresh the table
    table: str  # the table's `Aggregate.name`: waste, coverage, monitoring or monitoring cells
    key: Figures
    incremental: Figures | None
    rebuilt: Figures | None
    awaiting_refresh: bool

    def __str__(self) -> str:
        key = " ".join(f"{name}={value!r}" for name, value in self.key.items())
        if self.incremental is None:
            figures = f"missing from the table; rebuilt: {_figures(self.rebuilt)}"
        elif self.rebuilt is None:
            figures = f"not in a rebuild; table: {_figures(self.incremental)}"
        else:
            figures = "; ".join(
                f"{name}: {value} in the table, {self.rebuilt[name]} rebuilt"
                for name, value in self.incremental.items()
            )
        return f"{self.table} {key}: {figures}" + (" (awaiting refresh)" if self.awaiting_refresh else "")


def _figures(values: Figures | None) -> str:
    return ", ".join(f"{name}={value}" for name, value in (values or {}).items())


def _same(field: Field, first: object, second: object) -> bool:
    if isinstance(field, FloatField) and isinstance(first, float) and isinstance(second, float):
        return math.isclose(first, second, rel_tol=FLOAT_TOLERANCE)
    return first == second


def _compare(
    aggregate: Aggregate, rebuilt_rows: Sequence[Model], *, repair: bool
) -> list[tuple[Figures, Figures | None, Figures | None]]:
    """(key, incremental, rebuilt) of every row that differs, matched by the table's unique key; with `repair`,
    the differing rows are updated, inserted or deleted to match the rebuild (the rows kept of archived years are
    left out of both)."""
    model = aggregate.model
    (unique,) = [constraint for constraint in model._meta.constraints if isinstance(constraint, UniqueConstraint)]
    key_names = [field.attname for field in model._meta.concrete_fields if field.name in unique.fields]
    fields = [
        field for field in model._meta.concrete_fields if not field.primary_key and field.attname not in key_names
    ]
    every = [field.attname for field in fields]

    def key(row: Model) -> tuple:
        return tuple(getattr(row, name) for name in key_names)

    def figures(row: Model, names: list[str]) -> Figures:
        return {name: getattr(row, name) for name in names}

    rows = model._default_manager
    rebuilt = {key(row): row for row in rebuilt_rows}
    current = {key(row): row for row in _recomputable(aggregate, rows.all())}
    differences: list[tuple[Figures, Figures | None, Figures | None]] = []
    missing, changed, extra = [], [], []
    for row_key in sorted(rebuilt.keys() | current.keys()):
        new, old = rebuilt.get(row_key), current.get(row_key)
        if new is not None and old is not None:
            differing = [f.attname for f in fields if not _same(f, getattr(old, f.attname), getattr(new, f.attname))]
            if not differing:
                continue
            new.pk = old.pk
            changed.append(new)
            found: tuple[Figures | None, Figures | None] = (figures(old, differing), figures(new, differing))
        elif new is not None:
            missing.append(new)
            found = (None, figures(new, every))
        elif old is not None:
            extra.append(old.pk)
            found = (figures(old, every), None)
        differences.append((dict(zip(key_names, row_key, strict=True)), *found))
    if repair:
        rows.filter(pk__in=extra).delete()
        rows.bulk_update(changed, [field.name for field in fields])
        rows.bulk_create(missing)
    return differences


def check_against_rebuild(*, repair: bool) -> list[Difference]:
    """Compare every incremental aggregate with a fresh rebuild, computed in memory and matched row by row on the
    tables' unique keys; log every difference and, with `repair`, write the rebuilt figures over the rows that
    differ (and clear the marks the rebuild covered). The nightly job repairs; `manage.py check_aggregates` too,
    or only reports with --dry-run. The cache drops the answers of the years and regions repaired, if any."""
    with transaction.atomic():
        # The writers' lock first: no refresh commits between the rebuild and the comparison (see WRITERS_LOCK),
        # and the marks read next are older than the data the rebuild reads.
        _writers_take_turns()
        marks = _marks()
        cell_marks = list(DirtyMonitoringCell.objects.values_list("pk", "generation"))
        tables = [(kind, aggregate) for kind, kind_aggregates in KINDS.items() for aggregate in kind_aggregates]
        found = [
            (kind, aggregate, difference)
            for kind, aggregate in [*tables, ("monitoring", CELLS)]
            for difference in _compare(
                aggregate, aggregate.rebuilt() if aggregate.rebuilt else aggregate.rows(None, None), repair=repair
            )
        ]
        marked = set(DirtyAggregate.objects.values_list("kind", "year", "region_id"))
        marked_years = {(kind, year) for kind, year, _region_id in marked}
        marked_cells = set(DirtyMonitoringCell.objects.values_list("year", "point_id", "pollutant_id"))

        def awaiting(kind: str, aggregate: Aggregate, key: Figures) -> bool:
            if aggregate is CELLS:
                return (key["year"], key["point_id"], key["pollutant_id"]) in marked_cells
            if aggregate.by_region:
                return (kind, key["year"], key["region_id"]) in marked
            return (kind, key["year"]) in marked_years  # any mark of the year recomputes its rows

        differences = [
            Difference(kind, aggregate.name, key, incremental, rebuilt, awaiting(kind, aggregate, key))
            for kind, aggregate, (key, incremental, rebuilt) in found
        ]
        if repair:
            _clear(DirtyAggregate, marks)
            _clear(DirtyMonitoringCell, cell_marks)
            # The cells are shown nowhere: the aggregates grouped from them are, and are compared themselves.
            if shown := [d for d in differences if "region_id" in d.key]:
                invalidation.repaired((d.kind, d.key["year"], d.key["region_id"]) for d in shown)
    for difference in differences:
        logger.warning("aggregate differs from a rebuild%s: %s", " (repaired)" if repair else "", difference)
    return differences
