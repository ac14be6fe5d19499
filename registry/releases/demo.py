"""Demo emissions: a synthetic zinc-lead smelter in Ust-Kamenogorsk (Oskemen, East Kazakhstan) modelled on the
figures published for KazZinc (domain.md, "Emissions": about 23,000 t of air pollutants a year, some 19,100 t of it
sulphur dioxide, about 182 t of dust), with its permits, sources and limits and five years of release reports.

- Two verified category I permits: an emission permit of 2018-2022 and the integrated permit of 2023-2032 that
  replaced it; six stacks and unorganised sources to air and one outlet to water, limited in g/s and t/yr.
- Accepted release reports for 2020-2024 that vary from year to year; in 2024 the lead smelter's stack (0001) is
  over its sulphur dioxide limit (an acid plant's repair sent its gases up the stack), so the acceptance opens an
  over-limit alert through the real signal (monitoring listens), for the inspectors of East Kazakhstan.
- Mercury to air of a few kg a year, below its reporting threshold (10 kg): kept, counted in the smelter's own
  view, never published.
- Filter cake sent for metal recovery to the synthetic enterprise of Karaganda, whose reports state the same
  tonnes received in 2023 and fewer in 2024: one discrepancy, listed for the inspectors of both regions.

Filed, verified and accepted through the services, as an enterprise's staff and an inspector would (history,
signals, messages). Keyed by natural keys (BIN, permit number, source code, report year): loading twice changes
nothing. The demo accounts: `smelter` files for the smelter; the demo `inspector` inspects East Kazakhstan too.
"""

# ruff: noqa: RUF001 (Russian and Kazakh names)

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from portal.models import User
from registry.demo import _user, demo_bin
from registry.models import Enterprise, InspectorAssignment, Membership, Region
from registry.permits import services as permits
from registry.permits.models import Permit, SourceKind, SourceMedium
from registry.permits.reference import load_substances
from registry.releases import services as releases
from registry.releases.models import ReleaseMedium, ReleaseReport
from registry.releases.reference import load_thresholds
from registry.returns.reference import load_waste_codes

EAST_KAZAKHSTAN, KARAGANDA = "KZ-63", "KZ-35"
SMELTER = {
    "name": "Demo Zinc Smelter JSC (Ust-Kamenogorsk)",
    "name_en": "Demo Zinc Smelter JSC (Ust-Kamenogorsk)",
    "name_ru": "АО «Демо Цинк» (Усть-Каменогорский металлургический комплекс)",
    "name_kk": "«Демо Цинк» АҚ (Өскемен металлургиялық кешені)",
    "address": "Oskemen (Ust-Kamenogorsk), industrial zone (synthetic)",
    "email": "office2@demo.invalid",
    "synthetic": True,
}
EXPLANATION = "Demo data, filed after the fact by the demo loader."
ISSUER = "Committee for Environmental Regulation and Control, Ministry of Ecology (synthetic)"
OLD_PERMIT = {
    "number": "KZ63VDD00000187",
    "valid_from": datetime.date(2018, 1, 1),
    "valid_to": datetime.date(2022, 12, 31),
}
NEW_PERMIT = {
    "number": "KZ63VCZ00002463",
    "valid_from": datetime.date(2023, 1, 1),
    "valid_to": datetime.date(2032, 12, 31),
}
# The older permit allowed a quarter more than the integrated permit that replaced it.
OLD_ALLOWANCE = Decimal("1.25")

