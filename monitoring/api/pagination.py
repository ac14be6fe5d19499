"""Keyset pages, for the lists that grow by millions of rows: results and exceedances, emission values.

A page is the rows after (or before) the key of the last (first) row of the page the client came from, in the order
of an index: an index range scan of `page_size` + 1 rows however deep the page, within the partitions of the times
asked for; rows inserted meanwhile neither shift a page nor show twice; and no count, which would read every
matching row on every page. `next` and `previous` are links carrying that key as an opaque cursor.
"""

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import DateTimeField, F, Model, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from portal.api.pagination import StrictPageSize

Key = tuple[Any, ...]  # of datetimes and integers
M = TypeVar("M", bound=Model)
R = TypeVar("R")


class KeysetPagination(StrictPageSize, CursorPagination):
    """DRF's cursor pagination (its response: `next`, `previous`, `results`; `cursor` and `page_size` parameters,
    the page size checked as every list's) keyed by `ordering`: columns (time or integer, by attname) that make a row
    unique, all ascending or all descending, as an index has them. DRF's own keys by one field and counts its ties in
    the cursor, and an hour of a national network has thousands of rows of the same time."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering: tuple[str, ...]

    def paginate_queryset(
        self, queryset: QuerySet[M, R] | Sequence[R], request: Request, view: APIView | None = None
    ) -> list[R] | None:
        assert isinstance(queryset, QuerySet)
        if "page" in request.query_params:
            # Page numbers were these lists' pages before: refused rather than ignored, so no client reads the first
            # page again and again.
            raise ValidationError({"page": [_("This list has no page numbers: follow its “next” link.")]})
        self.request = request
        self.display_page_controls = True  # the browsable API's links
        self.url = remove_query_param(request.build_absolute_uri(), self.cursor_query_param)
        names = [name.lstrip("-") for name in self.ordering]
        descending = self.ordering[0].startswith("-")
        size = self.get_page_size(request)
        key, backward = self._decoded(request, queryset.model, names)
        if key is not None:
            after = descending == backward  # the rows whose key is greater than the cursor's
            row = Tuple(*(F(name) for name in names))
            # One row comparison, (a, b) > (x, y), which PostgreSQL starts an index range scan at; the bound on the
            # first column alone is redundant with it, and what partition pruning reads (not row comparisons).
            bound = {f"{names[0]}__{'gte' if after else 'lte'}": key[0]}
            queryset = queryset.filter((TupleGreaterThan if after else TupleLessThan)(row, list(key)), **bound)
        order = [name if descending == backward else f"-{name}" for name in names]
        rows: list[R] = list(queryset.order_by(*order)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backward:
            rows.reverse()
        # Going forward, there is a next page when more rows followed and a previous one when a cursor led here;
        # going back, the other way round.
        self.next_key = _key(rows[-1], names) if rows and (backward or more) else None
        self.previous_key = _key(rows[0], names) if rows and (more if backward else key is not None) else None
        return rows

    def get_next_link(self) -> str | None:
        return self._link(self.next_key, backward=False)

    def get_previous_link(self) -> str | None:
        return self._link(self.previous_key, backward=True)

    def _link(self, key: Key | None, *, backward: bool) -> str | None:
        if key is None:
            return None
        parts = [part.isoformat() if isinstance(part, datetime.datetime) else part for part in key]
        payload = json.dumps([*parts, int(backward)]).encode()
        return replace_query_param(self.url, self.cursor_query_param, base64.urlsafe_b64encode(payload).decode())

    def _decoded(self, request: Request, model: type[Model], names: list[str]) -> tuple[Key | None, bool]:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None, False
        try:
            *parts, backward = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
            if len(parts) != len(names) or backward not in (0, 1):
                raise ValueError(raw)
            key = tuple(_part(model, name, part) for name, part in zip(names, parts, strict=True))
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            message = _("Not a cursor of this list: follow its links.")
            raise ValidationError({self.cursor_query_param: [message]}) from None
        return key, bool(backward)


class ResultCursorPagination(KeysetPagination):
    """Results and exceedances, newest first (the index result_newest_idx)."""

    ordering = ("-sampled_at", "-id")


def _part(model: type[Model], name: str, part: object) -> datetime.datetime | int:
    """A cursor's value of column `name`: an aware time for a time column, else a positive bigint (ids)."""
    if isinstance(model._meta.get_field(name), DateTimeField):
        at = parse_datetime(part) if isinstance(part, str) else None
        if at is None or at.tzinfo is None:
            raise ValueError(part)
        return at
    if not isinstance(part, int) or isinstance(part, bool) or not 0 < part < 2**63:
        raise ValueError(part)
    return part


def _key(row: object, names: list[str]) -> Key:
    return tuple(getattr(row, name) for name in names)
