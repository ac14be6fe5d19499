"""Who may read, file and decide which return, over the API: what the permission matrix
(portal/tests/permission_matrix) does not see, such as whether a refusal tells anything of the lines.

Enterprise A and B are both in `region`, inspected by `inspector`.
"""

import pytest
from django.core.exceptions import PermissionDenied

from portal.tests.api_errors import errors
from registry.returns.models import WasteReturn
from registry.returns.tests import helpers
from registry.returns.tests.helpers import YEAR, line

pytestmark = pytest.mark.django_db

API = "/api/v1/returns/"


def test_staff_cannot_file_for_another_enterprise_even_with_bad_lines(client_for, staff_a, enterprise_b):
    """Permission is decided before the lines are looked at: no line errors leak out."""
    body = {"enterprise": enterprise_b.bin, "year": YEAR, "lines": [line("99 99 99")]}
    response = client_for(staff_a).post(API, body, format="json")
    assert response.status_code == 403
    assert [(error["field"], error["code"]) for error in errors(response)] == [(None, "permission_denied")]
    assert not WasteReturn.objects.exists()


def test_staff_of_a_neither_read_nor_file_for_b(client_for, staff_a, staff_b, enterprise_b):
    return_of_b = helpers.create(staff_b, enterprise_b)
    client = client_for(staff_a)
    assert client.get(f"{API}{return_of_b.pk}/").status_code == 404
    assert client.get(API).json()["results"] == []
    body = {"lines": [line(generated="1000", closing="1080")]}
    assert client.put(f"{API}{return_of_b.pk}/", body, format="json").status_code == 404
    assert client.post(f"{API}{return_of_b.pk}/submit/", {}, format="json").status_code == 404
    assert helpers.fresh(return_of_b).current.lines.get().generated == 50


def test_staff_cannot_accept_their_own_return_through_the_service(staff_a, submitted_return):
    with pytest.raises(PermissionDenied):
        helpers.accept(staff_a, submitted_return)
    assert helpers.fresh(submitted_return).accepted is None
