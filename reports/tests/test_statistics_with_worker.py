"""With a real worker and Redis: accepting one return changes its region's figures, the national figures and
the cached pages within 5 seconds."""

import time
from decimal import Decimal

import pytest

from portal.tests.worker import wait_for
from registry.reference import load_regions
from registry.returns import services
from registry.returns.reference import load_waste_codes
from registry.tests.factories import EnterpriseFactory, InspectorAssignmentFactory, MembershipFactory
from reports.models import WasteAggregate
from reports.reference import load_published_statistics

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_accepted_return_reaches_the_cached_pages_within_5_s(client, celery_worker):
    load_regions()
    load_waste_codes()
    load_published_statistics()
    enterprise = EnterpriseFactory(region__iso_code="KZ-T1", region__name_en="Test region")
    staff = MembershipFactory(enterprise=enterprise).user
    inspector = InspectorAssignmentFactory(region=enterprise.region).user
    line = {"waste_code": "10 06 03", "hazard_level": "amber", "opening": "0", "generated": "4242424",
            "closing": "4242424"}  # fmt: skip
    waste_return = services.return_create(actor=staff, enterprise=enterprise, year=2023, lines=[line])
    version = waste_return.current
    confirmations = {warning.key: "test" for warning in services.current_warnings(version)}
    services.return_submit(actor=staff, version=version, confirmations=confirmations)
    assert "4,242.4" not in client.get("/statistics/regions/").content.decode()  # cached before the change

    services.return_accept(actor=inspector, version=version)
    accepted = time.monotonic()
    assert wait_for(lambda: "4,242.4" in client.get("/statistics/regions/").content.decode(), timeout=5)
    elapsed = time.monotonic() - accepted
    assert "4,242.4" in client.get("/statistics/").content.decode()  # the republic's reported figures
    assert WasteAggregate.objects.get(region=enterprise.region).held == Decimal("4242424")
    assert elapsed < 5
