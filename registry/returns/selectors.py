"""Reads of returns: the scoped queryset, a version's lines with last year's, the difference of two versions, and
which enterprises are expected to file."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from portal.permissions import Action, AnyUser
from registry.models import Deposit, Enterprise, Membership, local_name
from registry.returns.models import AMOUNT_FIELDS, FilingYear, ReturnLine, ReturnStatus, ReturnVersion, WasteReturn

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def filing_list(filing_model: Any, *, user: AnyUser) -> QuerySet[Any]:
    """The filings of a kind (registry.returns.workflow) the user sees: newest year first, then by the enterprise's
    name in the reader's language."""
    return (
        filing_model.objects.restrict(user, Action.VIEW)
        .select_related("enterprise__region", "current", "accepted")
        .order_by("-year", local_name("enterprise__"), "pk")
    )


def previous_accepted(filing: Any, line_model: Any) -> list[Any] | None:
    """Last year's accepted lines (`line_model`) of the filing's enterprise, of the same kind of filing, or None
    when last year was never accepted."""
    previous = (
        type(filing)
        .objects.filter(enterprise_id=filing.enterprise_id, year=filing.year - 1)
        .exclude(accepted=None)
        .values_list("accepted_id", flat=True)
        .first()
    )
    return None if previous is None else list(line_model.objects.filter(version_id=previous))


def return_list(*, user: AnyUser) -> QuerySet[WasteReturn]:
    return filing_list(WasteReturn, user=user)


def previous_accepted_lines(waste_return: WasteReturn) -> list[ReturnLine] | None:
    return previous_accepted(waste_return, ReturnLine)


def version_lines(version: ReturnVersion) -> list[ReturnLine]:
    return list(version.lines.select_related("waste_code", "storage_deposit"))


@dataclass(frozen=True)
class Comparison:
    line: ReturnLine
    last_year: ReturnLine | None


def compare_with_last_year(version: ReturnVersion) -> list[Comparison] | None:
    """Each line beside the same waste code and storage place in last year's accepted return."""
    previous = previous_accepted_lines(version.waste_return)
    if previous is None:
        return None
    by_key = {line.key: line for line in previous}
    return [Comparison(line, by_key.get(line.key)) for line in version_lines(version)]


@dataclass(frozen=True)
class LineDifference:
    change: str  # "added", "removed" or "changed"
    older: Any  # a line of a return (ReturnLine), or of another filing sharing line_differences
    newer: Any
    fields: dict[str, tuple[Any, Any]]

    @property
    def line(self) -> Any:
        line = self.newer or self.older
        assert line is not None  # a difference has a line on at least one side
        return line


def line_differences(
    before: Iterable[Any], after: Iterable[Any], fields: Iterable[str], order: Any = None
) -> list[LineDifference]:
    """Lines added, removed or changed between two versions of a filing, matched by their `key`; `fields` are
    compared, `order` sorts the keys. Shared with the release reports."""
    old_lines, new_lines = {line.key: line for line in before}, {line.key: line for line in after}
    fields = tuple(fields)
    differences = []
    for key in sorted(old_lines.keys() | new_lines.keys(), key=order):
        old, new = old_lines.get(key), new_lines.get(key)
        if old is None or new is None:
            differences.append(LineDifference("added" if old is None else "removed", old, new, {}))
            continue
        pairs = {name: (getattr(old, name), getattr(new, name)) for name in fields}
        changed = {name: pair for name, pair in pairs.items() if pair[0] != pair[1]}
        if changed:
            differences.append(LineDifference("changed", old, new, changed))
    return differences


def version_difference(older: ReturnVersion, newer: ReturnVersion) -> list[LineDifference]:
    """Lines added, removed or changed between two versions, matched by waste code and storage place."""
    return line_differences(
        version_lines(older), version_lines(newer), ("hazard_level", *AMOUNT_FIELDS), lambda k: (k[0], k[1] or 0)
    )


def expected_filers(year: int) -> QuerySet[Enterprise]:
    """The enterprises expected to file a return for `year`: the one definition, shared by the reminders to file
    and the coverage of the statistics. An enterprise is expected when at least one holds:

    - it filed the year before: its return for `year` - 1 was submitted (whatever the inspector decided);
    - it holds a deposit: it operates one that existed in `year` (its start year unknown or not after `year`);
    - it is registered as a filer: it has an active staff account on the portal (a membership), whose holder
      files its returns;
    - it has begun a return for `year` (a draft counts), so that what is filed is always among what is expected.

    Unscoped (permission is the caller's: `.filter(pk__in=...)` with a restricted queryset); ordered by name in the
    reader's language.
    """
    filed_before = WasteReturn.objects.filter(
        enterprise=OuterRef("pk"), year=year - 1, first_submitted_at__isnull=False
    )
    holds_deposit = Deposit.objects.filter(operator=OuterRef("pk")).filter(
        Q(start_year__isnull=True) | Q(start_year__lte=year)
    )
    registered = Membership.objects.filter(enterprise=OuterRef("pk"), user__is_active=True)
    begun = WasteReturn.objects.filter(enterprise=OuterRef("pk"), year=year)
    return Enterprise.objects.filter(
        Exists(filed_before) | Exists(holds_deposit) | Exists(registered) | Exists(begun)
    ).order_by(local_name(), "pk")


