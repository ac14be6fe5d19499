"""The permits API: the workflow as a filer and an inspector use it, scoped reads, and the one error shape."""

import pytest

from portal.tests.api_errors import errors, fields
from registry.permits.models import PermitStatus
from registry.permits.tests.factories import EmissionLimitFactory, EmissionSourceFactory, PermitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("substances")]

API = "/api/v1/permits/"
NEW = {"number": "KZ77VCZ00077", "category": 1, "issuer": "Ministry of Ecology", "valid_from": "2024-01-01"}


def ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


def test_enter_submit_verify_and_replace(client_for, staff_a, inspector, enterprise_a):
    staff, reviewer = client_for(staff_a), client_for(inspector)
    body = ok(staff.post(API, {**NEW, "enterprise": enterprise_a.bin}, format="json"), 201)
    url = f"{API}{body['id']}/"
    assert (body["status"], body["enterprise"], body["limits"]) == ("draft", enterprise_a.bin, [])
    rows = [{"source": "0001", "medium": "air", "kind": "organised", "latitude": "46.84", "longitude": "74.98",
             "substance": "SOx", "grams_per_second": "410.5", "tonnes_per_year": "12000"}]  # fmt: skip
    body = ok(staff.put(f"{url}limits/", {"limits": rows}, format="json"))
    assert body["limits"][0]["tonnes_per_year"] == "12000.000000"
    assert ok(staff.patch(url, {"issuer": "Ministry of Ecology of Kazakhstan"}, format="json"))["issuer"].endswith(
        "Kazakhstan"
    )
    assert ok(staff.post(f"{url}submit/"))["status"] == "submitted"
    response = reviewer.post(f"{url}return/", {"reasons": ""}, format="json")
    assert response.status_code == 400 and fields(response) == ["reasons"]
    assert ok(reviewer.post(f"{url}verify/"))["status"] == "verified"
    assert staff.patch(url, {"issuer": "x"}, format="json").status_code == 400
    newer = ok(staff.post(API, {**NEW, "number": "N2", "enterprise": enterprise_a.bin, "replaces": body["id"]},
                          format="json"), 201)  # fmt: skip
    assert ok(staff.get(url))["replaced_by"] == newer["id"]
    history = ok(reviewer.get(f"{url}history/"))
    assert {record["model"] for record in history["results"]} >= {"permits.permit", "permits.emissionlimit"}


def test_the_public_reads_verified_permits_and_published_sources(client_for, enterprise_a):
    verified = PermitFactory(enterprise=enterprise_a, verified=True)
    draft = PermitFactory(enterprise=enterprise_a)
    EmissionLimitFactory(permit=verified)
    hidden = EmissionSourceFactory(enterprise=enterprise_a, is_published=False)
    public = client_for(None)
    assert [permit["id"] for permit in ok(public.get(API))["results"]] == [verified.pk]
    assert public.get(f"{API}{draft.pk}/").status_code == 404
    assert len(ok(public.get(f"{API}{verified.pk}/"))["limits"]) == 1
    codes = [source["code"] for source in ok(public.get("/api/v1/sources/"))["results"]]
    assert hidden.code not in codes and len(codes) == 1
    assert public.get(f"/api/v1/sources/{hidden.pk}/").status_code == 404
    assert public.post(API, NEW, format="json").status_code == 401
    substances = {item["code"]: item for item in ok(public.get("/api/v1/substances/?page_size=1000"))["results"]}
    assert substances["Pb"]["cas"] == "7439-92-1" and substances["Pb"]["toxic"] is True


def test_staff_add_and_change_sources(client_for, staff_a, staff_b, enterprise_a):
    body = {"enterprise": enterprise_a.bin, "code": "W01", "medium": "water", "kind": "outlet", "latitude": "46.84",
            "longitude": "74.98"}  # fmt: skip
    assert client_for(staff_b).post("/api/v1/sources/", body, format="json").status_code == 403
    created = ok(client_for(staff_a).post("/api/v1/sources/", body, format="json"), 201)
    response = client_for(staff_a).patch(f"/api/v1/sources/{created['id']}/", {"height_m": "10"}, format="json")
    assert [(error["field"], error["code"]) for error in errors(response)] == [("height_m", "not_a_stack")]
    assert (
        ok(client_for(staff_a).patch(f"/api/v1/sources/{created['id']}/", {"name": "Outlet"}, format="json"))["name"]
        == "Outlet"
    )
    bad = client_for(staff_a).post("/api/v1/sources/", {**body, "code": "W02", "latitude": "-5"}, format="json")
    assert bad.status_code == 400 and "latitude" in fields(bad)


def test_filters(client_for, inspector, enterprise_a, enterprise_b):
    PermitFactory(enterprise=enterprise_a, status=PermitStatus.SUBMITTED)
    PermitFactory(enterprise=enterprise_b, verified=True)
    client = client_for(inspector)
    assert ok(client.get(f"{API}?status=submitted"))["count"] == 1
    assert ok(client.get(f"{API}?enterprise={enterprise_b.bin}&year=2024"))["count"] == 1
    assert ok(client.get(f"{API}?year=2040"))["count"] == 0
    assert client.get(f"{API}?year=abc").status_code == 400
