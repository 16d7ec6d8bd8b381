"""Background jobs of the funnel (Celery beat, schedules created by migrations 0004 and 0008): thin and idempotent."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils.translation import gettext_lazy as _


@shared_task(name="funnel.tasks.funnel_daily_snapshot",
             schedule_label=_("Funnel: daily snapshot, baselines and health"), autoretry_for=(Exception,),
             retry_backoff=60, max_retries=3)
def funnel_daily_snapshot(day: str | None = None) -> dict:
    """Snapshot every person's and unit's funnel for the day, recompute the history baselines and the day's
    health; running it twice on the same day changes nothing."""
    from funnel.services import funnel_snapshot_take

    run = funnel_snapshot_take(day=date.fromisoformat(day) if day else None)
    return {"date": run.date.isoformat(), "rows": run.rows}


@shared_task(name="funnel.tasks.funnel_snapshot_watchdog",
             schedule_label=_("Funnel: check that the daily snapshot ran"))
def funnel_snapshot_watchdog() -> dict | None:
    """06:00 daily (migration 0008): the day's snapshot missing is taken again; nothing when it is there."""
    from funnel.services import funnel_snapshot_ensure

    run = funnel_snapshot_ensure()
    return {"date": run.date.isoformat(), "rows": run.rows} if run else None