def outstanding_filers(year: int) -> QuerySet[Enterprise]:
    """The expected filers (`expected_filers`) whose return for `year` is missing: none begun, or one whose
    current version is a draft or was returned for correction and that has no accepted version."""
    filed = WasteReturn.objects.filter(enterprise=OuterRef("pk"), year=year).filter(
        Q(accepted__isnull=False) | Q(current__status__in=[ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED])
    )
    return expected_filers(year).exclude(Exists(filed))


@dataclass(frozen=True)
class FilingDue:
    """A reporting year's filing deadline (`FilingYear.for_year`) as it stands on `today`."""

    year: int
    deadline: datetime.date
    today: datetime.date

    @classmethod
    def of(cls, year: int, *, today: datetime.date) -> "FilingDue":
        return cls(year=year, deadline=FilingYear.for_year(year).deadline, today=today)

    @property
    def passed(self) -> bool:
        """The deadline day itself is still on time, as for the reminders (`services.reminder_kind`)."""
        return self.deadline < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.deadline).days if self.passed else 0


def latest_overdue(*, today: datetime.date) -> FilingDue:
    """The latest reporting year whose deadline has passed by `today`."""
    due = FilingDue.of(today.year, today=today)
    # Ends: a year without a stored FilingYear is due in the year after it, so every year before last has passed
    # but those whose stored deadline says otherwise, which are few.
    while not due.passed:
        due = FilingDue.of(due.year - 1, today=today)
    return due


def late_filers(*, user: AnyUser, due: FilingDue) -> QuerySet[Enterprise]:
    """The enterprises whose return for `due.year` is missing after its deadline (`outstanding_filers`: none
    begun, or a draft or one returned for correction, nothing accepted), among those `user` may decide returns
    of; none before the deadline. Region selected; ordered by name."""
    if not due.passed:
        return Enterprise.objects.none()
    decided = Enterprise.objects.restrict(user, Action.DECIDE).values("pk")
    return outstanding_filers(due.year).filter(pk__in=decided).select_related("region")


def awaiting_decision(*, user: AnyUser, year: int) -> QuerySet[Enterprise]:
    """The enterprises `user` may decide returns of whose return for `year` is submitted and awaits a decision:
    not missing, though its figures do not count yet (what the review queue lists with that year and status)."""
    submitted = WasteReturn.objects.filter(enterprise=OuterRef("pk"), year=year, current__status=ReturnStatus.SUBMITTED)
    return Enterprise.objects.restrict(user, Action.DECIDE).filter(Exists(submitted))


TOTAL_FIELDS = ("generated", "recycled", "disposed", "closing")


@dataclass(frozen=True)
class Totals:
    """The sums of a return's lines, in tonnes."""

    generated: Decimal
    recycled: Decimal
    disposed: Decimal
    closing: Decimal


@dataclass(frozen=True)
class LateFiler:
    enterprise: Enterprise
    year: int
    deadline: datetime.date
    days_overdue: int
    return_id: int | None  # None: no return begun
    return_status: str | None  # the current version's: draft or returned (for correction)
    last_year: Totals | None  # last year's accepted figures; None when last year was never accepted

    @property
    def return_state(self) -> "StrOrPromise":
        return _("no return") if self.return_status is None else ReturnStatus(self.return_status).label


def accepted_totals(*, enterprise_ids: Iterable[int], year: int) -> dict[int, Totals]:
    """Each enterprise's accepted figures for `year`, by enterprise id: the sums of its return's accepted
    version (the one that counts, also while a correction is under way); an enterprise with none is left out."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=19, decimal_places=3))
    rows = (
        WasteReturn.objects.filter(enterprise_id__in=list(enterprise_ids), year=year, accepted__isnull=False)
        .values_list("enterprise_id")
        .annotate(**{name: Coalesce(Sum(f"accepted__lines__{name}"), zero) for name in TOTAL_FIELDS})
        .order_by()
    )
    return {enterprise_id: Totals(*totals) for enterprise_id, *totals in rows}


def late_filer_rows(enterprises: Iterable[Enterprise], *, due: FilingDue) -> list[LateFiler]:
    """The late filers (from `late_filers`, e.g. a page of them) with their return for the year, if begun, and
    last year's accepted figures: two queries, however many they are."""
    enterprises = list(enterprises)
    ids = [enterprise.pk for enterprise in enterprises]
    begun = {
        enterprise_id: (pk, status)
        for enterprise_id, pk, status in WasteReturn.objects.filter(enterprise_id__in=ids, year=due.year)
        .order_by()
        .values_list("enterprise_id", "pk", "current__status")
    }
    last_year = accepted_totals(enterprise_ids=ids, year=due.year - 1)
    rows = []
    for enterprise in enterprises:
        return_id, return_status = begun.get(enterprise.pk, (None, None))
        rows.append(
            LateFiler(
                enterprise=enterprise,
                year=due.year,
                deadline=due.deadline,
                days_overdue=due.days_overdue,
                return_id=return_id,
                return_status=return_status,
                last_year=last_year.get(enterprise.pk),
            )
        )
    return rows
