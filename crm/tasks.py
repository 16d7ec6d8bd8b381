"""Background jobs of the platform: the job outbox sweep."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _


@shared_task(name="crm.jobs_sweep", schedule_label=_("Queue background jobs that are waiting"))
def jobs_sweep() -> int:
    """Queue the jobs left pending while the broker was away (Celery beat, every minute; migration 0002),
    and delete the week-old ticks of beat."""
    from crm.jobs import jobs_prune
    from crm.jobs import jobs_sweep as sweep

    jobs_prune()
    return sweep()
