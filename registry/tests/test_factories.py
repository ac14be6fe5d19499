import pytest

from registry.models import SUBKINDS_BY_KIND, DepositKind
from registry.tests.factories import ComponentFactory, DepositFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", DepositKind.values)
def test_deposits_are_valid_for_every_kind(kind):
    deposit = DepositFactory(kind=kind)

    deposit.full_clean()
    assert deposit.subkind in SUBKINDS_BY_KIND[kind]


def test_surveys_and_components_are_valid():
    SurveyFactory().full_clean()
    ComponentFactory().full_clean()
