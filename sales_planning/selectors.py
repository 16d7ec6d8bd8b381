"""Reads of sales force planning shared by pages, the API and tasks."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Customer
from crm.counting import counts_together
from crm.errors import PermissionDenied
from crm.money import CENT, ZERO
from forecasting.selectors import forecast_amount, forecast_amounts
from opportunities.models import Opportunity, StageOutcome
from sales_planning.models import (
    ApprovalStatus,
    Bonus,
    BonusStatus,
    IncentivePlan,
    IncentiveStatus,
    PeriodKind,
    Quota,
    QuotaAllocation,
    QuotaPeriod,
    Redeployment,
    TerritoryAccount,
    TerritoryPlan,
)
from teams.hierarchy import descendants_sql
from teams.models import OrgUnit, Territory, User, managed_unit_ids

HISTORY_YEARS = 3


def won_amounts(*, ranges: Mapping[Hashable, tuple[date, date]]) -> dict[Hashable, dict[int, Decimal]]:
    """Won amount per primary owner for each date range, from one query: only opportunities at a won stage
    count, each once, for its primary owner (sales team members who are not primary owner get nothing)."""
    result: dict[Hashable, dict[int, Decimal]] = {key: {} for key in ranges}
    if not ranges:
        return result
    keys = list(ranges)
    low = min(start for start, _end in ranges.values())
    high = max(end for _start, end in ranges.values())
    # Each opportunity is dated by the day it was won (Opportunity.objects.won_between), not its expected close.
    sums = {f"r{index}": Sum("amount", filter=Q(closed_on__range=ranges[key])) for index, key in enumerate(keys)}
    rows = (Opportunity.objects.won_between(low, high).order_by().values("primary_owner").annotate(**sums))
    for row in rows:
        for index, key in enumerate(keys):
            value = row[f"r{index}"]
            if value:
                result[key][row["primary_owner"]] = value
    return result


def attainment_percent(won: Decimal | None, quota: Decimal | None) -> Decimal | None:
    """Won amount as a percentage of the quota, half up to 0.01; None without a positive quota."""
    if quota is None or quota <= 0:
        return None
    return ((won or ZERO) * 100 / quota).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class OrgIndex:
    """The org unit tree and who sits in which unit, loaded in two queries, for roll-ups in Python."""

    children: dict[int | None, list[int]] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)
    _people: dict[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> OrgIndex:
        index = cls()
        for pk, parent_id in OrgUnit.objects.order_by().values_list("pk", "parent_id"):
            index.children.setdefault(parent_id, []).append(pk)
        for pk, unit_id in User.objects.filter(org_unit__isnull=False).order_by().values_list("pk", "org_unit_id"):
            index.members.setdefault(unit_id, []).append(pk)
        return index

    def subtree(self, unit_id: int) -> list[int]:
        found, todo, seen = [], [unit_id], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            found.append(current)
            todo.extend(self.children.get(current, []))
        return found

    def people(self, unit_id: int) -> frozenset[int]:
        if unit_id not in self._people:
            self._people[unit_id] = frozenset(pk for unit in self.subtree(unit_id) for pk in self.members.get(unit, []))
        return self._people[unit_id]

    def total(self, unit_id: int, by_owner: Mapping[int, Decimal]) -> Decimal:
        """A unit's figure: the sum over everyone in its subtree (each person counted once)."""
        return sum((by_owner.get(pk, ZERO) for pk in self.people(unit_id)), ZERO)


def holder_won(*, by_owner: Mapping[int, Decimal], index: OrgIndex | None, user_id: int | None = None,
               org_unit_id: int | None = None) -> Decimal:
    if user_id is not None:
        return by_owner.get(user_id, ZERO)
    return index.total(org_unit_id, by_owner) if index is not None else ZERO


def quota_attach_attainment(quotas: Iterable[Quota]) -> list[Quota]:
    """Set `won_amount` and `attainment` (%) on each quota, in at most three queries for any number."""
    quotas = list(quotas)
    periods = {quota.period_id: quota.period for quota in quotas}
    won = won_amounts(ranges={pk: (period.start, period.end) for pk, period in periods.items()})
    index = OrgIndex.load() if any(quota.org_unit_id for quota in quotas) else None
    for quota in quotas:
        quota.won_amount = holder_won(by_owner=won[quota.period_id], index=index, user_id=quota.user_id,
                                      org_unit_id=quota.org_unit_id)
        quota.attainment = attainment_percent(quota.won_amount, quota.amount)
    return quotas


