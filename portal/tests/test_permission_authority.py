"""Permission is decided in one place: `portal.permissions`. No other module tests a user's role or names one, but
where roles are defined and given (the user model, the admin, the demo accounts); who holds an action on a row
(`holders`) is `can`'s answer for every user."""

import re
from pathlib import Path

import pytest

from portal.models import User
from portal.permissions import Action, can, holders

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "registry", "monitoring", "reports", "templates")
AUTHORITY = ROOT / "portal" / "permissions.py"

ROLE_TESTS = re.compile(
    r"\bis_(inspector|administrator|enterprise_staff)\b"  # the role properties the User model once had
    r"|\brole\s*(==|!=|\bin\b|\bnot in\b)"  # user.role == ..., role in (...)
    r"|\bRole\.\w+\s*(==|!=)|(==|!=)\s*\w*\.?Role\.\w+"  # comparisons with a role constant
    r"|\.is_(superuser|staff)\b"  # reading the flags (setting them in a demo loader is fine)
)
# Naming a role at all (`Role.INSPECTOR`, a filter `role=...`, `role__in=...`) in Python: who holds an action is
# asked of portal.permissions (`can`, `restrict`, `holders`), not found by role.
ROLE_NAMES = re.compile(r"\bRole\.\w+|\brole(__\w+)?\s*=(?!=)")
# Where roles are defined and given: the user model, the admin that edits it, the demo accounts.
ASSIGNING = {Path("portal/models.py"), Path("portal/admin.py")}


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*")):
            if path.suffix not in (".py", ".html") or path == AUTHORITY:
                continue
            parts = set(path.relative_to(ROOT).parts)
            if parts & {"tests", "migrations"}:
                continue
            yield path


def test_no_role_test_outside_the_permission_module():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ROLE_TESTS.search(line)
    ]
    assert not found, "Decide permission with portal.permissions (can / restrict), not here:\n" + "\n".join(found)


def _assigns_roles(path: Path) -> bool:
    relative = path.relative_to(ROOT)
    return relative in ASSIGNING or relative.name == "demo.py"


def test_no_role_named_outside_where_roles_are_given():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        if path.suffix == ".py" and not _assigns_roles(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ROLE_NAMES.search(line)
    ]
    assert not found, "Ask portal.permissions who may act (can / restrict / holders):\n" + "\n".join(found)


def test_the_pattern_catches_roles_named():
    for line in (
        "User.objects.filter(role=User.Role.INSPECTOR, is_active=True)",
        'users.filter(role__in=["inspector"])',
        "if user.role is Role.ADMINISTRATOR:",
    ):
        assert ROLE_NAMES.search(line), line
    for line in ('list_display = ("username", "role", "is_staff")', "if user.role == other.role:"):
        assert not ROLE_NAMES.search(line), line


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(Action))
def test_the_holders_of_an_action_are_those_can_answers_yes_for(
    action, enterprise_a, enterprise_b, staff_a, staff_b, inspector, other_inspector, administrator
):
    User.objects.create(username="root", role=User.Role.ENTERPRISE_STAFF, is_superuser=True)
    User.objects.create(username="gone", role=User.Role.ADMINISTRATOR, is_active=False)

    for obj in (enterprise_a, enterprise_b):
        expected = {user.username for user in User.objects.filter(is_active=True) if can(user, action, obj)}
        assert {user.username for user in holders(action, obj)} == expected, (action, obj)
    assert "gone" not in {user.username for user in holders(action, enterprise_a)}


@pytest.mark.django_db
def test_an_alert_of_a_region_is_worked_by_its_inspectors_and_the_administrators(
    enterprise_a, staff_a, inspector, other_inspector, administrator
):
    assert set(holders(Action.WORK_ALERTS, enterprise_a)) == {inspector, administrator}
    assert set(holders(Action.SUBMIT, enterprise_a)) == {staff_a, administrator}


def test_the_pattern_catches_role_tests():
    for line in ("if user.is_inspector:", "user.role == User.Role.INSPECTOR", "if request.user.is_superuser:"):
        assert ROLE_TESTS.search(line), line
    for line in (
        '_user("admin", User.Role.ADMINISTRATOR, is_staff=True, is_superuser=True)',
        'list_display = ("username", "role", "is_staff")',
    ):
        assert not ROLE_TESTS.search(line), line
