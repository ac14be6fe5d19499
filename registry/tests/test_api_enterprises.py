import pytest

from portal.models import ChangeRecord
from portal.tests.api_errors import fields, messages
from registry.models import Enterprise
from registry.tests.factories import EnterpriseFactory, RegionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/registry/enterprises/"
VALID_BIN = "123456789013"
WRONG_CHECK_DIGIT = "123456789010"


def new_enterprise(**overrides):
    return {"name": "Kazakhmys Smelting LLP", "bin": VALID_BIN, "region": "KZ-35", **overrides}


@pytest.fixture
def karaganda(db):
    return RegionFactory(iso_code="KZ-35")


def test_public_list_and_detail_by_bin(api_client, enterprise_a):
    listed = api_client.get(URL)
    assert listed.status_code == 200
    assert [row["bin"] for row in listed.data["results"]] == [enterprise_a.bin]

    detail = api_client.get(f"{URL}{enterprise_a.bin}/")
    assert detail.status_code == 200
    assert detail.data["region"] == enterprise_a.region.iso_code


def test_administrator_registers_an_enterprise(client_for, administrator, karaganda):
    response = client_for(administrator).post(URL, new_enterprise(), format="json")

    assert response.status_code == 201, response.data
    assert response.data["bin"] == VALID_BIN
    assert Enterprise.objects.get(bin=VALID_BIN).region == karaganda


@pytest.mark.parametrize("bin_", [WRONG_CHECK_DIGIT, "12345678901", "1234567890AB", "10000000028" + "0"])
def test_wrong_bin_refused_on_create(client_for, administrator, karaganda, bin_):
    response = client_for(administrator).post(URL, new_enterprise(bin=bin_), format="json")

    assert response.status_code == 400
    assert set(fields(response)) == {"bin"}
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    "bin_",
    ["12345678901\u00b2", "".join(chr(0xFF10 + int(digit)) for digit in VALID_BIN)],
    ids=["superscript", "fullwidth"],
)
def test_bin_of_non_ascii_digits_refused_on_create(client_for, administrator, karaganda, bin_):
    response = client_for(administrator).post(URL, new_enterprise(bin=bin_), format="json")

    assert response.status_code == 400
    assert set(fields(response)) == {"bin"}


def test_duplicate_bin_refused(client_for, administrator, karaganda, enterprise_a):
    response = client_for(administrator).post(URL, new_enterprise(bin=enterprise_a.bin), format="json")
    assert response.status_code == 400
    assert "bin" in fields(response)


def test_staff_edits_own_enterprise_by_bin(client_for, staff_a, enterprise_a):
    response = client_for(staff_a).patch(f"{URL}{enterprise_a.bin}/", {"phone": "+7 7102 123456"}, format="json")

    assert response.status_code == 200, response.data
    enterprise_a.refresh_from_db()
    assert enterprise_a.phone == "+7 7102 123456"
    record = ChangeRecord.objects.get(content_type__model="enterprise", object_id=enterprise_a.pk, kind="update")
    assert (record.user, record.kind, record.changes) == (staff_a, "update", {"phone": ["", "+7 7102 123456"]})


def test_staff_patch_with_wrong_check_digit_refused(client_for, staff_a, enterprise_a):
    old_bin = enterprise_a.bin

    response = client_for(staff_a).patch(f"{URL}{old_bin}/", {"bin": WRONG_CHECK_DIGIT}, format="json")

    assert response.status_code == 400
    assert set(fields(response)) == {"bin"}
    enterprise_a.refresh_from_db()
    assert enterprise_a.bin == old_bin


def test_administrator_patch_with_wrong_check_digit_refused(client_for, administrator, enterprise_a):
    response = client_for(administrator).patch(
        f"{URL}{enterprise_a.bin}/", {"bin": WRONG_CHECK_DIGIT}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert set(fields(response)) == {"bin"}
    assert "check digit" in messages(response)


def test_administrator_corrects_a_bin(client_for, administrator, enterprise_a):
    response = client_for(administrator).patch(f"{URL}{enterprise_a.bin}/", {"bin": VALID_BIN}, format="json")

    assert response.status_code == 200, response.data
    assert client_for(None).get(f"{URL}{VALID_BIN}/").status_code == 200


@pytest.mark.parametrize(("query", "expected"), [({"region": "KZ-35"}, ["Smelter"]), ({"q": "power"}, ["Power plant"])])
def test_filters(api_client, query, expected):
    EnterpriseFactory(name="Smelter", region=RegionFactory(iso_code="KZ-35"))
    EnterpriseFactory(name="Power plant", region=RegionFactory(iso_code="KZ-55"))

    response = api_client.get(URL, query)

    assert [row["name"] for row in response.data["results"]] == expected
