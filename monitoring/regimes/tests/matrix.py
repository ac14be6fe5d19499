"""What the permission matrix (portal/tests/permission_matrix) requests of the regimes: a city in R1 around A's
published source (src_a, from the permits' world), a regime running over it declared by R1's inspector, and a plan
of A for src_a; the rows of every URL and API operation of the app, and the bodies of its writes."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from monitoring.regimes.models import Regime, RegimePlan
from monitoring.regimes.reference import load_required_cuts
from monitoring.regimes.selectors import required_cut_in_force
from monitoring.regimes.tests.factories import CityFactory
from portal.models import User
from registry.models import Region

CITY = "city-r1"


def build(users: dict[str, User], regions: dict[str, Region], objects: dict[str, Any]) -> dict[str, Any]:
    """After the permits' world: the city holds src_a."""
    load_required_cuts()
    city = CityFactory.create(code=CITY, name="Qalaly R1", name_en="Qalaly R1", region=regions["R1"])
    now = timezone.now()
    regime = Regime.objects.create(
        city=city, degree=2, starts_at=now - datetime.timedelta(hours=2), ends_at=now + datetime.timedelta(days=2),
        bulletin="Kazhydromet R1-1", declared_by=users["inspector_r1"],
    )  # fmt: skip
    source = objects["src_a"]
    plan = RegimePlan.objects.create(
        enterprise=source.enterprise, source=source, degree=2, planned_cut="0.3000",
        required_cut=required_cut_in_force(degree=2), filed_at=now, filed_by=users["staff_a"],
    )  # fmt: skip
    return {"city_r1": city, "rg_r1": regime, "plan_a": plan}


def regime_api(world: Any) -> dict[str, Any]:
    now = timezone.now()
    ends = now + datetime.timedelta(days=1)
    return {"city": CITY, "degree": 1, "starts_at": now.isoformat(), "ends_at": ends.isoformat(), "bulletin": "R1-2"}


def regime_form(world: Any) -> dict[str, Any]:
    return {
        "city": world.keys["city_r1"], "degree": 1, "starts_at": "2026-12-01T20:00", "ends_at": "2026-12-02T08:00",
        "bulletin": "Kazhydromet R1-2",
    }  # fmt: skip


def regime_change_form(world: Any) -> dict[str, Any]:
    return {"degree": 3, "starts_at": "2026-12-01T20:00", "ends_at": "2026-12-02T08:00", "bulletin": "R1-1a"}


def plan_api(world: Any) -> dict[str, Any]:
    return {"source": world.keys["src_a"], "degree": 1, "planned_cut": "0.2500"}


def plan_form(world: Any) -> dict[str, Any]:
    return {"source": world.keys["src_a"], "degree": 1, "planned_cut_percent": "25"}


def plans_file(world: Any) -> dict[str, Any]:
    content = b"source,degree,planned_cut_percent\nSRC-A,3,45\n"
    return {"enterprise": world.keys["A_pk"], "file": SimpleUploadedFile("plans.csv", content, "text/csv")}


# Answers of the seven roles: anonymous, staff of A, staff of B, inspector of R1, inspector of R2, administrator,
# inactive (was staff of A). The city lies in R1: its inspectors and administrators declare there; R2's inspector
# declares elsewhere (the action is theirs, the city is not: 403, and the page's form does not offer it: F).
DECLARE_API = "401 403 403 201 403 201 401"
CHANGE_API = "401 403 403 200 403 200 401"
CHANGE_PAGE = "L 403 403 R 403 R L"
PUBLIC = "200 200 200 200 200 200 200"
API_PUBLIC = "200 200 200 200 200 200 401"

# fmt: off
ROWS: list[tuple[str, str, str, str, Any]] = [
    # -- regimes API (public; declared by the inspectors of the city's region; plans never public)
    ("regime-list", "GET", "/api/v1/regimes/", API_PUBLIC, None),
    ("regime-list", "GET", f"/api/v1/regimes/?city={CITY}&active=true&year=2026", API_PUBLIC, None),
    ("regime-list", "POST", "/api/v1/regimes/", DECLARE_API, regime_api),
    ("regime-detail", "GET", "/api/v1/regimes/{rg_r1}/", API_PUBLIC, None),
    ("regime-detail", "PATCH", "/api/v1/regimes/{rg_r1}/", CHANGE_API, {"degree": 3}),
    ("regime-end", "POST", "/api/v1/regimes/{rg_r1}/end/", CHANGE_API, None),
    ("regime-city-list", "GET", "/api/v1/regimes/cities/", API_PUBLIC, None),
    ("regime-city-detail", "GET", f"/api/v1/regimes/cities/{CITY}/", API_PUBLIC, None),
    ("regime-plan-list", "GET", "/api/v1/regimes/plans/", "401 200 200 200 200 200 401", None),
    ("regime-plan-list", "POST", "/api/v1/regimes/plans/", "401 201 403 403 403 201 401", plan_api),
    ("regime-plan-detail", "GET", "/api/v1/regimes/plans/{plan_a}/", "401 200 404 200 404 200 401", None),
    ("regime-plan-detail", "DELETE", "/api/v1/regimes/plans/{plan_a}/", "401 204 404 403 404 204 401", None),
    # -- regime pages (public) and the inspectors' forms
    ("regimes:list", "GET", "/regimes/", PUBLIC, None),
    ("regimes:list", "GET", f"/regimes/?city={CITY}&year=2026&active=true", PUBLIC, None),
    ("regimes:detail", "GET", "/regimes/{rg_r1}/", PUBLIC, None),
    ("regimes:city", "GET", f"/regimes/cities/{CITY}/", PUBLIC, None),
    ("regimes:new", "GET", "/regimes/new/", "L 403 403 200 200 200 L", None),
    ("regimes:new", "POST", "/regimes/new/", "L 403 403 R F R L", regime_form),
    ("regimes:edit", "GET", "/regimes/{rg_r1}/edit/", "L 403 403 200 403 200 L", None),
    ("regimes:edit", "POST", "/regimes/{rg_r1}/edit/", CHANGE_PAGE, regime_change_form),
    ("regimes:end", "POST", "/regimes/{rg_r1}/end/", CHANGE_PAGE, {"ends_at": ""}),
    # -- regime plans (the enterprise's staff file them, its region's inspectors read them)
    ("regimes:plans", "GET", "/regimes/plans/", "L 200 200 200 200 200 L", None),
    ("regimes:plan-new", "POST", "/regimes/plans/new/", "L R 400 403 403 R L", plan_form),
    ("regimes:plan-upload", "POST", "/regimes/plans/upload/", "L R 400 403 403 R L", plans_file),
    ("regimes:plan-delete", "POST", "/regimes/plans/{plan_a}/delete/", "L R 404 403 404 R L", None),
]
# fmt: on
