"""Background jobs of the forecasting area: thin and idempotent, the work is in services.py.

Celery beat runs `forecast_jobs` every hour (the PeriodicTask created by migration 0003; the
interval is editable in the admin). Running it twice gives the same roll-up rows and sends no
reminder twice.
"""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _


@shared_task(name="forecasting.tasks.forecast_jobs",
             schedule_label=_("Forecast roll-up and deadline reminders"))
def forecast_jobs() -> dict:
    """Roll up every open period and send the due deadline reminders."""
    from forecasting.services import forecast_jobs_run

    return forecast_jobs_run()


@shared_task(name="forecasting.tasks.forecast_rollup_period", acks_late=True)
def forecast_rollup_period(period_id: int) -> int:
    """Roll up one period (after a change that dashboards should show soon)."""
    from django.urls import reverse

    from crm.jobs import job_progress, job_set_result
    from forecasting.models import ForecastPeriod
    from forecasting.services import forecast_rollup

    period = ForecastPeriod.objects.filter(pk=period_id).first()
    if period is None:
        return 0
    rows = forecast_rollup(period=period)  # replaces the period's rows: a second run gives the same ones
    job_progress(rows, rows)
    job_set_result(f"{reverse('forecasting:team-forecast')}?period={period.pk}")
    return rows
