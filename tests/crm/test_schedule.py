"""Every job the migrations schedule for Celery beat names a task the worker knows: a renamed task would
otherwise fail silently every night."""

from importlib import import_module

import pytest

from crm.celery import app

SCHEDULES = [
    ("accounts.migrations.0005_import_progress_and_stuck_reset", "TASK"),
    ("crm.migrations.0002_job_sweep_schedule", "TASK"),
    ("forecasting.migrations.0003_rollup_schedule", "TASK"),
    ("funnel.migrations.0004_default_funnel_config", "TASK"),
    ("funnel.migrations.0010_snapshot_watchdog_schedule", "TASK"),
    ("teams.migrations.0004_incentive_payouts_schedule", "TASK"),
]


@pytest.mark.parametrize(("module", "constant"), SCHEDULES)
def test_every_scheduled_job_is_a_registered_task(module, constant):
    app.loader.import_default_modules()
    assert getattr(import_module(module), constant) in app.tasks
