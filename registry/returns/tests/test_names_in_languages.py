"""Messages about returns keep the enterprise's id, not a name written in the language active when they were
stored: the subject names the enterprise when it is written, in the reader's language."""

# ruff: noqa: RUF001 (Kazakh and Russian text)

import datetime
import html

import pytest

from portal import outbox
from portal.models import OutboxMessage
from registry.returns import services
from registry.returns.models import FilingYear
from registry.returns.tests import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(enterprise_a):
    enterprise_a.name_kk, enterprise_a.name_ru = "«А» кәсіпорны ЖШС", "ТОО «Предприятие А»"
    enterprise_a.save()
    return enterprise_a


def test_a_submission_is_told_with_the_enterprise_named_in_the_readers_language(
    named, staff_a, inspector, draft_return
):
    helpers.submit(staff_a, draft_return)

    message = OutboxMessage.objects.get(code="returns.submitted")
    assert message.params == {"enterprise_id": named.pk, "year": helpers.YEAR, "number": 1, "reasons": ""}
    assert outbox.render(message, "ru").subject == f"Подан отчёт об отходах: ТОО «Предприятие А» — {helpers.YEAR}"
    assert outbox.render(message, "kk").subject.endswith(f": «А» кәсіпорны ЖШС — {helpers.YEAR}")
    assert outbox.render(message, "en").subject == f"Waste return submitted: Enterprise A LLP — {helpers.YEAR}"


def test_a_reminder_names_the_enterprise_when_it_is_written(named, staff_a):
    deadline = datetime.date(helpers.YEAR + 1, 4, 1)
    FilingYear.objects.exclude(year=helpers.YEAR).delete()
    FilingYear.objects.filter(year=helpers.YEAR).update(deadline=deadline)
    assert services.filing_reminders_create(today=deadline + datetime.timedelta(days=1)) == 1

    (message,) = OutboxMessage.objects.filter(code="returns.reminder")
    assert "enterprise" not in message.params and message.params["enterprise_id"] == named.pk
    expected = f"Просрочен отчёт об отходах за {helpers.YEAR} год: ТОО «Предприятие А»"
    assert outbox.render(message, "ru").subject == expected


def test_messages_stored_with_names_as_text_are_still_shown(staff_a):
    for code, params in [
        ("returns.accepted", {"return": "Old LLP — 2023", "number": 2, "reasons": ""}),
        ("returns.reminder", {"enterprise": "Old LLP", "year": 2023, "deadline": "2024-04-01", "overdue": True}),
    ]:
        outbox.post(key=code, code=code, params=params, link="/returns/", recipients=[staff_a])
    subjects = {message.code: outbox.render(message, "en").subject for message in OutboxMessage.objects.all()}
    assert subjects == {
        "returns.accepted": "Waste return accepted: Old LLP — 2023",
        "returns.reminder": "Waste return for 2023 overdue: Old LLP",
    }


def test_the_review_queue_orders_a_year_by_the_enterprise_name_the_reader_reads(
    web, named, enterprise_b, staff_a, staff_b, inspector
):
    enterprise_b.name_ru = "ТОО «Амурское»"  # before A's Russian name; after A's registered name
    enterprise_b.save()
    for staff, enterprise in ((staff_a, named), (staff_b, enterprise_b)):
        helpers.submit(staff, helpers.create(staff, enterprise))
    client = web(inspector)
    for language, expected in (
        ("ru", ["ТОО «Амурское»", "ТОО «Предприятие А»"]),
        ("en", ["Enterprise A LLP", "Enterprise B LLP"]),
    ):
        text = html.unescape(client.get("/returns/", HTTP_ACCEPT_LANGUAGE=language).content.decode())
        assert sorted(expected, key=text.index) == expected, language
