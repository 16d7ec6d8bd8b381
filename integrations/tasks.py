"""Background jobs of the integrations: sending one chat delivery, with retries and back-off."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


class DeliveryFailed(Exception):
    """The chat service did not take the message after the last attempt (the delivery log has its answer)."""


@shared_task(bind=True, name="integrations.delivery_send", acks_late=True, max_retries=None)
def delivery_send(self, delivery_id: int) -> str:
    """Send one delivery; not taken, try again later (CHAT_RETRY_BASE_SECONDS doubled at each retry) up to
    CHAT_DELIVERY_RETRIES times, then it is logged failed and the job fails with it. A test message is tried
    once. Safe to run twice: a sent delivery is not sent again."""
    from integrations.models import Delivery
    from integrations.services import DeliveryOutcome, delivery_attempt, delivery_retry_countdown

    is_test = Delivery.objects.filter(pk=delivery_id, is_test=True).exists()
    retries = 0 if is_test else settings.CHAT_DELIVERY_RETRIES
    outcome = delivery_attempt(delivery_id=delivery_id, final=self.request.retries >= retries)
    if outcome == DeliveryOutcome.RETRY:
        raise self.retry(countdown=delivery_retry_countdown(self.request.retries), max_retries=retries)
    if outcome == DeliveryOutcome.FAILED:
        from crm.stored_text import render

        error, code = Delivery.objects.filter(pk=delivery_id).values_list("error", "response_code").first()
        raise DeliveryFailed(f"delivery {delivery_id} not delivered: {render(error)}"
                             + (f" (HTTP {code})" if code else ""))
    return outcome
