"""Demo data: the real Balkhash slag dump plus synthetic enterprises and deposits.

Synthetic records carry `synthetic=True` and say so on every page. Everything is keyed by a natural
key (username, BIN, operator + deposit name), so loading twice changes nothing.
"""

# ruff: noqa: RUF001 (Russian and Kazakh names)

import json
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from portal.models import User
from registry import services
from registry.geo import in_kazakhstan
from registry.models import (
    SUBKINDS_BY_KIND,
    Deposit,
    DepositComponent,
    DepositRegionPeriod,
    DepositStatus,
    Enterprise,
    EnterpriseRegionPeriod,
    InspectorAssignment,
    Membership,
    Region,
)
from registry.reference import DATA_DIR, load_region_splits, load_regions
from registry.validators import bin_check_digit

# Demo accounts, one per role (README, "Demo accounts"). Never created outside demo mode.
DEMO_PASSWORDS = {
    "admin": "qaldyq-admin-demo",
    "inspector": "qaldyq-inspector-demo",
    "staff": "qaldyq-staff-demo",
    "smelter": "qaldyq-smelter-demo",  # staff of the demo zinc smelter (registry.releases.demo)
}
# The reserved .invalid domain (RFC 2606) marks them as demo and can never reach a real mailbox, yet it gives the
# promised e-mails (decisions, alerts) an address, so they show on the console backend.
DEMO_EMAIL_DOMAIN = "demo.qaldyq.invalid"
INSPECTOR_REGIONS = ("KZ-35", "KZ-62")

# Approximate coordinates of each region's administrative centre; synthetic deposits lie around them.
CENTRES: dict[str, tuple[float, float]] = {
    "KZ-10": (50.41, 80.25), "KZ-11": (53.28, 69.39), "KZ-15": (50.28, 57.17), "KZ-19": (43.87, 77.07),
    "KZ-23": (47.11, 51.92), "KZ-27": (51.23, 51.37), "KZ-31": (42.90, 71.37), "KZ-33": (45.02, 78.37),
    "KZ-35": (49.80, 73.10), "KZ-39": (53.21, 63.63), "KZ-43": (44.85, 65.51), "KZ-47": (43.65, 51.17),
    "KZ-55": (52.29, 76.97), "KZ-59": (54.87, 69.15), "KZ-61": (43.30, 68.25), "KZ-62": (47.78, 67.71),
    "KZ-63": (49.95, 82.61), "KZ-71": (51.17, 71.45), "KZ-75": (43.24, 76.89), "KZ-79": (42.32, 69.59),
}  # fmt: skip

METALS_BY_KIND = {
    "mining": [("Cu", "0.12", "0.05", "0.30"), ("Fe", "18", "10", "28")],
    "mining_processing": [("Cu", "0.25", "0.10", "0.60"), ("Zn", "0.40", "0.15", "0.90"), ("Au", "0.6", "0.2", "1.4")],
    "chemical_metallurgical": [("Cu", "0.7", "0.3", "1.2"), ("Pb", "0.3", "0.1", "0.6"), ("Zn", "1.1", "0.5", "2.0")],
    "energy": [("Al", "12", "9", "15"), ("Fe", "5", "3", "8")],
}
SUBKIND_NAMES = {
    "overburden": "overburden dump", "host_rock": "host-rock dump", "dust": "dust store",
    "substandard_ore": "sub-standard ore dump", "tailings": "tailings storage facility",
    "processing_sludge": "sludge pond", "slag": "slag dump", "cake": "cake storage", "clinker": "clinker dump",
    "ash": "ash pond", "ash_slag": "ash-slag dump",
}  # fmt: skip
# The same in Russian and Kazakh: demo names exist in every language, as a real registry's may.
SUBKIND_NAMES_RU = {
    "overburden": "отвал вскрышных пород", "host_rock": "отвал вмещающих пород", "dust": "пылехранилище",
    "substandard_ore": "отвал некондиционной руды", "tailings": "хвостохранилище",
    "processing_sludge": "шламонакопитель", "slag": "шлаковый отвал", "cake": "хранилище кеков",
    "clinker": "отвал клинкера", "ash": "золоотвал", "ash_slag": "золошлакоотвал",
}  # fmt: skip
SUBKIND_NAMES_KK = {
    "overburden": "аршылған жыныстар үйіндісі", "host_rock": "сыйыстырушы жыныстар үйіндісі",
    "dust": "шаң қоймасы", "substandard_ore": "кондициясыз кен үйіндісі", "tailings": "қалдық қоймасы",
    "processing_sludge": "шлам жинағыш", "slag": "қож үйіндісі", "cake": "кек қоймасы",
    "clinker": "клинкер үйіндісі", "ash": "күл үйіндісі", "ash_slag": "күл-қож үйіндісі",
}  # fmt: skip
BALKHASH_PLANT = {
    "name": "Kazakhmys Corporation LLP (Balkhash Copper Plant)",
    "name_en": "Kazakhmys Corporation LLP (Balkhash Copper Plant)",
    "name_ru": "ТОО «Корпорация Казахмыс» (Балхашский медеплавильный завод)",
    "name_kk": "«Қазақмыс Корпорациясы» ЖШС (Балқаш мыс қорыту зауыты)",
}
SUBKINDS = [subkind for subkinds in SUBKINDS_BY_KIND.values() for subkind in subkinds]
KIND_OF = {subkind: kind for kind, subkinds in SUBKINDS_BY_KIND.items() for subkind in subkinds}


