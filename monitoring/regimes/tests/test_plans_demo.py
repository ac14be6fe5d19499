"""The demo smelter's regime plans: filed through the service, the copper smelter's 3rd-degree plan flagged short;
loading twice changes nothing."""

from monitoring.regimes.models import RegimePlan
from monitoring.regimes.plans_demo import PLANS, load_plans_demo
from registry.demo import demo_bin
from registry.permits.tests.factories import EmissionSourceFactory
from registry.tests.factories import EnterpriseFactory, MembershipFactory


def test_the_smelters_plans(region, cuts):
    smelter = EnterpriseFactory(bin=demo_bin(2), region=region)
    MembershipFactory(enterprise=smelter, user__username="smelter")
    for code in PLANS:
        EmissionSourceFactory(enterprise=smelter, code=code)
    assert load_plans_demo() == 15
    assert list(RegimePlan.objects.filter(short=True).values_list("source__code", "degree")) == [("0003", 3)]
    assert load_plans_demo() == 0
