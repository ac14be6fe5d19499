"""An enterprise's BIN and region decide who regulates it: its staff cannot change them (API or form)."""

import pytest

from registry.models import Enterprise

pytestmark = pytest.mark.django_db


def test_staff_cannot_move_their_enterprise_to_another_region(staff_a, enterprise_a, other_region, client_for):
    response = client_for(staff_a).patch(
        f"/api/v1/registry/enterprises/{enterprise_a.bin}/", {"region": other_region.iso_code}, format="json"
    )

    assert response.status_code == 400
    assert "region" in response.json()
    assert Enterprise.objects.get(pk=enterprise_a.pk).region_id == enterprise_a.region_id


def test_nor_through_the_form(staff_a, enterprise_a, other_region, web):
    data = {"name": enterprise_a.name, "bin": enterprise_a.bin, "region": other_region.pk, "address": "Balkhash"}

    web(staff_a).post(f"/registry/enterprises/{enterprise_a.pk}/edit/", data)

    enterprise = Enterprise.objects.get(pk=enterprise_a.pk)
    assert enterprise.region_id == enterprise_a.region_id
    assert enterprise.address == "Balkhash"


def test_an_administrator_may(administrator, enterprise_a, other_region, client_for):
    response = client_for(administrator).patch(
        f"/api/v1/registry/enterprises/{enterprise_a.bin}/", {"region": other_region.iso_code}, format="json"
    )

    assert response.status_code == 200
    assert Enterprise.objects.get(pk=enterprise_a.pk).region_id == other_region.pk