def demo_bin(serial: int) -> str:
    """A well-formed BIN for a demo enterprise: registered 2001-01, legal entity, serial, check digit."""
    while True:
        first = f"010140{serial:05d}"
        check = bin_check_digit(first)
        if check is not None:
            return f"{first}{check}"
        serial += 50_000


def _user(username: str, role: str, **extra: Any) -> User:
    email = f"{username}@{DEMO_EMAIL_DOMAIN}"
    user, created = User.objects.get_or_create(username=username, defaults={"role": role, "email": email, **extra})
    if created:
        user.set_password(DEMO_PASSWORDS[username])
        user.save(update_fields=["password"])
    elif not user.email:
        # Databases loaded before the demo accounts had addresses get them on the next load.
        user.email = email
        user.save(update_fields=["email"])
    return user


def _deposit(actor: User, fields: dict[str, Any], surveys: list[dict], components: list[dict], **extra: Any) -> None:
    if Deposit.objects.filter(operator=fields["operator"], name=fields["name"]).exists():
        return
    deposit = services.deposit_create(actor=actor, fields=fields, **extra)
    for survey in surveys:
        services.survey_add(actor=actor, deposit=deposit, fields=survey)
    for component in components:
        services.component_add(actor=actor, deposit=deposit, fields=component)


def _d(value: float | int | str) -> Decimal:
    return Decimal(str(value))


def load_balkhash(actor: User) -> Enterprise:
    data = json.loads((DATA_DIR / "deposit_balkhash_slag.json").read_text(encoding="utf-8"))
    region = Region.objects.get(iso_code=data["region_iso"])
    enterprise, _ = Enterprise.objects.get_or_create(
        bin=demo_bin(1),
        defaults={
            **BALKHASH_PLANT,
            "region": region,
            "address": "Balkhash, Karaganda region",
        },
    )
    state = data["state_2023"]
    latest, *older = sorted(data["history"], key=lambda row: -row["year"])
    fields = {
        "name": data["name"],
        "name_en": data["name"],
        "name_ru": data["name_ru"],
        "name_kk": data["name_kk"],
        "operator": enterprise,
        "region": region,
        "kind": "chemical_metallurgical",
        "subkind": "slag",
        "status": DepositStatus.OPERATING,
        "latitude": _d(data["latitude_approx"]),
        "longitude": _d(data["longitude_approx"]),
        "start_year": data["in_operation_since"],
        "state_year": latest["year"],
        "tonnage_t": _d(state["accumulated_mt"]) * 1_000_000,
        "area_ha": _d(state["area_ha"]),
        "area_uncertainty_ha": _d(state["area_ha_uncertainty"]),
        "max_height_m": _d(state["max_height_m"]),
        "mean_height_m": _d(state["mean_height_m"]),
        "density_min_t_m3": _d(state["storage_density_t_per_m3"][0]),
        "density_max_t_m3": _d(state["storage_density_t_per_m3"][1]),
        "annual_increase_min_t": _d(state["annual_increase_kt"][0]) * 1000,
        "annual_increase_max_t": _d(state["annual_increase_kt"][1]) * 1000,
        "area_increase_min_ha": _d(state["area_increase_ha_per_year"][0]),
        "area_increase_max_ha": _d(state["area_increase_ha_per_year"][1]),
        "hazard_class": data["hazard_class"],
        "hazard_system": "Waste hazard class as given in the source (Makhimova et al., 2026)",
        "notes": f"{state['_note']} Coordinates are approximate (the town of Balkhash).",
        "sources": data["_source"],
        "is_published": True,
    }
    surveys = [
        {"year": row["year"], "tonnage_t": _d(row["accumulated_mt"]) * 1_000_000,
         "annual_t": _d(row["annual_kt"]) * 1000, "source": row["source"]}
        for row in older
    ]  # fmt: skip
    components = [
        {"basis": DepositComponent.Basis.CHEMICAL, "component": row["component"], "mean": _d(row["mean"]),
         "minimum": _d(row["range"][0]), "maximum": _d(row["range"][1]), "method": row["method"]}
        for row in data["composition_pct"]
    ] + [
        {"basis": DepositComponent.Basis.MINERAL, "component": row["phase"],
         "minimum": _d(row["range"][0]), "maximum": _d(row["range"][1])}
        for row in data["mineral_phases_pct"]
    ]  # fmt: skip
    survey_fields = {"annual_t": _d(latest["annual_kt"]) * 1000, "source": latest["source"]}
    _deposit(actor, fields, surveys, components, survey_fields=survey_fields)
    return enterprise