def quota_list(*, viewer: User, filters: Mapping[str, Any] | None = None, with_names: bool = True
               ) -> QuerySet[Quota]:
    """Quotas visible to `viewer`, with what a list row shows, in one query (`with_names=False`: ids only,
    as the API shows them, which spares building five objects per row)."""
    related = ("period", "org_unit", "user", "set_by", "allocated_from") if with_names else ("period",)
    quotas = (Quota.objects.visible_to(viewer)
              .select_related(*related)
              .order_by("-period__year", "period__quarter", F("org_unit__name").asc(nulls_last=True),
                        "user__username", "pk"))
    filters = filters or {}
    for name in ("period", "status", "user", "org_unit", "allocated_from"):
        if filters.get(name):
            quotas = quotas.filter(**{name: filters[name]})
    return quotas


def quota_amount(*, user: User | None = None, org_unit: OrgUnit | None = None, period_start: date,
                 period_end: date) -> Decimal | None:
    """The quota of a person or unit for a date range (for the forecasting pages): the quota of exactly that
    period; else the sum of the quarter quotas inside it; else the share, pro rata by days, of the quota
    whose period contains it; None when there is no quota."""
    if (user is None) == (org_unit is None):
        raise ValueError("quota_amount takes a user or an org unit")
    quotas = Quota.objects.filter(**({"user": user} if user is not None else {"org_unit": org_unit}))
    exact = quotas.filter(period__start=period_start, period__end=period_end).values_list("amount", flat=True).first()
    if exact is not None:
        return exact
    inside = list(quotas.filter(period__kind=PeriodKind.QUARTER, period__start__gte=period_start,
                                period__end__lte=period_end).values_list("amount", flat=True))
    if inside:
        return sum(inside, ZERO)
    containing = (quotas.filter(period__start__lte=period_start, period__end__gte=period_end)
                  .select_related("period").order_by("-period__start", "period__end").first())  # the shortest
    if containing is None:
        return None
    days = Decimal((period_end - period_start).days + 1)
    period_days = Decimal((containing.period.end - containing.period.start).days + 1)
    return (containing.amount * days / period_days).quantize(CENT, rounding=ROUND_HALF_UP)


def forecast_for(*, period: QuotaPeriod, user: User | None = None, org_unit: OrgUnit | None = None) -> Decimal:
    """The forecast for the same period from the forecasting app (0.00 where none was reported)."""
    return forecast_amount(user=user, org_unit=org_unit, period_start=period.start, period_end=period.end)


def forecasts_for(*, period: QuotaPeriod, holders: Iterable[User | OrgUnit]) -> list[Decimal]:
    """The forecast of each person or unit (a unit's is its manager's) for the period, in one grouped read."""
    holders = list(holders)
    owner_ids = [h.manager_id if isinstance(h, OrgUnit) else h.pk for h in holders]
    amounts = forecast_amounts(user_ids=owner_ids, period_start=period.start, period_end=period.end)
    return [amounts.get(pk, ZERO) if pk is not None else ZERO for pk in owner_ids]


def periods_containing(today: date | None = None) -> QuerySet[QuotaPeriod]:
    """The periods that hold `today` (the current ones), in the model's order."""
    today = today or timezone.localdate()
    return QuotaPeriod.objects.filter(start__lte=today, end__gte=today)


def current_period(*, kind: str = PeriodKind.QUARTER, today: date | None = None) -> QuotaPeriod | None:
    return periods_containing(today).filter(kind=kind).first()


def current_quarter_or_year(*, today: date | None = None) -> list[QuotaPeriod]:
    """The current quarter and the current year, those that exist, in that order: `current_period` of each kind,
    from one query."""
    first_of_kind: dict[str, QuotaPeriod] = {}
    for period in periods_containing(today).filter(kind__in=[PeriodKind.QUARTER, PeriodKind.YEAR]):
        first_of_kind.setdefault(period.kind, period)  # in the model's order, as first() picks
    return [first_of_kind[kind] for kind in (PeriodKind.QUARTER, PeriodKind.YEAR) if kind in first_of_kind]


