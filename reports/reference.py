"""The official tables shipped in reports/data/, loaded as published series, idempotently and exactly."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from portal import cache_tags
from registry.models import Region
from reports.models import PublishedSeries, PublishedValue, YearReference

DATA_DIR = Path(__file__).parent / "data"
THOUSAND_TONNES = "thousand tonnes"
NATIONAL_UNITS = {
    "recycled_share_pct": "%",
    "per_gdp_kg_per_usd": "kg per US$ (as published)",
    "per_capita_kg": "kg per person",
}


def _read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    comments = [line.lstrip("# ").strip() for line in lines if line.startswith("#")]
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    return comments, rows


def _series(code: str, title: str, comments: list[str]) -> PublishedSeries:
    source = next((line for line in comments if line.startswith("Source:")), comments[0])
    series, _ = PublishedSeries.objects.update_or_create(
        code=code, defaults={"title": title, "source": source, "note": "\n".join(comments)}
    )
    return series


def _store(series: PublishedSeries, values: list[PublishedValue]) -> None:
    series.values.all().delete()
    PublishedValue.objects.bulk_create(values)


@transaction.atomic
def load_published_statistics() -> int:
    # bulk_create sends no signal (reports.signals): the loader bumps what the published series show itself.
    cache_tags.bump(cache_tags.PUBLISHED)
    comments, rows = _read("hazardous_waste_by_region.csv")
    series = _series("hazardous-waste-held-by-region", "Hazardous waste held at enterprises at year end", comments)
    regions = {region.iso_code: region for region in Region.objects.all()}
    values = []
    for position, row in enumerate(rows, start=1):
        region = None if row["region_iso"] == "TOTAL" else regions[row["region_iso"]]
        for column, cell in row.items():
            if column != "region_iso" and cell:
                values.append(
                    PublishedValue(
                        series=series, indicator="held", region=region, year=int(column), value=Decimal(cell),
                        unit=THOUSAND_TONNES, row=0 if region is None else position,
                    )
                )  # fmt: skip
    _store(series, values)
    count = len(values)

    comments, rows = _read("hazardous_waste_national.csv")
    series = _series("hazardous-waste-national", "Dynamics of hazardous waste generation in the Republic", comments)
    values = [
        PublishedValue(
            series=series, indicator=column, region=None, year=int(row["year"]), value=Decimal(cell),
            unit=NATIONAL_UNITS.get(column, THOUSAND_TONNES),
        )
        for row in rows
        for column, cell in row.items()
        if column != "year" and cell
    ]  # fmt: skip
    _store(series, values)
    count += len(values)

    comments, rows = _read("population_national.csv")
    for row in rows:
        YearReference.objects.update_or_create(
            year=int(row["year"]), defaults={"population": int(row["population"]), "source": " ".join(comments)}
        )
    return count
