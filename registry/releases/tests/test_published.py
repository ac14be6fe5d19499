"""A release below its threshold is accepted and counted in the enterprise's own view, and is absent from the
published lines the public register reads (selectors.published_releases); transfers likewise."""

import pytest

from registry.releases import selectors
from registry.releases.tests import helpers
from registry.releases.tests.helpers import release, transfer

pytestmark = pytest.mark.usefixtures("reference")


def test_below_the_threshold_is_kept_and_not_published(staff_a, inspector, enterprise_a, enterprise_b):
    report = helpers.accepted(
        staff_a, inspector, enterprise_a, releases=[release(), release("NOx"), release("Cd", kg="9.5")],
        transfers=[transfer("10 05 03", bin=enterprise_b.bin, tonnes="3"), transfer(bin=enterprise_b.bin, tonnes="5")],
    )  # fmt: skip
    own = {row.line.substance.code: row.published for row in selectors.version_releases(report.accepted)}
    assert own == {"SOx": True, "NOx": True, "Cd": False}
    published = selectors.published_releases().filter(version__report=report)
    assert sorted(published.values_list("substance__code", flat=True)) == ["NOx", "SOx"]
    # 3 t of hazardous waste is above 2 t; 5 t of other waste is below 2,000 t.
    assert list(selectors.published_transfers().values_list("waste_code__code", flat=True)) == ["10 05 03"]


def test_a_draft_is_never_published(staff_a, enterprise_a):
    helpers.create(staff_a, enterprise_a)
    assert not selectors.published_releases().exists()
