"""Leases for long work: reading a file of results, evaluating a submission, making a regional report.

A worker claims the row of its work (a model deriving from `LeasedWork`) before working, with one conditional
UPDATE: it succeeds only while the work is unfinished, its lease free (never taken, given back by a failed attempt,
or run out) and attempts remain; it counts the attempt and sets `claimed_at` and `lease_until` (now +
TASK_LEASE_SECONDS). Two workers therefore never hold the same row. `claimed_at` is the claim's token: every later
write of the work names it, so a worker that lost its lease (it stalled past `lease_until` and another claimed the
row) writes nothing, and whatever it did in its transaction rolls back.

Long work renews its lease at each step. Work done in one transaction (a file read and stored) renews it on a
connection of its own, committed at once: a write in the work's transaction would be seen by nobody before it ends.

An attempt ends in one of three ways: done; failed for good (`Failed`: a file with bad rows, no severity rule set),
at once; or failed this time (any other exception): the lease is given back with the error and the minute sweep
(`sweep`) gives the work another attempt. A worker that dies gives nothing back: its lease runs out, the sweep
enqueues the work again, and the next claim records the attempt as interrupted. After TASK_MAX_ATTEMPTS attempts the
row is failed with the error of the last one, which the person who asked for the work reads (`error_message`, in
their language). An administrator retries a failed row from the admin (`retry`).
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

INTERRUPTED = "interrupted"
EXCEPTION = "exception"
ERRORS: dict[str, Promise] = {
    INTERRUPTED: _("The work stopped before it finished: the worker doing it was stopped or lost."),
    EXCEPTION: _("The work failed: %(detail)s"),
}


class LeasedWork(models.Model):
    """A row of long work. The model says which values of its `status` field mean queued (asked for, or given back
    after a failed attempt), running (claimed), done and failed; which field says when the work was asked for; and
    the messages of its own error codes."""

    lease_queued: ClassVar[str]
    lease_running: ClassVar[str]
    lease_done: ClassVar[str]
    lease_failed: ClassVar[str]
    lease_asked_at: ClassVar[str]
    lease_errors: ClassVar[dict[str, Promise]] = {}

    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    error_code = models.CharField(_("error"), max_length=30, blank=True, editable=False)
    error_params = models.JSONField(_("error details"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def error_message(self) -> str:
        """The error in the reader's language: it is stored as a code and its parameters."""
        if not self.error_code:
            return ""
        template = {**ERRORS, **self.lease_errors}.get(self.error_code)
        if template is None:
            return self.error_code
        try:
            return str(template % self.error_params)  # a plural message picks its form by the parameters
        except (KeyError, TypeError, ValueError):
            return str(template)

    @property
    def max_attempts(self) -> int:
        return settings.TASK_MAX_ATTEMPTS


class LeaseLost(Exception):
    """The lease ran out and another worker claimed the row: nothing this worker did may be saved."""


class Failed(Exception):
    """The work cannot succeed, whatever the attempt: the row is failed at once with this error (and `fields`)."""

    def __init__(self, code: str, params: dict[str, Any] | None = None, **fields: Any) -> None:
        super().__init__(code)
        self.code, self.params, self.fields = code, params or {}, fields


def _rows(model: type[LeasedWork], **lookups: Any) -> QuerySet[Any]:
    # Any: the fields named here (status) are the concrete model's, which the type checker cannot see.
    manager: Any = model._default_manager
    return manager.filter(**lookups)


def _length() -> timedelta:
    return timedelta(seconds=settings.TASK_LEASE_SECONDS)


def _unfinished(model: type[LeasedWork]) -> Q:
    return Q(status__in=[model.lease_queued, model.lease_running])


def _free(now: datetime) -> Q:
    return Q(lease_until=None) | Q(lease_until__lt=now)


def _interrupted() -> dict[str, Case]:
    """The error to record when a lease is found run out (a worker gives back every lease it can): interrupted.
    Every expression of an UPDATE reads the row as it was, so this holds beside `lease_until=...`."""
    lost = Q(lease_until__isnull=False)
    return {
        "error_code": Case(When(lost, then=Value(INTERRUPTED)), default=F("error_code")),
        "error_params": Case(When(lost, then=Value({}, output_field=models.JSONField())), default=F("error_params")),
    }


def _fail_exhausted(rows: QuerySet[Any], now: datetime) -> int:
    """Fail the unfinished rows among `rows` whose lease is free and whose attempts are used up."""
    model = rows.model
    exhausted = rows.filter(_unfinished(model), _free(now), attempts__gte=settings.TASK_MAX_ATTEMPTS)
    return exhausted.update(status=model.lease_failed, lease_until=None, **_interrupted())


