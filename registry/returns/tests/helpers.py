"""Building blocks for the returns tests: lines as a filer types them, and returns in each workflow state.

Returns are built through registry.returns.services, as the API and pages build them, so that a test
starts from a state the application itself can reach.
"""

import csv
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from registry.returns import services
from registry.returns.checks import INPUT_FIELDS
from registry.returns.models import WasteReturn

YEAR = 2024

SLAG = "10 06 01"  # copper slag, not hazardous
FLUE_DUST = "10 06 03"  # flue-gas dust, hazardous (*)
TAILINGS_HAZARDOUS = "01 03 05"  # tailings containing hazardous substances (*)
TAILINGS = "01 03 06"  # the mirror entry of 01 03 05, not hazardous


def line(
    code: str = SLAG,
    *,
    deposit: object = None,
    level: str = "",
    opening: str = "100",
    generated: str = "50",
    received: str = "0",
    recycled: str = "20",
    disposed: str = "0",
    transferred: str = "0",
    closing: str | None = None,
) -> dict[str, object]:
    """A line as filed, amounts as strings; the closing balance balances unless given."""
    amounts = {
        "opening": opening,
        "generated": generated,
        "received": received,
        "recycled": recycled,
        "disposed": disposed,
        "transferred": transferred,
    }
    if closing is None:
        value = sum((Decimal(amounts[name]) for name in ("opening", "generated", "received")), Decimal(0))
        value -= sum((Decimal(amounts[name]) for name in ("recycled", "disposed", "transferred")), Decimal(0))
        closing = str(value)
    deposit_id = getattr(deposit, "pk", deposit)
    return {"waste_code": code, "storage_deposit": deposit_id, "hazard_level": level, **amounts, "closing": closing}


def csv_upload(rows: list[dict[str, object]], name: str = "lines.csv") -> SimpleUploadedFile:
    """A CSV file with the upload template's header and one row per line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(INPUT_FIELDS)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row.get(name) for name in INPUT_FIELDS])
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def fresh(waste_return: WasteReturn) -> WasteReturn:
    return WasteReturn.objects.select_related("current", "accepted", "enterprise").get(pk=waste_return.pk)


def create(actor, enterprise, year: int = YEAR, lines: list[dict] | None = None) -> WasteReturn:
    lines = [line()] if lines is None else lines
    return fresh(services.return_create(actor=actor, enterprise=enterprise, year=year, lines=lines))


def confirm_all(waste_return: WasteReturn) -> dict[str, str]:
    """An explanation for every warning the current draft raises."""
    return {warning.key: "Checked." for warning in services.current_warnings(fresh(waste_return).current_version)}


def submit(actor, waste_return: WasteReturn, confirmations: dict[str, str] | None = None) -> WasteReturn:
    waste_return = fresh(waste_return)
    confirmations = confirm_all(waste_return) if confirmations is None else confirmations
    services.return_submit(actor=actor, version=waste_return.current_version, confirmations=confirmations)
    return fresh(waste_return)


def accept(inspector, waste_return: WasteReturn) -> WasteReturn:
    services.return_accept(actor=inspector, version=fresh(waste_return).current_version)
    return fresh(waste_return)


def send_back(inspector, waste_return: WasteReturn, reasons: str = "Line 1 does not match the survey.") -> WasteReturn:
    services.return_send_back(actor=inspector, version=fresh(waste_return).current_version, reasons=reasons)
    return fresh(waste_return)


def correct(actor, waste_return: WasteReturn) -> WasteReturn:
    services.return_correct(actor=actor, waste_return=fresh(waste_return))
    return fresh(waste_return)


def replace_lines(actor, waste_return: WasteReturn, lines: list[dict]) -> WasteReturn:
    services.draft_replace_lines(actor=actor, version=fresh(waste_return).current_version, lines=lines)
    return fresh(waste_return)


def accepted(actor, inspector, enterprise, year: int = YEAR, lines: list[dict] | None = None) -> WasteReturn:
    """A return filed, submitted (every warning confirmed) and accepted."""
    return accept(inspector, submit(actor, create(actor, enterprise, year, lines)))
