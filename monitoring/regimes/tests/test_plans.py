"""Regime plans: filed by the enterprise's staff per source and degree, refused above 100 % (naming the field, or the
row and field of a file), flagged short of the degree's cut in force when filed; the version is kept."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from monitoring.regimes import services
from monitoring.regimes.models import RegimePlan
from registry.permits.checks import RowsInvalid


def test_staff_file_a_plan_and_a_short_one_is_flagged(staff_a, stack_a, cuts):
    plan = services.plan_save(actor=staff_a, source=stack_a, degree=2, planned_cut=Decimal("0.35"))
    assert not plan.short and plan.required_cut.cut == Decimal("0.2") and plan.filed_by == staff_a
    short = services.plan_save(actor=staff_a, source=stack_a, degree=3, planned_cut=Decimal("0.3"))
    assert short.short and short.required_cut.degree == 3
    # Filed again: the same row, judged again.
    again = services.plan_save(actor=staff_a, source=stack_a, degree=3, planned_cut=Decimal("0.45"))
    assert again.pk == short.pk and not again.short
    assert RegimePlan.objects.count() == 2


def test_the_version_in_force_when_filed_is_kept(administrator, staff_a, stack_a, cuts):
    services.plan_save(actor=staff_a, source=stack_a, degree=1, planned_cut=Decimal("0.18"))
    newer = services.required_cut_set(
        actor=administrator, degree=1, cut=Decimal("0.25"), valid_from=timezone.localdate(), note="New order"
    )
    plan = RegimePlan.objects.get()
    assert plan.required_cut.cut == Decimal("0.15") and not plan.short
    refiled = services.plan_save(actor=staff_a, source=stack_a, degree=1, planned_cut=Decimal("0.18"))
    assert refiled.required_cut == newer and refiled.short


@pytest.mark.parametrize(
    ("cut", "code"),
    [(Decimal("1.01"), "max_value"), (Decimal("150"), "max_value"), (Decimal("0"), "min_value"),
     (Decimal("-0.1"), "min_value"), (Decimal("0.12345"), "decimal_places")],
)  # fmt: skip
def test_a_cut_out_of_range_is_refused_naming_the_field(staff_a, stack_a, cuts, cut, code):
    with pytest.raises(ValidationError) as refused:
        services.plan_save(actor=staff_a, source=stack_a, degree=2, planned_cut=cut)
    assert [error.code for error in refused.value.error_dict["planned_cut"]] == [code]
    assert not RegimePlan.objects.exists()


def test_a_water_outlet_and_a_bad_degree_are_refused(staff_a, outlet_a, cuts):
    with pytest.raises(ValidationError) as refused:
        services.plan_save(actor=staff_a, source=outlet_a, degree=5, planned_cut=Decimal("0.2"))
    assert set(refused.value.error_dict) == {"source", "degree"}


@pytest.mark.parametrize("who", ["staff_b", "inspector"])
def test_only_the_enterprises_staff_file_its_plans(request, who, stack_a, cuts):
    with pytest.raises(PermissionDenied):
        services.plan_save(actor=request.getfixturevalue(who), source=stack_a, degree=2, planned_cut=Decimal("0.3"))


def test_rows_of_a_file_name_each_row_and_field_and_save_nothing(staff_a, enterprise_a, stack_a, outlet_a, cuts):
    rows = [
        (2, {"source": "0001", "degree": "1", "planned_cut_percent": "20"}),
        (3, {"source": "0001", "degree": "2", "planned_cut_percent": "120"}),
        (4, {"source": "NOPE", "degree": "2", "planned_cut_percent": "30"}),
        (5, {"source": "W01", "degree": "4", "planned_cut_percent": "30"}),
        (6, {"source": "0001", "degree": "1", "planned_cut_percent": "25"}),
        (7, {"source": "0001", "degree": "3", "planned_cut_percent": "12.345"}),
    ]
    with pytest.raises(RowsInvalid) as refused:
        services.plans_import(actor=staff_a, enterprise=enterprise_a, rows=rows)
    found = {(issue.row, issue.field, issue.code) for issue in refused.value.issues}
    assert found == {
        (3, "planned_cut_percent", "max_value"),
        (4, "source", "unknown_source"),
        (5, "source", "not_air"),
        (5, "degree", "max_value"),
        (6, "source", "duplicate_row"),
        (7, "planned_cut_percent", "decimal_places"),
    }
    assert not RegimePlan.objects.exists()


def test_a_good_file_files_every_row(staff_a, enterprise_a, stack_a, cuts):
    rows = [(2, {"source": "0001", "degree": "1", "planned_cut_percent": "10"}),
            (3, {"source": "0001", "degree": "2", "planned_cut_percent": "20,5"})]  # fmt: skip
    with pytest.raises(RowsInvalid):
        services.plans_import(actor=staff_a, enterprise=enterprise_a, rows=rows)  # a decimal comma is not a number
    rows[1] = (3, {"source": "0001", "degree": "2", "planned_cut_percent": "20.5"})
    plans = services.plans_import(actor=staff_a, enterprise=enterprise_a, rows=rows)
    assert [(plan.degree, plan.planned_cut, plan.short) for plan in plans] == [
        (1, Decimal("0.1000"), True),
        (2, Decimal("0.2050"), False),
    ]


def test_required_cut_versions_are_added_by_administrators_only(staff_a, inspector, administrator, cuts):
    for who in (staff_a, inspector):
        with pytest.raises(PermissionDenied):
            services.required_cut_set(actor=who, degree=2, cut=Decimal("0.3"), valid_from=datetime.date(2027, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.required_cut_set(
            actor=administrator, degree=2, cut=Decimal("1.5"), valid_from=datetime.date(2027, 1, 1)
        )
    assert set(refused.value.error_dict) == {"cut"}
