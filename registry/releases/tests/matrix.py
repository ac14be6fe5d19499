"""What the permission matrix (portal/tests/permission_matrix) requests of release reports: A's reports accepted,
submitted and in draft, B's submitted and in draft (after registry.permits.tests.matrix.build, whose substances
they name); and the bodies of its writes."""

import datetime
from typing import Any

from django.utils import timezone

from portal.models import User
from registry.models import Enterprise
from registry.releases.models import ReleaseYear
from registry.releases.tests import helpers
from registry.releases.tests.helpers import release

# SOx and NOx to air: reported together, so no sister pollutant is missing.
LINES = [release(), release("NOx", kg="900000")]


def build(users: dict[str, User], enterprises: dict[str, Enterprise]) -> dict[str, Any]:
    year = timezone.localdate().year
    deadline = timezone.localdate() + datetime.timedelta(days=90)  # no report is late
    for past in range(year - 4, year + 1):
        ReleaseYear.objects.update_or_create(year=past, defaults={"deadline": deadline})
    staff_a, staff_b, inspector = users["staff_a"], users["staff_b"], users["inspector_r1"]
    a, b = enterprises["A"], enterprises["B"]
    return {
        "rel_a_accepted": helpers.accepted(staff_a, inspector, a, year=year - 3, releases=LINES),
        "rel_a_submitted": helpers.submit(staff_a, helpers.create(staff_a, a, year=year - 2, releases=LINES)),
        "rel_a_draft": helpers.create(staff_a, a, year=year - 1, releases=LINES),
        "rel_b_submitted": helpers.submit(staff_b, helpers.create(staff_b, b, year=year - 2, releases=LINES)),
        "rel_b_draft": helpers.create(staff_b, b, year=year - 1, releases=LINES),
    }


# The bodies, each a function of the matrix's world (`keys`: the placeholders of the paths; `objects`: the rows).


def report_of_a(world: Any) -> dict[str, Any]:
    return {"enterprise": world.keys["A"], "year": world.keys["past_year"], "releases": LINES}


def new_report_page(world: Any) -> dict[str, Any]:
    return {"enterprise": world.keys["A_pk"], "year": world.keys["past_year"]}


def confirmations_api(world: Any) -> dict[str, Any]:
    return {"confirmations": helpers.confirm_all(world.objects["rel_a_draft"])}


def confirmations_page(world: Any) -> dict[str, Any]:
    return helpers.confirm_all(world.objects["rel_a_draft"])


def release_line(world: Any) -> dict[str, Any]:
    return release("Pb", kg="250", method="C")


def releases_file(world: Any) -> dict[str, Any]:
    return {"file": helpers.csv_upload(LINES)}


REPLACE = {"releases": [*LINES, release("Pb", kg="250", method="C")]}
