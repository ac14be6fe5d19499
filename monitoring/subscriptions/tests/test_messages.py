"""Each e-mail to a subscriber is written from its codes and parameters in the subscriber's language (kk, ru, en),
names its target there, and all but the confirmation carry the unsubscribe link."""

import pytest
from django.utils import translation

from monitoring.subscriptions import messages
from monitoring.subscriptions.services import CONFIRM_CODE
from portal import outbox
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(enterprise_a, city):
    enterprise, town = {"enterprise_id": enterprise_a.pk}, {"city_id": city.pk}
    regime = {"degree": 3, "starts_at": "2024-11-12T00:00:00+05:00", "ends_at": "2024-11-15T00:00:00+05:00"}
    verdict = {"status": "not_measured", "source": "0001", "substance": "SOx", "achieved_cut": None}
    counts = {"required_cut": "0.4", "during_count": 0, "baseline_count": 168}
    return {
        CONFIRM_CODE: {**town},
        messages.ALERT_CODE: {**enterprise, "kind": "exceedance", "subject": "AIR-1", "substance": "Cu"},
        messages.REGIME_CODE: {**town, **regime, "bulletin": "No. 7"},
        messages.VERDICT_CODE: {**enterprise, **verdict, **counts},
    }


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_message_in_every_language(cases, language):
    for code, params in cases.items():
        message = OutboxMessage(code=code, params={**params, "subscription": 5}, channel="email")
        rendered = outbox.render(message, language)
        assert rendered.subject and rendered.body, code
        assert "%(" not in rendered.subject + rendered.body, code
        assert bool(rendered.unsubscribe) == (code != CONFIRM_CODE), code
    with translation.override(language):
        assert (
            messages.target_name(cases[messages.REGIME_CODE])
            in outbox.render(
                OutboxMessage(code=messages.REGIME_CODE, params={**cases[messages.REGIME_CODE], "subscription": 5}),
                language,
            ).subject
        )
