import pytest

from portal.models import User
from registry.demo import DEMO_EMAIL_DOMAIN, _user

pytestmark = pytest.mark.django_db


def test_demo_accounts_have_an_email_address_so_promised_mails_are_sent():
    staff = _user("staff", User.Role.ENTERPRISE_STAFF)

    assert staff.email == f"staff@{DEMO_EMAIL_DOMAIN}"
    assert DEMO_EMAIL_DOMAIN.endswith(".invalid")  # reserved: never a real mailbox


def test_demo_account_loaded_before_addresses_existed_gets_one():
    User.objects.create_user(username="inspector", role=User.Role.INSPECTOR)

    assert _user("inspector", User.Role.INSPECTOR).email == f"inspector@{DEMO_EMAIL_DOMAIN}"
