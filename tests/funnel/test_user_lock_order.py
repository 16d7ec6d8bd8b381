"""People's rows are locked in one order, through one helper (teams.services.users_lock), and never as a side
effect of locking another row: a PATCH of a customer under parallel load once answered 500 "deadlock
detected" on teams_user rows. Checked on PostgreSQL with threads."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from funnel import selectors, services
from funnel.models import StageTaskDone
from teams.models import Notification
from teams.services import notify, users_lock
from tests.factories import AdminFactory, OpportunityFactory, UserFactory, ensure_funnel_config

pytestmark = pytest.mark.django_db(transaction=True)


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (DATABASE_URL=postgres://...); SQLite locks the whole database")


def run_in_threads(*calls):
    """Run each call in its own thread and database connection; the errors they raised."""
    errors = []

    def run(call):
        try:
            call()
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_two_people_ticking_each_others_tasks_at_once_do_not_deadlock(monkeypatch):
    """Each locks an opportunity whose owner is the other, then writes a row naming the other as its author.
    Locking the owner's user row with the opportunity made that a deadlock."""
    needs_postgresql()
    ensure_funnel_config()  # the stages' checklists (a transactional test starts from emptied tables)
    first, second = AdminFactory(), AdminFactory()
    of_first, of_second = OpportunityFactory(primary_owner=first), OpportunityFactory(primary_owner=second)
    both_locked = threading.Barrier(2, timeout=5)
    may_tick = selectors.may_tick_tasks

    def once_both_are_locked(user, opportunity):
        both_locked.wait()  # each transaction now holds its opportunity's lock
        return may_tick(user, opportunity)

    monkeypatch.setattr(selectors, "may_tick_tasks", once_both_are_locked)
    errors = run_in_threads(
        lambda: services.stage_task_set(opportunity=of_first, position=0, done=True, by=second),
        lambda: services.stage_task_set(opportunity=of_second, position=0, done=True, by=first),
    )
    assert errors == []
    assert StageTaskDone.objects.count() == 2


def test_people_are_locked_in_key_order_and_writes_pointing_at_them_go_on():
    needs_postgresql()
    first, second = UserFactory(), UserFactory()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        assert users_lock([second.pk, first.pk]) == {first.pk, second.pk}
    sql = next(query["sql"] for query in queries.captured_queries if "teams_user" in query["sql"])
    assert "ORDER BY" in sql and "FOR NO KEY UPDATE" in sql
    written = threading.Event()
    release = threading.Event()

    def hold_the_lock():
        with transaction.atomic():
            users_lock([first.pk])
            written.wait(timeout=5)  # a notification to the person is written meanwhile
            release.set()

    def notify_meanwhile():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            notify(recipient=first, kind="customer_assigned", message="hello")
        written.set()

    errors = run_in_threads(hold_the_lock, notify_meanwhile)
    assert errors == [] and release.is_set()
    assert Notification.objects.filter(recipient=first).count() == 1
