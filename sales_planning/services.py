"""Writes of sales force planning: territory plans, named accounts, re-deployment, quotas and their
allocation, incentive plans and payouts. Each checks permission and state and runs in a transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Customer
from crm.errors import ConflictError, DomainError, PermissionDenied
from crm.money import CENT, parse_money
from crm.stored_text import Text
from opportunities.models import Opportunity
from opportunities.services import opportunity_change_owner
from sales_planning.models import (
    ApprovalStatus,
    Bonus,
    BonusStatus,
    IncentivePlan,
    IncentiveStatus,
    IncentiveTier,
    PeriodKind,
    Quota,
    QuotaAction,
    QuotaAllocation,
    QuotaPeriod,
    QuotaRevision,
    Redeployment,
    TerritoryAccount,
    TerritoryPlan,
)
from teams.models import OrgUnit, OrgUnitKind, Role, Territory, User
from teams.services import notify_in_language, unit_is_managed_by

HUNDRED = Decimal(100)


def _require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), field=field)
    return reason


def division_of(unit: OrgUnit) -> OrgUnit | None:
    """The business division a unit belongs to (itself if it is one), or None (one query)."""
    if unit.kind == OrgUnitKind.DIVISION:
        return unit
    return unit.ancestors().filter(kind=OrgUnitKind.DIVISION).select_related("manager").first()


# --- Territory plans -----------------------------------------------------------------------

def territory_plan_may_draft(*, user: User, org_unit: OrgUnit) -> bool:
    """The unit's manager drafts and revises its territory plans (administrators too)."""
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_admin or org_unit.manager_id == user.pk))


