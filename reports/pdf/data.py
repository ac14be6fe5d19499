"""What the regional annual report reads: every figure of one region and year, from the tables the statistics pages
read (published values, the aggregates of accepted returns and their coverage, the monitoring aggregates) and from
the registry (the enterprises expected to file and their returns, the region's published deposits)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Sum, Value

from monitoring.models import Pollutant
from registry.models import Deposit, Region, local_name
from registry.returns.models import ReturnLine, ReturnStatus, WasteReturn
from registry.returns.selectors import expected_filers
from registry.selectors import deposit_list
from reports import selectors
from reports.aggregates import year_end_region
from reports.models import MonitoringAggregate, PublishedSeries, PublishedValue
from reports.selectors import Coverage

# How many years of the region's figures the report shows, ending with its year.
YEARS_SHOWN = 10


@dataclass(frozen=True)
class Filer:
    """An enterprise expected to file for the year (in the region on 31 December) and where its return stands:
    "accepted", "submitted" (awaiting a decision), "returned" (sent back, not submitted again), "draft" or "none".
    Its amounts, in tonnes, are those of its accepted version; None without one."""

    name: str
    bin: str
    status: str
    held: Decimal | None = None
    generated: Decimal | None = None
    recycled: Decimal | None = None


@dataclass(frozen=True)
class MonitoringRow:
    aggregate: MonitoringAggregate
    pollutant_name: str  # in the report's language; "" for a code no longer in the reference data


@dataclass(frozen=True)
class ReportData:
    region: Region
    year: int
    years: list[int]  # with a published or reported figure, up to the report's year, the last YEARS_SHOWN of them
    official_source: str  # of the official table the published figures come from; "" without one
    published: dict[int, Decimal]  # thousand tonnes held at year end
    reported: dict[int, dict[str, Any]]  # `selectors.reported_values` rows: thousand tonnes, with their coverage
    coverage: Coverage  # of the report's year
    parts: dict[str, dict[str, Decimal]]  # the year's held waste by "hazard_level" and "deposit_kind"; {} for none
    filers: list[Filer]
    monitoring: list[MonitoringRow]
    deposits: list[Deposit]


def report_data(*, region: Region, year: int) -> ReportData:
    published_values = PublishedValue.objects.filter(
        series__code=selectors.REGIONAL_SERIES, region=region, year__lte=year
    )
    published = dict(published_values.values_list("year", "value"))
    reported = {row["year"]: row for row in selectors.reported_values(region=region.iso_code) if row["year"] <= year}
    years = sorted(published.keys() | reported.keys())[-YEARS_SHOWN:]
    filers = _filers(region, year)
    # The coverage computed with the waste figures describes them; a year with no return submitted has none computed,
    # and then no figure either: its expected filers are all missing.
    coverage = selectors.coverage(year=year).get((year, region.iso_code), Coverage(expected=len(filers)))
    parts = selectors.reported_parts(year=year, region=region.iso_code).get((year, region.iso_code, "held"), {})
    monitoring = list(selectors.monitoring_statistics(year=year, region=region.iso_code))
    names = {
        pollutant.code: pollutant.name
        for pollutant in Pollutant.objects.filter(code__in={row.pollutant_code for row in monitoring})
    }
    # What the public sees of the registry: the region's published deposits.
    deposits = deposit_list(user=AnonymousUser()).filter(region=region).order_by("-tonnage_t", "name")
    return ReportData(
        region=region,
        year=year,
        years=years,
        official_source=_official_source(),
        published=published,
        reported=reported,
        coverage=coverage,
        parts=parts,
        filers=filers,
        monitoring=[MonitoringRow(row, names.get(row.pollutant_code, "")) for row in monitoring],
        deposits=list(deposits),
    )


def _official_source() -> str:
    series = PublishedSeries.objects.filter(code=selectors.REGIONAL_SERIES).first()
    # Loaded from the data file's "Source: ..." line (reports.reference); the report says "Source" in its language.
    return series.source.removeprefix("Source:").strip() if series else ""


def _filers(region: Region, year: int) -> list[Filer]:
    """The expected filers of the year in the region on 31 December, as the coverage counts them, so that the
    accepted ones add up to the region's reported figure."""
    in_region, _region = year_end_region("", Value(year), region.pk)
    # Names in the report's language where the register has them (the language is active while the report is made).
    enterprises = list(
        expected_filers(year).filter(in_region).annotate(shown=local_name()).values("pk", "shown", "bin")
    )
    ids = [enterprise["pk"] for enterprise in enterprises]
    returns = {
        waste_return.enterprise_id: waste_return
        for waste_return in WasteReturn.objects.filter(year=year, enterprise_id__in=ids).select_related("current")
    }
    accepted_lines = ReturnLine.objects.filter(
        version__waste_return__year=year,
        version__waste_return__enterprise_id__in=ids,
        version__waste_return__accepted_id=F("version_id"),
    )
    amounts: dict[int, dict[str, Any]] = {
        row["enterprise"]: dict(row)
        for row in accepted_lines.order_by()
        .values(enterprise=F("version__waste_return__enterprise_id"))
        .annotate(held=Sum("closing"), generated=Sum("generated"), recycled=Sum("recycled"))
    }
    filers = []
    for enterprise in enterprises:
        found = amounts.get(enterprise["pk"], {})
        filers.append(
            Filer(
                name=enterprise["shown"],
                bin=enterprise["bin"],
                status=_status(returns.get(enterprise["pk"])),
                held=found.get("held"),
                generated=found.get("generated"),
                recycled=found.get("recycled"),
            )
        )
    return filers


def _status(waste_return: WasteReturn | None) -> str:
    if waste_return is None:
        return "none"
    if waste_return.accepted_id is not None:
        return "accepted"
    status = waste_return.current_version.status
    if status == ReturnStatus.SUBMITTED:
        return "submitted"
    # A draft of a return submitted before is its correction after a send-back: still sent back, as the coverage
    # counts it.
    if status == ReturnStatus.RETURNED or waste_return.first_submitted_at is not None:
        return "returned"
    return "draft"
