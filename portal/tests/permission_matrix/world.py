"""The world every row of the matrix is requested against, and the seven roles that request it.

Region R1 holds enterprises A and B; region R2 holds none, but one of A's deposits lies there (a deposit's region
is its own, not its operator's). Each enterprise has a published and an unpublished deposit, a published and an
unpublished monitoring point, an evaluated submission that opened an alert, and returns in several states. Each
inspector has ordered a regional report of their region.

Roles log in as a browser does (a session) for pages and as an API client does (a token) for the API. The
inactive user was staff of A and kept both: the session then counts for nothing (pages treat them as the
public), and the token is refused (401 on every API route).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from monitoring import services as monitoring_services
from monitoring.emissions.tests import cov_matrix as channels_matrix
from monitoring.emissions.tests import matrix as emissions_matrix
from monitoring.models import Alert, MonitoringPoint, Submission
from monitoring.reference import load_monitoring_reference
from monitoring.regimes.tests import matrix as regimes_matrix
from monitoring.regimes.tests import verdict_matrix
from monitoring.subscriptions.tests import matrix as subscriptions_matrix
from monitoring.tests.helpers import make_point, row
from portal.models import User
from portal.tests.factories import UserFactory, api_token
from portal.tokens import token_id
from registry import services as registry_services
from registry.models import Deposit, Enterprise, Region
from registry.permits.tests import matrix as permits_matrix
from registry.reference import read_rows
from registry.releases.tests import matrix as releases_matrix
from registry.returns.models import FilingYear, WasteCode, WasteReturn
from registry.returns.reference import DATA_DIR
from registry.returns.tests import helpers as returns
from registry.tests.factories import (
    DepositFactory,
    EnterpriseFactory,
    InspectorAssignmentFactory,
    MembershipFactory,
    RegionFactory,
)
from reports.models import RegionalReport

ROLES = ("anonymous", "staff_a", "staff_b", "inspector_r1", "inspector_r2", "administrator", "inactive")

# name: (operator, region, published)
DEPOSITS = {
    "a_pub": ("A", "R1", True),
    "a_hidden": ("A", "R1", False),
    "a_r2_hidden": ("A", "R2", False),
    "b_pub": ("B", "R1", True),
    "b_hidden": ("B", "R1", False),
}
# key: (enterprise, code, published, deposit it watches)
POINTS = {
    "pt_a_pub": ("A", "AIR-A", True, "a_pub"),
    "pt_a_hidden": ("A", "AIR-A-HIDDEN", False, "a_hidden"),
    "pt_b_pub": ("B", "AIR-B", True, "b_pub"),
    "pt_b_hidden": ("B", "AIR-B-HIDDEN", False, "b_hidden"),
}
# What only some roles may see: a page or an answer that refuses a role must not name any of it.
SECRETS = (
    *[name for name, (_, _, published) in DEPOSITS.items() if not published],
    *[code for _, code, published, _ in POINTS.values() if not published],
    permits_matrix.HIDDEN_SOURCE,
)
OWN_ENTERPRISE = {"staff_a": "A", "staff_b": "B", "inactive": "A"}
WASTE_CODES = (returns.SLAG, returns.TAILINGS)
SEVEN_YEARS_AGO = timezone.localdate().year - 7  # a year of no return, for the create rows


@dataclass
class World:
    users: dict[str, User]
    keys: dict[str, Any]  # the placeholders of the table's paths: pks, BINs, ISO codes
    sessions: dict[str, str]
    tokens: dict[str, str]
    objects: dict[str, Any]

    def client(self, role: str) -> APIClient:
        """A client that sends the role's session cookie (pages) and token (API); nothing for the public."""
        if role == "anonymous":
            client = APIClient()
        else:
            client = APIClient(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        # A server error is an answer like any other here, so that a row reports every role's.
        client.raise_request_exception = False
        return client


def _users(a: Enterprise, b: Enterprise, r1: Region, r2: Region) -> dict[str, User]:
    """The users of every role but the public."""
    inactive = MembershipFactory.create(enterprise=a, user__username="inactive").user
    users: dict[str, User] = {
        "staff_a": MembershipFactory.create(enterprise=a, user__username="staff_a").user,
        "staff_b": MembershipFactory.create(enterprise=b, user__username="staff_b").user,
        "inspector_r1": InspectorAssignmentFactory.create(region=r1, user__username="inspector_r1").user,
        "inspector_r2": InspectorAssignmentFactory.create(region=r2, user__username="inspector_r2").user,
        "administrator": UserFactory.create(username="administrator", role=User.Role.ADMINISTRATOR),
        "inactive": inactive,
    }
    return users


def _log_in(users: dict[str, User]) -> tuple[dict[str, str], dict[str, str]]:
    """Sessions and tokens, made while every user was active; then the inactive user is deactivated."""
    sessions, tokens = {}, {}
    for role, user in users.items():
        browser = Client()
        browser.force_login(user)
        sessions[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
        tokens[role] = api_token(user)
    inactive = users["inactive"]
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    return sessions, tokens


def _returns(users: dict[str, User], a: Enterprise, b: Enterprise) -> dict[str, WasteReturn]:
    rows = [entry for entry in read_rows(DATA_DIR / "waste_codes.csv") if entry["code"] in WASTE_CODES]
    for entry in rows:
        WasteCode.objects.update_or_create(
            code=entry["code"],
            defaults={
                "hazardous": entry["hazardous"] == "1", "chapter": entry["chapter"], "name_en": entry["name_en"],
                "name_ru": entry["name_ru"], "name_kk": entry["name_kk"],
            },
        )  # fmt: skip
    # Deadlines ahead, so that no return is late.
    deadline = timezone.localdate() + datetime.timedelta(days=90)
    year = timezone.localdate().year
    for past in range(year - 4, year + 1):
        FilingYear.objects.update_or_create(year=past, defaults={"deadline": deadline})
    staff_a, staff_b, inspector = users["staff_a"], users["staff_b"], users["inspector_r1"]
    two_lines = [returns.line(), returns.line(returns.TAILINGS, opening="10", generated="5", recycled="0")]
    return {
        "ra_accepted": returns.accepted(staff_a, inspector, a, year=year - 3),
        "ra_submitted": returns.submit(staff_a, returns.create(staff_a, a, year=year - 2)),
        "ra_draft": returns.create(staff_a, a, year=year - 1, lines=two_lines),
        "rb_submitted": returns.submit(staff_b, returns.create(staff_b, b, year=year - 2)),
        "rb_draft": returns.create(staff_b, b, year=year - 1),
    }


def _monitoring(
    users: dict[str, User], enterprises: dict[str, Enterprise], deposits: dict[str, Deposit]
) -> dict[str, Any]:
    load_monitoring_reference()
    points: dict[str, MonitoringPoint] = {
        key: make_point(enterprises[owner], code, "air", is_published=published, deposit=deposits[deposit])
        for key, (owner, code, published, deposit) in POINTS.items()
    }
    submissions: dict[str, Submission] = {}
    for owner, pollutant, high, low in (("A", "Cu", "0.03", "0.001"), ("B", "Pb", "0.003", "0.0001")):
        rows: list[Mapping[str, Any]] = [
            row(f"AIR-{owner}", pollutant, high),
            row(f"AIR-{owner}-HIDDEN", pollutant, low),
        ]
        submission = monitoring_services.submission_create(
            actor=users[f"staff_{owner.lower()}"], enterprise=enterprises[owner], rows=rows
        )
        monitoring_services.submission_evaluate(submission_id=submission.pk)
        submissions[f"sub_{owner.lower()}"] = submission
    alerts = {
        "alert_a": Alert.objects.get(point=points["pt_a_pub"]),
        "alert_b": Alert.objects.get(point=points["pt_b_pub"]),
    }
    return {**points, **submissions, **alerts}


def _reports(users: dict[str, User], regions: dict[str, Region]) -> dict[str, RegionalReport]:
    reports = {}
    for name in ("R1", "R2"):
        report = RegionalReport.objects.create(
            region=regions[name], year=timezone.localdate().year - 1, language="en",
            requested_by=users[f"inspector_{name.lower()}"], status=RegionalReport.Status.DONE, progress=100,
        )  # fmt: skip
        report.file.save(f"report-{name}.pdf", ContentFile(b"%PDF-1.4 a regional report"))
        reports[f"report_{name.lower()}"] = report
    return reports


def build_world() -> World:
    regions = {
        "R1": RegionFactory.create(iso_code="KZ-R1", name_en="Region R1"),
        "R2": RegionFactory.create(iso_code="KZ-R2", name_en="Region R2"),
    }
    enterprises = {
        "A": EnterpriseFactory.create(name="Enterprise A LLP", region=regions["R1"]),
        "B": EnterpriseFactory.create(name="Enterprise B LLP", region=regions["R1"]),
    }
    users = _users(enterprises["A"], enterprises["B"], regions["R1"], regions["R2"])
    sessions, tokens = _log_in(users)
    deposits = {
        name: DepositFactory.create(
            name=name, operator=enterprises[owner], region=regions[region], is_published=published
        )
        for name, (owner, region, published) in DEPOSITS.items()
    }
    # Something in every history.
    administrator = users["administrator"]
    for deposit in deposits.values():
        registry_services.deposit_update(actor=administrator, deposit=deposit, fields={"notes": "Checked on site."})
    for enterprise in enterprises.values():
        registry_services.enterprise_update(actor=administrator, enterprise=enterprise, fields={"phone": "+7 700"})
    objects: dict[str, Any] = {
        **regions,
        **enterprises,
        **deposits,
        **_returns(users, enterprises["A"], enterprises["B"]),
        **_monitoring(users, enterprises, deposits),
        **_reports(users, regions),
        **permits_matrix.build(enterprises, deposits),
    }
    objects.update(releases_matrix.build(users, enterprises))  # after the permits': it names their substances
    objects.update(regimes_matrix.build(users, regions, objects))  # after the permits': its city holds src_a
    objects.update(emissions_matrix.build(users, enterprises))  # likewise
    objects.update(subscriptions_matrix.build(enterprises))
    objects.update(verdict_matrix.build(users, enterprises))  # after the emissions': it verifies SRC-A's channel
    objects.update(channels_matrix.build(enterprises))  # after both: it names the channels they made
    keys: dict[str, Any] = {name: getattr(obj, "pk", obj) for name, obj in objects.items()}
    keys.update({name: region.iso_code for name, region in regions.items()})
    keys.update({f"{name}_pk": region.pk for name, region in regions.items()})
    keys.update({name: enterprise.bin for name, enterprise in enterprises.items()})
    keys.update({f"{name}_pk": enterprise.pk for name, enterprise in enterprises.items()})
    keys["deposit_type"] = ContentType.objects.get_for_model(Deposit).pk
    keys["staff_a_id"] = users["staff_a"].pk
    keys["token_of_staff_a"] = token_id(AuthToken.objects.get(user=users["staff_a"]))
    keys["past_year"] = SEVEN_YEARS_AGO
    return World(users=users, keys=keys, sessions=sessions, tokens=tokens, objects=objects)