def claim(model: type[LeasedWork], pk: int) -> "Lease | None":
    """The row's lease if this worker may work on it now; None if the work is finished, held by another worker, or
    failed here because its attempts are used up."""
    now = timezone.now()
    row = _rows(model, pk=pk)
    with transaction.atomic():
        # A row that running work keeps locked (an evaluation, until it commits) is passed by, not waited for.
        if not list(row.select_for_update(skip_locked=True).values_list("pk", flat=True)):
            return None
        claimed = row.filter(_unfinished(model), _free(now), attempts__lt=settings.TASK_MAX_ATTEMPTS).update(
            status=model.lease_running,
            claimed_at=now,
            lease_until=now + _length(),
            attempts=F("attempts") + 1,
            **_interrupted(),
        )
        if not claimed:
            if _fail_exhausted(row, now):
                logger.warning("%s %s failed: its attempts are used up", model.__name__, pk)
            return None
    return Lease(model, pk, now)


def sweep(model: type[LeasedWork], *, grace: timedelta) -> list[int]:
    """The rows whose work to enqueue again: their lease ran out or was given back, or it was never taken `grace`
    after the work was asked for (a broker outage lost the task). Those whose attempts are used up are failed."""
    now = timezone.now()
    asked_long_ago = {f"{model.lease_asked_at}__lt": now - grace}
    waiting = (
        _rows(model).filter(_unfinished(model)).filter(Q(lease_until__lt=now) | Q(lease_until=None, **asked_long_ago))
    )
    _fail_exhausted(waiting, now)
    return list(waiting.filter(attempts__lt=settings.TASK_MAX_ATTEMPTS).order_by("pk").values_list("pk", flat=True))


def retry(rows: QuerySet[Any]) -> list[int]:
    """Failed rows among `rows` queued again, their attempts counted from zero and their error cleared; returns their
    ids, for the caller to enqueue their work."""
    model = rows.model
    failed = rows.filter(status=model.lease_failed)
    ids = list(failed.values_list("pk", flat=True))
    _rows(model, pk__in=ids, status=model.lease_failed).update(
        status=model.lease_queued, attempts=0, claimed_at=None, lease_until=None, error_code="", error_params={}
    )
    return ids


@dataclass
class Lease:
    """A claim on one row of work, by the time it was made (its token)."""

    model: type[LeasedWork]
    pk: int
    claimed_at: datetime
    _aside: BaseDatabaseWrapper | None = field(default=None, repr=False)

    def rows(self) -> QuerySet[Any]:
        """The row, as long as this lease holds it."""
        return _rows(self.model, pk=self.pk, claimed_at=self.claimed_at, status=self.model.lease_running)

    def update(self, **fields: Any) -> None:
        """Save `fields` (progress) and renew the lease; raises LeaseLost if it is no longer held."""
        if not self.rows().update(lease_until=timezone.now() + _length(), **fields):
            raise LeaseLost

    def renew(self) -> None:
        """Extend the lease, also from inside the work's transaction (then on a connection of its own)."""
        if not connection.in_atomic_block:
            self.update()
            return
        if connection.vendor != "postgresql":
            return  # SQLite, the embedded default, writes one transaction at a time and has no other worker
        if self._aside is None:
            self._aside = connections.create_connection(DEFAULT_DB_ALIAS)
        quote, table, pk = self._aside.ops.quote_name, self.model._meta.db_table, self.model._meta.pk
        assert pk is not None and pk.column is not None  # a concrete model's primary key has its column
        with self._aside.cursor() as cursor:
            # Whether it still holds is decided when the work saves its outcome (finish, or update in the transaction).
            cursor.execute(
                f"UPDATE {quote(table)} SET lease_until = %s WHERE {quote(pk.column)} = %s AND claimed_at = %s",
                [timezone.now() + _length(), self.pk, self.claimed_at],
            )

    def finish(self, **fields: Any) -> None:
        """The work is done: save `fields` with the done status, lease and error cleared; raises LeaseLost if the lease
        is no longer held."""
        if not self.rows().update(
            status=self.model.lease_done, lease_until=None, error_code="", error_params={}, **fields
        ):
            raise LeaseLost

    def give_back(self, code: str, params: dict[str, Any]) -> None:
        """This attempt failed: queued again for the sweep with its error, or failed if no attempt remains."""
        last = Q(attempts__gte=settings.TASK_MAX_ATTEMPTS)
        status = Case(When(last, then=Value(self.model.lease_failed)), default=Value(self.model.lease_queued))
        self.rows().update(status=status, lease_until=None, error_code=code, error_params=params)

    @contextmanager
    def held(self) -> Iterator["Lease"]:
        """Run the work of the block under this lease; how it ends decides the row's state (see the module)."""
        name = f"{self.model.__name__} {self.pk}"
        try:
            yield self
        except LeaseLost:
            logger.warning("%s: the lease ran out and another worker claimed the work; nothing saved", name)
        except Failed as failure:
            logger.info("%s failed: %s %s", name, failure.code, failure.params)
            self.rows().update(
                status=self.model.lease_failed,
                lease_until=None,
                error_code=failure.code,
                error_params=failure.params,
                **failure.fields,
            )
        except Exception as exc:
            logger.exception("%s: attempt failed", name)
            self.give_back(EXCEPTION, {"detail": f"{type(exc).__name__}: {exc}"[:500]})
        finally:
            if self._aside is not None:
                self._aside.close()
