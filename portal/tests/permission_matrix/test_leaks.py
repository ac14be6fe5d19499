"""Beyond status codes: each list, map and table shows each role exactly the rows it may see.

Each check names a URL, what is read from the answer (rows of the world, by the world's names), and for each role
what it must read; a role not named there is refused the URL (test_matrix.py says how). The inactive user reads
public pages as the public does.
"""

import re
from collections.abc import Callable

import pytest

from monitoring.tests.helpers import json_script
from portal.tests.permission_matrix.world import POINTS, World

pytestmark = pytest.mark.django_db

Extract = Callable[[object, World], set[str]]
CODES = {code: key for key, (_, code, _, _) in POINTS.items()}


def api_field(field: str, names: dict[str, str] | None = None) -> Extract:
    """The rows of an API list by one field; `names` maps the field's values to the world's names."""

    def extract(response, world: World) -> set[str]:
        values = {str(item[field]) for item in response.json()["results"]}
        return {names.get(value, value) if names else value for value in values}

    return extract


def api_ids(*candidates: str) -> Extract:
    """Which of the world's rows `candidates` an API list returns, by id."""

    def extract(response, world: World) -> set[str]:
        ids = {item["id"] for item in response.json()["results"]}
        return {name for name in candidates if world.keys[name] in ids}

    return extract


def api_submissions(response, world: World) -> set[str]:
    ids = {item["submission"] for item in response.json()["results"]}
    return {name for name in ("sub_a", "sub_b") if world.keys[name] in ids}


def links(url: str, *candidates: str) -> Extract:
    """Which of `candidates` a page links to (url has a {pk} placeholder)."""

    def extract(response, world: World) -> set[str]:
        content = response.content.decode()
        return {name for name in candidates if f'href="{url.format(pk=world.keys[name])}"' in content}

    return extract


def mentions(*candidates: str) -> Extract:
    def extract(response, world: World) -> set[str]:
        return {name for name in candidates if name in response.content.decode()}

    return extract


def map_points(response, world: World) -> set[str]:
    """The markers of a page's map, by deposit name or point code."""
    return {point["name"].split(" ")[0] for point in json_script(response.content.decode(), "map-points")}


def ring_states(response, world: World) -> set[str]:
    """The points whose ring on the point map shows results (exceeding or within the MPCs), with their state."""
    names = {str(world.keys[key]): key for key in POINTS}
    return {f"{names[pk]} {state}" for pk, state in response.json().items() if state != "none"}


def popup_results(response, world: World) -> set[str]:
    return {"results"} if response.json()["results"] else set()


def deposits_of_a_counted(response, world: World) -> set[str]:
    """The number of deposits the register of enterprises gives for enterprise A."""
    match = re.search(r"Enterprise A LLP.*?<td class=\"num\">(\d+)</td>", response.content.decode(), re.S)
    assert match, "enterprise A is not in the register"
    return {match.group(1)}


def status_matrix(response, world: World) -> set[str]:
    """The points of a pollutant-by-point table, and the statuses of its cells."""
    content = response.content.decode()
    return set(re.findall(r"<th>([A-Z][A-Z0-9-]+)</th>", content)) | set(
        re.findall(r'class="cell (alert|exceeded|ok)"', content)
    )


def chart_series(response, world: World) -> set[str]:
    return {"results"} if json_script(response.content.decode(), "series") else set()


ALL_DEPOSITS = {"a_pub", "a_hidden", "a_r2_hidden", "b_pub", "b_hidden"}
DEPOSITS_SEEN = {
    "anonymous": {"a_pub", "b_pub"},
    "staff_a": {"a_pub", "b_pub", "a_hidden", "a_r2_hidden"},
    "staff_b": {"a_pub", "b_pub", "b_hidden"},
    "inspector_r1": {"a_pub", "b_pub", "a_hidden", "b_hidden"},
    "inspector_r2": {"a_pub", "b_pub", "a_r2_hidden"},
    "administrator": ALL_DEPOSITS,
}
POINTS_SEEN = {
    "anonymous": {"pt_a_pub", "pt_b_pub"},
    "staff_a": {"pt_a_pub", "pt_b_pub", "pt_a_hidden"},
    "staff_b": {"pt_a_pub", "pt_b_pub", "pt_b_hidden"},
    "inspector_r1": set(POINTS),
    "inspector_r2": {"pt_a_pub", "pt_b_pub"},
    "administrator": set(POINTS),
}
RETURNS = ("ra_accepted", "ra_submitted", "ra_draft", "rb_submitted", "rb_draft")
RETURNS_SEEN = {
    "staff_a": {"ra_accepted", "ra_submitted", "ra_draft"},
    "staff_b": {"rb_submitted", "rb_draft"},
    "inspector_r1": set(RETURNS),
    "inspector_r2": set(),
    "administrator": set(RETURNS),
}
OF_A_AND_B_SEEN = {  # what belongs to A and to B: submissions, alerts
    "staff_a": {"a"},
    "staff_b": {"b"},
    "inspector_r1": {"a", "b"},
    "inspector_r2": set(),
    "administrator": {"a", "b"},
}


