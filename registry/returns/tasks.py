"""E-mails about returns: the inspectors of the region hear of a submission, the enterprise of a decision."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import User
from registry.returns.models import ReturnEvent, ReturnVersion


def _recipients(version: ReturnVersion, event: str) -> list[str]:
    enterprise = version.waste_return.enterprise
    if event == ReturnEvent.Kind.SUBMITTED:
        users = User.objects.filter(inspector_assignments__region_id=enterprise.region_id, is_active=True)
    else:
        users = User.objects.filter(memberships__enterprise=enterprise, is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=6,
)
def notify_return_event(version_id: int, event: str) -> int:
    """One message per recipient; returns how many were sent."""
    version = ReturnVersion.objects.select_related("waste_return__enterprise").get(pk=version_id)
    waste_return = version.waste_return
    subject = {
        ReturnEvent.Kind.SUBMITTED: _("Waste return submitted: %(return)s"),
        ReturnEvent.Kind.ACCEPTED: _("Waste return accepted: %(return)s"),
        ReturnEvent.Kind.RETURNED: _("Waste return returned for correction: %(return)s"),
    }[event] % {"return": waste_return}
    body = "\n\n".join(
        part
        for part in (
            subject,
            _("Version %(number)s.") % {"number": version.number},
            version.reasons,
            settings.SITE_URL + reverse("returns:detail", args=[waste_return.pk]),
        )
        if part
    )
    recipients = _recipients(version, event)
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients])
    return len(recipients)
