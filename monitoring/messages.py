"""The texts of the messages about alerts (portal.outbox), written from their parameters in the reader's
language. Registered when the app is ready (apps.py)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from portal.outbox import Rendered, renderer
from registry.selectors import enterprise_name


@renderer("monitoring.alert")
def alert(params: Mapping[str, Any]) -> Rendered:
    if params.get("kind") == "over_limit":
        shown = {
            "substance": params["substance"],
            "source": params["source"],
            "year": params["year"],
            "enterprise": enterprise_name(params),
        }
        return Rendered(
            _("Over the permit's limit: %(substance)s from source %(source)s in %(year)s (%(enterprise)s)") % shown
        )
    shown = {"pollutant": params["pollutant"], "point": params["point"], "enterprise": enterprise_name(params)}
    return Rendered(_("Exceedance: %(pollutant)s at %(point)s (%(enterprise)s)") % shown)
