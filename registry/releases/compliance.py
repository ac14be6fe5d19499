"""Compliance with limits: per source and substance, what an enterprise released in a year (its accepted release
report) against what its permit allowed (the limits of its verified permit in force that year), in tonnes.

One pure read, `compliance_rows`, shared by the status matrix (monitoring), the over-limit alerts (monitoring) and
the public register's facility page. Releases are reported in kg/yr and limits set in t/yr: the comparison is in
tonnes (kg / 1000), exact decimals.

- A limit comes from a verified permit whose validity overlaps the year; when a permit replaced another during the
  year, the newest one's limit counts (the one in force at the year's end).
- A released figure is the sum of the accepted version's lines of that source and substance.
- `published_only` (the public's view): only published sources, and a figure only where the enterprise's total of
  the substance to the medium reaches its `ReleaseThreshold` (none set: nothing held back), as the public register
  publishes lines; a limit whose figure is held back says so (`BELOW_THRESHOLD`) rather than "not reported".
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import Enterprise
from registry.permits.models import EmissionLimit, EmissionSource, Permit, PermitStatus, Substance
from registry.releases.models import ReleaseLine, ReleaseReport, ReleaseThreshold

KG_PER_TONNE = Decimal(1000)


class ComplianceStatus(models.TextChoices):
    """A source and substance's state in a year, worst first."""

    OVER_LIMIT = "over_limit", _("over the limit")
    NOT_REPORTED = "not_reported", _("limit set, release not reported")
    WITHIN_LIMIT = "within_limit", _("within the limit")
    BELOW_THRESHOLD = "below_threshold", _("limit set, release below the publication threshold")
    NO_LIMIT = "no_limit", _("no limit set")


@dataclass(frozen=True)
class ComplianceRow:
    source: EmissionSource
    substance: Substance
    released_tonnes: Decimal | None  # None: nothing reported (or, for the public, held back below the threshold)
    permitted_tonnes: Decimal | None  # None: no limit in the year's permit
    permit: Permit | None  # whose limit it is
    status: ComplianceStatus

    @property
    def ratio(self) -> float | None:
        """Released over permitted (None without both, or with a zero limit)."""
        if self.released_tonnes is None or not self.permitted_tonnes:
            return None
        return float(self.released_tonnes / self.permitted_tonnes)


def limits_in_force(enterprise: Enterprise, year: int) -> dict[tuple[int, int], EmissionLimit]:
    """(source id, substance id) → the limit of the enterprise's verified permit in force during `year` (the newest
    permit's, when one replaced another that year). One query."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    limits = (
        EmissionLimit.objects.filter(
            Q(permit__valid_to__isnull=True) | Q(permit__valid_to__gte=first),
            permit__enterprise=enterprise,
            permit__status=PermitStatus.VERIFIED,
            permit__valid_from__lte=last,
        )
        .select_related("permit", "source", "substance")
        .order_by("permit__valid_from", "permit_id")
    )
    return {(limit.source_id, limit.substance_id): limit for limit in limits}  # the newest permit's last


def _accepted_lines(enterprise: Enterprise, year: int) -> list[ReleaseLine]:
    report = ReleaseReport.objects.filter(enterprise=enterprise, year=year, accepted__isnull=False).first()
    if report is None:
        return []
    return list(ReleaseLine.objects.filter(version_id=report.accepted_id).select_related("source", "substance"))


def _published(lines: list[ReleaseLine]) -> set[tuple[str, int]]:
    """The (medium, substance id) pairs whose total reaches the threshold, or which have none."""
    totals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[(line.medium, line.substance_id)] += line.kg_per_year
    thresholds = {
        (medium, substance): kg
        for medium, substance, kg in ReleaseThreshold.objects.filter(
            substance_id__in={substance for _medium, substance in totals}
        ).values_list("medium", "substance_id", "kg_per_year")
    }
    return {key for key, total in totals.items() if total >= thresholds.get(key, Decimal(0))}


def _status(released: Decimal | None, permitted: Decimal | None, *, held_back: bool) -> ComplianceStatus:
    if permitted is None:
        return ComplianceStatus.NO_LIMIT
    if held_back:
        return ComplianceStatus.BELOW_THRESHOLD
    if released is None:
        return ComplianceStatus.NOT_REPORTED
    return ComplianceStatus.OVER_LIMIT if released > permitted else ComplianceStatus.WITHIN_LIMIT


def compliance_rows(enterprise: Enterprise, year: int, *, published_only: bool) -> list[ComplianceRow]:
    """Every source and substance of the enterprise in `year` with a limit in force or a released line from a
    source, ordered by source code and substance code: released and permitted tonnes, the permit, the status (and
    `ratio`). Four queries at most, whatever the number of sources."""
    limits = limits_in_force(enterprise, year)
    lines = _accepted_lines(enterprise, year)
    published = _published(lines) if published_only else None
    released: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    held_back: set[tuple[int, int]] = set()
    sources: dict[int, EmissionSource] = {}
    substances: dict[int, Substance] = {}
    for line in lines:
        if line.source_id is None:
            continue  # a release of the site as a whole has no source to compare
        key = (line.source_id, line.substance_id)
        assert line.source is not None
        sources[line.source_id], substances[line.substance_id] = line.source, line.substance
        if published is not None and (line.medium, line.substance_id) not in published:
            held_back.add(key)
        else:
            released[key] += line.kg_per_year / KG_PER_TONNE
    for (source_id, substance_id), in_force in limits.items():
        sources[source_id], substances[substance_id] = in_force.source, in_force.substance
    rows = []
    for key in limits.keys() | released.keys() | held_back:
        source = sources[key[0]]
        if published_only and not source.is_published:
            continue
        limit = limits.get(key)
        permitted = limit.tonnes_per_year if limit else None
        figure = released.get(key)
        hidden = key in held_back and figure is None
        if hidden and permitted is None:
            continue  # nothing to show the public: no limit, and the figure held back
        rows.append(
            ComplianceRow(
                source=source,
                substance=substances[key[1]],
                released_tonnes=figure,
                permitted_tonnes=permitted,
                permit=limit.permit if limit else None,
                status=_status(figure, permitted, held_back=hidden),
            )
        )
    return sorted(rows, key=lambda row: (row.source.code, row.substance.code))
