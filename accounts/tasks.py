"""Background jobs of the customer accounts; each loads ids and calls a service."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _


@shared_task(name="accounts.import_batch_run", acks_late=True)
def import_batch_run(batch_id: int) -> None:
    """Process an uploaded import. Safe to run twice: the service claims the batch only once."""
    from accounts.imports import import_batch_process

    import_batch_process(batch_id=batch_id)


@shared_task(name="accounts.import_batches_reset_stuck",
             schedule_label=_("Fail imports whose worker stopped"))
def import_batches_reset_stuck() -> int:
    """Mark imports whose worker died as failed (Celery beat, every 5 minutes; migration 0005)."""
    from accounts.imports import import_batches_reset_stuck as reset

    return reset()


@shared_task(name="accounts.customer_export_job", acks_late=True)
def customer_export_job(user_id: int, query: str, fmt: str) -> str:
    """Write the customer list's export to a file on the job (its page offers it). Run again, it writes the
    file again: nothing else changes."""
    from accounts.exports import customer_export_file
    from crm.jobs import job_progress, job_set_result
    from teams.models import User

    name, content = customer_export_file(viewer=User.objects.get(pk=user_id), query=query, fmt=fmt,
                                         progress=job_progress)
    job_set_result(file_name=name, content=content)
    return name