def opening_period(*, viewer, today: date | None = None) -> QuotaPeriod | None:
    """The period the quota pages open on: the current quarter, else the current year, whichever holds quotas
    the viewer may see; else the latest period that does; else the current quarter or year (an administrator
    about to set them). Two queries at most."""
    current = current_quarter_or_year(today=today)
    with_quotas = list(Quota.objects.visible_to(viewer).order_by("-period__start", "period__quarter")
                       .values_list("period_id", flat=True).distinct()[:50])
    for period in current:
        if period.pk in with_quotas:
            return period
    if with_quotas:
        return QuotaPeriod.objects.filter(pk=with_quotas[0]).first()
    return current[0] if current else quota_periods().first()


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def same_period_past_years(period: QuotaPeriod, years: int = HISTORY_YEARS) -> dict[int, tuple[date, date]]:
    """The same dates in each of the `years` previous years, keyed by the year."""
    return {period.year - k: (_shift_years(period.start, k), _shift_years(period.end, k)) for k in range(1, years + 1)}


def quota_allocation_figures(*, period: QuotaPeriod, unit: OrgUnit | None) -> dict:
    """The parent's quota, the children's sum, the difference and whether it is acknowledged (3 queries)."""
    children = list(Quota.objects.filter(period=period, allocated_from=unit) if unit is not None
                    else Quota.objects.filter(period=period, allocated_from__isnull=True))
    parent = Quota.objects.filter(period=period, org_unit=unit).first() if unit is not None else None
    total = sum((quota.amount for quota in children), ZERO)
    difference = (total - parent.amount) if parent is not None else ZERO
    allocation = (QuotaAllocation.objects.filter(period=period, org_unit=unit).select_related("acknowledged_by")
                  .first() if unit is not None else None)
    acknowledged = bool(allocation and allocation.acknowledged_difference is not None
                        and allocation.acknowledged_difference == difference)
    return {"children": children, "parent": parent, "total": total, "difference": difference,
            "allocation": allocation, "acknowledged": acknowledged or difference == 0}


def quota_allocation_visible(*, viewer: User, unit: OrgUnit | None) -> bool:
    """The allocation of a unit is seen by managers of the unit and the units above it (administrators all)."""
    if not (viewer and viewer.is_authenticated and viewer.is_active):
        return False
    if viewer.is_admin:
        return True
    if unit is None:
        return OrgUnit.objects.filter(parent__isnull=True, manager=viewer).exists()
    return OrgUnit.objects.filter(pk=unit.pk, pk__in=managed_unit_ids(viewer)).exists()


def _allocation_holders(unit: OrgUnit | None) -> tuple[list[OrgUnit], list[User]]:
    units = OrgUnit.objects.select_related("manager", "parent")
    units = list(units.filter(parent=unit) if unit is not None else units.filter(parent__isnull=True))
    people: list[User] = []
    if unit is not None:
        people = list(User.objects.sales_people().filter(org_unit=unit).exclude(pk=unit.manager_id)
                      .select_related("org_unit").order_by("username"))
    return units, people


def quota_allocation(*, viewer: User, period: QuotaPeriod, unit: OrgUnit | None) -> dict:
    """One line per child unit and person of `unit` with the quota being allocated and the sales they won in
    the same period of the past years; the parent's quota, the sum and the difference (constant queries)."""
    from sales_planning.services import quota_may_allocate, quota_may_approve, quota_may_set

    units, people = _allocation_holders(unit)
    quotas = Quota.objects.filter(period=period).filter(
        Q(org_unit__in=[u.pk for u in units]) | Q(user__in=[p.pk for p in people]))
    by_holder = {(q.org_unit_id, q.user_id): q for q in quotas.select_related("period")}
    past = same_period_past_years(period)
    won = won_amounts(ranges={**past, "current": (period.start, period.end)})
    index = OrgIndex.load() if units else None
    lines = []
    for holder in [*units, *people]:
        is_unit = isinstance(holder, OrgUnit)
        key = (holder.pk, None) if is_unit else (None, holder.pk)
        ids = {"org_unit_id": holder.pk} if is_unit else {"user_id": holder.pk}
        history = [{"year": year, "won": holder_won(by_owner=won[year], index=index, **ids)} for year in past]
        quota = by_holder.get(key)
        current_won = holder_won(by_owner=won["current"], index=index, **ids)
        lines.append({
            "holder": holder, "is_unit": is_unit, "quota": quota, "history": history,
            "won": current_won, "attainment": attainment_percent(current_won, quota.amount if quota else None),
            "may_set": (quota_may_set(user=viewer, org_unit=holder) if is_unit
                        else quota_may_set(user=viewer, person=holder)),
        })
    figures = quota_allocation_figures(period=period, unit=unit)
    statuses = {q.status for q in figures["children"]}
    return {
        "period": period, "unit": unit, "lines": lines, "history_years": list(past), **figures,
        "may_allocate": quota_may_allocate(user=viewer, unit=unit),
        "may_approve": quota_may_approve(user=viewer, unit=unit),
        "has_pending": bool(statuses & {ApprovalStatus.DRAFT, ApprovalStatus.RETURNED}),
        "has_submitted": ApprovalStatus.SUBMITTED in statuses,
    }