def territory_plan_may_review(*, user: User, plan: TerritoryPlan) -> bool:
    """The manager above approves: the parent unit's manager or a superior of the drafter; never the drafter."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_admin:
        return True
    if user.pk in (plan.drafted_by_id, plan.org_unit.manager_id):
        return False
    parent = plan.org_unit.parent
    if parent is not None and parent.manager_id == user.pk:
        return True
    return user.is_superior_of(plan.drafted_by)


def _lock_plan(plan: TerritoryPlan) -> TerritoryPlan:
    return (TerritoryPlan.objects.select_for_update(of=("self",)).select_related("org_unit__parent", "territory")
            .get(pk=plan.pk))


def _check_latest(plan: TerritoryPlan) -> None:
    if plan.siblings().filter(version__gt=plan.version).exists():
        raise ConflictError(_("A newer version of this plan exists; older versions are read-only."))


def _plan_reviewer(plan: TerritoryPlan) -> User | None:
    parent = plan.org_unit.parent
    if parent is not None and parent.manager_id:
        return parent.manager
    return plan.drafted_by.manager


@transaction.atomic
def territory_plan_create(
    *, org_unit: OrgUnit | None, year: int, by: User, territory: Territory | None = None,
    goals: str = "", coverage: str = "", principles: str = "",
) -> TerritoryPlan:
    """The unit's manager drafts version 1 of the unit's (or one of its territories') plan for a year."""
    if territory is not None:
        if territory.org_unit_id is None:
            raise DomainError(_("The territory belongs to no org unit yet."), field="territory")
        org_unit = territory.org_unit
    if org_unit is None:
        raise DomainError(_("Choose the org unit."), field="org_unit")
    if not territory_plan_may_draft(user=by, org_unit=org_unit):
        raise PermissionDenied(_("Only the unit's manager drafts its territory plan."))
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Enter a year."), field="year") from exc
    if not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    plan = TerritoryPlan(org_unit=org_unit, territory=territory, year=year, drafted_by=by,
                         goals=goals or "", coverage=coverage or "", principles=principles or "")
    if plan.siblings().exists():
        raise ConflictError(_("A plan for this year exists already: revise it to make a new version."))
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise ConflictError(_("A plan for this year exists already: revise it to make a new version.")) from exc
    return plan


@transaction.atomic
def territory_plan_update(*, plan: TerritoryPlan, by: User, goals: str, coverage: str, principles: str
                          ) -> TerritoryPlan:
    """Only the latest version, while it is a draft, is edited, by the unit's manager."""
    plan = _lock_plan(plan)
    if not territory_plan_may_draft(user=by, org_unit=plan.org_unit):
        raise PermissionDenied(_("Only the unit's manager drafts its territory plan."))
    _check_latest(plan)
    if plan.status != ApprovalStatus.DRAFT:
        raise ConflictError(_("Only a draft can be edited; revise the plan to make a new version."))
    plan.goals, plan.coverage, plan.principles = goals or "", coverage or "", principles or ""
    plan.save(update_fields=["goals", "coverage", "principles", "updated_at"])
    return plan


@transaction.atomic
def territory_plan_submit(*, plan: TerritoryPlan, by: User) -> TerritoryPlan:
    """The unit's manager submits the draft to the manager above for approval."""
    plan = _lock_plan(plan)
    if not territory_plan_may_draft(user=by, org_unit=plan.org_unit):
        raise PermissionDenied(_("Only the unit's manager submits its territory plan."))
    _check_latest(plan)
    if plan.status != ApprovalStatus.DRAFT:
        raise ConflictError(_("Only a draft can be submitted."))
    if not (plan.goals.strip() or plan.coverage.strip() or plan.principles.strip()):
        raise DomainError(_("Write the plan before submitting it."), field="goals")
    plan.status = ApprovalStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    notify_in_language(_plan_reviewer(plan), "territory_plan_submitted",
                       gettext_lazy("%(by)s submitted the territory plan %(plan)s for your approval."),
                       plan.get_absolute_url(), by=by, plan=plan)
    return plan


def _territory_plan_review(plan: TerritoryPlan, by: User, status: str, comment: str) -> TerritoryPlan:
    plan = _lock_plan(plan)
    if not territory_plan_may_review(user=by, plan=plan):
        raise PermissionDenied(_("Only the manager above the unit approves its territory plan."))
    if plan.status != ApprovalStatus.SUBMITTED:
        raise ConflictError(_("Only a submitted plan can be approved or returned."))
    plan.status = status
    plan.reviewed_by = by
    plan.reviewed_at = timezone.now()
    plan.review_comment = comment
    plan.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    if status == ApprovalStatus.APPROVED:
        message = gettext_lazy("%(by)s approved the territory plan %(plan)s.")
    else:
        message = gettext_lazy("%(by)s returned the territory plan %(plan)s for rework.")
    notify_in_language(plan.drafted_by, f"territory_plan_{status}", message, plan.get_absolute_url(), by=by, plan=plan)
    return plan


@transaction.atomic
def territory_plan_approve(*, plan: TerritoryPlan, by: User, comment: str = "") -> TerritoryPlan:
    """The manager above the unit (parent unit's manager or a superior) approves a submitted plan."""
    return _territory_plan_review(plan, by, ApprovalStatus.APPROVED, (comment or "").strip())


@transaction.atomic
def territory_plan_return(*, plan: TerritoryPlan, by: User, reason: str) -> TerritoryPlan:
    """The manager above returns a submitted plan for rework, saying why."""
    return _territory_plan_review(plan, by, ApprovalStatus.RETURNED, _require_reason(reason))


@transaction.atomic
def territory_plan_revise(*, plan: TerritoryPlan, by: User, reason: str) -> TerritoryPlan:
    """A revision of an approved or returned plan is a new draft version; the old version stays read-only."""
    plan = _lock_plan(plan)
    if not territory_plan_may_draft(user=by, org_unit=plan.org_unit):
        raise PermissionDenied(_("Only the unit's manager drafts its territory plan."))
    _check_latest(plan)
    if plan.status == ApprovalStatus.DRAFT:
        raise ConflictError(_("This version is still a draft: edit it directly."))
    if plan.status == ApprovalStatus.SUBMITTED:
        raise ConflictError(_("This version waits for approval; it can be revised once approved or returned."))
    reason = _require_reason(reason)
    new = TerritoryPlan(
        org_unit=plan.org_unit, territory=plan.territory, year=plan.year, version=plan.version + 1,
        goals=plan.goals, coverage=plan.coverage, principles=plan.principles, drafted_by=by,
        revision_reason=reason,
    )
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError as exc:
        raise ConflictError(_("Someone revised this plan at the same time; reload the page.")) from exc
    return new


# --- Named accounts --------------------------------------------------------------------------

def territory_may_manage(*, user: User, territory: Territory) -> bool:
    """A manager of the territory's unit (or a unit above it) and administrators manage its named accounts."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_admin:
        return True
    return territory.org_unit_id is not None and unit_is_managed_by(unit=territory.org_unit, user=user)


@transaction.atomic
def territory_account_add(*, territory: Territory, customer_id: int, by: User) -> TerritoryAccount:
    """A manager of the territory names a customer they can see; a customer is a named account of one
    territory at most (moving it to another territory is a re-deployment)."""
    if not territory_may_manage(user=by, territory=territory):
        raise PermissionDenied(_("Only a manager of the territory's unit can change its named accounts."))
    if not Customer.objects.visible_to(by).filter(pk=customer_id).exists():
        raise DomainError(_("No such customer."), field="customer")
    existing = TerritoryAccount.objects.select_related("territory").filter(customer_id=customer_id).first()
    if existing is not None:
        if existing.territory_id == territory.pk:
            return existing
        raise ConflictError(_("This customer is already a named account of %(territory)s; re-deploy it instead.")
                            % {"territory": existing.territory})
    account = TerritoryAccount(territory=territory, customer_id=customer_id, added_by=by)
    account._history_user = by
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise ConflictError(_("This customer was just named in another territory.")) from exc
    return account


@transaction.atomic
def territory_account_remove(*, account: TerritoryAccount, by: User) -> None:
    """A manager of the territory takes a customer off its named accounts (the history keeps it)."""
    if not territory_may_manage(user=by, territory=account.territory):
        raise PermissionDenied(_("Only a manager of the territory's unit can change its named accounts."))
    account._history_user = by
    account.delete()


# --- Re-deployment of the sales force ----------------------------------------------------

def redeploy_check_allowed(*, by: User, to_user: User, from_user: User | None = None,
                           from_territory: Territory | None = None, to_territory: Territory | None = None) -> None:
    """A re-deployment is made by a manager whose subtree holds both sides (or an administrator): the giving
    person below them, the receiving person themselves or below them; between territories the receiver
    is a member of the receiving territory."""
    if not (by and by.is_authenticated and by.is_active):
        raise PermissionDenied(_("Sign in first."))
    if from_user is None and from_territory is None:
        raise DomainError(_("Choose whom or which territory the customers come from."), field="from_user")
    if not to_user.is_active:
        raise DomainError(_("This person is no longer active."), field="to_user")
    if from_user is not None and from_user.pk == to_user.pk:
        raise DomainError(_("Choose two different people."), field="to_user")
    if (from_territory is None) != (to_territory is None):
        raise DomainError(_("Choose both territories, or none."), field="to_territory")
    if from_territory is not None:
        if from_territory.pk == to_territory.pk:
            raise DomainError(_("Choose two different territories."), field="to_territory")
        if not to_territory.members.filter(pk=to_user.pk).exists():
            raise DomainError(_("%(person)s is not a member of %(territory)s.")
                              % {"person": to_user, "territory": to_territory}, field="to_user")
    if by.is_admin:
        return
    if not (to_user.pk == by.pk or by.is_superior_of(to_user)):
        raise PermissionDenied(_("You can only move customers to yourself or to someone in your team."))
    if from_user is not None and not by.is_superior_of(from_user):
        raise PermissionDenied(_("You can only move customers away from someone in your team."))


def _redeploy_sets(**selection) -> dict:
    from sales_planning.selectors import redeploy_preview

    return redeploy_preview(**selection)


def quota_allocation_figures(*, period: QuotaPeriod, unit: OrgUnit | None) -> dict:
    from sales_planning.selectors import quota_allocation_figures as figures

    return figures(period=period, unit=unit)


@transaction.atomic
def redeploy_execute(
    *, by: User, to_user: User, reason: str, customer_ids: list[int], opportunity_ids: list[int],
    from_user: User | None = None, from_territory: Territory | None = None, to_territory: Territory | None = None,
    include_opportunities: bool = False, selection: list[int] | None = None,
) -> Redeployment:
    """Moves exactly the previewed customers (and, with the option, their open opportunities owned by the
    same person) in one transaction; if the set changed since the preview, nothing moves (409)."""
    reason = _require_reason(reason)
    selection_kwargs = {
        "by": by, "to_user": to_user, "from_user": from_user, "from_territory": from_territory,
        "to_territory": to_territory, "include_opportunities": include_opportunities, "selection": selection,
    }
    # Lock what the caller saw and what would move now, then compute the set again under the lock.
    first = _redeploy_sets(**selection_kwargs)
    locked_ids = set(first["customer_ids"]) | {int(pk) for pk in customer_ids}
    customers = {c.pk: c for c in Customer.objects.select_for_update(of=("self",)).filter(pk__in=locked_ids)}
    current = _redeploy_sets(**selection_kwargs)
    if (sorted(current["customer_ids"]) != sorted(int(pk) for pk in customer_ids)
            or sorted(current["opportunity_ids"]) != sorted(int(pk) for pk in opportunity_ids)):
        raise ConflictError(_("What would move has changed since the preview; look at the preview again."))
    if not current["customer_ids"] and not current["opportunity_ids"]:
        raise DomainError(_("Nothing to move."), field="customers")

    record = Redeployment.objects.create(
        by=by, from_user=from_user, to_user=to_user, from_territory=from_territory, to_territory=to_territory,
        include_opportunities=include_opportunities, reason=reason,
        customer_count=len(current["customer_ids"]), opportunity_count=len(current["opportunity_ids"]),
    )
    record.customers.set(current["customer_ids"])
    record.opportunities.set(current["opportunity_ids"])
    history_reason = Text(gettext_lazy("Re-deployment #%(id)s: %(reason)s"), id=record.pk, reason=reason)
    if current["opportunity_ids"]:
        # The opportunities app keeps the one-primary-owner rule and the OwnerChange history.
        for opportunity in Opportunity.objects.filter(pk__in=current["opportunity_ids"]).select_related(
                "primary_owner").order_by("pk"):
            opportunity_change_owner(opportunity=opportunity, new_owner=to_user, by=by,
                                     reason=history_reason, expected_owner=opportunity.primary_owner)
    for pk in sorted(current["customer_ids"]):
        customer = customers[pk]
        customer.owner = to_user
        customer._history_user = by
        customer._change_reason = history_reason
        customer.save(update_fields=["owner", "updated_at"])
    if to_territory is not None:
        for account in TerritoryAccount.objects.select_for_update(of=("self",)).filter(
                territory=from_territory, customer_id__in=current["customer_ids"]):
            account.territory = to_territory
            account._history_user = by
            account._change_reason = history_reason
            account.save(update_fields=["territory"])
    url = reverse("sales_planning:redeploy-detail", args=[record.pk])
    notify_in_language(to_user, "redeployment",
                       gettext_lazy("%(by)s moved %(customers)s customers and %(opportunities)s open "
                                    "opportunities to you."),
                       url, by=by, customers=record.customer_count, opportunities=record.opportunity_count)
    if from_user is not None and from_user.pk != by.pk:
        notify_in_language(from_user, "redeployment",
                           gettext_lazy("%(by)s moved %(customers)s of your customers and %(opportunities)s open "
                                        "opportunities to %(to)s."),
                           url, by=by, customers=record.customer_count, opportunities=record.opportunity_count,
                           to=to_user)
    return record


def redeploy_start(
    *, by: User, to_user: User, reason: str, customer_ids: list[int], opportunity_ids: list[int],
    from_user: User | None = None, from_territory: Territory | None = None, to_territory: Territory | None = None,
    include_opportunities: bool = False, selection: list[int] | None = None,
):
    """Start a re-deployment as a background job (its page shows the progress and links to the record):
    the reason and the permission are checked now, the move (`redeploy_execute`, which checks again) runs
    on the worker. Returns the Job row."""
    from crm.jobs import job_start

    reason = _require_reason(reason)
    current = _redeploy_sets(by=by, to_user=to_user, from_user=from_user, from_territory=from_territory,
                             to_territory=to_territory, include_opportunities=include_opportunities,
                             selection=selection)
    if (sorted(current["customer_ids"]) != sorted(int(pk) for pk in customer_ids)
            or sorted(current["opportunity_ids"]) != sorted(int(pk) for pk in opportunity_ids)):
        raise ConflictError(_("What would move has changed since the preview; look at the preview again."))
    if not customer_ids and not opportunity_ids:
        raise DomainError(_("Nothing to move."), field="customers")
    return job_start(
        "sales_planning.redeploy_job", by=by,
        label=Text(gettext_lazy("Re-deployment to %(to)s"), to=to_user.get_full_name() or to_user.username),
        by_id=by.pk, to_user_id=to_user.pk, reason=reason, customer_ids=[int(pk) for pk in customer_ids],
        opportunity_ids=[int(pk) for pk in opportunity_ids], from_user_id=getattr(from_user, "pk", None),
        from_territory_id=getattr(from_territory, "pk", None), to_territory_id=getattr(to_territory, "pk", None),
        include_opportunities=include_opportunities, selection=selection)


# --- Sales quotas --------------------------------------------------------------------------

def quota_period_dates(*, kind: str, year: int, quarter: int | None = None) -> tuple[date, date]:
    """First and last day of a calendar year or of one of its quarters."""
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    if kind == PeriodKind.YEAR:
        return date(year, 1, 1), date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise DomainError(_("A quarter is 1 to 4."), field="quarter")
    end = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)
    return date(year, 3 * quarter - 2, 1), end


def quota_period_for(*, kind: str, year: int, quarter: int | None = None) -> QuotaPeriod:
    """The quota period for a year or one of its quarters, created on first use."""
    if kind == PeriodKind.YEAR:
        quarter = None
    start, end = quota_period_dates(kind=kind, year=year, quarter=quarter)
    period, _created = QuotaPeriod.objects.get_or_create(
        year=year, quarter=quarter, defaults={"kind": kind, "start": start, "end": end})
    return period


def quota_may_set(*, user: User, org_unit: OrgUnit | None = None, person: User | None = None) -> bool:
    """A unit's quota is set by the manager of its parent unit (a top-level unit's by an administrator), a
    person's by a superior or the manager of their unit; nobody sets their own."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if person is not None:
        if person.pk == user.pk:
            return False
        if user.is_admin:
            return True
        unit = person.org_unit
        return (unit is not None and unit.manager_id == user.pk) or user.is_superior_of(person)
    if org_unit is None or org_unit.manager_id == user.pk:
        return False
    if user.is_admin:
        return True
    return org_unit.parent_id is not None and org_unit.parent.manager_id == user.pk


