import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_int_list, env_list, env_required, env_str

SETTINGS = Path(__file__).resolve().parent.parent / "settings.py"


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_true_values(monkeypatch, raw):
    monkeypatch.setenv("QALDYQ_TEST_FLAG", raw)
    assert env_bool("QALDYQ_TEST_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_false_values(monkeypatch, raw):
    monkeypatch.setenv("QALDYQ_TEST_FLAG", raw)
    assert env_bool("QALDYQ_TEST_FLAG", True) is False


def test_unset_bool_takes_the_default(monkeypatch):
    monkeypatch.delenv("QALDYQ_TEST_FLAG", raising=False)
    assert env_bool("QALDYQ_TEST_FLAG", True) is True
    assert env_bool("QALDYQ_TEST_FLAG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled", "t"])
def test_malformed_bool_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("QALDYQ_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="QALDYQ_TEST_FLAG") as excinfo:
        env_bool("QALDYQ_TEST_FLAG", False)
    assert repr(raw) in str(excinfo.value)


@pytest.mark.parametrize(("raw", "value"), [("42", 42), (" 7 ", 7), ("-1", -1), ("", 60), ("  ", 60)])
def test_int_values(monkeypatch, raw, value):
    monkeypatch.setenv("QALDYQ_TEST_NUMBER", raw)
    assert env_int("QALDYQ_TEST_NUMBER", 60) == value


@pytest.mark.parametrize("raw", ["sixty", "1.5", "10m", "0x10"])
def test_malformed_int_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("QALDYQ_TEST_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="QALDYQ_TEST_NUMBER must be an integer"):
        env_int("QALDYQ_TEST_NUMBER", 60)


@pytest.mark.parametrize(("raw", "value"), [("30,7", (30, 7)), (" 7, 30 ,7", (30, 7)), ("", (14,))])
def test_int_list_values(monkeypatch, raw, value):
    monkeypatch.setenv("QALDYQ_TEST_DAYS", raw)
    assert env_int_list("QALDYQ_TEST_DAYS", (14,), minimum=1, maximum=365) == value


@pytest.mark.parametrize("raw", ["30,soon", "0", "7,400", "30;7"])
def test_malformed_int_list_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("QALDYQ_TEST_DAYS", raw)
    with pytest.raises(ImproperlyConfigured, match="QALDYQ_TEST_DAYS must be integers"):
        env_int_list("QALDYQ_TEST_DAYS", (14,), minimum=1, maximum=365)


def test_list_and_str(monkeypatch):
    monkeypatch.setenv("QALDYQ_TEST_LIST", " a.kz, ,b.kz ,")
    monkeypatch.setenv("QALDYQ_TEST_STR", "  padded  ")
    assert env_list("QALDYQ_TEST_LIST") == ["a.kz", "b.kz"]
    assert env_list("QALDYQ_TEST_UNSET_LIST", ["x"]) == ["x"]
    assert env_str("QALDYQ_TEST_STR") == "padded"


def test_required_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("QALDYQ_TEST_REQUIRED", "   ")
    with pytest.raises(ImproperlyConfigured, match="QALDYQ_TEST_REQUIRED must be set"):
        env_required("QALDYQ_TEST_REQUIRED")


@pytest.fixture
def development_env(monkeypatch):
    """The environment of a development start, with a database URL so that nothing is written to disk."""
    for name in (
        "DJANGO_ENV",
        "DEBUG",
        "QALDYQ_DEMO",
        "DB_CONN_MAX_AGE",
        "LOGIN_FAILURE_LIMIT",
        "LOGIN_COOLOFF_MINUTES",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://qaldyq@db.example.kz:5432/qaldyq")
    return monkeypatch


@pytest.mark.parametrize(
    ("variable", "raw"),
    [("DEBUG", "maybe"), ("QALDYQ_DEMO", "sure"), ("DB_CONN_MAX_AGE", "forever"), ("LOGIN_FAILURE_LIMIT", "five")],
)
def test_settings_refuse_a_malformed_value_naming_it(development_env, variable, raw):
    development_env.setenv(variable, raw)
    with pytest.raises(ImproperlyConfigured, match=variable):
        runpy.run_path(str(SETTINGS))


def test_login_throttling_settings_follow_the_environment(development_env):
    development_env.setenv("LOGIN_FAILURE_LIMIT", "3")
    development_env.setenv("LOGIN_COOLOFF_MINUTES", "30")
    settings = runpy.run_path(str(SETTINGS))
    assert settings["AXES_FAILURE_LIMIT"] == 3
    assert settings["AXES_COOLOFF_TIME"] == 0.5  # hours
    assert settings["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
