"""Background jobs of the funnel (Celery beat, schedule created by migration 0004): thin and idempotent."""

from __future__ import annotations

from datetime import date

from celery import shared_task


@shared_task(name="funnel.tasks.funnel_daily_snapshot", autoretry_for=(Exception,), retry_backoff=60,
             max_retries=3)
def funnel_daily_snapshot(day: str | None = None) -> dict:
    """Snapshot every person's and unit's funnel for the day, recompute the history baselines and the day's
    health; running it twice on the same day changes nothing."""
    from funnel.services import funnel_snapshot_take

    run = funnel_snapshot_take(day=date.fromisoformat(day) if day else None)
    return {"date": run.date.isoformat(), "rows": run.rows}
