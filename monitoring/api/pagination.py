"""Keyset pages of results, for the lists of results and exceedances that grow by millions of rows.

A page is the rows after (or before) the key (sampled_at, id) of the last (first) row of the page the client came
from, newest first: an index range scan of `page_size` + 1 rows however deep the page, within the partitions of the
times asked for; rows inserted meanwhile neither shift a page nor show twice; and no count, which would read every
matching row on every page. `next` and `previous` are links carrying that key as an opaque cursor.
"""

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from monitoring.models import Result
from portal.api.pagination import StrictPageSize

Key = tuple[datetime.datetime, int]
M = TypeVar("M", bound=Model)
R = TypeVar("R")


class ResultCursorPagination(StrictPageSize, CursorPagination):
    """DRF's cursor pagination (its response: `next`, `previous`, `results`; `cursor` and `page_size` parameters,
    the page size checked as every list's) keyed by (sampled_at, id): DRF's own keys by one field and counts its
    ties in the cursor, and an hour of a national network has thousands of results sampled at the same time."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("-sampled_at", "-id")

    def paginate_queryset(
        self, queryset: QuerySet[M, R] | Sequence[R], request: Request, view: APIView | None = None
    ) -> list[R] | None:
        assert isinstance(queryset, QuerySet)  # of results
        if "page" in request.query_params:
            # Page numbers were this list's pages before: refused rather than ignored, so no client reads the first
            # page again and again.
            raise ValidationError({"page": [_("This list has no page numbers: follow its “next” link.")]})
        self.request = request
        self.display_page_controls = True  # the browsable API's links
        self.url = remove_query_param(request.build_absolute_uri(), self.cursor_query_param)
        size = self.get_page_size(request)
        key, backward = self._decoded(request)
        if key is not None:
            at, pk = key
            # The bound on sampled_at alone is redundant with the keyset condition; it is what the index range scan
            # and partition pruning start from.
            if backward:
                queryset = queryset.filter(Q(sampled_at__gt=at) | Q(sampled_at=at, pk__gt=pk), sampled_at__gte=at)
            else:
                queryset = queryset.filter(Q(sampled_at__lt=at) | Q(sampled_at=at, pk__lt=pk), sampled_at__lte=at)
        order = ("sampled_at", "pk") if backward else ("-sampled_at", "-pk")
        rows: list[R] = list(queryset.order_by(*order)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backward:
            rows.reverse()
        # Going forward, there is a next page when more rows followed and a previous one when a cursor led here;
        # going back, the other way round.
        self.next_key = _key(rows[-1]) if rows and (backward or more) else None
        self.previous_key = _key(rows[0]) if rows and (more if backward else key is not None) else None
        return rows

    def get_next_link(self) -> str | None:
        return self._link(self.next_key, backward=False)

    def get_previous_link(self) -> str | None:
        return self._link(self.previous_key, backward=True)

    def _link(self, key: Key | None, *, backward: bool) -> str | None:
        if key is None:
            return None
        payload = json.dumps([key[0].isoformat(), key[1], int(backward)]).encode()
        return replace_query_param(self.url, self.cursor_query_param, base64.urlsafe_b64encode(payload).decode())

    def _decoded(self, request: Request) -> tuple[Key | None, bool]:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None, False
        try:
            text, pk, backward = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
            at = parse_datetime(text)
            if (
                at is None
                or at.tzinfo is None
                or not isinstance(pk, int)
                or not 0 < pk < 2**63
                or backward not in (0, 1)
            ):
                raise ValueError(raw)
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            message = _("Not a cursor of this list: follow its links.")
            raise ValidationError({self.cursor_query_param: [message]}) from None
        return (at, pk), bool(backward)


def _key(result: object) -> Key:
    assert isinstance(result, Result)
    return result.sampled_at, result.pk