def quota_periods() -> QuerySet[QuotaPeriod]:
    """The periods a page or form offers: newest year first, its quarters in order after the year itself."""
    return QuotaPeriod.objects.order_by("-year", "quarter")


def managed_top_units(*, viewer: User) -> list[OrgUnit]:
    """The highest units the viewer manages (the company's root units for administrators)."""
    if viewer.is_admin:
        return list(OrgUnit.objects.filter(parent__isnull=True).select_related("manager"))
    managed = list(OrgUnit.objects.filter(manager=viewer).select_related("manager"))
    ids = {unit.pk for unit in managed}
    return [unit for unit in managed if unit.parent_id not in ids]


def attainment_dashboard(*, viewer: User, period: QuotaPeriod, unit: OrgUnit | None = None) -> dict:
    """Quota, won amount, attainment and forecast of a unit (or of the viewer alone) and of each of its
    children, with the chart series; a constant number of queries whatever the number of rows."""
    if unit is None:
        own = Quota.objects.filter(period=period, user=viewer).select_related("period").first()
        won = won_amounts(ranges={"p": (period.start, period.end)})["p"].get(viewer.pk, ZERO)
        subject = {"label": str(viewer), "quota": own.amount if own else None, "won": won,
                   "attainment": attainment_percent(won, own.amount if own else None),
                   "forecast": forecast_for(period=period, user=viewer)}
        rows = []
    else:
        units, people = _allocation_holders(unit)
        quotas = Quota.objects.filter(period=period).filter(
            Q(org_unit__in=[unit.pk, *[u.pk for u in units]]) | Q(user__in=[p.pk for p in people]))
        by_holder = {(q.org_unit_id, q.user_id): q.amount for q in quotas}
        won = won_amounts(ranges={"p": (period.start, period.end)})["p"]
        index = OrgIndex.load()
        total = index.total(unit.pk, won)
        holders = [*units, *people]
        # One grouped read of the forecasts for the unit and every row, whatever their number.
        unit_forecast, *forecasts = forecasts_for(period=period, holders=[unit, *holders])
        subject = {"label": str(unit), "quota": by_holder.get((unit.pk, None)), "won": total,
                   "attainment": attainment_percent(total, by_holder.get((unit.pk, None))),
                   "forecast": unit_forecast}
        rows = []
        for holder, forecast in zip(holders, forecasts, strict=True):
            is_unit = isinstance(holder, OrgUnit)
            quota = by_holder.get((holder.pk, None) if is_unit else (None, holder.pk))
            holder_total = index.total(holder.pk, won) if is_unit else won.get(holder.pk, ZERO)
            rows.append({
                "holder": holder, "is_unit": is_unit, "quota": quota, "won": holder_total,
                "attainment": attainment_percent(holder_total, quota),
                "gap": (quota - holder_total) if quota is not None else None,
                "forecast": forecast,
            })
    chart = {
        "labels": [str(row["holder"]) for row in rows],
        "quota": [float(row["quota"]) if row["quota"] is not None else None for row in rows],
        "won": [float(row["won"]) for row in rows],
        "forecast": [float(row["forecast"]) if row["forecast"] is not None else None for row in rows],
        "gauge": {"name": subject["label"],
                  "value": float(subject["attainment"]) if subject["attainment"] is not None else None},
    }
    return {"period": period, "unit": unit, "subject": subject, "rows": rows, "chart": chart}


