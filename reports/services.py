"""Writes of the reports app: ordering and generating regional annual reports."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import leases
from portal.permissions import Action, AnyUser, require
from portal.tasks import enqueue
from registry.models import Region
from reports import pdf
from reports.models import RegionalReport


@transaction.atomic
def report_request(*, actor: AnyUser, region: Region, year: int, language: str) -> RegionalReport:
    orderer = require(
        actor, Action.ORDER_REPORTS, region, _("Reports are ordered by the region's inspectors and administrators.")
    )
    if not 1990 <= year <= timezone.localdate().year:
        raise ValidationError({"year": _("Choose a past or the current year.")})
    report = RegionalReport.objects.create(region=region, year=year, language=language, requested_by=orderer)
    enqueue("reports.tasks.generate_report", report.pk)
    return report


def report_generate(*, report_id: int) -> None:
    """Build the PDF under a lease on the report (portal.leases), renewed with each step of progress, which the page
    shows. A finished report, or one another worker holds, is left alone; a failed attempt is given another by the
    minute sweep, and after TASK_MAX_ATTEMPTS the report is failed with the error, for the person who ordered it."""
    lease = leases.claim(RegionalReport, report_id)
    if lease is None:
        return
    with lease.held():
        lease.update(progress=10)
        report = RegionalReport.objects.select_related("region", "requested_by").get(pk=report_id)
        content = pdf.regional_report(
            report, generated_at=timezone.now(), progress=lambda percent: lease.update(progress=percent)
        )
        name = f"qaldyq-{report.region.iso_code}-{report.year}-{report.language}.pdf"
        report.file.save(name, ContentFile(content), save=False)
        try:
            lease.finish(file=report.file.name, progress=100, finished_at=timezone.now())
        except leases.LeaseLost:
            report.file.delete(save=False)  # the worker that holds the report now saves its own
            raise


def reports_sweep(*, older_than_seconds: int = 60) -> list[int]:
    """Beat, every minute: reports whose lease ran out or was given back after a failed attempt, or that no worker
    claimed `older_than_seconds` after they were ordered (a broker outage), are enqueued again; those whose attempts
    are used up are failed (portal.leases). Reports still leased are left to their worker."""
    ids = leases.sweep(RegionalReport, grace=timedelta(seconds=older_than_seconds))
    for report_id in ids:
        enqueue("reports.tasks.generate_report", report_id)
    return ids


def reports_retry(*, actor: AnyUser, reports: QuerySet[RegionalReport]) -> list[int]:
    """An administrator's retry of failed reports (from the admin): attempts counted from zero, error cleared,
    enqueued again. Returns the ids retried; those that had not failed are left alone."""
    require(actor, Action.ADMINISTER, message=_("Only administrators retry failed work."))
    with transaction.atomic():
        ids = leases.retry(reports)
        for report_id in ids:
            enqueue("reports.tasks.generate_report", report_id)
    return ids
