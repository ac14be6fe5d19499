"""Accepted release reports reach the release totals through the same incremental path as the waste figures (a
mark, one refresh task), only their published lines count, the coverage counts the enterprises expected to report,
and the incremental tables equal a full rebuild."""

from decimal import Decimal

import pytest

from registry.permits.models import PermitStatus
from registry.permits.tests.factories import PermitFactory
from registry.releases.models import ReleaseMedium
from registry.releases.tests.factories import ReleaseThresholdFactory, SubstanceFactory, accepted_report
from reports.aggregates import rebuild_all
from reports.models import DirtyAggregate, ReleaseAggregate, ReleaseCoverage

FIELDS = ("year", "region_id", "substance__code", "medium", "kg_per_year", "enterprises")
COVERAGE_FIELDS = ("year", "region_id", "expected", "accepted")


def totals():
    return sorted(ReleaseAggregate.objects.values_list(*FIELDS))


def coverage():
    return sorted(ReleaseCoverage.objects.values_list(*COVERAGE_FIELDS))


@pytest.fixture
def thresholds(db):
    """SOx to air 150,000 kg/yr and Pb to air 200 kg/yr (E-PRTR Annex II)."""
    ReleaseThresholdFactory(substance=SubstanceFactory(code="SOx"), kg_per_year=Decimal("150000"))
    ReleaseThresholdFactory(substance=SubstanceFactory(code="Pb"), kg_per_year=Decimal("200"))


def report(enterprise, year, *releases):
    return accepted_report(
        enterprise=enterprise,
        year=year,
        releases=[{"substance": code, "medium": medium, "kg_per_year": kg} for code, medium, kg in releases],
        announce=True,
    )


def test_an_accepted_report_counts_its_published_lines_at_once_and_matches_the_rebuild(
    thresholds, region, other_region, enterprise_a, enterprise_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(enterprise_a, 2023, ("SOx", "air", "20000000"), ("Pb", "air", "150"), ("Pb", "water", "12"))
    assert not DirtyAggregate.objects.exists()
    # Pb to air is below its threshold: kept, not published; Pb to water has no threshold, nothing holds it back.
    assert totals() == [
        (2023, region.pk, "Pb", "water", Decimal("12.000"), 1),
        (2023, region.pk, "SOx", "air", Decimal("20000000.000"), 1),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        report(enterprise_b, 2023, ("SOx", "air", "150000"), ("Pb", "air", "200"))
        report(enterprise_a, 2024, ("SOx", "air", "19000000"))
    incremental, incremental_coverage = totals(), coverage()
    assert (2023, region.pk, "SOx", "air", Decimal("20150000.000"), 2) in incremental
    assert (2023, region.pk, "Pb", "air", Decimal("200.000"), 1) in incremental  # at the threshold: published
    assert incremental_coverage == [(2023, region.pk, 2, 2), (2024, region.pk, 2, 1)]  # B reported 2023

    rebuild_all()
    assert (totals(), coverage()) == (incremental, incremental_coverage)


def test_a_correction_replaces_the_figures_of_its_year(thresholds, enterprise_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report(enterprise_a, 2023, ("SOx", "air", "300000"))
        report(enterprise_a, 2023, ("SOx", "air", "100000"))  # a new accepted version, below the threshold now
    assert totals() == []
    assert coverage() == [(2023, enterprise_a.region_id, 1, 1)]


def test_a_verified_permit_of_category_i_makes_its_enterprise_expected(
    thresholds, region, enterprise_a, enterprise_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(enterprise_a, 2023, ("SOx", "air", "300000"))
    assert coverage() == [(2023, region.pk, 1, 1)]

    with django_capture_on_commit_callbacks(execute=True):
        permit = PermitFactory(enterprise=enterprise_b)  # a draft: not yet expected
    assert coverage() == [(2023, region.pk, 1, 1)]
    with django_capture_on_commit_callbacks(execute=True):
        permit.status = PermitStatus.VERIFIED
        permit.save()
    assert coverage() == [(2023, region.pk, 2, 1)]
    with django_capture_on_commit_callbacks(execute=True):
        PermitFactory(enterprise=enterprise_b, number="II-1", category=2, verified=True)  # category II: no change
        permit.status = PermitStatus.RETURNED
        permit.save()
    assert coverage() == [(2023, region.pk, 1, 1)]

    permit.status = PermitStatus.VERIFIED
    permit.save(update_fields=["status"])
    rebuild_all()
    assert coverage() == [(2023, region.pk, 2, 1)]


def test_a_changed_threshold_recomputes_the_totals_of_its_substance_and_medium(
    thresholds, enterprise_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(enterprise_a, 2023, ("Pb", "air", "150"))
    assert totals() == []
    with django_capture_on_commit_callbacks(execute=True):
        lead = ReleaseThresholdFactory(substance=SubstanceFactory(code="Pb"), medium=ReleaseMedium.AIR)
        lead.kg_per_year = Decimal("100")
        lead.save()
    assert totals() == [(2023, enterprise_a.region_id, "Pb", "air", Decimal("150.000"), 1)]