# --- Territories and their plans ------------------------------------------------------------

def territory_named_accounts(*, viewer: User, territory: Territory) -> dict:
    """The territory's named accounts the viewer may see, and how many others it holds (two queries)."""
    customers = list(Customer.objects.visible_to(viewer).filter(named_account__territory=territory)
                     .select_related("owner").order_by("name"))
    return {"customers": customers, "hidden": territory.named_accounts.count() - len(customers)}


def territory_plans(*, viewer: User, territory: Territory | None = None, org_unit: OrgUnit | None = None
                    ) -> list[dict]:
    """Visible plans grouped by unit or territory and year, newest version first (one query)."""
    plans = TerritoryPlan.objects.visible_to(viewer).select_related("org_unit", "territory", "drafted_by",
                                                                    "reviewed_by")
    if territory is not None:
        plans = plans.filter(territory=territory)
    if org_unit is not None:
        plans = plans.filter(org_unit=org_unit)
    groups: dict[tuple, dict] = {}
    for plan in plans.order_by("-year", "org_unit__name", "territory__name", "-version"):
        key = (plan.org_unit_id, plan.territory_id, plan.year)
        group = groups.setdefault(key, {"latest": plan, "versions": []})
        group["versions"].append(plan)
    return list(groups.values())


# --- Re-deployment preview ------------------------------------------------------------------

def redeploy_preview(
    *, by: User, to_user: User, from_user: User | None = None, from_territory: Territory | None = None,
    to_territory: Territory | None = None, include_opportunities: bool = False, selection: Iterable[int] | None = None,
) -> dict:
    """Exactly what a re-deployment would move: the customers (of `from_user`, or the named accounts of
    `from_territory`, optionally narrowed to `selection`) not already with `to_user`, and with the option,
    their open opportunities whose primary owner is the customer's owner; with ids, rows and counts."""
    from sales_planning.services import redeploy_check_allowed

    redeploy_check_allowed(by=by, to_user=to_user, from_user=from_user, from_territory=from_territory,
                           to_territory=to_territory)
    customers = Customer.objects.exclude(owner=to_user)
    if from_territory is not None:
        customers = customers.filter(pk__in=TerritoryAccount.objects.filter(territory=from_territory)
                                     .values("customer_id"))
    if from_user is not None:
        customers = customers.filter(owner=from_user)
    if selection is not None:
        customers = customers.filter(pk__in=[int(pk) for pk in selection])
    customers = list(customers.select_related("owner").order_by("name", "pk"))
    if not by.is_admin:
        outside = [c for c in customers if c.owner_id is not None and c.owner_id != by.pk]
        allowed = set(by.subordinates().filter(pk__in={c.owner_id for c in outside}).values_list("pk", flat=True))
        refused = [c for c in outside if c.owner_id not in allowed]
        if refused or any(c.owner_id == by.pk for c in customers):
            raise PermissionDenied(_("Some of these customers belong to people outside your team."))
    opportunities = []
    if include_opportunities and customers:
        opportunities = list(
            Opportunity.objects.filter(customer__in=[c.pk for c in customers], stage__outcome=StageOutcome.OPEN,
                                             primary_owner=F("customer__owner"))
            .select_related("customer", "primary_owner", "stage").order_by("customer__name", "pk"))
    return {
        "customers": customers, "opportunities": opportunities,
        "customer_ids": [c.pk for c in customers], "opportunity_ids": [o.pk for o in opportunities],
        "customer_count": len(customers), "opportunity_count": len(opportunities),
        "opportunity_amount": sum((o.amount for o in opportunities), ZERO),
    }


def redeployment_list(*, viewer: User, with_moved: bool = False) -> QuerySet[Redeployment]:
    """The re-deployments the viewer may see, newest first. `with_moved`: also what moved that the viewer may
    see (`visible_customers`, `visible_opportunities`, by id), in two more queries whatever the page size."""
    records = (Redeployment.objects.visible_to(viewer)
               .select_related("by", "from_user", "to_user", "from_territory", "to_territory")
               .order_by("-created_at", "-pk"))
    if with_moved:
        records = records.prefetch_related(
            Prefetch("customers", queryset=Customer.objects.visible_to(viewer).only("pk").order_by("pk"),
                     to_attr="visible_customers"),
            Prefetch("opportunities", queryset=Opportunity.objects.visible_to(viewer).only("pk").order_by("pk"),
                     to_attr="visible_opportunities"))
    return records


