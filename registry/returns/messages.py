"""The texts of the messages about returns (portal.outbox), written from their parameters in the reader's
language. Registered when the app is ready (apps.py)."""

import datetime
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from portal.outbox import Rendered, renderer
from registry.selectors import enterprise_name

EVENTS = ("submitted", "accepted", "returned")


def _return_name(params: Mapping[str, Any]) -> str:
    """As a return names itself (WasteReturn.__str__), the enterprise in the reader's language; messages stored
    before names were looked up kept the return's name as text."""
    if "year" not in params:
        return str(params.get("return", ""))
    return f"{enterprise_name(params)} — {params['year']}"


def filing_event(subjects: Mapping[str, str], event: str, params: Mapping[str, Any]) -> Rendered:
    """A message about a filing's version (the returns', the release reports'): the subject of its event, with the
    filing named as a return names itself, the version's number and the inspector's reasons."""
    subject = subjects[event] % {"return": _return_name(params)}
    parts = (_("Version %(number)s.") % {"number": params["number"]}, params["reasons"])
    return Rendered(subject, "\n\n".join(part for part in parts if part))


def _return_event(event: str, params: Mapping[str, Any]) -> Rendered:
    subjects = {
        "submitted": _("Waste return submitted: %(return)s"),
        "accepted": _("Waste return accepted: %(return)s"),
        "returned": _("Waste return returned for correction: %(return)s"),
    }
    return filing_event(subjects, event, params)


for _event in EVENTS:
    renderer(f"returns.{_event}")(partial(_return_event, _event))


@renderer("returns.reminder")
def reminder(params: Mapping[str, Any]) -> Rendered:
    values = {
        "enterprise": enterprise_name(params),
        "year": params["year"],
        "deadline": formats.date_format(datetime.date.fromisoformat(params["deadline"]), "DATE_FORMAT"),
    }
    if params["overdue"]:
        subject = _("Waste return for %(year)s overdue: %(enterprise)s") % values
        body = _("The deadline was %(deadline)s. Please file the return as soon as possible.") % values
    else:
        subject = _("Waste return for %(year)s due by %(deadline)s: %(enterprise)s") % values
        body = _("The return for %(year)s has not been submitted yet.") % values
    return Rendered(subject, body)
