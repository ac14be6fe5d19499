"""Who may open and post to which page of a return: what the permission matrix (portal/tests/permission_matrix)
does not see, such as every line endpoint of another enterprise's return, and the choices of the new-return form.
"""

import pytest

from registry.returns.models import ReturnEvent, ReturnLine, ReturnVersion, WasteReturn
from registry.returns.tests import helpers
from registry.returns.tests.helpers import TAILINGS, csv_upload, line

pytestmark = pytest.mark.django_db


def upload_body():
    return {"file": csv_upload([line(TAILINGS, opening="0", generated="5", recycled="0")])}


def snapshot():
    return [
        list(model.objects.order_by("pk").values()) for model in (WasteReturn, ReturnVersion, ReturnLine, ReturnEvent)
    ]


def post_data(body):
    return {key: "" if value is None else value for key, value in body.items()}


def test_staff_of_a_cannot_open_or_file_on_bs_return(web, staff_a, staff_b, enterprise_b):
    return_of_b = helpers.create(staff_b, enterprise_b)
    client = web(staff_a)
    before = snapshot()
    for path in ("", "versions/1/", "diff/?from=1&to=1", "lines/1/", "lines/new/"):
        assert client.get(f"/returns/{return_of_b.pk}/{path}").status_code == 404, path
    for path in ("lines/new/", "lines/1/edit/", "lines/1/delete/", "lines/check/", "submit/", "correct/"):
        assert client.post(f"/returns/{return_of_b.pk}/{path}", post_data(line())).status_code == 404, path
    assert client.post(f"/returns/{return_of_b.pk}/upload/", upload_body()).status_code == 404
    assert snapshot() == before


def test_new_return_form_offers_only_own_enterprises(web, staff_a, enterprise_a, enterprise_b):
    client = web(staff_a)
    response = client.post("/returns/new/", {"enterprise": enterprise_b.pk, "year": helpers.YEAR})
    assert response.status_code == 200
    assert not WasteReturn.objects.exists()
    response = client.post("/returns/new/", {"enterprise": enterprise_a.pk, "year": helpers.YEAR})
    waste_return = WasteReturn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/returns/{waste_return.pk}/"
    assert waste_return.enterprise == enterprise_a


def test_inspectors_cannot_file_a_return_through_the_page(web, inspector, enterprise_a):
    response = web(inspector).post("/returns/new/", {"enterprise": enterprise_a.pk, "year": helpers.YEAR})
    assert response.status_code == 403
    assert not WasteReturn.objects.exists()