def quota_may_allocate(*, user: User, unit: OrgUnit | None) -> bool:
    """The allocation of a unit's quota to its children is the unit manager's (the top level an administrator's)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if unit is None:
        return user.is_admin
    return user.is_admin or unit.manager_id == user.pk


def quota_may_approve(*, user: User, unit: OrgUnit | None) -> bool:
    """An allocation is approved by the level above its manager: the manager of the unit above, a superior of
    the unit's manager, or an administrator; never by the allocating manager."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if unit is None:
        return user.is_admin
    if unit.manager_id == user.pk:
        return False
    if user.is_admin:
        return True
    if unit.parent_id is not None and unit.parent.manager_id == user.pk:
        return True
    return unit.manager_id is not None and user.is_superior_of(unit.manager)


def _quota_revision(quota: Quota, action: str, by: User, *, previous: Decimal | None = None, reason: str = ""):
    QuotaRevision.objects.create(quota=quota, version=quota.version, action=action, amount=quota.amount,
                                 previous_amount=previous, status=quota.status, reason=reason, by=by)


@transaction.atomic
def quota_set(
    *, period: QuotaPeriod, amount: Any, by: User, org_unit: OrgUnit | None = None, user: User | None = None,
    reason: str = "", expected_version: int | None = None,
) -> Quota:
    """Sets or revises a quota: only the parent unit's manager (for a person a superior or the unit's manager;
    at the top an administrator), never one's own; a change after submission needs a reason, is a new version
    and goes back to draft; a submitted quota waits for its review (409)."""
    if (org_unit is None) == (user is None):
        raise DomainError(_("Choose an org unit or a person."), field="org_unit")
    value = parse_money(amount, field="amount")
    if not quota_may_set(user=by, org_unit=org_unit, person=user):
        raise PermissionDenied(_("Only the manager of the unit above sets this quota, and nobody sets their own."))
    if user is not None:
        if not user.is_active:
            raise DomainError(_("This person is no longer active."), field="user")
        if user.org_unit_id is None:
            raise DomainError(_("The person belongs to no org unit."), field="user")
        allocated_from = user.org_unit
    else:
        allocated_from = org_unit.parent
    reason = (reason or "").strip()
    holder = {"org_unit": org_unit} if org_unit is not None else {"user": user}
    quota = Quota.objects.select_for_update(of=("self",)).filter(period=period, **holder).order_by("pk").first()
    if quota is None:
        quota = Quota(period=period, amount=value, set_by=by, reason=reason, allocated_from=allocated_from, **holder)
        try:
            with transaction.atomic():
                quota.save()
        except IntegrityError as exc:
            raise ConflictError(_("Someone set this quota at the same time; reload the page.")) from exc
        _quota_revision(quota, QuotaAction.SET, by, reason=reason)
        return quota
    if expected_version is not None and int(expected_version) != quota.version:
        raise ConflictError(_("The quota was changed meanwhile (now version %(version)s); reload the page.")
                            % {"version": quota.version})
    if quota.status == ApprovalStatus.SUBMITTED:
        raise ConflictError(_("The quota waits for approval; it can be revised once approved or returned."))
    after_review = quota.status in (ApprovalStatus.APPROVED, ApprovalStatus.RETURNED)
    if after_review and not reason:
        raise DomainError(_("Give a reason for revising the quota."), field="reason")
    if value == quota.amount and not after_review:
        return quota
    previous = quota.amount
    quota.amount = value
    quota.version += 1
    quota.status = ApprovalStatus.DRAFT
    quota.set_by = by
    quota.reason = reason
    quota.allocated_from = allocated_from
    quota.save()
    _quota_revision(quota, QuotaAction.REVISE if after_review else QuotaAction.SET, by, previous=previous,
                    reason=reason)
    return quota


