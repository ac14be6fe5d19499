"""The texts of the e-mails to subscribers (portal.outbox), written from their parameters in the subscriber's
language when sent. Every message but the confirmation carries the link that ends its subscription
(`Rendered.unsubscribe`: in the text and in the List-Unsubscribe headers). Registered when the app is ready."""

import datetime
import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from monitoring.models import AlertKind
from monitoring.regimes.models import City, Degree, VerdictStatus
from monitoring.subscriptions import links
from monitoring.subscriptions.services import CONFIRM_CODE
from portal.outbox import Rendered, renderer
from registry.selectors import enterprise_name

ALERT_CODE = "subscriptions.alert"
REGIME_CODE = "subscriptions.regime"
VERDICT_CODE = "subscriptions.verdict"


def _city(params: Mapping[str, Any]) -> City | None:
    return City.objects.select_related("region").filter(pk=params.get("city_id")).first()


def target_name(params: Mapping[str, Any]) -> str:
    """The city or the enterprise a message is about, in the reader's language."""
    if "city_id" in params:
        city = _city(params)
        return city.local_name if city else ""
    return enterprise_name(params)


def _unsubscribe(params: Mapping[str, Any]) -> str:
    return links.unsubscribe_url(int(params["subscription"]))


def _moment(text: str, zone: str | None) -> str:
    """An ISO time as the reader writes it, in the city's own time."""
    moment = datetime.datetime.fromisoformat(text)
    if zone:
        moment = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


@renderer(CONFIRM_CODE)
def confirm(params: Mapping[str, Any]) -> Rendered:
    shown = {"target": target_name(params), "days": links.CONFIRM_DAYS}
    if "city_id" in params:
        subject = _("Confirm your subscription to the adverse-weather regimes of %(target)s") % shown
    else:
        subject = _("Confirm your subscription to the regime verdicts and alerts of %(target)s") % shown
    body = _(
        "Someone, perhaps you, asked Qaldyq to e-mail this address about %(target)s. To confirm, open this link "
        "within %(days)s days: %(link)s\n\nIf it was not you, ignore this e-mail: nothing will be sent to you."
    ) % {**shown, "link": links.confirm_url(int(params["subscription"]))}
    return Rendered(subject, body)


@renderer(ALERT_CODE)
def alert(params: Mapping[str, Any]) -> Rendered:
    shown = {
        "enterprise": enterprise_name(params),
        "kind": AlertKind(params["kind"]).label,
        "subject": params.get("subject", ""),
        "substance": params.get("substance", ""),
    }
    subject = _("Alert at %(enterprise)s: %(kind)s") % shown
    parts = []
    if shown["subject"]:
        parts.append(_("Source or monitoring point: %(subject)s") % shown)
    if shown["substance"]:
        parts.append(_("Substance: %(substance)s") % shown)
    parts.append(_("The region's inspectors have been told and will look into it."))
    return Rendered(subject, "\n".join(parts), unsubscribe=_unsubscribe(params))


@renderer(REGIME_CODE)
def regime(params: Mapping[str, Any]) -> Rendered:
    city = _city(params)
    zone = city.region.time_zone if city else None
    shown = {
        "city": city.local_name if city else "",
        "degree": Degree(params["degree"]).label,
        "starts": _moment(params["starts_at"], zone),
        "ends": _moment(params["ends_at"], zone),
        "bulletin": params["bulletin"],
    }
    subject = _("Adverse-weather regime of the %(degree)s in %(city)s") % shown
    body = (
        _(
            "From %(starts)s to %(ends)s, local time. Enterprises with emission sources in the city must cut their "
            "emissions.\nBulletin: %(bulletin)s"
        )
        % shown
    )
    return Rendered(subject, body, unsubscribe=_unsubscribe(params))


def _percent(fraction: object) -> str:
    return formats.number_format(float(str(fraction)) * 100, decimal_pos=1)


@renderer(VERDICT_CODE)
def verdict(params: Mapping[str, Any]) -> Rendered:
    shown = {
        "enterprise": enterprise_name(params),
        "verdict": VerdictStatus(params["status"]).label,
        "source": params["source"],
        "substance": params["substance"],
        "required": _percent(params["required_cut"]),
        "during": params["during_count"],
        "before": params["baseline_count"],
    }
    subject = _("Adverse-weather regime verdict for %(enterprise)s: %(verdict)s") % shown
    if params.get("achieved_cut") is None:
        body = (
            _(
                "Source %(source)s, %(substance)s: the cut could not be measured (required %(required)s %%; intervals "
                "during the regime %(during)s, before it %(before)s)."
            )
            % shown
        )
    else:
        body = _(
            "Source %(source)s, %(substance)s: cut %(achieved)s %% against the required %(required)s %% (intervals "
            "during the regime %(during)s, before it %(before)s)."
        ) % {**shown, "achieved": _percent(params["achieved_cut"])}
    return Rendered(subject, body, unsubscribe=_unsubscribe(params))
