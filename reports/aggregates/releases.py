"""The release totals of the PRTR (regional and national, by substance and medium) and their coverage: the rows of
the "releases" kind of `reports.aggregates` (see `tables.KINDS`), recomputed by the same refresh and rebuild as the
waste figures.

Published only: a total sums the lines the public register publishes (`registry.releases.register.published_lines`,
the one definition: the accepted version's release of a substance to a medium at or above its threshold); a release
below it is kept, counted in its enterprise's own view, and not in any public figure.

The coverage of a year's totals counts the enterprises expected to report (`expected_reporters`) and, of them,
those with an accepted report, by their region on 31 December.
"""

import datetime

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Sum, Value

from registry.models import Enterprise
from registry.permits.models import Permit, PermitCategory, PermitStatus
from registry.releases.models import ReleaseReport
from registry.releases.register import published_lines
from reports.aggregates.periods import year_end_region
from reports.models import ReleaseAggregate, ReleaseCoverage


def release_rows(year: int | None, region_id: int | None) -> list[ReleaseAggregate]:
    """The published releases of a year and region (all of them when None) summed by substance and medium."""
    lines = published_lines()
    if year is not None:
        lines = lines.filter(version__report__year=year)
    held, region = year_end_region("version__report__enterprise", F("version__report__year"), region_id)
    grouped = (
        lines.filter(held)
        .order_by()
        .values("substance_id", "medium", year=F("version__report__year"), in_region=region)
        .annotate(total=Sum("kg_per_year"), n_enterprises=Count("version__report__enterprise", distinct=True))
    )
    return [
        ReleaseAggregate(
            year=row["year"], region_id=row["in_region"], substance_id=row["substance_id"], medium=row["medium"],
            kg_per_year=row["total"], enterprises=row["n_enterprises"],
        )
        for row in grouped
    ]  # fmt: skip


def expected_reporters(year: int) -> QuerySet[Enterprise]:
    """The enterprises expected to report their releases for `year`, the one definition of the coverage: those that
    held a verified permit of category I valid at some time in the year (the sites the PRTR obliges), those whose
    report for the year before was accepted (they reported before, whatever their permit says now), and those
    whose report for the year itself was accepted (what is counted is always among what is expected).

    Only accepted reports and verified permits count: those are what the aggregates are recomputed on
    (`reports.signals`: a report accepted, a permit saved), so that the incremental refresh and a rebuild agree.
    Unscoped."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    category_i = Permit.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first),
        enterprise=OuterRef("pk"),
        category=PermitCategory.I,
        status=PermitStatus.VERIFIED,
        valid_from__lte=last,
    )
    reported = ReleaseReport.objects.filter(
        enterprise=OuterRef("pk"), year__in=[year - 1, year], accepted__isnull=False
    )
    return Enterprise.objects.filter(Exists(category_i) | Exists(reported))


def coverage_years(year: int | None) -> list[int]:
    """The years whose coverage is kept: those with an accepted report (never undone, and accepting marks its
    year, so the incremental refresh and the rebuild agree on them)."""
    accepted = ReleaseReport.objects.filter(accepted__isnull=False)
    if year is not None:
        accepted = accepted.filter(year=year)
    return list(accepted.order_by("year").values_list("year", flat=True).distinct())


def release_coverage_rows(year: int | None, region_id: int | None) -> list[ReleaseCoverage]:
    """The expected reporters of each year by their region on 31 December, and how many of them have an accepted
    report. Always every region of the year (`region_id` is not used, see `Aggregate.by_region`)."""
    rows = []
    for each_year in coverage_years(year):
        reported = FilteredRelation("release_reports", condition=Q(release_reports__year=each_year))
        held, region = year_end_region("", Value(each_year), None)
        grouped = (
            expected_reporters(each_year)
            .filter(held)
            .annotate(reported=reported)
            .order_by()
            .values(in_region=region)
            .annotate(expected=Count("pk"), accepted=Count("pk", filter=Q(reported__accepted__isnull=False)))
        )
        rows += [
            ReleaseCoverage(
                year=each_year, region_id=row["in_region"], expected=row["expected"], accepted=row["accepted"]
            )
            for row in grouped
        ]
    return rows