@transaction.atomic
def quota_allocation_acknowledge(*, period: QuotaPeriod, unit: OrgUnit, by: User, note: str = "") -> QuotaAllocation:
    """The allocating manager acknowledges, by name and time, that the children's sum differs from the unit's
    quota by the amount shown now; any later change of the difference needs a new acknowledgement."""
    if not quota_may_allocate(user=by, unit=unit):
        raise PermissionDenied(_("Only the unit's manager allocates its quota."))
    figures = quota_allocation_figures(period=period, unit=unit)
    if figures["parent"] is None:
        raise DomainError(_("The unit has no quota for this period yet."), field="org_unit")
    if figures["difference"] == 0:
        raise DomainError(_("The allocation adds up: nothing to acknowledge."), field="difference")
    allocation, _created = QuotaAllocation.objects.select_for_update(of=("self",)).get_or_create(
        period=period, org_unit=unit)
    allocation.acknowledged_difference = figures["difference"]
    allocation.acknowledged_by = by
    allocation.acknowledged_at = timezone.now()
    allocation.note = (note or "").strip()
    allocation._history_user = by
    allocation.save()
    return allocation


def _holder_contact(quota: Quota) -> User | None:
    return quota.user if quota.user_id else (quota.org_unit.manager if quota.org_unit_id else None)


def _allocation_approver(unit: OrgUnit | None) -> User | None:
    if unit is None:
        return None
    if unit.parent_id and unit.parent.manager_id:
        return unit.parent.manager
    return unit.manager.manager if unit.manager_id else None


def _allocation_url(period: QuotaPeriod, unit: OrgUnit | None) -> str:
    if unit is None:
        return reverse("sales_planning:quota-allocate-top", args=[period.pk])
    return reverse("sales_planning:quota-allocate", args=[period.pk, unit.pk])


def _lock_allocation(period: QuotaPeriod, unit: OrgUnit | None) -> list[Quota]:
    quotas = Quota.objects.select_for_update(of=("self",)).filter(period=period)
    quotas = quotas.filter(allocated_from=unit) if unit is not None else quotas.filter(allocated_from__isnull=True)
    return list(quotas.select_related("user", "org_unit__manager").order_by("pk"))


