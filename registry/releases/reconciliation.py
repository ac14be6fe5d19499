"""Transfers reconciled: for each year and waste code, what a sender reports as sent to a receiver's BIN against what
that receiver reports as received from the sender's BIN, both from accepted versions. A difference above the year's
tolerance (`ReleaseYear.transfer_tolerance_tonnes`) is a discrepancy, listed for the inspectors of both parties'
regions (and administrators).

A party with no accepted report for the year counts as 0 and the row says so (`sender_filed`, `receiver_filed`); a
BIN that names no registered enterprise is named as such (`sender` / `receiver` None). The figures are grouped in
the database (one query a direction), matched here by (year, sender BIN, receiver BIN, waste code).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum

from portal.permissions import Action, AnyUser
from registry.models import Enterprise
from registry.releases.models import ReleaseReport, ReleaseYear, TransferDirection, TransferLine
from registry.returns.models import WasteCode

ZERO = Decimal(0)

# (year, sender BIN, receiver BIN, waste code id)
Key = tuple[int, str, str, int]


@dataclass(frozen=True)
class Discrepancy:
    year: int
    waste_code: WasteCode
    sender_bin: str
    receiver_bin: str
    sender: Enterprise | None  # None: the BIN is not in the register
    receiver: Enterprise | None
    sent: Decimal  # tonnes the sender reports sent to the receiver
    received: Decimal  # tonnes the receiver reports received from the sender
    sender_filed: bool  # an accepted report of the year (else `sent` is 0 for want of one)
    receiver_filed: bool
    tolerance: Decimal

    @property
    def difference(self) -> Decimal:
        """Sent less received: positive when the receiver reports less than was sent."""
        return self.sent - self.received

    @property
    def gap(self) -> Decimal:
        return abs(self.difference)


def _scoped(user: AnyUser) -> tuple[QuerySet[Enterprise], bool]:
    """The enterprises whose transfers the user reconciles (those whose reports they decide), and whether that is
    every one."""
    decided = Enterprise.objects.restrict(user, Action.DECIDE)
    return decided, not Enterprise.objects.exclude(pk__in=decided.values("pk")).exists()


def _sums(direction: str, lines: QuerySet[TransferLine]) -> dict[Key, Decimal]:
    """Accepted tonnes of one direction by (year, sender BIN, receiver BIN, waste code)."""
    grouped = (
        lines.filter(direction=direction)
        .order_by()
        .values("version__report__year", "version__report__enterprise__bin", "counterpart_bin", "waste_code_id")
        .annotate(tonnes=Sum("tonnes"))
    )
    sums: dict[Key, Decimal] = {}
    for row in grouped:
        own, other = row["version__report__enterprise__bin"], row["counterpart_bin"]
        sender, receiver = (own, other) if direction == TransferDirection.SENT else (other, own)
        sums[(row["version__report__year"], sender, receiver, row["waste_code_id"])] = row["tonnes"]
    return sums


def discrepancies(*, user: AnyUser, year: int | None = None) -> list[Discrepancy]:
    """The discrepancies the user reconciles: those of which either party is an enterprise whose reports the user
    decides (inspectors: of their regions; administrators: all), ordered by year (newest first), then the largest
    gap. Six queries, whatever the number of transfers."""
    scope, everything = _scoped(user)
    lines = TransferLine.objects.filter(version__report__accepted=F("version"))
    if year is not None:
        lines = lines.filter(version__report__year=year)
    if not everything:
        # Either party in scope: the line's own enterprise, or the other party named by its BIN.
        lines = lines.filter(Q(version__report__enterprise__in=scope) | Q(counterpart_bin__in=scope.values("bin")))
    sent = _sums(TransferDirection.SENT, lines)
    received = _sums(TransferDirection.RECEIVED, lines)
    keys = sent.keys() | received.keys()
    if not keys:
        return []
    bins = {bin_ for _year, sender, receiver, _code in keys for bin_ in (sender, receiver)}
    enterprises = {e.bin: e for e in Enterprise.objects.filter(bin__in=bins).select_related("region")}
    filed = set(
        ReleaseReport.objects.filter(accepted__isnull=False, enterprise__bin__in=bins)
        .filter(year__in={key[0] for key in keys})
        .values_list("year", "enterprise__bin")
    )
    in_scope = set(scope.filter(bin__in=bins).values_list("bin", flat=True)) if not everything else bins
    codes = WasteCode.objects.in_bulk({key[3] for key in keys})
    tolerances = _tolerances({key[0] for key in keys})
    found = []
    for key in keys:
        year_of, sender_bin, receiver_bin, code = key
        if sender_bin not in in_scope and receiver_bin not in in_scope:
            continue  # a line of an enterprise out of scope that names one in scope only by another BIN
        row = Discrepancy(
            year=year_of, waste_code=codes[code], sender_bin=sender_bin, receiver_bin=receiver_bin,
            sender=enterprises.get(sender_bin), receiver=enterprises.get(receiver_bin),
            sent=sent.get(key, ZERO), received=received.get(key, ZERO),
            sender_filed=(year_of, sender_bin) in filed, receiver_filed=(year_of, receiver_bin) in filed,
            tolerance=tolerances[year_of],
        )  # fmt: skip
        if row.gap > row.tolerance:
            found.append(row)
    return sorted(found, key=lambda row: (-row.year, -row.gap, row.sender_bin, row.receiver_bin, row.waste_code.code))


def _tolerances(years: Iterable[int]) -> dict[int, Decimal]:
    return {year: ReleaseYear.for_year(year).transfer_tolerance_tonnes for year in years}
