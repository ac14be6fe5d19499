"""compliance_rows: each source and substance's release in a year against its verified permit's limit."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.permits.models import PermitStatus
from registry.permits.tests.factories import EmissionLimitFactory, EmissionSourceFactory, PermitFactory
from registry.releases.compliance import ComplianceStatus, compliance_rows
from registry.releases.models import ReleaseMedium
from registry.releases.tests.factories import (
    ReleaseLineFactory,
    ReleaseThresholdFactory,
    SubstanceFactory,
    accepted_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(enterprise_a):
    return PermitFactory(enterprise=enterprise_a, verified=True)


@pytest.fixture
def stacks(enterprise_a):
    return {code: EmissionSourceFactory(enterprise=enterprise_a, code=code) for code in ("0001", "0002", "0003")}


def limit(permit, source, code, tonnes):
    return EmissionLimitFactory(
        permit=permit, source=source, substance=SubstanceFactory(code=code), tonnes_per_year=Decimal(tonnes)
    )


def by_key(rows):
    return {(row.source.code, row.substance.code): row for row in rows}


def test_released_against_permitted_in_tonnes_with_each_status(enterprise_a, permit, stacks):
    limit(permit, stacks["0001"], "SOx", "20000")  # over
    limit(permit, stacks["0001"], "Pb", "40")  # within
    limit(permit, stacks["0002"], "SOx", "100")  # not reported
    accepted_report(
        enterprise=enterprise_a,
        year=2024,
        releases=[
            {"substance": "SOx", "source": stacks["0001"], "kg_per_year": "23000000"},
            {"substance": "Pb", "source": stacks["0001"], "kg_per_year": "30000.5"},
            {"substance": "Zn", "source": stacks["0003"], "kg_per_year": "500"},  # no limit
            {"substance": "Cd", "kg_per_year": "5"},  # the site as a whole: no source to compare
        ],
    )

    rows = compliance_rows(enterprise_a, 2024, published_only=False)

    assert [(row.source.code, row.substance.code) for row in rows] == [
        ("0001", "Pb"), ("0001", "SOx"), ("0002", "SOx"), ("0003", "Zn"),
    ]  # fmt: skip
    found = by_key(rows)
    sox = found[("0001", "SOx")]
    assert (sox.released_tonnes, sox.permitted_tonnes, sox.status) == (
        Decimal("23000"), Decimal("20000"), ComplianceStatus.OVER_LIMIT,
    )  # fmt: skip
    assert sox.ratio == pytest.approx(1.15)
    assert sox.permit == permit
    lead = found[("0001", "Pb")]
    assert (lead.released_tonnes, lead.status) == (Decimal("30.0005"), ComplianceStatus.WITHIN_LIMIT)
    assert lead.ratio == pytest.approx(30.0005 / 40)
    unreported = found[("0002", "SOx")]
    assert (unreported.released_tonnes, unreported.status, unreported.ratio) == (
        None, ComplianceStatus.NOT_REPORTED, None,
    )  # fmt: skip
    zinc = found[("0003", "Zn")]
    assert (zinc.released_tonnes, zinc.permitted_tonnes, zinc.status) == (
        Decimal("0.5"), None, ComplianceStatus.NO_LIMIT,
    )  # fmt: skip


def test_exactly_at_the_limit_is_within_it(enterprise_a, permit, stacks):
    limit(permit, stacks["0001"], "SOx", "20")
    accepted_report(
        enterprise=enterprise_a, releases=[{"substance": "SOx", "source": stacks["0001"], "kg_per_year": "20000"}]
    )

    (row,) = compliance_rows(enterprise_a, 2024, published_only=False)

    assert (row.status, row.ratio) == (ComplianceStatus.WITHIN_LIMIT, 1.0)


def test_a_year_without_an_accepted_report_has_its_limits_not_reported(enterprise_a, permit, stacks):
    limit(permit, stacks["0001"], "SOx", "20")
    report = accepted_report(
        enterprise=enterprise_a, year=2023, releases=[{"substance": "SOx", "source": stacks["0001"]}]
    )
    ReleaseLineFactory(version__report__enterprise=enterprise_a, version__report__year=2024, source=stacks["0001"])

    (row,) = compliance_rows(enterprise_a, 2024, published_only=False)

    assert row.status == ComplianceStatus.NOT_REPORTED
    assert report.year == 2023


def test_only_the_accepted_version_counts(enterprise_a, permit, stacks):
    limit(permit, stacks["0001"], "SOx", "20")
    report = accepted_report(
        enterprise=enterprise_a, releases=[{"substance": "SOx", "source": stacks["0001"], "kg_per_year": "10000"}]
    )
    # A newer version, not accepted (a correction in progress).
    ReleaseLineFactory(
        version__report=report,
        substance=SubstanceFactory(code="SOx"),
        source=stacks["0001"],
        kg_per_year=Decimal("90000"),
    )

    (row,) = compliance_rows(enterprise_a, 2024, published_only=False)

    assert row.released_tonnes == Decimal("10")


def test_limits_come_from_the_verified_permit_in_force_that_year(enterprise_a, stacks):
    old = PermitFactory(
        enterprise=enterprise_a,
        verified=True,
        valid_from=datetime.date(2018, 1, 1),
        valid_to=datetime.date(2024, 6, 30),
    )
    new = PermitFactory(
        enterprise=enterprise_a, verified=True, valid_from=datetime.date(2024, 7, 1), valid_to=None, replaces=old
    )
    expired = PermitFactory(
        enterprise=enterprise_a,
        verified=True,
        valid_from=datetime.date(2010, 1, 1),
        valid_to=datetime.date(2017, 12, 31),
    )
    draft = PermitFactory(enterprise=enterprise_a, status=PermitStatus.SUBMITTED, valid_from=datetime.date(2024, 1, 1))
    limit(old, stacks["0001"], "SOx", "30")
    limit(new, stacks["0001"], "SOx", "20")  # replaced the old one during the year: its limit counts
    limit(old, stacks["0002"], "SOx", "5")  # only in the old one, in force part of the year
    limit(expired, stacks["0003"], "SOx", "1")
    limit(draft, stacks["0003"], "Pb", "1")

    rows = by_key(compliance_rows(enterprise_a, 2024, published_only=False))

    assert set(rows) == {("0001", "SOx"), ("0002", "SOx")}
    assert (rows[("0001", "SOx")].permitted_tonnes, rows[("0001", "SOx")].permit) == (Decimal("20"), new)
    assert rows[("0002", "SOx")].permit == old
    assert set(by_key(compliance_rows(enterprise_a, 2017, published_only=False))) == {("0003", "SOx")}


def test_the_public_view_holds_back_releases_below_the_threshold_and_unpublished_sources(enterprise_a, permit, stacks):
    ReleaseThresholdFactory(substance=SubstanceFactory(code="Hg"), medium=ReleaseMedium.AIR, kg_per_year=Decimal("10"))
    ReleaseThresholdFactory(substance=SubstanceFactory(code="Pb"), medium=ReleaseMedium.AIR, kg_per_year=Decimal("200"))
    stacks["0003"].is_published = False
    stacks["0003"].save()
    limit(permit, stacks["0001"], "Hg", "0.001")
    limit(permit, stacks["0003"], "SOx", "1")
    accepted_report(
        enterprise=enterprise_a,
        releases=[
            {"substance": "Hg", "source": stacks["0001"], "kg_per_year": "4"},  # below 10 kg: held back
            {"substance": "Pb", "source": stacks["0001"], "kg_per_year": "150"},  # with the next, 250 kg: published
            {"substance": "Pb", "source": stacks["0002"], "kg_per_year": "100"},
            {"substance": "Zn", "source": stacks["0002"], "kg_per_year": "1"},  # no threshold: nothing held back
            {"substance": "SOx", "source": stacks["0003"], "kg_per_year": "900000"},
        ],
    )

    public = by_key(compliance_rows(enterprise_a, 2024, published_only=True))
    own = by_key(compliance_rows(enterprise_a, 2024, published_only=False))

    assert set(public) == {("0001", "Hg"), ("0001", "Pb"), ("0002", "Pb"), ("0002", "Zn")}
    mercury = public[("0001", "Hg")]
    assert (mercury.released_tonnes, mercury.permitted_tonnes, mercury.status) == (
        None, Decimal("0.001"), ComplianceStatus.BELOW_THRESHOLD,
    )  # fmt: skip
    assert public[("0002", "Pb")].released_tonnes == Decimal("0.1")
    assert own[("0001", "Hg")].status == ComplianceStatus.OVER_LIMIT
    assert own[("0003", "SOx")].status == ComplianceStatus.OVER_LIMIT


def test_a_few_queries_whatever_the_number_of_sources(enterprise_a, permit):
    sources = [EmissionSourceFactory(enterprise=enterprise_a) for _ in range(12)]
    for source in sources:
        limit(permit, source, "SOx", "10")
    accepted_report(enterprise=enterprise_a, releases=[{"substance": "SOx", "source": source} for source in sources])

    for published_only in (False, True):
        with CaptureQueriesContext(connection) as queries:
            rows = compliance_rows(enterprise_a, 2024, published_only=published_only)
        assert len(rows) == 12
        assert len(queries) <= 4