# The late filers of the default year (the latest whose deadline has passed; the world's years are all due ahead):
# A and B, which have staff and no return for it.
LATE_FILERS_SEEN = {"inspector_r1": {"A", "B"}, "inspector_r2": set(), "administrator": {"A", "B"}}
LATE_FILERS_PAGE_SEEN = {role: {f"{name}_pk" for name in names} for role, names in LATE_FILERS_SEEN.items()}


def late_filers_listed(response, world: World) -> set[str]:
    """The enterprises of the late filers' API list, by the world's names."""
    bins = {item["enterprise"] for item in response.json()["results"]}
    return {name for name in ("A", "B") if world.keys[name] in bins}


def _named(prefix: str, seen: dict[str, set[str]]) -> dict[str, set[str]]:
    return {role: {f"{prefix}{owner}" for owner in owners} for role, owners in seen.items()}


def _codes(seen: dict[str, set[str]]) -> dict[str, set[str]]:
    return {role: {POINTS[key][1] for key in keys} for role, keys in seen.items()}


def _with_inactive(seen: dict[str, set[str]]) -> dict[str, set[str]]:
    return {**seen, "inactive": seen["anonymous"]}


# The rings of an enterprise's points on the point map, for those who see their results (none for the others).
RINGS_OF_A = {"pt_a_pub exceeding", "pt_a_hidden within"}
RINGS_OF_B = {"pt_b_pub exceeding", "pt_b_hidden within"}
A_MATRIX_FULL = {"AIR-A", "AIR-A-HIDDEN", "alert", "ok"}
CHECKS: list[tuple[str, str, Extract, dict[str, set[str]]]] = [
    # -- the API
    ("/api/v1/registry/deposits/", "name", api_field("name"), DEPOSITS_SEEN),
    (
        "/api/v1/registry/deposits/?operator={B}",
        "name",
        api_field("name"),
        {role: names & {"b_pub", "b_hidden"} for role, names in DEPOSITS_SEEN.items()},
    ),
    (
        "/api/v1/registry/deposits/?region=KZ-R2",
        "name",
        api_field("name"),
        {role: names & {"a_r2_hidden"} for role, names in DEPOSITS_SEEN.items()},
    ),
    ("/api/v1/monitoring/points/", "code", api_field("code", CODES), POINTS_SEEN),
    ("/api/v1/monitoring/alerts/", "id", api_ids("alert_a", "alert_b"), _named("alert_", OF_A_AND_B_SEEN)),
    ("/api/v1/monitoring/exceedances/", "submission", api_submissions, _named("sub_", OF_A_AND_B_SEEN)),
    ("/api/v1/returns/", "id", api_ids(*RETURNS), RETURNS_SEEN),
    ("/api/v1/returns/late-filers/", "enterprise", late_filers_listed, LATE_FILERS_SEEN),
    # -- pages
    ("/registry/deposits/", "table", mentions(*ALL_DEPOSITS), _with_inactive(DEPOSITS_SEEN)),
    ("/registry/deposits/?kind=chemical_metallurgical", "map", map_points, _with_inactive(DEPOSITS_SEEN)),
    (
        "/registry/enterprises/{A_pk}/",
        "deposits",
        mentions(*ALL_DEPOSITS),
        _with_inactive({role: names - {"b_pub", "b_hidden"} for role, names in DEPOSITS_SEEN.items()}),
    ),
    (
        "/registry/enterprises/",
        "count",
        deposits_of_a_counted,
        {
            "anonymous": {"1"},
            "staff_a": {"3"},
            "staff_b": {"1"},
            "inspector_r1": {"2"},
            "inspector_r2": {"2"},
            "administrator": {"3"},
            "inactive": {"1"},
        },
    ),
    (
        "/statistics/regions/{R1}/",
        "map",
        map_points,
        _with_inactive({role: names - {"a_r2_hidden"} for role, names in DEPOSITS_SEEN.items()}),
    ),
    ("/monitoring/points/", "map", map_points, _with_inactive(_codes(POINTS_SEEN))),
    (
        "/monitoring/points/states/",
        "rings",
        ring_states,
        _with_inactive(
            {
                "anonymous": set(),
                "staff_a": RINGS_OF_A,
                "staff_b": RINGS_OF_B,
                "inspector_r1": RINGS_OF_A | RINGS_OF_B,
                "inspector_r2": set(),
                "administrator": RINGS_OF_A | RINGS_OF_B,
            }
        ),
    ),
    (
        "/monitoring/points/{pt_a_pub}/latest/",
        "results",
        popup_results,
        _with_inactive(
            {
                "anonymous": set(),
                "staff_a": {"results"},
                "staff_b": set(),
                "inspector_r1": {"results"},
                "inspector_r2": set(),
                "administrator": {"results"},
            }
        ),
    ),
    (
        "/audit/?model=registry.deposit",
        "records",
        mentions(*ALL_DEPOSITS),
        {
            "staff_a": {"a_pub", "a_hidden", "a_r2_hidden"},
            "staff_b": {"b_pub", "b_hidden"},
            "inspector_r1": {"a_pub", "a_hidden", "b_pub", "b_hidden"},
            "inspector_r2": {"a_r2_hidden"},
            "administrator": ALL_DEPOSITS,
        },
    ),
    # Every status: an inspector's queue opens on the returns awaiting a decision.
    ("/returns/?status=", "links", links("/returns/{pk}/", *RETURNS), RETURNS_SEEN),
    ("/returns/late-filers/", "links", links("/registry/enterprises/{pk}/", "A_pk", "B_pk"), LATE_FILERS_PAGE_SEEN),
    (
        "/monitoring/alerts/",
        "links",
        links("/monitoring/alerts/{pk}/", "alert_a", "alert_b"),
        _named("alert_", OF_A_AND_B_SEEN),
    ),
    (
        "/monitoring/enterprises/{A_pk}/matrix/",
        "cells",
        status_matrix,
        {
            "staff_a": A_MATRIX_FULL,
            "staff_b": {"AIR-A"},
            "inspector_r1": A_MATRIX_FULL,
            "inspector_r2": {"AIR-A"},
            "administrator": A_MATRIX_FULL,
        },
    ),
    (
        "/monitoring/deposits/{a_pub}/matrix/",
        "cells",
        status_matrix,
        {
            "staff_a": {"AIR-A", "alert"},
            "staff_b": {"AIR-A"},
            "inspector_r1": {"AIR-A", "alert"},
            "inspector_r2": {"AIR-A"},
            "administrator": {"AIR-A", "alert"},
        },
    ),
    (
        "/monitoring/points/{pt_a_pub}/Cu/",
        "series",
        chart_series,
        {
            "staff_a": {"results"},
            "staff_b": set(),
            "inspector_r1": {"results"},
            "inspector_r2": set(),
            "administrator": {"results"},
        },
    ),
    (
        "/statistics/reports/",
        "links",
        links("/statistics/reports/{pk}/", "report_r1", "report_r2"),
        {"inspector_r1": {"report_r1"}, "inspector_r2": {"report_r2"}, "administrator": {"report_r1", "report_r2"}},
    ),
]


@pytest.mark.parametrize(("path", "what", "extract", "seen"), CHECKS, ids=[f"{c[0]} {c[1]}" for c in CHECKS])
def test_each_role_reads_exactly_what_it_may(world, path, what, extract, seen):
    url = path.format(**world.keys)
    read = {}
    for role in seen:
        response = world.client(role).get(url)
        assert response.status_code == 200, f"{role}: GET {url} answered {response.status_code}"
        read[role] = extract(response, world)
    wrong = {role: f"reads {sorted(read[role])}, should read {sorted(expected)}"
             for role, expected in seen.items() if read[role] != expected}  # fmt: skip
    assert wrong == {}, f"GET {url} ({what})"