# code → (name, kind, latitude, longitude, height m, diameter m); the plant lies in the city's north-west.
SOURCES: dict[str, tuple[str, str, str, str, str | None, str | None]] = {
    "0001": ("Lead smelter stack", SourceKind.ORGANISED, "49.97120", "82.58410", "140", "6.0"),
    "0002": ("Zinc roaster and sulphuric acid plant stack", SourceKind.ORGANISED, "49.96980", "82.59030", "120", "4.5"),
    "0003": ("Copper smelter stack", SourceKind.ORGANISED, "49.97310", "82.57890", "100", "3.6"),
    "0004": ("Waelz kilns stack", SourceKind.ORGANISED, "49.96850", "82.58620", "80", "3.0"),
    "0005": ("Boiler house stack", SourceKind.ORGANISED, "49.96640", "82.59380", "60", "2.4"),
    "6001": ("Concentrate yard and slag handling", SourceKind.UNORGANISED, "49.97220", "82.59500", None, None),
    "W001": ("Outlet of treated water to the Ulba", SourceKind.OUTLET, "49.96500", "82.59900", None, None),
}  # fmt: skip

# (source, substance) → (released in 2024 t/yr, limit of the integrated permit t/yr, method). To air the 2024 total
# is 23,000 t: SOx 19,100, CO 2,835.8, NOx 780, PM10 182, Zn 52, Pb 38, Cu 7.2, As 3.4, Cd 1.6.
RELEASES: dict[tuple[str, str], tuple[str, str, str]] = {
    ("0001", "SOx"): ("7560", "7000", "M"), ("0002", "SOx"): ("6240", "7500", "M"),
    ("0003", "SOx"): ("4680", "5200", "M"), ("0004", "SOx"): ("430", "600", "M"), ("0005", "SOx"): ("190", "250", "C"),
    ("0001", "CO"): ("260", "300", "M"), ("0003", "CO"): ("1232.8", "1400", "M"), ("0004", "CO"): ("1010", "1200", "M"),
    ("0005", "CO"): ("333", "400", "C"),
    ("0001", "NOx"): ("120", "150", "M"), ("0002", "NOx"): ("90", "120", "M"), ("0003", "NOx"): ("140", "170", "M"),
    ("0004", "NOx"): ("170", "200", "M"), ("0005", "NOx"): ("260", "300", "C"),
    ("0001", "PM10"): ("38", "45", "M"), ("0002", "PM10"): ("27", "35", "M"), ("0003", "PM10"): ("31", "40", "M"),
    ("0004", "PM10"): ("22", "30", "M"), ("0005", "PM10"): ("14", "20", "C"), ("6001", "PM10"): ("50", "60", "E"),
    ("0001", "Pb"): ("21.5", "24", "C"), ("0003", "Pb"): ("4.2", "5", "C"), ("0004", "Pb"): ("5.8", "7", "C"),
    ("6001", "Pb"): ("6.5", "8", "E"),
    ("0001", "Zn"): ("4.5", "6", "C"), ("0002", "Zn"): ("19", "22", "C"), ("0004", "Zn"): ("21", "25", "C"),
    ("6001", "Zn"): ("7.5", "9", "E"),
    ("0001", "Cd"): ("0.62", "0.7", "C"), ("0002", "Cd"): ("0.55", "0.65", "C"), ("0004", "Cd"): ("0.31", "0.4", "C"),
    ("6001", "Cd"): ("0.12", "0.15", "E"),
    ("0001", "As"): ("1.45", "1.6", "C"), ("0003", "As"): ("1.55", "1.8", "C"), ("0004", "As"): ("0.25", "0.3", "C"),
    ("6001", "As"): ("0.15", "0.2", "E"), ("0003", "Cu"): ("5.8", "6.5", "C"), ("6001", "Cu"): ("1.4", "1.7", "E"),
    ("W001", "Zn"): ("1.45", "2", "M"), ("W001", "Pb"): ("0.064", "0.12", "M"), ("W001", "Cd"): ("0.009", "0.02", "M"),
    ("W001", "As"): ("0.007", "0.015", "M"), ("W001", "Cu"): ("0.085", "0.12", "M"),
}  # fmt: skip
OVER_LIMIT = ("0001", "SOx")
# In the other years the lead smelter's gases went to the acid plant, as they should: well within the limit.
USUAL_LEAD_SMELTER_SOX = Decimal("6650")
OVER_LIMIT_NOTE = "Sulphuric acid plant No. 2 under repair for 41 days; the lead smelter's gases went up the stack."
# Mercury with the zinc roaster's gases: a few kg a year, below the reporting threshold of 10 kg.
MERCURY_KG = {2020: "6.1", 2021: "6.8", 2022: "5.9", 2023: "5.4", 2024: "5.8"}
# Output in each year against 2024's; each figure varies besides by up to 3 % (a seeded draw, the same every load).
YEARS = {2020: "1.05", 2021: "1.08", 2022: "1.03", 2023: "0.97", 2024: "1"}
SECONDS_PER_YEAR = Decimal(365 * 24 * 3600)
# The permitted g/s is the peak: a fifth above the yearly limit spread evenly.
PEAK = Decimal("1.2")

