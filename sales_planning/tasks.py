"""Background jobs of sales force planning; each loads ids and calls a service, and is safe to run twice.

The task names keep their "teams." prefix from before sales planning left the teams app: the beat schedule
(teams migration 0004) and queued messages name them so."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


@shared_task(name="teams.incentive_payouts_run",
             schedule_label=_("Incentive payouts at the end of a period"), acks_late=True)
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


@shared_task(name="sales_planning.incentive_payouts_calculate_job", acks_late=True)
def incentive_payouts_calculate_job(plan_id: int, by_id: int) -> dict:
    """The payout calculation someone started from the plan's page (its job page shows it). Idempotent: the
    service keeps one payout per person and version; a refusal (the plan changed) fails the job with its
    message."""
    from django.db import transaction

    from crm.jobs import job_progress, job_set_result
    from sales_planning.models import IncentivePlan
    from sales_planning.services import incentive_payouts_calculate
    from teams.models import User

    plan = IncentivePlan.objects.get(pk=plan_id)
    with transaction.atomic():
        counts = incentive_payouts_calculate(plan=plan, by=User.objects.get(pk=by_id))
        job_set_result(plan.get_absolute_url())
    people = sum(counts.values())
    job_progress(people, people)
    return counts


@shared_task(name="sales_planning.redeploy_job", acks_late=True)
def redeploy_job(*, by_id: int, to_user_id: int, reason: str, customer_ids: list[int], opportunity_ids: list[int],
                 from_user_id: int | None = None, from_territory_id: int | None = None,
                 to_territory_id: int | None = None, include_opportunities: bool = False,
                 selection: list[int] | None = None) -> int | None:
    """A re-deployment someone confirmed (its job page shows it): moves exactly the previewed set. The
    record's address is written on the job in the move's transaction, so a second delivery after the move
    committed finds it and moves nothing again. Returns the re-deployment's id."""
    from django.db import transaction
    from django.urls import reverse

    from crm.jobs import job_progress, job_result_url, job_set_result
    from sales_planning.services import redeploy_execute
    from teams.models import Territory, User

    if job_result_url():
        return None  # done already, by an earlier delivery of this job
    users = User.objects.in_bulk([pk for pk in (by_id, to_user_id, from_user_id) if pk])
    territories = Territory.objects.in_bulk([pk for pk in (from_territory_id, to_territory_id) if pk])
    total = len(customer_ids) + len(opportunity_ids)
    # One step, all or nothing: the page shows it working (no row count that would sit at 0 until the commit).
    with transaction.atomic():
        record = redeploy_execute(
            by=users[by_id], to_user=users[to_user_id], reason=reason, customer_ids=customer_ids,
            opportunity_ids=opportunity_ids, from_user=users.get(from_user_id),
            from_territory=territories.get(from_territory_id), to_territory=territories.get(to_territory_id),
            include_opportunities=include_opportunities, selection=selection)
        job_set_result(reverse("sales_planning:redeploy-detail", args=[record.pk]))
    job_progress(total, total)
    return record.pk
