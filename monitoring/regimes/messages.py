"""The texts of the messages about regimes (portal.outbox), written from their parameters in the reader's language.
Registered when the app is ready (apps.py)."""

import datetime
import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from monitoring.regimes.models import City, Degree
from portal.outbox import Rendered, renderer
from registry.selectors import enterprise_name


def _moment(value: Any, city: City | None) -> str:
    """A time as the city reads it (its region's zone), else in the portal's."""
    zone = zoneinfo.ZoneInfo(city.region.time_zone) if city else None
    moment = timezone.localtime(datetime.datetime.fromisoformat(str(value)), zone)
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


@renderer("regimes.declared")
def _declared(params: Mapping[str, Any]) -> Rendered:
    city = City.objects.filter(pk=params.get("city_id") or 0).select_related("region").first()
    names = {
        "city": city.local_name if city else "",
        "degree": Degree(params["degree"]).label if params.get("degree") in Degree.values else "",
        "enterprise": enterprise_name(params),
        "starts": _moment(params["starts_at"], city),
        "ends": _moment(params["ends_at"], city),
    }
    subject = _("Adverse-weather regime over %(city)s, %(degree)s: %(enterprise)s") % names
    body = (
        _(
            "A regime of adverse meteorological conditions (%(degree)s) is declared over %(city)s from %(starts)s to "
            "%(ends)s. Cut the emissions of your sources in the city as your regime plan provides."
        )
        % names
    )
    return Rendered(subject, body)
