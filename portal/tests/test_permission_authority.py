"""Permission is decided in one place: `portal.permissions`. No other module tests a user's role."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "registry", "monitoring", "reports", "templates")
AUTHORITY = ROOT / "portal" / "permissions.py"

ROLE_TESTS = re.compile(
    r"\bis_(inspector|administrator|enterprise_staff)\b"  # the role properties the User model once had
    r"|\brole\s*(==|!=|\bin\b|\bnot in\b)"  # user.role == ..., role in (...)
    r"|\bRole\.\w+\s*(==|!=)|(==|!=)\s*\w*\.?Role\.\w+"  # comparisons with a role constant
    r"|\.is_(superuser|staff)\b"  # reading the flags (setting them in a demo loader is fine)
)


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


def test_the_pattern_catches_role_tests():
    for line in ("if user.is_inspector:", "user.role == User.Role.INSPECTOR", "if request.user.is_superuser:"):
        assert ROLE_TESTS.search(line), line
    for line in (
        '_user("admin", User.Role.ADMINISTRATOR, is_staff=True, is_superuser=True)',
        'list_display = ("username", "role", "is_staff")',
    ):
        assert not ROLE_TESTS.search(line), line