def quota_allocations_awaiting(*, viewer: User, period: QuotaPeriod | None = None) -> QuerySet[Quota]:
    """Submitted allocations that wait for the viewer: those of units one level below the units the viewer
    manages (administrators: all). Superiors further up may also approve (services.quota_may_approve) but
    the request is addressed to the level directly above."""
    waiting = Quota.objects.filter(status=ApprovalStatus.SUBMITTED)
    if period is not None:
        waiting = waiting.filter(period=period)
    if not viewer.is_admin:
        waiting = waiting.filter(allocated_from__parent__manager=viewer)
    return waiting


# --- Bonus incentives --------------------------------------------------------------------------

def incentive_plan_list(*, viewer: User) -> QuerySet[IncentivePlan]:
    """Visible plan versions with their period, unit, tier count and payouts so far (one query); payouts a
    newer version replaced before they were approved are not counted: nobody will be paid them."""
    payouts = (Bonus.objects.filter(plan=OuterRef("pk")).exclude(status=BonusStatus.SUPERSEDED)
               .order_by().values("plan"))
    return (IncentivePlan.objects.visible_to(viewer)
            .select_related("period", "org_unit", "created_by", "approved_by")
            .annotate(tier_count=Count("tiers", distinct=True),
                      payout_total=Subquery(payouts.annotate(total=Sum("amount")).values("total")[:1]),
                      payout_count=Subquery(payouts.annotate(n=Count("pk")).values("n")[:1]))
            .order_by("-period__year", "name", "-version"))


def incentive_plan_eligible_people(*, plan: IncentivePlan) -> QuerySet[User]:
    """Active people the plan covers: anyone named, and anyone in the eligible units' subtrees (the plan's own
    unit when none is named) whose role is eligible (any role when none is named)."""
    unit_ids = list(plan.eligible_units.values_list("pk", flat=True)) or [plan.org_unit_id]
    in_units = Q()
    for unit_id in unit_ids:
        in_units |= Q(org_unit__in=descendants_sql(OrgUnit._meta.db_table, "parent_id", unit_id, include_root=True))
    scope = in_units
    if plan.eligible_roles:
        scope &= Q(role__in=plan.eligible_roles)
    named = IncentivePlan.eligible_users.through.objects.filter(incentiveplan_id=plan.pk).values("user_id")
    return User.objects.filter(is_active=True).filter(scope | Q(pk__in=named)).order_by("username")


def incentive_plan_expected_cost(*, plan: IncentivePlan) -> dict:
    """Each eligible person's bonus if they win their forecast (their quota when there is no forecast, or a
    forecast of zero), by the plan's rule, and the total; people without a quota cost nothing and are listed."""
    from sales_planning.services import incentive_bonus

    people = list(incentive_plan_eligible_people(plan=plan))
    quotas = dict(Quota.objects.filter(period=plan.period, user__in=[p.pk for p in people])
                  .values_list("user_id", "amount"))
    with_quota = [person for person in people if person.pk in quotas]
    forecasts = dict(zip([p.pk for p in with_quota], forecasts_for(period=plan.period, holders=with_quota),
                         strict=True))
    tiers = list(plan.tiers.all())
    rows, total = [], ZERO
    for person in people:
        quota = quotas.get(person.pk)
        # A forecast of 0 means the person has forecast nothing for the period yet: their quota stands in.
        forecast = forecasts.get(person.pk) or None
        expected = forecast if forecast is not None else quota
        figure = incentive_bonus(tiers=tiers, cap=plan.cap, accelerator=plan.accelerator, quota=quota,
                                 won=expected) if quota is not None else None
        amount = figure.amount if figure else ZERO
        total += amount
        rows.append({"user_id": person.pk, "name": str(person), "quota": quota, "expected_won": expected,
                     "source": "forecast" if forecast is not None else ("quota" if quota is not None else "none"),
                     "attainment": figure.attainment if figure else None, "amount": amount})
    return {"total": total, "people": rows, "without_quota": sum(1 for row in rows if row["quota"] is None)}


