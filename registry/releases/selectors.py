"""Reads of release reports: the scoped list and the inspectors' queue, a version's lines marked against the
thresholds, the difference of two versions, the transfers proposed from the year's accepted waste return, and the
published lines (accepted, at or above the threshold) that the public register reads."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from portal.permissions import Action, AnyUser
from registry.releases.models import (
    ReleaseLine,
    ReleaseReport,
    ReleaseThreshold,
    ReleaseVersion,
    TransferDirection,
    TransferLine,
    TransferThreshold,
)
from registry.returns.models import ReturnLine, WasteCode, WasteReturn
from registry.returns.selectors import LineDifference, filing_list, line_differences, previous_accepted

RELEASE_COMPARED = ("kg_per_year", "method", "note")
TRANSFER_COMPARED = ("tonnes", "hazardous")
_KG = DecimalField(max_digits=20, decimal_places=3)


def report_list(*, user: AnyUser) -> QuerySet[ReleaseReport]:
    return filing_list(ReleaseReport, user=user)


def previous_accepted_releases(report: ReleaseReport) -> list[ReleaseLine] | None:
    return previous_accepted(report, ReleaseLine)


def thresholds() -> dict[tuple[int, str], Decimal]:
    """(substance, medium) -> kg/yr."""
    return {(row.substance_id, row.medium): row.kg_per_year for row in ReleaseThreshold.objects.all()}


@dataclass(frozen=True)
class MarkedRelease:
    """A release as its enterprise sees it: `published` is False when the substance's total to the medium is
    below its threshold (kept and counted, not published). A substance without a threshold for a medium has no
    reporting floor: its releases are published."""

    line: ReleaseLine
    threshold: Decimal | None
    total: Decimal

    @property
    def published(self) -> bool:
        return self.threshold is None or self.total >= self.threshold

    @property
    def key(self) -> tuple[str, int, int | None]:
        return (self.line.medium, self.line.substance_id, self.line.source_id)


def version_releases(version: ReleaseVersion) -> list[MarkedRelease]:
    lines = list(version.lines.select_related("substance", "source"))
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[(line.substance_id, line.medium)] += line.kg_per_year
    floors = thresholds()
    return [
        MarkedRelease(line, floors.get((line.substance_id, line.medium)), totals[(line.substance_id, line.medium)])
        for line in lines
    ]


def version_transfers(version: ReleaseVersion) -> list[TransferLine]:
    return list(version.transfers.select_related("waste_code", "counterpart"))


def _release_key(line: ReleaseLine) -> tuple[str, str, str]:
    return (line.medium, line.substance.code, line.source.code if line.source else "")


class _Keyed:
    """A line with the key two versions are matched by (line_differences)."""

    def __init__(self, line: ReleaseLine | TransferLine, key: tuple) -> None:
        self.line, self.key = line, key

    def __getattr__(self, name: str) -> object:
        return getattr(self.line, name)


def version_difference(older: ReleaseVersion, newer: ReleaseVersion) -> dict[str, list[LineDifference]]:
    """Releases and transfers added, removed or changed between two versions: releases matched by medium,
    substance and source, transfers by direction, waste code, other party and operation."""

    def releases(version: ReleaseVersion) -> list[_Keyed]:
        return [_Keyed(line, _release_key(line)) for line in version.lines.select_related("substance", "source")]

    def transfers(version: ReleaseVersion) -> list[_Keyed]:
        return [
            _Keyed(line, (line.direction, line.waste_code.code, line.counterpart_bin, line.operation))
            for line in version.transfers.select_related("waste_code")
        ]

    return {
        "releases": line_differences(releases(older), releases(newer), RELEASE_COMPARED),
        "transfers": line_differences(transfers(older), transfers(newer), TRANSFER_COMPARED),
    }


@dataclass(frozen=True)
class ProposedTransfer:
    waste_code: WasteCode
    tonnes: Decimal


def transfer_proposals(report: ReleaseReport) -> list[ProposedTransfer]:
    """The waste the enterprise's accepted waste return of the year transferred off site, by code, that the
    report's current version does not yet list as sent: the code and tonnes proposed, the receiver's BIN and
    operation to be added by the filer."""
    accepted = (
        WasteReturn.objects.filter(enterprise_id=report.enterprise_id, year=report.year)
        .exclude(accepted=None)
        .values_list("accepted_id", flat=True)
        .first()
    )
    if accepted is None:
        return []
    sums = (
        ReturnLine.objects.filter(version_id=accepted, transferred__gt=0)
        .values("waste_code")
        .annotate(tonnes=Sum("transferred"))
        .order_by("waste_code__code")
    )
    sent = TransferLine.objects.filter(version_id=report.current_id, direction=TransferDirection.SENT)
    listed = set(sent.values_list("waste_code_id", flat=True))
    codes = WasteCode.objects.in_bulk([row["waste_code"] for row in sums])
    return [
        ProposedTransfer(codes[row["waste_code"]], row["tonnes"]) for row in sums if row["waste_code"] not in listed
    ]


def review_queue(*, user: AnyUser) -> QuerySet[ReleaseReport]:
    """The reports awaiting a decision that `user` may decide, oldest submission first."""
    return (
        ReleaseReport.objects.restrict(user, Action.DECIDE)
        .filter(current__status="submitted")
        .select_related("enterprise__region", "current")
        .order_by("current__submitted_at", "pk")
    )


def published_releases() -> QuerySet[ReleaseLine]:
    """The public register's releases: lines of accepted versions (the newest accepted of each report) whose
    substance's total to the medium in that version is at or above the threshold (none: published). Annotated
    with `total` and `threshold` (kg/yr)."""
    total = (
        ReleaseLine.objects.filter(
            version=OuterRef("version"), medium=OuterRef("medium"), substance=OuterRef("substance")
        )
        .values("version")
        .annotate(sum=Sum("kg_per_year"))
        .values("sum")
    )
    threshold = ReleaseThreshold.objects.filter(substance=OuterRef("substance"), medium=OuterRef("medium")).values(
        "kg_per_year"
    )
    return (
        ReleaseLine.objects.filter(version__report__accepted_id=F("version_id"))
        .annotate(
            total=Subquery(total, output_field=_KG),
            threshold=Coalesce(Subquery(threshold), Value(Decimal(0)), output_field=_KG),
        )
        .filter(total__gte=F("threshold"))
    )


def published_transfers() -> QuerySet[TransferLine]:
    """The public register's transfers: sent lines of accepted versions whose version's sent total of the same
    class (hazardous or not) is above the transfer threshold of that class."""
    total = (
        TransferLine.objects.filter(
            version=OuterRef("version"), direction=TransferDirection.SENT, hazardous=OuterRef("hazardous")
        )
        .values("version")
        .annotate(sum=Sum("tonnes"))
        .values("sum")
    )
    threshold = TransferThreshold.objects.filter(hazardous=OuterRef("hazardous")).values("tonnes_per_year")
    return (
        TransferLine.objects.filter(version__report__accepted_id=F("version_id"), direction=TransferDirection.SENT)
        .annotate(
            total=Subquery(total, output_field=_KG),
            threshold=Coalesce(Subquery(threshold), Value(Decimal(0)), output_field=_KG),
        )
        .filter(total__gt=F("threshold"))
    )
