"""The alert workflow: an inspector of the region moves an alert towards its close, on the record; the inspectors
of the region told of an alert once."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from monitoring.models import (
    Alert,
    AlertEvent,
    AlertKind,
    AlertStatus,
    Severity,
)
from monitoring.signals import alert_opened
from portal import outbox
from portal.models import Channel, User
from portal.permissions import Action, AnyUser, can, require

ALLOWED_MOVES: dict[str, set[str]] = {
    AlertStatus.NEW: {AlertStatus.ACKNOWLEDGED, AlertStatus.INVESTIGATING, AlertStatus.RESOLVED, AlertStatus.DISMISSED},
    AlertStatus.ACKNOWLEDGED: {AlertStatus.INVESTIGATING, AlertStatus.RESOLVED, AlertStatus.DISMISSED},
    AlertStatus.INVESTIGATING: {AlertStatus.RESOLVED, AlertStatus.DISMISSED},
    AlertStatus.RESOLVED: set(),
    AlertStatus.DISMISSED: set(),
}


def _needs_closing_comment(alert: Alert) -> bool:
    return alert.persistent or alert.severity >= Severity.HIGH


def _check_may_work(actor: AnyUser, alert: Alert) -> User:
    return require(actor, Action.WORK_ALERTS, alert, _("Only an inspector of the region works this alert."))


@transaction.atomic
def alert_update(
    *,
    actor: AnyUser,
    alert: Alert,
    status: str | None = None,
    comment: str = "",
    assign_to: User | None = None,
    seen_results: int | None = None,
) -> Alert:
    """`seen_results`: how many results the inspector saw; an alert is not closed over results they have not seen
    (an evaluation holds the alerts it extends until it commits, so they are counted here)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    worker = _check_may_work(actor, alert)
    if status and status != alert.status:
        if status not in ALLOWED_MOVES[alert.status]:
            raise ValidationError({"status": _("An alert that is %(old)s cannot become %(new)s.") % {
                "old": alert.get_status_display(), "new": AlertStatus(status).label}})  # fmt: skip
        if status == AlertStatus.DISMISSED and not comment.strip():
            raise ValidationError({"comment": _("Give the reason for dismissing the alert.")})
        if status == AlertStatus.RESOLVED and not comment.strip() and _needs_closing_comment(alert):
            # A serious or lasting pollution is closed on the record: what was done about it.
            message = _(
                "Say what was done: an alert of severity %(severity)s or a persistent one is resolved with a comment."
            )
            params = {"severity": alert.get_severity_display()}
            raise ValidationError({"comment": ValidationError(message, code="comment_required", params=params)})
        closing = status in (AlertStatus.RESOLVED, AlertStatus.DISMISSED)
        if closing and seen_results is not None and (arrived := alert.results.count() - seen_results) > 0:
            raise ValidationError({"status": ngettext(
                "A new result arrived since the alert was shown: review it before closing the alert.",
                "%(count)s new results arrived since the alert was shown: review them before closing the alert.",
                arrived) % {"count": arrived}})  # fmt: skip
        alert.status = status
        if status in (AlertStatus.RESOLVED, AlertStatus.DISMISSED):
            alert.closed_at = timezone.now()
    if assign_to is not None:
        if not can(assign_to, Action.WORK_ALERTS, alert):
            raise ValidationError({"assigned_to": _("%(user)s does not inspect this region.") % {"user": assign_to}})
        alert.assigned_to = assign_to
    alert.save()
    AlertEvent.objects.create(alert=alert, actor=worker, status=status or "", comment=comment.strip())
    return alert


def alert_message_key(alert_id: int) -> str:
    return f"alert:{alert_id}"


def _message_params(alert: Alert) -> dict[str, object]:
    """What the message says of the alert, as codes (named when shown, in the reader's language)."""
    if alert.kind == AlertKind.OVER_LIMIT:
        assert alert.source is not None and alert.substance is not None  # the kind's fields (alert_kind_fields)
        return {
            "kind": alert.kind,
            "substance": alert.substance.code,
            "source": alert.source.code,
            "year": alert.year,
            "enterprise_id": alert.enterprise_id,
        }
    if alert.kind != AlertKind.EXCEEDANCE:
        # A source's alert of continuous data or of a regime's verdict: its kind's own figures, as text (ISO times,
        # decimal fractions), written in the reader's language when shown (monitoring.messages).
        assert alert.source is not None
        params: dict[str, object] = {
            "kind": alert.kind,
            "source": alert.source.code,
            "enterprise_id": alert.enterprise_id,
        }
        if alert.substance is not None:
            params["substance"] = alert.substance.code
        for name in ("permitted_gs", "silent_since", "window_start", "window_end", "achieved_cut", "required_cut"):
            value = getattr(alert, name)
            if value is not None:
                params[name] = value.isoformat() if isinstance(value, datetime.datetime) else str(value)
        return params
    assert alert.point is not None and alert.pollutant is not None
    return {"pollutant": alert.pollutant.code, "point": alert.point.code, "enterprise_id": alert.enterprise_id}


def notify_once(alerts: QuerySet[Alert]) -> None:
    """Tell the inspectors of the region of each alert, by e-mail and on the site (the alert list's "New for
    you"), through the outbox: once per alert and inspector, however often the evaluation or acceptance runs."""
    inspectors: dict[int, list[User]] = {}
    told = list(alerts.select_related("enterprise", "point", "pollutant", "source", "substance"))
    for alert in told:
        region_id = alert.enterprise.region_id
        if region_id not in inspectors:
            inspectors[region_id] = list(
                User.objects.filter(inspector_assignments__region_id=region_id, is_active=True).order_by("pk")
            )
        outbox.post(
            key=alert_message_key(alert.pk),
            code="monitoring.alert",
            params=_message_params(alert),
            link=reverse("monitoring:alert-detail", args=[alert.pk]),
            recipients=inspectors[region_id],
            channels=(Channel.EMAIL, Channel.IN_APP),
        )
    if told:
        # The public's subscribers to these enterprises (monitoring.subscriptions) are told by the same step.
        alert_opened.send(sender=Alert, alerts=told)
