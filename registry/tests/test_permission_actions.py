"""The permission authority: each action reaches the rows its role holds it over, and no others."""

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.permissions import Action, can, reach
from portal.tests.factories import UserFactory
from registry.models import Enterprise, Region

pytestmark = pytest.mark.django_db


def test_every_action_of_enterprise_rows_follows_the_role(
    enterprise_a, enterprise_b, staff_a, inspector, administrator
):
    # Enterprise rows lead to an enterprise and a region, so every action is decided on them (the register is public).
    assert can(staff_a, Action.FILE, enterprise_a)
    assert not can(staff_a, Action.FILE, enterprise_b)
    assert not can(staff_a, Action.DECIDE, enterprise_a)  # the action is not ignored: staff never decide
    assert can(inspector, Action.DECIDE, enterprise_a)
    assert not can(inspector, Action.FILE, enterprise_a)
    assert not can(inspector, Action.CHANGE, enterprise_a)
    assert all(can(administrator, action, enterprise_b) for action in Action)


def test_the_public_and_inactive_users_only_view(enterprise_a, staff_a):
    staff_a.is_active = False
    staff_a.save()

    assert reach(staff_a, Action.FILE).nothing
    for user in (AnonymousUser(), staff_a):
        assert can(user, Action.VIEW, enterprise_a)
        assert not any(can(user, action, enterprise_a) for action in Action if action != Action.VIEW)


def test_inspectors_order_reports_for_their_regions_only(region, other_region, inspector):
    assert list(Region.objects.restrict(inspector, Action.ORDER_REPORTS)) == [region]
    assert can(inspector, Action.ORDER_REPORTS)
    assert not can(inspector, Action.ADMINISTER, region)


def test_a_superuser_is_an_administrator(enterprise_a):
    superuser = UserFactory(is_superuser=True)

    assert Enterprise.objects.restrict(superuser, Action.ADMINISTER).filter(pk=enterprise_a.pk).exists()
