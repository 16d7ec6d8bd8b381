"""Background jobs of the customer accounts; each loads ids and calls a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="accounts.import_batch_run", acks_late=True)
def import_batch_run(batch_id: int) -> None:
    """Process an uploaded import. Safe to run twice: the service claims the batch only once."""
    from accounts.imports import import_batch_process

    import_batch_process(batch_id=batch_id)


@shared_task(name="accounts.import_batches_reset_stuck")
def import_batches_reset_stuck() -> int:
    """Mark imports whose worker died as failed (Celery beat, every 5 minutes; migration 0005)."""
    from accounts.imports import import_batches_reset_stuck as reset

    return reset()
