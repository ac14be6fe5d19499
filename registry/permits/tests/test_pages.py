"""The permit pages: staff enter a permit, its sources and limits by form; inspectors of the region verify or
return it; the public reads verified permits; a replaced permit stays readable and linked."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.permits.models import EmissionLimit, EmissionSource, Permit, PermitStatus, Substance
from registry.permits.tests.factories import EmissionLimitFactory, EmissionSourceFactory, PermitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("substances")]

PERMIT = {"number": "KZ55VCZ00055", "category": "1", "issuer": "Ministry of Ecology", "valid_from": "2024-01-01",
          "valid_to": ""}  # fmt: skip
SOURCE = {"code": "0001", "name": "Main stack", "medium": "air", "kind": "organised", "latitude": "46.84",
          "longitude": "74.98", "height_m": "120", "diameter_m": "6"}  # fmt: skip


def test_staff_enter_a_permit_by_form_and_the_inspector_verifies_it(web, staff_a, inspector, enterprise_a):
    staff = web(staff_a)
    assert staff.get(f"/permits/enterprises/{enterprise_a.pk}/new/").status_code == 200
    response = staff.post(f"/permits/enterprises/{enterprise_a.pk}/new/", PERMIT)
    permit = Permit.objects.get(number=PERMIT["number"])
    assert response["Location"] == f"/permits/{permit.pk}/"
    assert staff.post(f"/permits/enterprises/{enterprise_a.pk}/sources/new/", SOURCE).status_code == 302
    source = EmissionSource.objects.get(enterprise=enterprise_a, code="0001")
    limit = {"source": source.pk, "substance": Substance.objects.get(code="SOx").pk, "grams_per_second": "410.5",
             "tonnes_per_year": "12000"}  # fmt: skip
    assert staff.post(f"/permits/{permit.pk}/limits/new/", limit).status_code == 302
    page = staff.get(f"/permits/{permit.pk}/").content.decode()
    assert "SOx" in page and "12000" in page
    assert staff.post(f"/permits/{permit.pk}/submit/").status_code == 302
    reviewer = web(inspector)
    assert 'data-testid="verify"' in reviewer.get(f"/permits/{permit.pk}/").content.decode()
    assert reviewer.post(f"/permits/{permit.pk}/return/", {"reasons": ""}).status_code == 400
    assert reviewer.post(f"/permits/{permit.pk}/verify/").status_code == 302
    permit.refresh_from_db()
    assert permit.status == PermitStatus.VERIFIED
    history = reviewer.get(f"/permits/{permit.pk}/history/").content.decode()
    assert "SOx" in history or "emission limit" in history


def test_bad_input_by_form_names_the_field_and_saves_nothing(web, staff_a, draft, outlet):
    staff = web(staff_a)
    response = staff.post(f"/permits/enterprises/{draft.enterprise_id}/sources/new/", {**SOURCE, "kind": "outlet"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    sox = Substance.objects.get(code="SOx")
    limit = {"source": outlet.pk, "substance": sox.pk, "grams_per_second": "1", "tonnes_per_year": "1"}
    response = staff.post(f"/permits/{draft.pk}/limits/new/", limit)
    assert response.status_code == 200 and "g/s" in response.content.decode()
    for bad in ({"tonnes_per_year": "-1"}, {"tonnes_per_year": ""}, {"tonnes_per_year": "1.12345678"}):
        response = staff.post(f"/permits/{draft.pk}/limits/new/", {**limit, "grams_per_second": "", **bad})
        assert response.status_code == 200 and 'id="id_tonnes_per_year-error"' in response.content.decode()
    assert not EmissionLimit.objects.exists()


def test_the_replaced_permit_stays_readable_and_linked(web, enterprise_a):
    older = PermitFactory(enterprise=enterprise_a, verified=True, number="OLD-1")
    newer = PermitFactory(enterprise=enterprise_a, verified=True, number="NEW-2", replaces=older)
    public = web(None)
    page = public.get(f"/permits/{older.pk}/").content.decode()
    assert f'href="/permits/{newer.pk}/"' in page
    assert f'href="/permits/{older.pk}/"' in public.get(f"/permits/{newer.pk}/").content.decode()
    listing = public.get(f"/permits/enterprises/{enterprise_a.pk}/").content.decode()
    assert "OLD-1" in listing and "NEW-2" in listing


def test_the_public_sees_verified_permits_only(web, enterprise_a, draft):
    verified = PermitFactory(enterprise=enterprise_a, verified=True, number="PUB-1")
    public = web(None)
    assert public.get(f"/permits/{draft.pk}/").status_code == 404
    assert public.get(f"/permits/{verified.pk}/").status_code == 200
    listing = public.get("/permits/").content.decode()
    assert "PUB-1" in listing and draft.number not in listing
    assert public.get(f"/permits/{verified.pk}/history/").status_code == 302  # to the login page


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_read_a_fixed_number_of_queries(web, staff_a, enterprise_a):
    permit = PermitFactory(enterprise=enterprise_a, verified=True)
    EmissionLimitFactory(permit=permit)
    staff = web(staff_a)
    urls = ["/permits/", f"/permits/enterprises/{enterprise_a.pk}/", f"/permits/{permit.pk}/"]
    before = [_queries(staff, url) for url in urls]
    for _ in range(5):
        more = PermitFactory(enterprise=enterprise_a, verified=True)
        EmissionLimitFactory(permit=permit, source=EmissionSourceFactory(enterprise=enterprise_a))
        EmissionLimitFactory(permit=more)
    assert [_queries(staff, url) for url in urls] == before
