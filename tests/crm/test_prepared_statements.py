"""On PostgreSQL a statement a connection runs again and again is prepared once and its plan kept
(DATABASE_PREPARE_THRESHOLD, crm/settings.py): the driver binds values on the server and prepares a text it has
run that many times. 0 turns it off."""

import pytest
from django.conf import settings
from django.db import connection

from teams.models import User
from tests.crm.test_settings import run_django

pytestmark = pytest.mark.django_db


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_run_again_is_prepared_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's; the embedded SQLite default has none to keep")
    threshold = settings.DATABASE_PREPARE_THRESHOLD
    if threshold == 0:
        pytest.skip("DATABASE_PREPARE_THRESHOLD=0 is set for this run (the default is tested below)")
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == threshold

    def look_up(name):
        return list(User.objects.filter(username=name, is_active=True).values_list("id", flat=True))

    look_up("nobody-0")
    assert not [text for text in _prepared_statements() if '"is_active"' in text]
    for number in range(threshold + 1):  # other values, the same text
        look_up(f"nobody-{number}")
    kept = [text for text in _prepared_statements() if '"teams_user"."username" = $1' in text and '"is_active"' in text]
    assert len(kept) == 1, _prepared_statements()


def test_on_by_default_and_zero_turns_prepared_statements_off():
    printed = ("from django.conf import settings; "
               "print(sorted(settings.DATABASES['default'].get('OPTIONS', {}).items()))")
    # Empty: the default, whatever this run's environment sets.
    base = {"DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused", "DATABASE_PREPARE_THRESHOLD": ""}
    on = run_django(base, "shell", "-c", printed)
    off = run_django({**base, "DATABASE_PREPARE_THRESHOLD": "0"}, "shell", "-c", printed)
    assert on.returncode == 0 and off.returncode == 0, on.stderr + off.stderr
    assert "('prepare_threshold', 5)" in on.stdout and "('server_side_binding', True)" in on.stdout
    assert "prepare_threshold" not in off.stdout and "server_side_binding" not in off.stdout
