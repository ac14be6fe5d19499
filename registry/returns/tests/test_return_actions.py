"""Returns are enterprise rows whose every action is decided by its role: the action is never ignored."""

import pytest

from portal.permissions import Action, can
from registry.returns.models import WasteReturn

pytestmark = pytest.mark.django_db


def test_staff_file_but_never_decide_and_inspectors_decide_but_never_file(
    submitted_return, staff_a, staff_b, inspector, other_inspector, administrator
):
    assert can(staff_a, Action.FILE, submitted_return)
    assert not can(staff_a, Action.DECIDE, submitted_return)
    assert can(inspector, Action.DECIDE, submitted_return)
    assert not can(inspector, Action.FILE, submitted_return)
    assert not can(staff_b, Action.VIEW, submitted_return)
    assert not can(other_inspector, Action.DECIDE, submitted_return)
    assert can(administrator, Action.DECIDE, submitted_return)
    assert list(WasteReturn.objects.restrict(staff_a, Action.DECIDE)) == []