def bonus_list(*, viewer: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Bonus]:
    """Payouts visible to `viewer` with their person, plan and period (one query)."""
    bonuses = (Bonus.objects.visible_to(viewer)
               .select_related("user", "plan__period", "plan__org_unit", "approved_by", "paid_by")
               .order_by("-plan__period__year", "plan__name", "-plan__version", "user__username"))
    filters = filters or {}
    for name in ("plan", "status", "user"):
        if filters.get(name):
            bonuses = bonuses.filter(**{name: filters[name]})
    if filters.get("period"):
        bonuses = bonuses.filter(plan__period=filters["period"])
    return bonuses


HISTOGRAM_BUCKETS = 8


def incentive_evaluation(*, viewer: User, plan: IncentivePlan | None = None) -> dict:
    """Cost against plan (expected cost and calculated payouts per plan version) and the distribution of
    payouts as a histogram (two queries)."""
    plans = list(incentive_plan_list(viewer=viewer) if plan is None
                 else incentive_plan_list(viewer=viewer).filter(pk=plan.pk))
    rows = []
    for item in plans:
        calculated = item.payout_total or ZERO
        rows.append({"plan": item, "expected": item.expected_cost, "calculated": calculated,
                     "count": item.payout_count or 0,
                     "variance": (calculated - item.expected_cost)
                     if item.expected_cost is not None and item.payout_count else None})
    amounts = list(bonus_list(viewer=viewer, filters={"plan": plan.pk} if plan else None)
                   .exclude(status=BonusStatus.SUPERSEDED).values_list("amount", flat=True))
    histogram = {"labels": [], "counts": []}
    if amounts:
        top = max(amounts)
        width = (top / HISTOGRAM_BUCKETS).quantize(Decimal("1"), rounding=ROUND_CEILING) or Decimal(1)
        counts = [0] * HISTOGRAM_BUCKETS
        for amount in amounts:
            counts[min(int(amount / width), HISTOGRAM_BUCKETS - 1)] += 1
        histogram = {"labels": [f"{width * i:,.0f}–{width * (i + 1):,.0f}" for i in range(HISTOGRAM_BUCKETS)],
                     "counts": counts}
    chart = {"plans": [f"{row['plan'].name} v{row['plan'].version}" for row in rows],
             "expected": [float(row["expected"]) if row["expected"] is not None else None for row in rows],
             "calculated": [float(row["calculated"]) for row in rows], "histogram": histogram}
    return {"rows": rows, "chart": chart, "payout_count": len(amounts), "payout_total": sum(amounts, ZERO)}


# --- The workbench panel ---------------------------------------------------------------------

def workbench_panel(user: User) -> dict | None:
    """My quota and attainment this period; for managers, what waits for my approval."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    period = next(iter(current_quarter_or_year()), None)
    panel: dict[str, Any] = {"template": "sales_planning/_sales_workbench.html", "period": period, "mine": None,
                             "unit": None}
    if period is not None:
        quotas = list(Quota.objects.filter(period=period).filter(
            Q(user=user) | Q(org_unit__manager=user)).select_related("period", "org_unit"))
        quota_attach_attainment(quotas)
        panel["mine"] = next((q for q in quotas if q.user_id == user.pk), None)
        panel["unit"] = next((q for q in quotas if q.org_unit_id), None)
    # A quota tile for whoever has a quota of their own or leads a unit (administrators sell nothing).
    panel["show_quota"] = panel["unit"] is not None or user.has_own_book
    panel["is_manager"] = user.is_manager
    if user.is_manager:
        from sales_planning.services import incentive_plan_may_approve

        waiting = quota_allocations_awaiting(viewer=user)
        plans = TerritoryPlan.objects.filter(status=ApprovalStatus.SUBMITTED)
        incentives = IncentivePlan.objects.filter(status=IncentiveStatus.SUBMITTED).select_related("org_unit")
        if not user.is_admin:
            plans = plans.filter(org_unit__parent__manager=user)
            incentives = incentives.filter(org_unit__in=managed_unit_ids(user))
        incentives = [plan for plan in incentives if incentive_plan_may_approve(user=user, plan=plan)]
        panel.update(counts_together({"quota_allocations": waiting.values("period", "allocated_from").distinct(),
                                      "territory_plans": plans}))
        panel["incentive_plans"] = len(incentives)
    return panel