@transaction.atomic
def quota_allocation_submit(*, period: QuotaPeriod, unit: OrgUnit | None, by: User) -> list[Quota]:
    """The allocating manager submits the children's draft and returned quotas to the level above, once the
    unit's own quota is approved and the children add up to it or the difference is acknowledged."""
    if not quota_may_allocate(user=by, unit=unit):
        raise PermissionDenied(_("Only the unit's manager allocates its quota."))
    children = _lock_allocation(period, unit)
    pending = [q for q in children if q.status in (ApprovalStatus.DRAFT, ApprovalStatus.RETURNED)]
    if not pending:
        raise ConflictError(_("Nothing to submit: no quota of this allocation is a draft."))
    if unit is not None:
        figures = quota_allocation_figures(period=period, unit=unit)
        if figures["parent"] is None:
            raise DomainError(_("The unit has no quota for this period yet."), field="org_unit")
        if figures["parent"].status != ApprovalStatus.APPROVED:
            raise ConflictError(_("The unit's own quota must be approved before it is allocated further."))
        if not figures["acknowledged"]:
            raise ConflictError(
                _("The children add up to %(total)s, %(difference)s away from the unit's quota of %(parent)s: "
                  "acknowledge the difference before submitting.")
                % {"total": figures["total"], "difference": figures["difference"], "parent": figures["parent"].amount}
            )
    now = timezone.now()
    for quota in pending:
        quota.status = ApprovalStatus.SUBMITTED
        quota.submitted_by = by
        quota.submitted_at = now
        quota.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        _quota_revision(quota, QuotaAction.SUBMIT, by)
    if unit is not None:
        allocation, _created = QuotaAllocation.objects.get_or_create(period=period, org_unit=unit)
        allocation.submitted_by, allocation.submitted_at = by, now
        allocation._history_user = by
        allocation.save()
    notify_in_language(_allocation_approver(unit), "quota_submitted",
                       gettext_lazy("%(by)s submitted the quota allocation of %(unit)s for %(period)s "
                                    "for your approval."),
                       _allocation_url(period, unit), by=by, unit=unit or _("the company"), period=period)
    return pending


def _quota_review(period: QuotaPeriod, unit: OrgUnit | None, by: User, status: str, reason: str) -> list[Quota]:
    if not quota_may_approve(user=by, unit=unit):
        raise PermissionDenied(_("Only the level above the allocating manager approves or returns the allocation."))
    children = _lock_allocation(period, unit)
    submitted = [q for q in children if q.status == ApprovalStatus.SUBMITTED]
    if not submitted:
        raise ConflictError(_("Nothing waits for approval in this allocation."))
    now = timezone.now()
    for quota in submitted:
        if _holder_contact(quota) is not None and _holder_contact(quota).pk == by.pk:
            raise PermissionDenied(_("Nobody approves their own quota."))
        quota.status = status
        quota.reviewed_by, quota.reviewed_at = by, now
        quota.return_reason = reason if status == ApprovalStatus.RETURNED else ""
        quota.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason", "updated_at"])
        _quota_revision(quota, QuotaAction.APPROVE if status == ApprovalStatus.APPROVED else QuotaAction.RETURN,
                        by, reason=reason)
    url = _allocation_url(period, unit)
    if status == ApprovalStatus.APPROVED:
        for quota in submitted:
            notify_in_language(_holder_contact(quota), "quota_approved",
                               gettext_lazy("Your quota for %(period)s is approved: %(amount)s."),
                               reverse("sales_planning:quota-detail", args=[quota.pk]), period=period,
                               amount=quota.amount)
        message = gettext_lazy("%(by)s approved the quota allocation of %(unit)s for %(period)s.")
    else:
        message = gettext_lazy("%(by)s returned the quota allocation of %(unit)s for %(period)s.")
    if unit is not None:
        notify_in_language(unit.manager, f"quota_{status}", message, url, by=by, unit=unit, period=period)
    return submitted


@transaction.atomic
def quota_allocation_approve(*, period: QuotaPeriod, unit: OrgUnit | None, by: User) -> list[Quota]:
    """The level above the allocating manager approves the allocation's submitted quotas."""
    return _quota_review(period, unit, by, ApprovalStatus.APPROVED, "")


@transaction.atomic
def quota_allocation_return(*, period: QuotaPeriod, unit: OrgUnit | None, by: User, reason: str) -> list[Quota]:
    """The level above the allocating manager returns the submitted quotas for rework, saying why."""
    return _quota_review(period, unit, by, ApprovalStatus.RETURNED, _require_reason(reason))


# --- Bonus incentives ----------------------------------------------------------------------

@dataclass(frozen=True)
class BonusFigure:
    attainment: Decimal  # percent, 2 places
    tier_threshold: Decimal | None
    amount: Decimal


def incentive_bonus(*, tiers: list[IncentiveTier], cap: Decimal | None, accelerator: Decimal,
                    quota: Decimal, won: Decimal) -> BonusFigure | None:
    """The tier reached (the highest threshold at or below the attainment) pays its rate on the whole won
    amount or its fixed amount; the rate on the won amount above 100% is multiplied by the accelerator;
    the result is capped, then rounded half up to the cent. No quota, no bonus (None)."""
    if quota is None or quota <= 0:
        return None
    attainment = (won * HUNDRED / quota).quantize(CENT, rounding=ROUND_HALF_UP)
    reached = None
    for tier in sorted(tiers, key=lambda t: t.threshold):
        # Exact comparison (no rounded percentage): won / quota >= threshold / 100.
        if won * HUNDRED >= tier.threshold * quota:
            reached = tier
    if reached is None:
        return BonusFigure(attainment, None, Decimal("0.00"))
    if reached.rate is not None:
        rate = reached.rate / HUNDRED
        amount = min(won, quota) * rate + max(won - quota, Decimal(0)) * rate * accelerator
    else:
        amount = reached.fixed_amount
    if cap is not None:
        amount = min(amount, cap)
    return BonusFigure(attainment, reached.threshold, amount.quantize(CENT, rounding=ROUND_HALF_UP))


