"""The public register of releases and transfers (E-PRTR's facility page): what anyone may read of an enterprise's
accepted reports, and what its own staff, its inspectors and administrators read besides.

Published are the lines of a report's accepted version whose substance and medium total the enterprise's release
of the year at or above the reporting threshold (`ReleaseThreshold`; a substance without a threshold for a medium
has nothing to hold back), and the transfers sent off site of a hazard class whose yearly total reaches its
`TransferThreshold`. Lines below are kept and counted in the enterprise's own view, never in a public answer: every
public read goes through `published_lines` / `published_transfers`.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from portal.permissions import Action, AnyUser
from registry.models import Enterprise
from registry.permits.models import EmissionLimit, EmissionSource, PermitStatus
from registry.releases.compliance import ComplianceRow, compliance_rows
from registry.releases.models import (
    ReleaseLine,
    ReleaseMedium,
    ReleaseReport,
    ReleaseThreshold,
    TransferDirection,
    TransferLine,
    TransferThreshold,
)

KG_PER_TONNE = Decimal(1000)
ZERO = Decimal(0)


def accepted_lines() -> QuerySet[ReleaseLine]:
    """The release lines that count: those of each report's accepted version."""
    return ReleaseLine.objects.filter(version__report__accepted=F("version"))


def accepted_transfers() -> QuerySet[TransferLine]:
    return TransferLine.objects.filter(version__report__accepted=F("version"))


def with_publication(lines: QuerySet[ReleaseLine]) -> QuerySet[ReleaseLine]:
    """Lines with `substance_total` (the version's total of the line's substance and medium, kg) and `threshold`
    (kg, 0 where none is set) and `published` (the total reaches the threshold)."""
    total = (
        ReleaseLine.objects.filter(
            version=OuterRef("version"), medium=OuterRef("medium"), substance=OuterRef("substance")
        )
        .order_by()
        .values("version")
        .annotate(total=Sum("kg_per_year"))
        .values("total")
    )
    threshold = ReleaseThreshold.objects.filter(substance=OuterRef("substance"), medium=OuterRef("medium"))
    return lines.annotate(
        substance_total=Subquery(total),
        threshold=Coalesce(Subquery(threshold.values("kg_per_year")[:1]), Value(ZERO)),
    ).annotate(published=Q(substance_total__gte=F("threshold")))


def published_lines() -> QuerySet[ReleaseLine]:
    """Every published release line (accepted, at or above the threshold): the only lines a public answer reads."""
    return with_publication(accepted_lines()).filter(Q(published=True))


def _transfer_totals(transfers: QuerySet[TransferLine]) -> QuerySet[TransferLine]:
    total = (
        TransferLine.objects.filter(
            version=OuterRef("version"), direction=TransferDirection.SENT, hazardous=OuterRef("hazardous")
        )
        .order_by()
        .values("version")
        .annotate(total=Sum("tonnes"))
        .values("total")
    )
    threshold = TransferThreshold.objects.filter(hazardous=OuterRef("hazardous")).values("tonnes_per_year")[:1]
    return transfers.annotate(
        class_total=Subquery(total), threshold=Coalesce(Subquery(threshold), Value(ZERO))
    ).annotate(published=Q(class_total__gte=F("threshold")))


def published_transfers() -> QuerySet[TransferLine]:
    """Waste sent off site, of the hazard classes whose yearly total reaches their threshold (E-PRTR Art. 5)."""
    sent = accepted_transfers().filter(direction=TransferDirection.SENT)
    return _transfer_totals(sent).filter(Q(published=True))


def sees_everything(user: AnyUser, enterprise: Enterprise) -> bool:
    """Whether `user` reads the enterprise's own view (every accepted line, those below the threshold marked):
    whoever files or decides its reports: its staff, its region's inspectors, administrators."""
    ours = Enterprise.objects.restrict(user, Action.FILE) | Enterprise.objects.restrict(user, Action.DECIDE)
    return ours.filter(pk=enterprise.pk).exists()


@dataclass(frozen=True)
class Cell:
    kg: Decimal | None  # None: nothing reported that year
    published: bool = True  # False: below the threshold (the enterprise's own view only)


@dataclass
class SubstanceRow:
    """A substance's yearly releases to a medium, one cell a year of the table."""

    substance: Any
    cells: list[Cell]


@dataclass
class MediumTable:
    medium: str
    label: str
    rows: list[SubstanceRow]
    totals: list[tuple[int, Decimal]]  # (year, tonnes), every line counted


@dataclass
class Facility:
    enterprise: Enterprise
    own_view: bool
    years: list[int]  # the columns of the release tables
    report_years: list[int]  # every year with a release or a transfer shown
    year: int | None  # the year whose sources and transfers are shown
    media: list[MediumTable]
    sources: list[ComplianceRow]  # the year's sources against the limits of its verified permit
    transfers: list[TransferLine]


def enterprise_lines(enterprise: Enterprise, *, own_view: bool) -> QuerySet[ReleaseLine]:
    lines = with_publication(accepted_lines().filter(version__report__enterprise=enterprise))
    if not own_view:
        lines = lines.filter(Q(published=True))
    return lines.select_related("substance", "source", "version__report").order_by(
        "medium", "substance__code", "source__code"
    )


