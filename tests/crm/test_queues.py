"""Celery queues by kind: imports and reports have their own queues, so their workers can run on other
machines; everything else goes to the default queue, and a worker started without -Q consumes all three."""

import pytest

from crm.celery import app

EXPECTED = {
    "accounts.import_batch_run": "imports",
    "funnel.tasks.funnel_daily_snapshot": "reports",
    "forecasting.tasks.forecast_jobs": "reports",
    "forecasting.tasks.forecast_rollup_period": "reports",
    "teams.incentive_payouts_run": "reports",
    "teams.incentive_payouts_for_plan": "reports",
    "crm.jobs_sweep": "default",
    "funnel.tasks.funnel_snapshot_watchdog": "default",
    "accounts.import_batches_reset_stuck": "default",
    "bids.deadline_reminders_send": "default",
}


@pytest.fixture(scope="module", autouse=True)
def _tasks_loaded():
    app.loader.import_default_modules()  # every app's tasks.py, as a worker does when it starts


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(("task_name", "queue"), EXPECTED.items())
def test_each_task_goes_to_the_queue_of_its_kind(task_name, queue):
    assert task_name in app.tasks
    assert queue_of(task_name) == queue


def test_every_project_task_has_a_queue_a_plain_worker_consumes():
    consumed = {queue.name for queue in app.conf.task_queues}
    assert consumed == {"default", "imports", "reports"}
    ours = [name for name in app.tasks if not name.startswith(("celery.", "tests."))]
    assert ours and all(queue_of(name) in consumed for name in ours)
