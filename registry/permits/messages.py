"""The texts of the messages about permits (portal.outbox), written from their parameters in the reader's language.
Registered when the app is ready (apps.py)."""

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.utils.translation import gettext as _

from portal.outbox import Rendered, renderer
from registry.selectors import enterprise_name

EVENTS = ("submitted", "verified", "returned")


def _permit_event(event: str, params: Mapping[str, Any]) -> Rendered:
    names = {"permit": params.get("number", ""), "enterprise": enterprise_name(params)}
    subject = {
        "submitted": _("Permit %(permit)s submitted for verification: %(enterprise)s"),
        "verified": _("Permit %(permit)s verified: %(enterprise)s"),
        "returned": _("Permit %(permit)s returned for correction: %(enterprise)s"),
    }[event] % names
    return Rendered(subject, str(params.get("reasons") or ""))


for _event in EVENTS:
    renderer(f"permits.{_event}")(partial(_permit_event, _event))
