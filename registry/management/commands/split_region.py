import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.audit_actor import acting
from portal.models import User
from registry import services
from registry.geo import Outline
from registry.models import EnterpriseRegionPeriod, Region


class Command(BaseCommand):
    help = (
        "Apply a region split: the new region was formed out of the parent on the date. Enterprises and deposits in "
        "the new region's outline move there from that date; the rest of the parent's are listed as awaiting an "
        "administrator (admin: Regions of enterprises over time, awaiting assignment)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("parent", help="ISO code of the region it split off from, e.g. KZ-63")
        parser.add_argument("region", help="ISO code of the new region, e.g. KZ-10")
        parser.add_argument("date", type=datetime.date.fromisoformat, help="first day of the new region, YYYY-MM-DD")
        parser.add_argument("--outline", type=Path, help="GeoJSON polygon of the new region")
        parser.add_argument("--as", dest="username", required=True, help="the administrator who applies it")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        regions = Region.objects.in_bulk([options["parent"], options["region"]], field_name="iso_code")
        missing = [code for code in (options["parent"], options["region"]) if code not in regions]
        if missing:
            raise CommandError(f"No region {', '.join(missing)}.")
        outline = None
        if options["outline"] is not None:
            try:
                outline = Outline.from_text(options["outline"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
        try:
            with acting(user):
                outcome = services.region_split(
                    actor=user, parent=regions[options["parent"]], region=regions[options["region"]],
                    date=options["date"], outline=outline,
                )  # fmt: skip
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"moved: {outcome.moved['enterprises']} enterprises, {outcome.moved['deposits']} deposits")
        self.stdout.write(
            f"awaiting assignment: {outcome.awaiting['enterprises']} enterprises, "
            f"{outcome.awaiting['deposits']} deposits"
        )
        for period in EnterpriseRegionPeriod.objects.filter(awaiting_split=outcome.split).select_related("enterprise"):
            self.stdout.write(f"  {period.enterprise.bin} {period.enterprise}")
