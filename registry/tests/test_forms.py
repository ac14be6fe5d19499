"""The staff and administrator forms refuse bad input with a message on the field, and save nothing."""

import pytest
from django.urls import reverse

from registry.models import Deposit, Enterprise

VALID_DEPOSIT = {
    "name": "North tailings",
    "kind": "mining_processing",
    "subkind": "tailings",
    "status": "operating",
    "latitude": "46.84",
    "longitude": "74.98",
    "state_year": "2023",
    "tonnage_t": "1500000",
}


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


@pytest.fixture
def deposit_data(enterprise_a, region):
    return {**VALID_DEPOSIT, "operator": enterprise_a.pk, "region": region.pk}


@pytest.mark.django_db
def test_staff_registers_a_deposit_through_the_form(client, staff_a, deposit_data):
    client.force_login(staff_a)
    response = client.post(reverse("registry:deposit-create"), deposit_data)
    deposit = Deposit.objects.get(name="North tailings")
    assert response.status_code == 302
    assert deposit.surveys.get().year == 2023


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"latitude": "55.75", "longitude": "37.62"}, "latitude", "lies outside Kazakhstan"),
        ({"latitude": "42.87", "longitude": "74.59"}, "longitude", "lies outside Kazakhstan"),
        ({"tonnage_t": "-1"}, "tonnage_t", "greater than or equal to 0"),
        ({"subkind": "slag"}, "subkind", "is not a sub-kind"),
    ],
)
def test_deposit_form_refuses_with_the_field_named(client, staff_a, deposit_data, changes, field, message):
    client.force_login(staff_a)
    response = client.post(reverse("registry:deposit-create"), {**deposit_data, **changes})
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), response.context["form"].errors
    assert not Deposit.objects.exists()


@pytest.mark.django_db
def test_staff_cannot_pick_another_enterprise_as_operator(client, staff_a, enterprise_b, deposit_data):
    client.force_login(staff_a)
    response = client.post(reverse("registry:deposit-create"), {**deposit_data, "operator": enterprise_b.pk})
    assert "operator" in response.context["form"].errors
    assert not Deposit.objects.exists()


@pytest.mark.django_db
def test_enterprise_form_refuses_a_wrong_bin_check_digit(client, administrator, enterprise_a):
    client.force_login(administrator)
    wrong = enterprise_a.bin[:11] + str((int(enterprise_a.bin[11]) + 1) % 10)
    data = {"name": enterprise_a.name, "bin": wrong, "region": enterprise_a.region_id}
    response = client.post(reverse("registry:enterprise-edit", args=[enterprise_a.pk]), data)
    assert any("check digit" in error for error in field_errors(response, "bin"))
    assert Enterprise.objects.get(pk=enterprise_a.pk).bin == enterprise_a.bin


@pytest.mark.django_db
def test_staff_edit_their_enterprise_but_not_its_bin(client, staff_a, enterprise_a):
    client.force_login(staff_a)
    data = {"name": "Renamed LLP", "bin": "123456789012", "region": enterprise_a.region_id, "phone": "+7 7172 000000"}
    response = client.post(reverse("registry:enterprise-edit", args=[enterprise_a.pk]), data)
    enterprise_a.refresh_from_db()
    assert response.status_code == 302
    assert (enterprise_a.name, enterprise_a.phone) == ("Renamed LLP", "+7 7172 000000")
    assert enterprise_a.bin != "123456789012"


@pytest.mark.django_db
def test_staff_cannot_edit_another_enterprise(client, staff_a, enterprise_b):
    client.force_login(staff_a)
    # The register is public: the enterprise is seen, not changed.
    assert client.get(reverse("registry:enterprise-edit", args=[enterprise_b.pk])).status_code == 403