def incentive_plan_may_manage(*, user: User, plan_unit: OrgUnit) -> bool:
    """A manager of the plan's unit (or above) and administrators draft and change incentive plans."""
    return unit_is_managed_by(unit=plan_unit, user=user)


def incentive_plan_may_approve(*, user: User, plan: IncentivePlan) -> bool:
    """The business division approves: the manager of the division the plan belongs to, or an administrator."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_admin:
        return True
    division = division_of(plan.org_unit)
    return division is not None and division.manager_id == user.pk


def _clean_tiers(tiers: Iterable[Mapping[str, Any]]) -> list[dict]:
    cleaned: list[dict] = []
    for index, tier in enumerate(tiers):
        field = f"tiers[{index}]"
        threshold = parse_money(tier.get("threshold"), field=field)
        if threshold > Decimal("10000"):
            raise DomainError(_("A threshold is at most 10000%."), field=field)
        rate = tier.get("rate")
        fixed = tier.get("fixed_amount")
        rate = None if rate in (None, "") else parse_money(rate, field=field)
        fixed = None if fixed in (None, "") else parse_money(fixed, field=field)
        if (rate is None) == (fixed is None):
            raise DomainError(_("Each tier pays either a rate or a fixed amount."), field=field)
        if rate is not None and rate > HUNDRED:
            raise DomainError(_("A rate is at most 100%."), field=field)
        cleaned.append({"threshold": threshold, "rate": rate, "fixed_amount": fixed})
    if not cleaned:
        raise DomainError(_("Add at least one tier."), field="tiers")
    thresholds = [tier["threshold"] for tier in cleaned]
    if len(set(thresholds)) != len(thresholds):
        raise DomainError(_("Two tiers start at the same attainment."), field="tiers")
    return sorted(cleaned, key=lambda tier: tier["threshold"])


def _apply_plan_fields(plan: IncentivePlan, data: Mapping[str, Any]) -> dict:
    """Validate and set the editable fields; returns the m2m values to set after saving."""
    if "name" in data:
        plan.name = (data["name"] or "").strip()[:150]
        if not plan.name:
            raise DomainError(_("Give the plan a name."), field="name")
    if "cap" in data:
        plan.cap = parse_money(data["cap"], field="cap", allow_none=True)
    if "accelerator" in data:
        accelerator = parse_money(data["accelerator"] if data["accelerator"] not in (None, "") else "1",
                                  field="accelerator")
        if accelerator < 1 or accelerator > 10:
            raise DomainError(_("The accelerator is between 1 and 10."), field="accelerator")
        plan.accelerator = accelerator
    if "eligible_roles" in data:
        roles = list(dict.fromkeys(data["eligible_roles"] or []))
        if any(role not in Role.values for role in roles):
            raise DomainError(_("Unknown role."), field="eligible_roles")
        plan.eligible_roles = roles
    return {key: list(data[key]) for key in ("eligible_units", "eligible_users") if key in data}


def _set_tiers(plan: IncentivePlan, tiers: list[dict]) -> None:
    plan.tiers.all().delete()
    IncentiveTier.objects.bulk_create([IncentiveTier(plan=plan, **tier) for tier in tiers])


@transaction.atomic
def incentive_plan_create(*, by: User, name: str, period: QuotaPeriod, org_unit: OrgUnit,
                          tiers: Iterable[Mapping[str, Any]], **data: Any) -> IncentivePlan:
    """A manager of the unit (or an administrator) drafts a bonus plan: eligibility, tiers, cap, accelerator."""
    if not incentive_plan_may_manage(user=by, plan_unit=org_unit):
        raise PermissionDenied(_("Only a manager of this unit or an administrator drafts its incentive plans."))
    plan = IncentivePlan(period=period, org_unit=org_unit, created_by=by)
    data = {"name": name, "eligible_roles": data.pop("eligible_roles", [Role.ACCOUNT_MANAGER]), **data}
    m2m = _apply_plan_fields(plan, data)
    cleaned = _clean_tiers(tiers)
    plan.save()
    for key, values in m2m.items():
        getattr(plan, key).set(values)
    _set_tiers(plan, cleaned)
    return plan


def _lock_incentive(plan: IncentivePlan) -> IncentivePlan:
    return IncentivePlan.objects.select_for_update(of=("self",)).select_related("org_unit", "period").get(pk=plan.pk)


def _check_latest_version(plan: IncentivePlan) -> None:
    if IncentivePlan.objects.filter(family=plan.family, version__gt=plan.version).exists():
        raise ConflictError(_("A newer version of this plan exists; older versions are read-only."))


@transaction.atomic
def incentive_plan_update(*, plan: IncentivePlan, by: User, data: Mapping[str, Any],
                          tiers: Iterable[Mapping[str, Any]] | None = None) -> IncentivePlan:
    """Only a draft is changed in place; an approved or published plan changes by a new version."""
    plan = _lock_incentive(plan)
    if not incentive_plan_may_manage(user=by, plan_unit=plan.org_unit):
        raise PermissionDenied(_("Only a manager of this unit or an administrator drafts its incentive plans."))
    if plan.status != IncentiveStatus.DRAFT:
        raise ConflictError(_("Only a draft is edited; make a new version to change an approved or published plan."))
    m2m = _apply_plan_fields(plan, data)
    cleaned = _clean_tiers(tiers) if tiers is not None else None
    # The expected cost was computed for the old rule.
    plan.expected_cost, plan.expected_cost_at, plan.expected_cost_detail = None, None, []
    plan.save()
    for key, values in m2m.items():
        getattr(plan, key).set(values)
    if cleaned is not None:
        _set_tiers(plan, cleaned)
    return plan


@transaction.atomic
def incentive_plan_compute_expected_cost(*, plan: IncentivePlan, by: User) -> IncentivePlan:
    """The expected cost (each eligible person's bonus at their forecast, or at their quota without a
    forecast) is computed and kept on the plan before it is approved."""
    plan = _lock_incentive(plan)
    if not incentive_plan_may_manage(user=by, plan_unit=plan.org_unit):
        raise PermissionDenied(_("Only a manager of this unit or an administrator drafts its incentive plans."))
    from sales_planning.selectors import incentive_plan_expected_cost

    cost = incentive_plan_expected_cost(plan=plan)
    plan.expected_cost = cost["total"]
    plan.expected_cost_at = timezone.now()
    plan.expected_cost_detail = [
        {**row, **{key: str(row[key]) for key in ("quota", "expected_won", "attainment", "amount")
                   if row.get(key) is not None}}
        for row in cost["people"]
    ]
    plan.save(update_fields=["expected_cost", "expected_cost_at", "expected_cost_detail", "updated_at"])
    return plan


@transaction.atomic
def incentive_plan_submit(*, plan: IncentivePlan, by: User) -> IncentivePlan:
    """A draft goes to its division for approval, with its expected cost computed now."""
    plan = _lock_incentive(plan)
    if not incentive_plan_may_manage(user=by, plan_unit=plan.org_unit):
        raise PermissionDenied(_("Only a manager of this unit or an administrator drafts its incentive plans."))
    _check_latest_version(plan)
    if plan.status != IncentiveStatus.DRAFT:
        raise ConflictError(_("Only a draft can be submitted."))
    plan = incentive_plan_compute_expected_cost(plan=plan, by=by)
    plan.status = IncentiveStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    division = division_of(plan.org_unit)
    notify_in_language(division.manager if division else None, "incentive_submitted",
                       gettext_lazy("%(by)s submitted the incentive plan %(plan)s (expected cost %(cost)s) "
                                    "for your approval."),
                       plan.get_absolute_url(), by=by, plan=plan, cost=plan.expected_cost)
    return plan


@transaction.atomic
def incentive_plan_approve(*, plan: IncentivePlan, by: User, comment: str = "") -> IncentivePlan:
    """The division (its manager, or an administrator) approves a submitted plan whose expected cost is known."""
    plan = _lock_incentive(plan)
    if not incentive_plan_may_approve(user=by, plan=plan):
        raise PermissionDenied(_("Only the business division's manager or an administrator approves this plan."))
    if plan.status != IncentiveStatus.SUBMITTED:
        raise ConflictError(_("Only a submitted plan can be approved."))
    if plan.expected_cost is None:
        raise ConflictError(_("Compute the expected cost before approving."))
    plan.status = IncentiveStatus.APPROVED
    plan.approved_by, plan.approved_at = by, timezone.now()
    plan.review_comment = (comment or "").strip()
    plan.save(update_fields=["status", "approved_by", "approved_at", "review_comment", "updated_at"])
    notify_in_language(plan.created_by, "incentive_approved",
                       gettext_lazy("%(by)s approved the incentive plan %(plan)s."),
                       plan.get_absolute_url(), by=by, plan=plan)
    return plan


@transaction.atomic
def incentive_plan_return(*, plan: IncentivePlan, by: User, reason: str) -> IncentivePlan:
    """The division sends a submitted plan back to draft, saying why."""
    plan = _lock_incentive(plan)
    if not incentive_plan_may_approve(user=by, plan=plan):
        raise PermissionDenied(_("Only the business division's manager or an administrator approves this plan."))
    if plan.status != IncentiveStatus.SUBMITTED:
        raise ConflictError(_("Only a submitted plan can be returned."))
    plan.status = IncentiveStatus.DRAFT
    plan.review_comment = _require_reason(reason)
    plan.save(update_fields=["status", "review_comment", "updated_at"])
    notify_in_language(plan.created_by, "incentive_returned",
                       gettext_lazy("%(by)s returned the incentive plan %(plan)s: %(reason)s"), plan.get_absolute_url(),
                       by=by, plan=plan, reason=plan.review_comment)
    return plan


@transaction.atomic
def incentive_plan_publish(*, plan: IncentivePlan, by: User) -> IncentivePlan:
    """An approved plan is published to the people it covers (each is notified); an earlier published
    version of it is replaced, its payouts untouched."""
    plan = _lock_incentive(plan)
    if not incentive_plan_may_approve(user=by, plan=plan):
        raise PermissionDenied(_("Only the business division's manager or an administrator publishes this plan."))
    if plan.status != IncentiveStatus.APPROVED:
        raise ConflictError(_("Only an approved plan can be published."))
    _check_latest_version(plan)
    replaced = list(IncentivePlan.objects.filter(family=plan.family, status=IncentiveStatus.PUBLISHED)
                    .exclude(pk=plan.pk).values_list("pk", flat=True))
    IncentivePlan.objects.filter(pk__in=replaced).update(status=IncentiveStatus.SUPERSEDED, updated_at=timezone.now())
    _bonuses_supersede(plan_ids=replaced, by=by, new_plan=plan)
    plan.status = IncentiveStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.save(update_fields=["status", "published_at", "updated_at"])
    from sales_planning.selectors import incentive_plan_eligible_people

    for person in incentive_plan_eligible_people(plan=plan):
        notify_in_language(person, "incentive_published",
                           gettext_lazy("The incentive plan %(plan)s for %(period)s now covers you."),
                           plan.get_absolute_url(), plan=plan, period=plan.period)
    return plan


def _bonuses_supersede(*, plan_ids: list[int], by: User, new_plan: IncentivePlan) -> int:
    """Payouts of replaced versions still waiting for approval are marked superseded (their figures untouched, a
    history row says by whom and why); approved and paid ones stay as they are."""
    count = 0
    reason = Text(gettext_lazy("Replaced by version %(version)s"), version=new_plan.version)
    for bonus in Bonus.objects.select_for_update(of=("self",)).filter(plan__in=plan_ids,
                                                                       status=BonusStatus.CALCULATED):
        bonus.status = BonusStatus.SUPERSEDED
        bonus._history_user = by
        bonus._change_reason = reason
        bonus.save(update_fields=["status"])
        count += 1
    return count


@transaction.atomic
def incentive_plan_revise(*, plan: IncentivePlan, by: User, reason: str) -> IncentivePlan:
    """A change to an approved or published plan is a new draft version (with its reason); the old version and
    the payouts calculated under it stay as they are."""
    plan = _lock_incentive(plan)
    if not incentive_plan_may_manage(user=by, plan_unit=plan.org_unit):
        raise PermissionDenied(_("Only a manager of this unit or an administrator drafts its incentive plans."))
    _check_latest_version(plan)
    if plan.status not in (IncentiveStatus.APPROVED, IncentiveStatus.PUBLISHED):
        raise ConflictError(_("Only an approved or published plan is changed by a new version."))
    new = IncentivePlan.objects.create(
        family=plan.family, version=plan.version + 1, previous=plan, name=plan.name, period=plan.period,
        org_unit=plan.org_unit, eligible_roles=list(plan.eligible_roles), cap=plan.cap,
        accelerator=plan.accelerator, change_reason=_require_reason(reason), created_by=by,
    )
    new.eligible_units.set(plan.eligible_units.all())
    new.eligible_users.set(plan.eligible_users.all())
    IncentiveTier.objects.bulk_create([
        IncentiveTier(plan=new, threshold=t.threshold, rate=t.rate, fixed_amount=t.fixed_amount)
        for t in plan.tiers.all()
    ])
    return new


@transaction.atomic
def incentive_payouts_calculate(*, plan: IncentivePlan, by: User | None = None, today: date | None = None) -> dict:
    """After the period ends, each covered person's bonus under the current published version is calculated
    from their attainment; running it again gives the same rows (one per person and version) and never
    touches approved or paid ones."""
    plan = _lock_incentive(plan)
    if by is not None and not incentive_plan_may_approve(user=by, plan=plan):
        raise PermissionDenied(_("Only the business division's manager or an administrator calculates payouts."))
    if plan.status != IncentiveStatus.PUBLISHED:
        raise ConflictError(_("Payouts are calculated for the published version of a plan only."))
    today = today or timezone.localdate()
    if plan.period.end >= today:
        raise ConflictError(_("The period has not ended yet: payouts are calculated after %(end)s.")
                            % {"end": plan.period.end})
    from sales_planning.selectors import incentive_plan_eligible_people, won_amounts

    people = list(incentive_plan_eligible_people(plan=plan))
    quotas = dict(Quota.objects.filter(period=plan.period, user__in=[p.pk for p in people])
                  .values_list("user_id", "amount"))
    won = won_amounts(ranges={"period": (plan.period.start, plan.period.end)})["period"]
    tiers = list(plan.tiers.all())
    existing = {b.user_id: b for b in Bonus.objects.select_for_update(of=("self",)).filter(plan=plan)}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "kept": 0, "without_quota": 0}
    now = timezone.now()
    for person in people:
        figure = incentive_bonus(tiers=tiers, cap=plan.cap, accelerator=plan.accelerator,
                                 quota=quotas.get(person.pk), won=won.get(person.pk, Decimal("0.00")))
        if figure is None:
            counts["without_quota"] += 1
            continue
        values = {"quota_amount": quotas[person.pk], "won_amount": won.get(person.pk, Decimal("0.00")),
                  "attainment": figure.attainment, "tier_threshold": figure.tier_threshold, "amount": figure.amount}
        bonus = existing.get(person.pk)
        if bonus is None:
            try:
                with transaction.atomic():
                    Bonus.objects.create(plan=plan, user=person, calculated_at=now, **values)
            except IntegrityError:
                counts["kept"] += 1  # another run created it meanwhile
                continue
            counts["created"] += 1
        elif bonus.status != BonusStatus.CALCULATED:
            counts["kept"] += 1
        elif all(getattr(bonus, key) == value for key, value in values.items()):
            counts["unchanged"] += 1
        else:
            for key, value in values.items():
                setattr(bonus, key, value)
            bonus.calculated_at = now
            bonus.save()
            counts["updated"] += 1
    return counts


def incentive_payouts_start(*, plan: IncentivePlan, by: User):
    """Start the payout calculation of a plan version as a background job (its page shows it); who may and
    when are checked now and again by `incentive_payouts_calculate` on the worker. Returns the Job row."""
    from crm.jobs import job_start

    if not incentive_plan_may_approve(user=by, plan=plan):
        raise PermissionDenied(_("Only the business division's manager or an administrator calculates payouts."))
    if plan.status != IncentiveStatus.PUBLISHED:
        raise ConflictError(_("Payouts are calculated for the published version of a plan only."))
    if plan.period.end >= timezone.localdate():
        raise ConflictError(_("The period has not ended yet: payouts are calculated after %(end)s.")
                            % {"end": plan.period.end})
    return job_start("sales_planning.incentive_payouts_calculate_job", plan.pk, by.pk, by=by,
                     label=Text(gettext_lazy("Payouts of %(plan)s"), plan=plan.name))


def _lock_bonus(bonus: Bonus) -> Bonus:
    return Bonus.objects.select_for_update(of=("self",)).select_related("plan__org_unit", "user").get(pk=bonus.pk)


@transaction.atomic
def bonus_approve(*, bonus: Bonus, by: User) -> Bonus:
    """The division (its manager, or an administrator) approves a calculated payout; nobody approves their own."""
    bonus = _lock_bonus(bonus)
    if bonus.user_id == by.pk or not incentive_plan_may_approve(user=by, plan=bonus.plan):
        raise PermissionDenied(_("Only the business division's manager or an administrator approves payouts, "
                                 "and never their own."))
    if bonus.status != BonusStatus.CALCULATED:
        raise ConflictError(_("Only a calculated payout can be approved."))
    bonus.status = BonusStatus.APPROVED
    bonus.approved_by, bonus.approved_at = by, timezone.now()
    bonus._history_user = by
    bonus.save()
    return bonus


@transaction.atomic
def bonus_mark_paid(*, bonus: Bonus, by: User) -> Bonus:
    """An administrator records that an approved payout was paid; the person is told."""
    bonus = _lock_bonus(bonus)
    if not by.is_admin or bonus.user_id == by.pk:
        raise PermissionDenied(_("Only an administrator records payments, and never their own."))
    if bonus.status != BonusStatus.APPROVED:
        raise ConflictError(_("Only an approved payout can be paid."))
    bonus.status = BonusStatus.PAID
    bonus.paid_by, bonus.paid_at = by, timezone.now()
    bonus._history_user = by
    bonus.save()
    notify_in_language(bonus.user, "bonus_paid", gettext_lazy("Your bonus of %(amount)s under %(plan)s has been paid."),
                       reverse("sales_planning:payout-list"), amount=bonus.amount, plan=bonus.plan)
    return bonus


