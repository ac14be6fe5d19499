from decimal import Decimal

from registry.releases.models import ReleaseThreshold, TransferThreshold
from registry.releases.reference import load_thresholds
from registry.releases.tests.factories import SubstanceFactory, accepted_report


def test_an_accepted_report_has_its_lines_and_is_accepted(enterprise_a):
    report = accepted_report(enterprise=enterprise_a, releases=[{"substance": "SOx", "kg_per_year": "2000000"}])
    assert report.accepted == report.current
    assert report.accepted.lines.get().kg_per_year == Decimal("2000000")


def test_thresholds_load_once_and_keep_an_administrators_value(db, tmp_path):
    SubstanceFactory(code="Pb")
    path = tmp_path / "substances.csv"
    path.write_text("code,cas,air_kg,water_kg,land_kg\nPb,7439-92-1,200,20,20\nZz,,5,,\n", encoding="utf-8")
    assert load_thresholds(path) == 3 + 2
    assert load_thresholds(path) == 0
    lead_in_air = ReleaseThreshold.objects.get(substance__code="Pb", medium="air")
    assert lead_in_air.kg_per_year == Decimal("200") and lead_in_air.default
    lead_in_air.kg_per_year, lead_in_air.default = Decimal("100"), False
    lead_in_air.save()
    assert load_thresholds(path) == 0
    assert ReleaseThreshold.objects.get(substance__code="Pb", medium="air").kg_per_year == Decimal("100")
    assert TransferThreshold.objects.get(hazardous=True).tonnes_per_year == Decimal("2")
