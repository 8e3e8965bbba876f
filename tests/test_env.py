"""Settings are parsed strictly: a bad value stops start-up with a message naming it."""

import os
import subprocess
import sys

import pytest

from frontdesk.core.env import ConfigError, env_bool, env_choice, env_int, env_list


def _start_with(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(FRONTDESK_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "frontdesk", "check"], env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "variable, value",
    [
        ("FRONTDESK_DEBUG", "maybe"),
        ("FRONTDESK_HTTPS", "yes please"),
        ("FRONTDESK_PAGE_SIZE", "fifty"),
        ("FRONTDESK_PAGE_SIZE", "0"),
        ("FRONTDESK_LOG_LEVEL", "LOUD"),
        ("FRONTDESK_SECRET_KEY", "short"),
        ("DATABASE_URL", "mysql://root@127.0.0.1/frontdesk"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, variable, value):
    result = _start_with(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr
    assert "ConfigError" in result.stderr


@pytest.mark.parametrize(
    "variables, named",
    [
        ({"FRONTDESK_DB_POOL_SIZE": "-1"}, "FRONTDESK_DB_POOL_SIZE"),
        ({"FRONTDESK_DB_POOL_TIMEOUT": "0"}, "FRONTDESK_DB_POOL_TIMEOUT"),
        # A pool and persistent connections are two answers to one question: Django refuses both.
        ({"FRONTDESK_DB_POOL_SIZE": "4", "FRONTDESK_DB_CONN_MAX_AGE": "60"}, "FRONTDESK_DB_CONN_MAX_AGE"),
    ],
)
def test_bad_postgresql_connection_settings_stop_start_up(tmp_path, variables, named):
    # Settings are read before anything connects: no server needs to answer at this address.
    result = _start_with(tmp_path, DATABASE_URL="postgresql://frontdesk@127.0.0.1:1/frontdesk", **variables)
    assert result.returncode != 0
    assert named in result.stderr and "ConfigError" in result.stderr


def test_good_values_start(tmp_path):
    result = _start_with(tmp_path, FRONTDESK_DEBUG="0", FRONTDESK_PAGE_SIZE="20", FRONTDESK_HTTPS="false")
    assert result.returncode == 0, result.stderr


def test_parsers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "on")
    monkeypatch.setenv("X_INT", "7")
    monkeypatch.setenv("X_LIST", " a, b ,,c ")
    monkeypatch.setenv("X_CHOICE", "b")
    assert env_bool("X_BOOL", False) is True
    assert env_bool("X_UNSET", True) is True
    assert env_int("X_INT", 1, minimum=1) == 7
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    assert env_choice("X_CHOICE", "a", {"a", "b"}) == "b"
    monkeypatch.setenv("X_INT", "7.5")
    with pytest.raises(ConfigError, match="X_INT"):
        env_int("X_INT", 1)
