"""A message about an alert keeps the enterprise's id, not a name: it names the enterprise when shown, in the
reader's language ("New for you" on a Kazakh page, an e-mail in the portal's language)."""

# ruff: noqa: RUF001 (Kazakh and Russian text)

import pytest
from django.utils import translation

from monitoring.tests.helpers import row
from portal import outbox
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_the_alert_message_stores_the_enterprise_id_and_names_it_in_the_readers_language(
    air, inspector, staff_a, enterprise_a, submit
):
    enterprise_a.name_kk, enterprise_a.name_ru = "«А» кәсіпорны ЖШС", "ТОО «Предприятие А»"
    enterprise_a.save()
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])

    message = OutboxMessage.objects.get(code="monitoring.alert", channel="in_app")
    assert message.params == {"pollutant": "Cu", "point": "AIR-1", "enterprise_id": enterprise_a.pk}
    assert outbox.render(message, "kk").subject == "Асып кету: Cu, AIR-1 нүктесі («А» кәсіпорны ЖШС)"
    assert outbox.render(message, "ru").subject == "Превышение: Cu в точке AIR-1 (ТОО «Предприятие А»)"
    assert outbox.render(message, "en").subject == "Exceedance: Cu at AIR-1 (Enterprise A LLP)"

    enterprise_a.name_ru = "ТОО «Переименованное»"
    enterprise_a.save()
    with translation.override("ru"):  # a page shown to its reader
        assert outbox.render(message).subject.endswith("(ТОО «Переименованное»)"), "looked up when shown"


def test_a_message_stored_with_the_name_as_text_is_still_shown(inspector, enterprise_a):
    outbox.post(
        key="alert:0", code="monitoring.alert", params={"pollutant": "Cu", "point": "AIR-1", "enterprise": "Old LLP"},
        link="/monitoring/alerts/0/", recipients=[inspector], channels=("in_app",),
    )  # fmt: skip
    assert outbox.render(OutboxMessage.objects.get()).subject == "Exceedance: Cu at AIR-1 (Old LLP)"
