"""The one Celery app. Without CELERY_BROKER_URL tasks run eagerly in-process.

Every task's base is crm.jobs.JobTask (the job outbox marks its rows); each worker, as it starts, queues
the jobs left pending while the broker was away."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("crm", task_cls="crm.jobs:JobTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def sweep_jobs_on_start(**kwargs) -> None:
    """A worker that starts (after an outage, say) queues the jobs still pending at once."""
    from crm.jobs import jobs_sweep

    jobs_sweep()
