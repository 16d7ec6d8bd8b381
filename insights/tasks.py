"""Background jobs of insights: thin and idempotent (Celery beat runs the training nightly, migration 0002)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils.translation import gettext_lazy as _


@shared_task(name="insights.tasks.win_model_train", soft_time_limit=settings.INSIGHTS_TRAIN_SECONDS + 60,
             time_limit=settings.INSIGHTS_TRAIN_SECONDS + 120,
             schedule_label=_("Learn the win probability and score open opportunities"))
def win_model_train() -> dict:
    """Learn the win probability from the closed deals and score the open opportunities; running it again the
    same day replaces that day's model and every prediction (one transaction)."""
    from insights.services import win_model_train as train

    version = train()
    return {"day": version.day.isoformat(), "source": version.source, "trained_on": version.trained_on,
            "scored": version.scored, "seconds": version.seconds}
