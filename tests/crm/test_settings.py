"""Production settings refuse unsafe values; development settings start with nothing set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from crm import env

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "x7Qp9LmZ2vR8tYw4" * 3


def run_django(extra_env: dict, *args: str) -> subprocess.CompletedProcess:
    """Start Django in a fresh process with only the given variables, as a server would."""
    clean = {k: v for k, v in os.environ.items() if k not in {
        "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update(extra_env)
    command = args or ("check",)
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "manage.py", *command], cwd=ROOT, env=clean, capture_output=True, text=True,
        timeout=120, check=False,
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DEBUG": "0", "ALLOWED_HOSTS": "crm.example.com"}, "SECRET_KEY must be set"),
        ({"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "crm.example.com"}, "at least 40"),
        ({"DEBUG": "0", "SECRET_KEY": "django-insecure-" + "a" * 40, "ALLOWED_HOSTS": "crm.example.com"},
         "at least 40"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS must be set"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "*"}, "must not contain '*'"),
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
    ],
)
def test_production_refuses_unsafe_values(variables, message):
    result = run_django(variables)
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_is_off_unless_asked():
    """With no variables at all, the app is in production mode and refuses to start."""
    result = run_django({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_check_deploy():
    result = run_django(
        {"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "crm.example.com"},
        "check", "--deploy", "--fail-level", "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_development_starts_with_nothing_but_debug():
    result = run_django({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    assert env.secret_key(debug=False) == GOOD_KEY
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example.com, b.example.com ,")
    assert env.allowed_hosts(debug=False) == ["a.example.com", "b.example.com"]
    monkeypatch.delenv("ALLOWED_HOSTS")
    assert env.allowed_hosts(debug=True) == ["localhost", "127.0.0.1", "[::1]"]
    monkeypatch.setenv("DEBUG", "yes")
    assert env.env_bool("DEBUG") is True
    monkeypatch.setenv("DEBUG", "off")
    assert env.env_bool("DEBUG") is False
    monkeypatch.setenv("SECRET_KEY", "changeme")
    with pytest.raises(ImproperlyConfigured):
        env.secret_key(debug=False)


def test_env_int_takes_a_bounded_whole_number(monkeypatch):
    monkeypatch.delenv("BID_DEADLINE_REMINDER_DAYS", raising=False)
    assert env.env_int("BID_DEADLINE_REMINDER_DAYS", 3, minimum=0, maximum=60) == 3
    monkeypatch.setenv("BID_DEADLINE_REMINDER_DAYS", " 7 ")
    assert env.env_int("BID_DEADLINE_REMINDER_DAYS", 3, minimum=0, maximum=60) == 7
    for wrong in ("-1", "61", "3 days", "2.5"):
        monkeypatch.setenv("BID_DEADLINE_REMINDER_DAYS", wrong)
        with pytest.raises(ImproperlyConfigured, match="BID_DEADLINE_REMINDER_DAYS"):
            env.env_int("BID_DEADLINE_REMINDER_DAYS", 3, minimum=0, maximum=60)


def test_settings_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.AUTH_USER_MODEL == "teams.User"
    assert settings.USE_TZ is True
    # The test suite runs jobs in-process (pytest sets CELERY_TASK_ALWAYS_EAGER); nothing else does.
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_the_embedded_default_queues_jobs_on_a_sqlite_broker_and_runs_them_on_a_worker(tmp_path):
    """`make run` without CELERY_BROKER_URL: jobs go to kombu's SQLAlchemy transport on a SQLite file (no
    eager mode), and the database writes side by side with the worker (WAL, a busy timeout)."""
    show = ("from django.conf import settings as s; from django.db import connection as c; "
            "c.ensure_connection(); cur = c.cursor(); cur.execute('PRAGMA journal_mode'); "
            "print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, cur.fetchone()[0], "
            "s.DATABASES['default']['OPTIONS']['timeout'], s.DATABASES['default']['OPTIONS']['transaction_mode'])")
    result = run_django({"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                         "BROKER_DB": str(tmp_path / "broker.sqlite3")}, "shell", "-v", "0", "-c", show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}", "False", "wal", "20",
                                     "IMMEDIATE"]
    redis = run_django({"DEBUG": "1", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}, "shell", "-v", "0", "-c",
                       "from django.conf import settings as s; print(s.CELERY_BROKER_TRANSPORT_OPTIONS"
                       "['visibility_timeout'], s.CELERY_TASK_ALWAYS_EAGER)")
    assert redis.stdout.split() == ["900", "False"]  # production's broker, as before