# Filter cake from the gas cleaning (10 05 06*, hazardous) sent to the Karaganda enterprise to recover its metals;
# the receiver weighs less in 2024 than the smelter reports sent.
CAKE = "10 05 06"
CAKE_SENT = {2023: Decimal("980"), 2024: Decimal("1240")}
CAKE_RECEIVED = {2023: Decimal("980"), 2024: Decimal("1090")}
RECEIVER_DUST_KG = {2023: Decimal("61000"), 2024: Decimal("58500")}


def _smelter() -> Enterprise:
    region = Region.objects.get(iso_code=EAST_KAZAKHSTAN)
    enterprise, _created = Enterprise.objects.get_or_create(bin=demo_bin(2), defaults={**SMELTER, "region": region})
    return enterprise


def _accounts(smelter: Enterprise) -> tuple[User, User]:
    """The smelter's staff account and the demo inspector, who inspects East Kazakhstan as well."""
    staff = _user("smelter", User.Role.ENTERPRISE_STAFF)
    Membership.objects.get_or_create(user=staff, enterprise=smelter)
    inspector = User.objects.get(username="inspector")
    InspectorAssignment.objects.get_or_create(user=inspector, region=smelter.region)
    return staff, inspector


def _sources(staff: User, smelter: Enterprise) -> None:
    existing = set(smelter.emission_sources.values_list("code", flat=True))
    for code, (name, kind, latitude, longitude, height, diameter) in SOURCES.items():
        if code in existing:
            continue
        medium = SourceMedium.WATER if kind == SourceKind.OUTLET else SourceMedium.AIR
        fields = {
            "code": code, "name": name, "medium": medium, "kind": kind,
            "latitude": Decimal(latitude), "longitude": Decimal(longitude),
            "height_m": Decimal(height) if height else None, "diameter_m": Decimal(diameter) if diameter else None,
        }  # fmt: skip
        permits.source_create(actor=staff, enterprise=smelter, fields=fields)


def _limit_rows(allowance: Decimal) -> list[dict[str, Any]]:
    rows = []
    for (source, substance), (_released, limit, _method) in RELEASES.items():
        tonnes = Decimal(limit) * allowance
        row = {"source": source, "substance": substance, "tonnes_per_year": tonnes}
        if source != "W001":  # a water outlet is limited in t/yr only (НДС)
            row["grams_per_second"] = (tonnes * 1_000_000 / SECONDS_PER_YEAR * PEAK).quantize(Decimal("0.001"))
        rows.append(row)
    return rows


def _permit(
    staff: User, inspector: User, smelter: Enterprise, fields: dict, allowance: Decimal, **extra: Any
) -> Permit:
    permit = Permit.objects.filter(enterprise=smelter, number=fields["number"]).first()
    if permit is not None:
        return permit
    permit_fields = {**fields, "category": 1, "issuer": ISSUER, **extra}
    permit = permits.permit_create(actor=staff, enterprise=smelter, fields=permit_fields)
    permits.limits_replace(actor=staff, permit=permit, limits=_limit_rows(allowance))
    permits.permit_submit(actor=staff, permit=permit)
    return permits.permit_verify(actor=inspector, permit=permit)


