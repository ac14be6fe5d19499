"""Who is expected to file (selectors.expected_filers), whose return is outstanding, and the reminders their staff
get through the outbox before and after the deadline: once per enterprise, year and kind."""

import datetime

import pytest
from django.core import mail

from portal import outbox
from portal.models import OutboxMessage
from registry.returns import selectors, services
from registry.returns.models import FilingYear
from registry.returns.tests import helpers
from registry.tests.factories import DepositFactory, EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db

YEAR = helpers.YEAR
DEADLINE = datetime.date(YEAR + 1, 4, 1)


@pytest.fixture
def deadline(filing_years):
    """The deadline of YEAR is 1 April of the next year; the other years keep the default, far from it."""
    FilingYear.objects.exclude(year=YEAR).delete()
    FilingYear.objects.filter(year=YEAR).update(deadline=DEADLINE)
    return DEADLINE


def names(enterprises) -> set[str]:
    return {enterprise.name for enterprise in enterprises}


def test_expected_filers(staff_a, administrator, region):
    """Enterprise A has a member (registered as a filer); the others have none."""
    EnterpriseFactory(name="Nothing to file")
    DepositFactory(operator=EnterpriseFactory(name="Operates a deposit"), start_year=YEAR)
    DepositFactory(operator=EnterpriseFactory(name="Deposit from next year"), start_year=YEAR + 1)
    DepositFactory(operator=EnterpriseFactory(name="Deposit of unknown age"), start_year=None)
    filed = EnterpriseFactory(name="Filed last year", region=region)
    helpers.submit(administrator, helpers.create(administrator, filed, YEAR - 1))
    drafted = EnterpriseFactory(name="Drafted last year", region=region)
    helpers.create(administrator, drafted, YEAR - 1)
    begun = EnterpriseFactory(name="Began this year", region=region)
    helpers.create(administrator, begun, YEAR)
    MembershipFactory(enterprise=EnterpriseFactory(name="Member gone"), user__is_active=False)

    assert names(selectors.expected_filers(YEAR)) == {
        "Enterprise A LLP", "Operates a deposit", "Deposit of unknown age", "Filed last year", "Began this year",
    }  # fmt: skip


def test_outstanding_filers(enterprise_a, enterprise_b, staff_a, staff_b, inspector):
    missing = MembershipFactory(enterprise=EnterpriseFactory(name="Missing", region=enterprise_a.region)).enterprise
    draft = helpers.create(staff_a, enterprise_a)
    submitted = helpers.submit(staff_b, helpers.create(staff_b, enterprise_b))
    returned_staff = MembershipFactory(enterprise=EnterpriseFactory(name="Returned", region=enterprise_a.region)).user
    returned = helpers.send_back(
        inspector, helpers.submit(returned_staff, helpers.create(returned_staff, returned_staff.enterprises.get()))
    )
    corrected_staff = MembershipFactory(
        enterprise=EnterpriseFactory(name="Correcting", region=enterprise_a.region)
    ).user
    accepted = helpers.accept(
        inspector, helpers.submit(corrected_staff, helpers.create(corrected_staff, corrected_staff.enterprises.get()))
    )
    helpers.correct(corrected_staff, accepted)

    outstanding = names(selectors.outstanding_filers(YEAR))

    assert outstanding == {draft.enterprise.name, returned.enterprise.name, missing.name}
    assert submitted.enterprise.name not in outstanding


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (DEADLINE - datetime.timedelta(days=31), None),
        (DEADLINE - datetime.timedelta(days=30), "due-30"),
        (DEADLINE - datetime.timedelta(days=8), "due-30"),
        (DEADLINE - datetime.timedelta(days=7), "due-7"),
        (DEADLINE, "due-7"),
        (DEADLINE + datetime.timedelta(days=1), "overdue"),
        (DEADLINE + datetime.timedelta(days=30), "overdue"),
        (DEADLINE + datetime.timedelta(days=31), None),
    ],
)
def test_reminder_kind(today, kind, settings):
    settings.RETURNS_REMINDER_DAYS = (30, 7)
    assert services.reminder_kind(DEADLINE, today) == kind


def test_each_reminder_is_sent_once_per_enterprise_year_and_kind(
    deadline, settings, enterprise_a, enterprise_b, staff_a, staff_b, mailoutbox, django_capture_on_commit_callbacks
):
    settings.RETURNS_REMINDER_DAYS = (30, 7)
    colleague = MembershipFactory(enterprise=enterprise_a, user__username="colleague").user
    draft = helpers.create(staff_a, enterprise_a)
    helpers.submit(staff_b, helpers.create(staff_b, enterprise_b))

    def remind(days: int) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return services.filing_reminders_create(today=deadline + datetime.timedelta(days=days))

    assert remind(-40) == 0
    assert remind(-20) == 1
    assert remind(-19) == 0, "the same kind again: nothing"
    assert sorted(message.to[0] for message in mailoutbox) == sorted([staff_a.email, colleague.email])
    assert mailoutbox[0].subject == "Waste return for 2024 due by April 1, 2025: Enterprise A LLP"
    assert f"/returns/{draft.pk}/" in mailoutbox[0].body
    MembershipFactory(enterprise=enterprise_a, user__username="late_joiner")
    assert remind(-18) == 0, "once per enterprise: a member who joins later is not reminded of the same"

    assert remind(-3) == 1
    assert remind(2) == 1
    assert remind(3) == 0
    assert mailoutbox[-1].subject == "Waste return for 2024 overdue: Enterprise A LLP"
    assert "The deadline was April 1, 2025." in mailoutbox[-1].body
    kinds = OutboxMessage.objects.filter(code="returns.reminder").values_list("dedupe_key", flat=True)
    assert {key.rsplit(":", 2)[0] for key in kinds} == {
        "reminder:2024:due-30", "reminder:2024:due-7", "reminder:2024:overdue",
    }  # fmt: skip
    assert len(mailoutbox) == 2 + 3 + 3, "the late joiner gets the next kinds"
    assert staff_b.email not in {message.to[0] for message in mailoutbox}, "B has submitted"


def test_an_enterprise_without_a_return_is_sent_to_the_new_return_page(deadline, enterprise_a, staff_a):
    assert services.filing_reminders_create(today=deadline + datetime.timedelta(days=1)) == 1
    (message,) = OutboxMessage.objects.filter(code="returns.reminder")
    assert message.link == "/returns/new/"
    assert outbox.render(message).subject == "Waste return for 2024 overdue: Enterprise A LLP"
    assert outbox.send_due() == 1
    assert mail.outbox[0].to == [staff_a.email]
