"""The texts of the messages about release reports (portal.outbox), written as the returns' are
(registry.returns.messages.filing_event). Registered when the app is ready (apps.py)."""

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from portal.outbox import Rendered, renderer
from registry.returns.messages import EVENTS, filing_event


def _report_event(event: str, params: Mapping[str, Any]) -> Rendered:
    subjects = {
        "submitted": _("Release report submitted: %(return)s"),
        "accepted": _("Release report accepted: %(return)s"),
        "returned": _("Release report returned for correction: %(return)s"),
    }
    return filing_event(subjects, event, params)


for _event in EVENTS:
    renderer(f"releases.{_event}")(partial(_report_event, _event))