def _kg(tonnes: Decimal) -> Decimal:
    """Whole kilograms, as a site reports them; to 100 g the few kilograms of metals in its water."""
    kg = tonnes * 1000
    return kg.quantize(Decimal(1) if kg >= 100 else Decimal("0.1"))


def smelter_lines(year: int, rng: random.Random) -> list[dict[str, Any]]:
    """The smelter's release lines of `year` (kg/yr): 2024's figures scaled by the year's output and a small draw."""
    lines = []
    for (source, substance), (released, _limit, method) in RELEASES.items():
        tonnes = Decimal(released)
        if (source, substance) == OVER_LIMIT and year != max(YEARS):
            tonnes = USUAL_LEAD_SMELTER_SOX
        if year != max(YEARS):
            tonnes *= Decimal(YEARS[year]) * Decimal(str(round(rng.uniform(0.97, 1.03), 3)))
        medium = ReleaseMedium.WATER if source == "W001" else ReleaseMedium.AIR
        note = OVER_LIMIT_NOTE if (source, substance) == OVER_LIMIT and year == max(YEARS) else ""
        lines.append({
            "medium": medium, "substance": substance, "source": source, "kg_per_year": _kg(tonnes),
            "method": method, "note": note,
        })  # fmt: skip
    lines.append({
        "medium": ReleaseMedium.AIR, "substance": "Hg", "source": "0002", "kg_per_year": Decimal(MERCURY_KG[year]),
        "method": "C", "note": "",
    })  # fmt: skip
    return lines


def _transfer(direction: str, other: Enterprise, tonnes: Decimal) -> dict[str, Any]:
    return {
        "direction": direction, "waste_code": CAKE, "operation": "R4",
        "counterpart_bin": other.bin, "tonnes": tonnes,
    }  # fmt: skip


def _receiver() -> Enterprise:
    """The synthetic enterprise of Karaganda (registry.demo.load_synthetic)."""
    return Enterprise.objects.filter(synthetic=True, region__iso_code=KARAGANDA).order_by("bin")[0]


@transaction.atomic
def load_releases_demo() -> None:
    """The smelter, its permits and reports, and the receiver's reports, on top of the registry's demo
    (registry.demo.load_demo) with its accounts; the monitoring app, if loaded, opens the over-limit alert."""
    load_substances()
    load_thresholds()
    load_waste_codes()
    smelter = _smelter()
    staff, inspector = _accounts(smelter)
    admin = User.objects.get(username="admin")
    receiver = _receiver()
    _sources(staff, smelter)
    old = _permit(staff, inspector, smelter, OLD_PERMIT, OLD_ALLOWANCE)
    _permit(staff, inspector, smelter, NEW_PERMIT, Decimal(1), replaces=old)
    rng = random.Random(2025)
    for year in YEARS:
        sent = [_transfer("sent", receiver, CAKE_SENT[year])] if year in CAKE_SENT else []
        _file(staff, inspector, smelter, year, smelter_lines(year, rng), sent)
    for year, received in CAKE_RECEIVED.items():
        dust = {
            "medium": ReleaseMedium.AIR, "substance": "PM10", "source": None, "kg_per_year": RECEIVER_DUST_KG[year],
            "method": "E", "note": "",
        }  # fmt: skip
        _file(admin, admin, receiver, year, [dust], [_transfer("received", smelter, received)])


def _file(
    actor: User, reviewer: User, enterprise: Enterprise, year: int, lines: list[dict], transfers: list[dict]
) -> None:
    """A report filed by `actor`, its warnings (late, changes) confirmed as demo data, accepted by `reviewer`."""
    if ReleaseReport.objects.filter(enterprise=enterprise, year=year).exists():
        return
    report = releases.report_create(actor=actor, enterprise=enterprise, year=year, releases=lines, transfers=transfers)
    version = report.current
    assert version is not None  # report_create made its first version
    confirmations = {warning.key: EXPLANATION for warning in releases.current_warnings(version)}
    releases.report_submit(actor=actor, version=version, confirmations=confirmations)
    releases.report_accept(actor=reviewer, version=version)
