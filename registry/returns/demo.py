"""Demo returns: five consistent accepted years per synthetic enterprise (each opening = last closing),
and for the demo enterprise account accepted, returned and draft returns.

The years 2019-2023 straddle the 2022 splits: the synthetic enterprises of Abai, Jetisu and Ulytau (in East
Kazakhstan, Almaty region and Karaganda until 7 June 2022, registry.demo.load_splits) count under the parent region
for 2019-2021 and under the new one for 2022 and 2023.

Filed through the services like any return; the warnings that filing years later raises (late, changes)
are confirmed with an explanation that says they are demo data.
"""

import random
from decimal import Decimal

from django.db import transaction

from portal.models import User
from registry.demo import demo_bin
from registry.models import Deposit, Enterprise
from registry.returns import services
from registry.returns.models import WasteReturn
from registry.returns.reference import load_waste_codes

CODE_OF_SUBKIND = {
    "overburden": ("01 01 01", ""), "host_rock": ("01 01 02", ""), "dust": ("01 03 08", ""),
    "substandard_ore": ("01 01 01", ""), "tailings": ("01 03 05", "amber"), "processing_sludge": ("01 03 07", "amber"),
    "slag": ("10 06 01", ""), "cake": ("10 05 06", "amber"), "clinker": ("10 02 02", ""),
    "ash": ("10 01 02", ""), "ash_slag": ("10 01 01", ""),
}  # fmt: skip
SYNTHETIC_YEARS = range(2019, 2024)
EXPLANATION = "Demo data, filed after the fact by the demo loader."


def _line(code: str, deposit: int | None, level: str, opening: Decimal, generated: Decimal, **out: Decimal) -> dict:
    amounts = {"opening": opening, "generated": generated, "received": Decimal(0), **out}
    for name in ("recycled", "disposed", "transferred"):
        amounts.setdefault(name, Decimal(0))
    amounts["closing"] = (
        opening + generated + amounts["received"] - amounts["recycled"] - amounts["disposed"] - amounts["transferred"]
    )
    return {"waste_code": code, "storage_deposit": deposit, "hazard_level": level, **amounts}


def _file(actor: User, reviewer: User, enterprise: Enterprise, year: int, lines: list[dict], outcome: str) -> None:
    if WasteReturn.objects.filter(enterprise=enterprise, year=year).exists():
        return
    waste_return = services.return_create(actor=actor, enterprise=enterprise, year=year, lines=lines)
    if outcome == "draft":
        return
    version = waste_return.current_version
    confirmations = {warning.key: EXPLANATION for warning in services.current_warnings(version)}
    services.return_submit(actor=actor, version=version, confirmations=confirmations)
    if outcome == "accepted":
        services.return_accept(actor=reviewer, version=version)
    elif outcome == "returned":
        reasons = (
            "Line 1: the opening balance differs from the closing balance of the accepted 2022 return "
            "(31,693,000 t). Correct it or explain the difference."
        )
        services.return_send_back(actor=reviewer, version=version, reasons=reasons)


def load_synthetic_returns(admin: User) -> None:
    rng = random.Random(314)
    # Enterprises with deposits: the demo smelter (registry.releases.demo) holds none and files no returns.
    for enterprise in Enterprise.objects.filter(synthetic=True, deposits__isnull=False).distinct().order_by("bin"):
        deposits = list(Deposit.objects.filter(operator=enterprise).order_by("pk").values_list("pk", "subkind"))
        balances = {pk: Decimal(rng.randrange(50_000, 5_000_000)) for pk, _ in deposits}
        oils = Decimal(0)
        for year in SYNTHETIC_YEARS:
            lines = []
            for pk, subkind in deposits:
                code, level = CODE_OF_SUBKIND[subkind]
                generated = Decimal(rng.randrange(20_000, 900_000))
                recycled = (generated * Decimal(rng.uniform(0.05, 0.3))).quantize(Decimal(1))
                lines.append(_line(code, pk, level, balances[pk], generated, recycled=recycled))
                balances[pk] = lines[-1]["closing"]
            used_oil = Decimal(rng.randrange(5, 60))
            lines.append(_line("13 02 05", None, "amber", oils, used_oil, transferred=used_oil))
            oils = lines[-1]["closing"]
            _file(admin, admin, enterprise, year, lines, "accepted")
        if enterprise.region.iso_code == "KZ-35":
            lines = [
                _line(CODE_OF_SUBKIND[subkind][0], pk, CODE_OF_SUBKIND[subkind][1], balances[pk], Decimal(250_000))
                for pk, subkind in deposits
            ]
            _file(admin, admin, enterprise, 2024, lines, "submitted")


def load_demo_enterprise_returns(staff: User, reviewer: User, enterprise: Enterprise) -> None:
    """The demo enterprise: 2021 and 2022 accepted, 2023 returned for correction, 2024 a draft."""
    slag = Deposit.objects.get(operator=enterprise, subkind="slag").pk
    history = [
        (2021, Decimal(30_900_000), Decimal(420_000), Decimal(15_000), "accepted"),
        (2022, Decimal(31_305_000), Decimal(400_000), Decimal(12_000), "accepted"),
        (2023, Decimal(31_700_000), Decimal(380_000), Decimal(0), "returned"),
        (2024, Decimal(32_080_000), Decimal(390_000), Decimal(0), "draft"),
    ]
    for year, opening, generated, recycled, outcome in history:
        lines = [
            _line("10 06 01", slag, "", opening, generated, recycled=recycled),
            _line("10 06 03", None, "amber", Decimal(0), Decimal(1_200), transferred=Decimal(1_200)),
        ]
        _file(staff, reviewer, enterprise, year, lines, outcome)


@transaction.atomic
def load_returns_demo() -> None:
    """The classifier and the demo returns, on top of the registry's demo data (registry.demo.load_demo)."""
    load_waste_codes()
    load_synthetic_returns(User.objects.get(username="admin"))
    # The demo staff account works for the Balkhash plant's operator (registry.demo.load_balkhash).
    kazakhmys = Enterprise.objects.get(bin=demo_bin(1))
    load_demo_enterprise_returns(User.objects.get(username="staff"), User.objects.get(username="inspector"), kazakhmys)