def _location(rng: random.Random, centre: tuple[float, float], spread: float) -> tuple[Decimal, Decimal]:
    while True:
        lat = centre[0] + rng.uniform(-spread, spread)
        lon = centre[1] + rng.uniform(-spread, spread)
        if in_kazakhstan(latitude=lat, longitude=lon):
            return Decimal(f"{lat:.5f}"), Decimal(f"{lon:.5f}")


def load_synthetic(actor: User) -> None:
    """One synthetic enterprise per region, three deposits each, cycling through every sub-kind."""
    rng = random.Random(20261121)
    subkind_cycle = 0
    for serial, region in enumerate(Region.objects.order_by("iso_code"), start=100):
        enterprise, _ = Enterprise.objects.get_or_create(
            bin=demo_bin(serial),
            defaults={
                "name": f"Demo Mining {region.name_en} JSC",
                "name_en": f"Demo Mining {region.name_en} JSC",
                "name_ru": f"АО «Демо Майнинг» ({region.name_ru})",
                "name_kk": f"«Демо Майнинг» АҚ ({region.name_kk})",
                "region": region,
                "address": f"{region.admin_centre} (synthetic)",
                "email": f"office{serial}@demo.invalid",
                "synthetic": True,
            },
        )
        spread = 0.08 if region.kind == Region.Kind.CITY else 0.6
        for number in range(3):
            subkind = SUBKINDS[subkind_cycle % len(SUBKINDS)]
            subkind_cycle += 1
            kind = KIND_OF[subkind]
            lat, lon = _location(rng, CENTRES[region.iso_code], spread)
            tonnage = _d(round(rng.uniform(0.2, 400.0), 1)) * 1_000_000
            increase = _d(round(rng.uniform(50, 3000))) * 1000
            fields = {
                "name": f"{region.name_en} {SUBKIND_NAMES[subkind]} No. {number + 1}",
                "name_en": f"{region.name_en} {SUBKIND_NAMES[subkind]} No. {number + 1}",
                "name_ru": f"{SUBKIND_NAMES_RU[subkind].capitalize()} № {number + 1} ({region.name_ru})",
                "name_kk": f"{SUBKIND_NAMES_KK[subkind].capitalize()} № {number + 1} ({region.name_kk})",
                "operator": enterprise, "region": region, "kind": kind, "subkind": subkind,
                "status": rng.choice(list(DepositStatus.values)), "latitude": lat, "longitude": lon,
                "start_year": rng.randint(1935, 2005), "state_year": 2023, "tonnage_t": tonnage,
                "area_ha": _d(round(rng.uniform(5, 900))),
                "max_height_m": _d(round(rng.uniform(5, 80), 1)),
                "annual_increase_min_t": increase, "annual_increase_max_t": increase * Decimal("1.2"),
                "hazard_class": rng.choice(["IV", "V", "III", "amber", "green"]),
                "hazard_system": "synthetic",
                "notes": "Synthetic record for the demonstration; not real data.",
                "is_published": number != 2 or region.iso_code != "KZ-35",
                "synthetic": True,
            }  # fmt: skip
            surveys = [
                {"year": year, "tonnage_t": (tonnage * _d(share)).quantize(Decimal("0.1")), "source": "synthetic"}
                for year, share in ((2005, "0.55"), (2015, "0.8"), (2020, "0.92"))
            ]
            components = [
                {"component": metal, "mean": _d(mean), "minimum": _d(low), "maximum": _d(high), "method": "synthetic"}
                for metal, mean, low, high in METALS_BY_KIND[kind]
            ]
            _deposit(actor, fields, surveys, components)


def load_splits(admin: User, kazakhmys: Enterprise) -> None:
    """The 2022 splits, applied to the demo registry as an administrator would to a real one: the synthetic
    enterprises and deposits of Abai, Jetisu and Ulytau lay in East Kazakhstan, Almaty region and Karaganda until
    7 June 2022 (their returns of 2019-2021 count there, those of 2022-2023 in the new regions). No outline of the
    new regions ships, so those of the three parents are listed as awaiting assignment; the Balkhash plant and its
    dump stay in Karaganda (regions.csv), which the demo administrator has decided."""
    load_region_splits()
    for period in [
        *EnterpriseRegionPeriod.objects.awaiting().filter(enterprise=kazakhmys),
        *DepositRegionPeriod.objects.awaiting().filter(deposit__operator=kazakhmys),
    ]:
        services.region_period_decide(actor=admin, period=period, move=False)


@transaction.atomic
def load_demo() -> None:
    """Regions, the demo accounts, the Balkhash dump, the synthetic enterprises and the 2022 splits (returns:
    registry.returns.demo)."""
    load_regions()
    admin = _user("admin", User.Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    inspector = _user("inspector", User.Role.INSPECTOR)
    staff = _user("staff", User.Role.ENTERPRISE_STAFF)
    for iso_code in INSPECTOR_REGIONS:
        InspectorAssignment.objects.get_or_create(user=inspector, region=Region.objects.get(iso_code=iso_code))
    kazakhmys = load_balkhash(admin)
    Membership.objects.get_or_create(user=staff, enterprise=kazakhmys)
    load_synthetic(admin)
    load_splits(admin, kazakhmys)
