"""What the permission matrix (portal/tests/permission_matrix) requests of permits: A's permits in each state with a
limit and a placement limit, A's published and unpublished sources, B's draft; and the bodies of its writes."""

from typing import Any

from registry.models import Deposit, Enterprise
from registry.permits.models import PermitStatus, Substance
from registry.permits.reference import SUBSTANCES_CSV
from registry.permits.tests.factories import (
    EmissionLimitFactory,
    EmissionSourceFactory,
    PermitFactory,
    PlacementLimitFactory,
)
from registry.permits.tests.helpers import SOX, STACK, csv_upload
from registry.reference import read_rows

# A's unpublished source: only A's staff, R1's inspectors and administrators see it.
HIDDEN_SOURCE = "SRC-A-HIDDEN"


def _substances() -> None:
    """The few real substances the rows name, by their codes only: the change log the pages show would otherwise
    hold the whole list's names, in every language."""
    for row in read_rows(SUBSTANCES_CSV):
        if row["code"] in ("SOx", "NOx", "Pb"):
            Substance.objects.create(
                code=row["code"], cas=row["cas"], group=row["group"], toxic=row["toxic"] == "1", name=row["code"]
            )


def build(enterprises: dict[str, Enterprise], deposits: dict[str, Deposit]) -> dict[str, Any]:
    _substances()
    a, b = enterprises["A"], enterprises["B"]
    src_a = EmissionSourceFactory(enterprise=a, code="SRC-A")
    src_a_hidden = EmissionSourceFactory(enterprise=a, code=HIDDEN_SOURCE, is_published=False)
    pm_a_draft = PermitFactory(enterprise=a, number="KZ-A-0001")
    lim_a = EmissionLimitFactory(permit=pm_a_draft, source=src_a, substance=Substance.objects.get(code="SOx"))
    pl_a = PlacementLimitFactory(permit=pm_a_draft, deposit=deposits["a_pub"])
    pm_a_verified = PermitFactory(enterprise=a, number="KZ-A-0002", verified=True)
    EmissionLimitFactory(permit=pm_a_verified, source=src_a, substance=Substance.objects.get(code="Pb"))
    return {
        "src_a": src_a,
        "src_a_hidden": src_a_hidden,
        "pm_a_draft": pm_a_draft,
        "pm_a_submitted": PermitFactory(enterprise=a, number="KZ-A-0003", status=PermitStatus.SUBMITTED),
        "pm_a_verified": pm_a_verified,
        "pm_b_draft": PermitFactory(enterprise=b, number="KZ-B-0001"),
        "lim_a": lim_a,
        "pl_a": pl_a,
    }


NEW_PERMIT = {"number": "KZ-A-0009", "category": 1, "issuer": "Ministry of Ecology", "valid_from": "2024-01-01"}
SOURCE = {"code": "SRC-NEW", "name": "Stack", "medium": "air", "kind": "organised", "latitude": "46.84",
          "longitude": "74.98", "height_m": "100", "diameter_m": "5"}  # fmt: skip


# The bodies, each a function of the matrix's world (its `keys`: the placeholders of the paths).


def permit_of_a(world: Any) -> dict[str, Any]:
    return {**NEW_PERMIT, "enterprise": world.keys["A"]}


def permit_fields(world: Any) -> dict[str, Any]:
    return NEW_PERMIT


def permit_form(world: Any) -> dict[str, Any]:
    return {**NEW_PERMIT, "valid_to": ""}


def source_of_a(world: Any) -> dict[str, Any]:
    return {**SOURCE, "enterprise": world.keys["A"]}


def source_form(world: Any) -> dict[str, Any]:
    return SOURCE


def limit_form(world: Any) -> dict[str, Any]:
    nox = Substance.objects.get(code="NOx")
    return {"source": world.keys["src_a"], "substance": nox.pk, "grams_per_second": "1", "tonnes_per_year": "2"}


def placement_form(world: Any) -> dict[str, Any]:
    return {"deposit": world.keys["a_hidden"], "tonnes_per_year": "1000"}


def limits_rows(world: Any) -> dict[str, Any]:
    row = {("name" if key == "source_name" else key): value for key, value in {**STACK, **SOX}.items()}
    return {"limits": [row], "placement_limits": []}


def limits_file(world: Any) -> dict[str, Any]:
    return {"file": csv_upload([{**STACK, **SOX}])}


def source_a_form(world: Any) -> dict[str, Any]:
    """What the edit page of A's published source posts: a new name."""
    return {**SOURCE, "code": "SRC-A", "name": "Renamed stack"}
