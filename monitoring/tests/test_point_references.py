"""A write checks the rows it references: a point's deposit must be one its writer may use."""

import pytest

from monitoring.models import MonitoringPoint
from monitoring.tests.helpers import POINTS
from portal.tests.api_errors import fields
from registry.tests.factories import DepositFactory

pytestmark = pytest.mark.django_db

POINT = {"code": "AIR-7", "medium": "air", "latitude": "46.84", "longitude": "74.98"}


def test_staff_cannot_place_a_point_at_another_enterprises_unpublished_deposit(
    reference, staff_a, enterprise_a, enterprise_b, client_for
):
    hidden = DepositFactory(operator=enterprise_b, region=enterprise_b.region, is_published=False)

    response = client_for(staff_a).post(
        POINTS, {**POINT, "enterprise": enterprise_a.bin, "deposit": hidden.pk}, format="json"
    )

    assert response.status_code == 400
    assert "deposit" in fields(response)
    assert not MonitoringPoint.objects.filter(code="AIR-7").exists()


def test_nor_at_another_enterprises_published_deposit(reference, staff_a, enterprise_a, enterprise_b, client_for):
    theirs = DepositFactory(operator=enterprise_b, region=enterprise_b.region, is_published=True)

    response = client_for(staff_a).post(
        POINTS, {**POINT, "enterprise": enterprise_a.bin, "deposit": theirs.pk}, format="json"
    )

    assert response.status_code == 400
    assert "deposit" in fields(response)


def test_staff_place_a_point_at_their_own_deposit(reference, staff_a, enterprise_a, client_for):
    own = DepositFactory(operator=enterprise_a, region=enterprise_a.region, is_published=False)

    response = client_for(staff_a).post(
        POINTS, {**POINT, "enterprise": enterprise_a.bin, "deposit": own.pk}, format="json"
    )

    assert response.status_code == 201
    assert MonitoringPoint.objects.get(code="AIR-7").deposit == own


def test_staff_do_not_publish_their_own_points(reference, staff_a, enterprise_a, client_for):
    response = client_for(staff_a).post(
        POINTS, {**POINT, "enterprise": enterprise_a.bin, "is_published": True}, format="json"
    )

    assert response.status_code == 400
    assert "is_published" in fields(response)
