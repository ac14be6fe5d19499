"""The texts of the messages about alerts (portal.outbox), written from their parameters in the reader's
language. Registered when the app is ready (apps.py)."""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    if params.get("kind") in SOURCE_MESSAGES:
        return Rendered(str(SOURCE_MESSAGES[params["kind"]]) % _source_shown(params))
    shown = {"pollutant": params["pollutant"], "point": params["point"], "enterprise": enterprise_name(params)}
    return Rendered(_("Exceedance: %(pollutant)s at %(point)s (%(enterprise)s)") % shown)


# The subjects of a source's alerts of continuous data and of regimes' verdicts, by kind (lazy: written in the
# reader's language when rendered).
SOURCE_MESSAGES: dict[str, Promise] = {
    "rate_over_limit": gettext_lazy(
        "Emission rate over the permit's limit of %(permitted_gs)s g/s: %(substance)s from source %(source)s "
        "(%(enterprise)s)"
    ),
    "silent": gettext_lazy(
        "Continuous monitoring silent: source %(source)s has sent nothing since %(silent_since)s (%(enterprise)s)"
    ),
    "cut_short": gettext_lazy(
        "Adverse-weather cut short: %(substance)s from source %(source)s cut by %(achieved_cut)s %% of the "
        "%(required_cut)s %% required (%(enterprise)s)"
    ),
    "not_measured": gettext_lazy(
        "Adverse-weather cut not measured: %(substance)s from source %(source)s, %(window_start)s to %(window_end)s "
        "(%(enterprise)s)"
    ),
}


def _source_shown(params: Mapping[str, Any]) -> dict[str, object]:
    """The parameters of a source's alert as the reader reads them: times in the portal's zone and the reader's
    format, cuts as percentages, figures without trailing zeros."""
    shown: dict[str, object] = {
        "source": params["source"],
        "substance": params.get("substance", ""),
        "enterprise": enterprise_name(params),
    }
    for name in ("silent_since", "window_start", "window_end"):
        if name in params:
            moment = timezone.localtime(datetime.datetime.fromisoformat(params[name]))
            shown[name] = formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    for name in ("achieved_cut", "required_cut"):
        if name in params:
            shown[name] = formats.number_format((Decimal(params[name]) * 100).quantize(Decimal("0.1")))
    if "permitted_gs" in params:
        shown["permitted_gs"] = formats.number_format(Decimal(params["permitted_gs"]).normalize())
    return shown
