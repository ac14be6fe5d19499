"""A release report goes the returns' way: a draft, submitted with its warnings explained, accepted or sent back by
an inspector of the region, corrected in a new version; the signals and messages follow each step."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import OutboxMessage
from registry.releases import services
from registry.releases.models import ReleaseEvent, ReleaseReport
from registry.releases.signals import release_accepted, release_sent_back
from registry.releases.tests import helpers
from registry.releases.tests.helpers import release, transfer
from registry.returns.models import ReturnStatus

pytestmark = pytest.mark.usefixtures("reference")


def test_a_report_is_filed_submitted_and_accepted(staff_a, inspector, enterprise_a, enterprise_b, stack_a):
    heard = []
    release_accepted.connect(lambda sender, report, **kw: heard.append(report.pk), weak=False, dispatch_uid="t")
    try:
        report = helpers.create(
            staff_a, enterprise_a, releases=[release(source="0001"), release("Pb", kg="50", method="C")],
            transfers=[transfer(bin=enterprise_b.bin)],
        )  # fmt: skip
        report = helpers.accept(inspector, helpers.submit(staff_a, report))
    finally:
        release_accepted.disconnect(dispatch_uid="t")
    assert report.accepted == report.current and report.current.status == ReturnStatus.ACCEPTED
    assert heard == [report.pk]
    assert report.current.lines.get(substance__code="SOx").source == stack_a
    assert report.current.transfers.get().counterpart == enterprise_b
    assert [event.kind for event in ReleaseEvent.objects.order_by("pk")] == ["created", "submitted", "accepted"]
    codes = set(OutboxMessage.objects.values_list("code", flat=True))
    assert {"releases.submitted", "releases.accepted"} <= codes


def test_staff_never_decide_and_inspectors_never_file(staff_a, inspector, other_inspector, enterprise_a):
    with pytest.raises(PermissionDenied):
        helpers.create(inspector, enterprise_a)
    report = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a))
    for actor in (staff_a, other_inspector):
        with pytest.raises((PermissionDenied, ReleaseReport.DoesNotExist, ValidationError)):
            services.report_accept(actor=actor, version=report.current)
    assert helpers.fresh(report).accepted is None


def test_sent_back_with_reasons_then_corrected_in_a_new_version(staff_a, inspector, enterprise_a):
    heard = []
    release_sent_back.connect(lambda sender, report, **kw: heard.append(report.pk), weak=False, dispatch_uid="t")
    try:
        report = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a))
        with pytest.raises(ValidationError):
            services.report_send_back(actor=inspector, version=report.current, reasons=" ")
        services.report_send_back(actor=inspector, version=report.current, reasons="SOx is too low.")
    finally:
        release_sent_back.disconnect(dispatch_uid="t")
    assert heard == [report.pk]
    version = services.report_correct(actor=staff_a, report=helpers.fresh(report))
    assert version.number == 2 and version.is_draft
    assert list(version.lines.values_list("substance__code", "kg_per_year")) == list(
        report.current.lines.values_list("substance__code", "kg_per_year")
    )


def test_a_year_in_the_future_is_refused(staff_a, enterprise_a):
    with pytest.raises(ValidationError) as caught:
        helpers.create(staff_a, enterprise_a, year=2999)
    assert "year" in caught.value.message_dict
    assert not ReleaseReport.objects.exists()
