"""Public statistics pages and their downloads."""

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
