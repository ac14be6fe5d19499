"""Writes of the reports app: ordering and generating regional annual reports."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.tasks import enqueue_on_commit
from registry.models import Region
from reports import pdf, tasks
from reports.models import RegionalReport

logger = logging.getLogger(__name__)


@transaction.atomic
def report_request(*, actor: User, region: Region, year: int, language: str) -> RegionalReport:
    if not (actor.is_inspector or actor.is_administrator):
        raise PermissionDenied(_("Reports are ordered by inspectors and administrators."))
    if not 1990 <= year <= timezone.localdate().year:
        raise ValidationError({"year": _("Choose a past or the current year.")})
    report = RegionalReport.objects.create(region=region, year=year, language=language, requested_by=actor)
    enqueue_on_commit(tasks.generate_report, report.pk)
    return report


def report_generate(report_id: int) -> None:
    """Build the PDF; progress is saved as it goes, so the page can show it. A finished report is left alone."""
    RegionalReport.objects.filter(pk=report_id, status=RegionalReport.Status.QUEUED).update(
        status=RegionalReport.Status.RUNNING, progress=10
    )
    report = RegionalReport.objects.select_related("region").get(pk=report_id)
    if report.status != RegionalReport.Status.RUNNING:
        return

    def progress(percent: int) -> None:
        RegionalReport.objects.filter(pk=report_id).update(progress=percent)

    try:
        content = pdf.regional_report(report.region, report.year, report.language, progress)
    except Exception as exc:  # any failure is recorded on the report for the person who ordered it
        logger.exception("report %s failed", report_id)
        RegionalReport.objects.filter(pk=report_id).update(status=RegionalReport.Status.FAILED, error=str(exc))
        return
    name = f"qaldyq-{report.region.iso_code}-{report.year}-{report.language}.pdf"
    report.file.save(name, ContentFile(content), save=False)
    RegionalReport.objects.filter(pk=report_id).update(
        file=report.file.name, status=RegionalReport.Status.DONE, progress=100, finished_at=timezone.now()
    )
