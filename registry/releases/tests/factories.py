"""Factories of the release register's rows, and `accepted_report`: a report in the accepted state, built directly
(no permission, no checks), for the tests of the layers that read accepted figures (compliance, reconciliation,
the public register, the aggregates). The releases app's own workflow tests build reports through its services."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from portal.models import User
from portal.tests.factories import UserFactory
from registry.models import Enterprise
from registry.permits.models import EmissionSource
from registry.permits.tests.factories import SubstanceFactory
from registry.releases.models import (
    Method,
    ReleaseEvent,
    ReleaseLine,
    ReleaseMedium,
    ReleaseReport,
    ReleaseThreshold,
    ReleaseVersion,
    TransferDirection,
    TransferLine,
)
from registry.releases.signals import release_accepted
from registry.returns.models import ReturnEvent, ReturnStatus, WasteCode
from registry.tests.factories import EnterpriseFactory

__all__ = [
    "ReleaseLineFactory", "ReleaseReportFactory", "ReleaseThresholdFactory", "ReleaseVersionFactory",
    "SubstanceFactory", "TransferLineFactory", "accepted_report",
]  # fmt: skip


class ReleaseThresholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseThreshold
        django_get_or_create = ("substance", "medium")

    substance = factory.SubFactory(SubstanceFactory)
    medium = ReleaseMedium.AIR
    kg_per_year = Decimal("100")
    default = True


class ReleaseReportFactory(factory.django.DjangoModelFactory):
    """A report without versions; `ReleaseVersionFactory` makes one and points `current` at it."""

    class Meta:
        model = ReleaseReport

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2024


class ReleaseVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseVersion
        skip_postgeneration_save = True

    report = factory.SubFactory(ReleaseReportFactory)
    number = factory.LazyAttribute(lambda version: version.report.versions.count() + 1)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def make_current(version: ReleaseVersion, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            version.report.current = version
            version.report.save(update_fields=["current"])


class ReleaseLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseLine

    version = factory.SubFactory(ReleaseVersionFactory)
    position = factory.LazyAttribute(lambda line: line.version.lines.count() + 1)
    medium = ReleaseMedium.AIR
    substance = factory.SubFactory(SubstanceFactory)
    source = None
    kg_per_year = Decimal("1000")
    method = Method.MEASURED


class TransferLineFactory(factory.django.DjangoModelFactory):
    """A transfer sent; `counterpart_bin` and `waste_code` must be given (a BIN, a loaded waste code)."""

    class Meta:
        model = TransferLine

    version = factory.SubFactory(ReleaseVersionFactory)
    position = factory.LazyAttribute(lambda line: line.version.transfers.count() + 1)
    direction = TransferDirection.SENT
    hazardous = factory.LazyAttribute(lambda line: line.waste_code.hazardous)
    operation = "D5"
    counterpart = factory.LazyAttribute(lambda line: Enterprise.objects.filter(bin=line.counterpart_bin).first())
    tonnes = Decimal("100")


def accepted_report(
    *,
    enterprise: Enterprise,
    year: int = 2024,
    releases: Iterable[Mapping[str, Any]] = (),
    transfers: Iterable[Mapping[str, Any]] = (),
    inspector: User | None = None,
    announce: bool = False,
) -> ReleaseReport:
    """A report of `enterprise` for `year` whose newest version (a new one if the report exists) is accepted.

    `releases`: dicts of ReleaseLine fields, where `substance` may be a code ("SOx") and `kg_per_year` a string;
    `transfers`: dicts of TransferLine fields, where `waste_code` may be a code ("10 06 01") and `counterpart_bin`
    names the other party (resolved to `counterpart` when registered). `announce` sends `release_accepted` as the
    accepting service does."""
    decider: User = inspector or UserFactory.create(inspector=True)
    report, _created = ReleaseReport.objects.get_or_create(enterprise=enterprise, year=year)
    now = timezone.now()
    version: ReleaseVersion = ReleaseVersionFactory.create(
        report=report,
        status=ReturnStatus.ACCEPTED,
        submitted_by=decider,
        submitted_at=now - datetime.timedelta(hours=1),
        decided_by=decider,
        decided_at=now,
    )
    for position, release in enumerate(releases, start=1):
        values = dict(release)
        if isinstance(values.get("substance"), str):
            values["substance"] = SubstanceFactory(code=values["substance"])
        if isinstance(values.get("source"), str):
            values["source"] = EmissionSource.objects.get(enterprise=enterprise, code=values["source"])
        values["kg_per_year"] = Decimal(str(values.get("kg_per_year", "1000")))
        ReleaseLineFactory(version=version, position=position, **values)
    for position, transfer in enumerate(transfers, start=1):
        values = dict(transfer)
        if isinstance(values.get("waste_code"), str):
            values["waste_code"] = WasteCode.objects.get(code=values["waste_code"])
        values["tonnes"] = Decimal(str(values.get("tonnes", "100")))
        TransferLineFactory(version=version, position=position, **values)
    report.accepted = version
    report.first_submitted_at = report.first_submitted_at or version.submitted_at
    report.save(update_fields=["accepted", "first_submitted_at"])
    ReleaseEvent.objects.create(version=version, kind=ReturnEvent.Kind.ACCEPTED, actor=decider)
    if announce:
        release_accepted.send(sender=ReleaseReport, report=report)
    return report
