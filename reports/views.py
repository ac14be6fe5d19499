"""Public statistics pages and their downloads."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.exports import csv_response, xlsx_response
from reports import selectors


def regional_table(request: HttpRequest) -> HttpResponse:
    """Like the official table: regions as rows in its order, years as columns, thousand tonnes, total row."""
    order = request.GET.get("order", "")
    table = selectors.regional_table(order=order)
    download = request.GET.get("format")
    if table is not None and download in {"csv", "xlsx"}:
        header = [_("Region"), "ISO 3166-2", *[f"{column.year} {column.source}" for column in table.columns]]
        rows = [[row.region.name, row.region.iso_code, *row.values] for row in table.rows]
        rows.append([_("Republic of Kazakhstan"), "KZ", *table.total.values])
        respond = csv_response if download == "csv" else xlsx_response
        return respond("qaldyq-hazardous-waste-by-region", header, rows)
    return render(request, "reports/regional_table.html", {"table": table, "order": order})


def dashboard(request: HttpRequest) -> HttpResponse:
    """The national indicators over the years: as published, and as reported in accepted returns."""
    years = selectors.national_indicators()
    chart = {
        "years": [row.year for row in years],
        "published_generated": [_number(row.published.get("generated")) for row in years],
        "published_recycled": [_number(row.published.get("recycled")) for row in years],
        "reported_generated": [_number(row.reported.get("generated")) for row in years],
        "reported_recycled": [_number(row.reported.get("recycled")) for row in years],
    }
    if request.GET.get("format") in {"csv", "xlsx"}:
        header = ["year", *[f"published {name}" for name in selectors.NATIONAL_INDICATORS],
                  *[f"reported {name}" for name in selectors.AMOUNTS], "reported recycled_share_pct",
                  "reported per_capita_kg"]  # fmt: skip
        rows = [
            [row.year, *[row.published.get(name) for name in selectors.NATIONAL_INDICATORS],
             *[row.reported.get(name) for name in selectors.AMOUNTS], row.reported_recycled_share,
             row.reported_per_capita_kg]
            for row in years
        ]  # fmt: skip
        respond = csv_response if request.GET["format"] == "csv" else xlsx_response
        return respond("qaldyq-national-indicators", header, rows)
    return render(request, "reports/dashboard.html", {"years": years, "chart": chart})


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
