"""Background jobs of the key-account projects: thin and idempotent, the work is in services.py.

Celery beat runs `bid_deadline_reminders` every morning (the PeriodicTask created by migration 0003; the time is
editable in the admin). Running it twice on a day reminds nobody twice.
"""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _


@shared_task(name="bids.deadline_reminders_send", schedule_label=_("Tender key date reminders"))
def bid_deadline_reminders() -> int:
    """Remind the sales teams of the tenders' key dates BID_DEADLINE_REMINDER_DAYS days ahead."""
    from bids.services import bid_deadline_reminders_send

    return bid_deadline_reminders_send()