def enterprise_transfers(enterprise: Enterprise, *, own_view: bool, year: int) -> list[TransferLine]:
    transfers = _transfer_totals(
        accepted_transfers().filter(version__report__enterprise=enterprise, direction=TransferDirection.SENT)
    )
    if not own_view:
        transfers = transfers.filter(Q(published=True))
    transfers = transfers.filter(version__report__year=year)
    return list(transfers.select_related("waste_code", "counterpart").order_by("position"))


def _media(lines: Iterable[ReleaseLine], years: list[int]) -> list[MediumTable]:
    kg: dict[tuple[str, int, int], Decimal] = defaultdict(Decimal)  # (medium, substance, year)
    below: set[tuple[str, int, int]] = set()
    substances: dict[str, dict[int, Any]] = defaultdict(dict)
    tonnes: dict[tuple[str, int], Decimal] = defaultdict(Decimal)  # (medium, year), every line counted
    for line in lines:
        key = (line.medium, line.substance_id, line.version.report.year)
        kg[key] += line.kg_per_year
        if not line.published:  # type: ignore[attr-defined]
            below.add(key)
        substances[line.medium][line.substance_id] = line.substance
        tonnes[(line.medium, line.version.report.year)] += line.kg_per_year / KG_PER_TONNE
    tables = []
    for medium, label in ReleaseMedium.choices:
        if not substances[medium]:
            continue
        rows = [
            SubstanceRow(
                substance=substance,
                cells=[Cell(kg.get((medium, pk, year)), (medium, pk, year) not in below) for year in years],
            )
            for pk, substance in sorted(substances[medium].items(), key=lambda item: item[1].code)
        ]
        totals = [(year, tonnes[(medium, year)]) for year in years]
        tables.append(MediumTable(medium, str(label), rows, totals))
    return tables


def facility(enterprise: Enterprise, *, user: AnyUser, year: int | None = None) -> Facility:
    """An enterprise's register page: releases by medium, substance and year; the year's sources against their limits
    and its transfers (the latest year with figures unless `year` is one of them)."""
    own_view = sees_everything(user, enterprise)
    lines = list(enterprise_lines(enterprise, own_view=own_view))
    years = sorted({line.version.report.year for line in lines})
    transfer_years = set(
        (_transfer_totals(accepted_transfers()) if own_view else published_transfers())
        .filter(version__report__enterprise=enterprise, direction=TransferDirection.SENT)
        .values_list("version__report__year", flat=True)
    )
    all_years = sorted(set(years) | transfer_years)
    shown = year if year in all_years else (all_years[-1] if all_years else None)
    return Facility(
        enterprise=enterprise,
        own_view=own_view,
        years=years,
        report_years=all_years,
        year=shown,
        media=_media(lines, years),
        sources=compliance_rows(enterprise, shown, published_only=not own_view) if shown else [],
        transfers=enterprise_transfers(enterprise, own_view=own_view, year=shown) if shown else [],
    )


def register_years(enterprise: Enterprise) -> list[int]:
    """The years of an enterprise's accepted reports, oldest first (the year pickers)."""
    return sorted(
        ReleaseReport.objects.filter(enterprise=enterprise, accepted__isnull=False).values_list("year", flat=True)
    )


def published_sources() -> QuerySet[EmissionSource]:
    """The sources the public map shows: published, and limited by a verified permit of their enterprise."""
    verified = EmissionLimit.objects.filter(source=OuterRef("pk"), permit__status=PermitStatus.VERIFIED)
    return EmissionSource.objects.filter(Exists(verified), is_published=True)


def source_map_points(sources: QuerySet[EmissionSource]) -> list[dict[str, object]]:
    """Sources as the map draws them (`static/js/map.js`, in the deposits' form: `t` is what the source released
    in its enterprise's latest published year, tonnes). Two queries, whatever their number."""
    rows = list(sources.select_related("enterprise").order_by("enterprise_id", "code"))
    released: dict[int, tuple[int, Decimal]] = {}
    totals = (
        published_lines()
        .filter(source__in=[row.pk for row in rows])
        .order_by()
        .values("source_id", "version__report__year")
        .annotate(kg=Sum("kg_per_year"))
    )
    for total in totals:
        year = total["version__report__year"]
        if total["source_id"] not in released or released[total["source_id"]][0] < year:
            released[total["source_id"]] = (year, total["kg"])
    return [
        {
            "url": reverse("releases:register-enterprise", args=[source.enterprise_id]),
            "name": f"{source.code} {source.name}".strip(),
            "lat": float(source.latitude),
            "lon": float(source.longitude),
            "t": float(released[source.pk][1] / KG_PER_TONNE) if source.pk in released else 0.0,
            # map.js colours by kind: a water outlet as surface water.
            "kind": "air" if source.medium == "air" else "surface_water",
            "operator": source.enterprise.local_name,
        }
        for source in rows
    ]
