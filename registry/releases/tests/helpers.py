"""Building blocks for the release reports' workflow tests: lines as a filer types them, and reports in each state,
built through registry.releases.services as the API and pages build them."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from registry.releases import services
from registry.releases.checks import RELEASE_FIELDS, TRANSFER_FIELDS
from registry.releases.models import ReleaseReport

YEAR = 2024


def release(substance: str = "SOx", *, medium: str = "air", source: str = "", kg: str = "2000000",
            method: str = "M", note: str = "") -> dict[str, str]:  # fmt: skip
    return {"medium": medium, "substance": substance, "source": source, "kg_per_year": kg, "method": method,
            "note": note}  # fmt: skip


def transfer(code: str = "10 05 01", *, bin: str, tonnes: str = "100", operation: str = "D5",
             direction: str = "sent") -> dict[str, str]:  # fmt: skip
    return {"direction": direction, "waste_code": code, "operation": operation, "counterpart_bin": bin,
            "tonnes": tonnes}  # fmt: skip


def csv_upload(rows: list[dict[str, str]], *, transfers: bool = False, name: str = "lines.csv") -> SimpleUploadedFile:
    fields = TRANSFER_FIELDS if transfers else RELEASE_FIELDS
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([row.get(name, "") for name in fields])
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def fresh(report: ReleaseReport) -> ReleaseReport:
    return ReleaseReport.objects.select_related("current", "accepted", "enterprise").get(pk=report.pk)


def create(actor, enterprise, year: int = YEAR, releases=None, transfers=()) -> ReleaseReport:
    releases = [release()] if releases is None else releases
    return fresh(services.report_create(actor=actor, enterprise=enterprise, year=year, releases=releases,
                                        transfers=transfers))  # fmt: skip


def confirm_all(report: ReleaseReport) -> dict[str, str]:
    version = fresh(report).current_version
    return {warning.key: "Checked." for warning in services.current_warnings(version)}


def submit(actor, report: ReleaseReport, confirmations: dict[str, str] | None = None) -> ReleaseReport:
    confirmations = confirm_all(report) if confirmations is None else confirmations
    services.report_submit(actor=actor, version=fresh(report).current_version, confirmations=confirmations)
    return fresh(report)


def accept(inspector, report: ReleaseReport) -> ReleaseReport:
    services.report_accept(actor=inspector, version=fresh(report).current_version)
    return fresh(report)


def accepted(actor, inspector, enterprise, year: int = YEAR, releases=None, transfers=()) -> ReleaseReport:
    return accept(inspector, submit(actor, create(actor, enterprise, year, releases, transfers)))
