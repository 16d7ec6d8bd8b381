"""Background jobs of sales force planning; each loads ids and calls a service, and is safe to run twice.

The task names keep their "teams." prefix from before sales planning left the teams app: the beat schedule
(teams migration 0004) and queued messages name them so."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="teams.incentive_payouts_run", acks_late=True)
def incentive_payouts_run() -> dict[int, dict]:
    """At period end: calculate the payouts of every published plan whose period has ended.

    Idempotent: the service keeps one payout per person and plan version, recalculates only those
    still `calculated`, and never touches approved or paid ones. Run daily by Celery beat.
    """
    from django.utils import timezone

    from sales_planning.models import IncentivePlan, IncentiveStatus

    today = timezone.localdate()
    ids = list(IncentivePlan.objects.filter(status=IncentiveStatus.PUBLISHED, period__end__lt=today)
               .values_list("pk", flat=True))
    results = {}
    for plan_id in ids:
        results[plan_id] = incentive_payouts_for_plan(plan_id)
    return results


@shared_task(name="teams.incentive_payouts_for_plan", acks_late=True)
def incentive_payouts_for_plan(plan_id: int) -> dict:
    """Calculate one plan version's payouts (see incentive_payouts_calculate)."""
    from crm.errors import DomainError
    from sales_planning.models import IncentivePlan
    from sales_planning.services import incentive_payouts_calculate

    plan = IncentivePlan.objects.filter(pk=plan_id).first()
    if plan is None:
        return {}
    try:
        counts = incentive_payouts_calculate(plan=plan)
    except DomainError as error:  # the plan changed meanwhile (a newer version published, say)
        logger.info("payouts of plan %s not calculated: %s", plan_id, error.message)
        return {}
    logger.info("payouts of plan %s: %s", plan_id, counts)
    return counts
