"""Demo data of the sales force planning: quota periods, quotas allocated top-down and approved level by
level, a territory and its plans, and bonus incentive plans (one with payouts). Idempotent: whatever
exists already is left as it is.

Everything goes through the services, acting as the people the rules name, so the demo also shows
the workflow (revisions, acknowledgements, approvals, notifications).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from accounts.models import Customer
from sales_planning import services
from sales_planning.models import IncentivePlan, PeriodKind, Quota, QuotaPeriod, TerritoryAccount, TerritoryPlan
from teams.models import OrgUnit, OrgUnitKind, Role, Territory, User

# A yearly quota per account manager; units get the sum of their people with some head-room.
YEARLY_PER_ACCOUNT_MANAGER = Decimal("4000000.00")
STEP = Decimal("10000")


def seed(command, scale: int) -> None:
    say = command.progress if hasattr(command, "progress") else command.stdout.write
    admin = User.objects.filter(username="admin").first()
    roots = list(OrgUnit.objects.filter(parent__isnull=True, kind=OrgUnitKind.COMPANY))
    if admin is None or not roots:
        command.stdout.write("No demo organisation: skipping the sales planning demo.")
        return
    today = timezone.localdate()
    year = services.quota_period_for(kind=PeriodKind.YEAR, year=today.year)
    quarters = [services.quota_period_for(kind=PeriodKind.QUARTER, year=today.year, quarter=q) for q in (1, 2, 3, 4)]
    current = next(p for p in quarters if p.start <= today <= p.end)
    previous = _previous_quarter(current)
    for period, share, leave_draft in ((year, Decimal(1), False), (previous, Decimal("0.25"), False),
                                       (current, Decimal("0.25"), True)):
        if Quota.objects.filter(period=period, org_unit__in=roots).exists():
            continue
        for root in roots:
            _cascade(period, root, admin, share, leave_draft=leave_draft)
        say(f"  Quotas {period}: {Quota.objects.filter(period=period).count()} allocated")
    _seed_territory_plans(today.year)
    _seed_incentives(year, previous, today)
    command.stdout.write(
        f"Demo sales planning ready: {QuotaPeriod.objects.count()} periods, {Quota.objects.count()} quotas, "
        f"{TerritoryPlan.objects.count()} territory plans, {IncentivePlan.objects.count()} incentive plans."
    )


def _previous_quarter(period: QuotaPeriod) -> QuotaPeriod:
    if period.quarter == 1:
        return services.quota_period_for(kind=PeriodKind.QUARTER, year=period.year - 1, quarter=4)
    return services.quota_period_for(kind=PeriodKind.QUARTER, year=period.year, quarter=period.quarter - 1)


def _people(unit: OrgUnit) -> list[User]:
    return list(User.objects.filter(org_unit=unit, is_active=True, role=Role.ACCOUNT_MANAGER)
                .exclude(pk=unit.manager_id).order_by("username"))


def _headcount(unit: OrgUnit) -> int:
    return User.objects.filter(org_unit__in=unit.subtree_ids(), is_active=True, role=Role.ACCOUNT_MANAGER).count()


def _split(total: Decimal, weights: list[int]) -> list[Decimal]:
    """Split `total` by weights in steps of 10 000; the last share takes the rest, so the sum matches."""
    whole = sum(weights) or 1
    shares = [(total * weight / whole / STEP).quantize(Decimal(1), rounding=ROUND_DOWN) * STEP for weight in weights]
    if shares:
        shares[-1] = total - sum(shares[:-1])
    return shares


def _cascade(period: QuotaPeriod, root: OrgUnit, admin: User, share: Decimal, *, leave_draft: bool) -> None:
    """Set the company quota, then allocate and approve it level by level down to the account managers."""
    total = (YEARLY_PER_ACCOUNT_MANAGER * _headcount(root) * Decimal("1.05") * share / STEP).quantize(
        Decimal(1), rounding=ROUND_DOWN) * STEP
    services.quota_set(period=period, amount=total, by=admin, org_unit=root, reason="公司年度收入目标分解")
    services.quota_allocation_submit(period=period, unit=None, by=admin)
    services.quota_allocation_approve(period=period, unit=None, by=admin)
    _allocate(period, root, total, admin, leave_draft=leave_draft)


def _allocate(period: QuotaPeriod, unit: OrgUnit, amount: Decimal, admin: User, *, leave_draft: bool) -> None:
    children = list(OrgUnit.objects.filter(parent=unit).select_related("manager").order_by("name"))
    people = _people(unit)
    allocator = unit.manager or admin
    if not children and not people:
        return
    weights = [_headcount(child) for child in children] + [1] * len(people)
    shares = _split(amount, weights)
    # One team keeps a little head-room on purpose: its manager acknowledges the difference.
    acknowledged = bool(people) and unit.name == "杭州大客户组"
    if acknowledged:
        shares[-1] -= Decimal("100000")
    for child, value in zip(children, shares, strict=False):
        services.quota_set(period=period, amount=value, by=allocator, org_unit=child)
    for person, value in zip(people, shares[len(children):], strict=True):
        services.quota_set(period=period, amount=value, by=allocator, user=person)
    if acknowledged:
        services.quota_allocation_acknowledge(period=period, unit=unit, by=allocator,
                                              note="保留10万元作为团队机动指标")
    if leave_draft and unit.name == "上海大客户一组":
        return  # the team manager has not submitted this quarter's split yet
    services.quota_allocation_submit(period=period, unit=unit, by=allocator)
    approver = services._allocation_approver(unit) or admin
    if not services.quota_may_approve(user=approver, unit=unit):
        approver = admin
    services.quota_allocation_approve(period=period, unit=unit, by=approver)
    for child, value in zip(children, shares, strict=False):
        _allocate(period, child, value, admin, leave_draft=leave_draft)


def _seed_territory_plans(year: int) -> None:
    east = OrgUnit.objects.filter(name="华东区").select_related("manager", "parent__manager").first()
    if east is None or east.manager is None:
        return
    territory, created = Territory.objects.get_or_create(
        name="华东重点行业", defaults={"org_unit": east, "provinces": ["上海", "浙江", "江苏"],
                                   "industries": ["制造业", "金融", "能源"]})
    if created:
        territory.members.set(User.objects.filter(org_unit__in=east.subtree_ids(), role=Role.ACCOUNT_MANAGER))
        _name_accounts(territory, east)
    if not TerritoryPlan.objects.filter(org_unit=east, territory__isnull=True, year=year).exists():
        plan = services.territory_plan_create(
            org_unit=east, year=year, by=east.manager,
            goals="华东区全年签约额同比增长15%;新增重点客户12家;制造业与金融行业各突破3个标杆项目。",
            coverage="上海、浙江、江苏三省市;上海大客户一组覆盖上海金融与制造业指定客户,杭州大客户组覆盖浙江全境。",
            principles="指定客户由区域经理指派;新客户按省份与行业规则分配,同城同行业优先分给客户最少的客户经理。")
        services.territory_plan_submit(plan=plan, by=east.manager)
        approver = east.parent.manager if east.parent and east.parent.manager else None
        if approver is not None:
            services.territory_plan_approve(plan=plan, by=approver, comment="同意,注意跟进金融行业标杆项目。")
    team = OrgUnit.objects.filter(name="上海大客户一组").select_related("manager").first()
    if team is not None and team.manager and not TerritoryPlan.objects.filter(org_unit=team, year=year).exists():
        plan = services.territory_plan_create(
            org_unit=team, year=year, by=team.manager,
            goals="上海地区大客户签约额达到年度指标;重点突破3家金融客户。",
            coverage="上海全市金融、制造业客户;每位客户经理负责约30家客户。",
            principles="老客户保持原客户经理;新客户轮流分配。")
        services.territory_plan_submit(plan=plan, by=team.manager)


def _name_accounts(territory: Territory, unit: OrgUnit) -> None:
    """A few of the region's customers become the territory's named accounts."""
    owners = User.objects.filter(org_unit__in=unit.subtree_ids())
    ids = list(Customer.objects.filter(owner__in=owners).exclude(
        pk__in=TerritoryAccount.objects.values("customer_id")).order_by("pk").values_list("pk", flat=True)[:8])
    TerritoryAccount.objects.bulk_create([TerritoryAccount(territory=territory, customer_id=pk,
                                                           added_by=unit.manager) for pk in ids])


def _seed_incentives(year: QuotaPeriod, previous: QuotaPeriod, today) -> None:
    division = OrgUnit.objects.filter(name="政企事业部").select_related("manager").first()
    if division is None or division.manager is None:
        return
    head = division.manager
    tiers = [
        {"threshold": Decimal("0"), "rate": Decimal("0.5")},
        {"threshold": Decimal("80"), "rate": Decimal("1.0")},
        {"threshold": Decimal("100"), "rate": Decimal("1.5")},
        {"threshold": Decimal("120"), "rate": Decimal("2.0")},
    ]
    name = f"政企事业部{year.year}年度销售奖金"
    if not IncentivePlan.objects.filter(name=name).exists():
        plan = services.incentive_plan_create(
            by=head, name=name, period=year, org_unit=division, tiers=tiers, cap=Decimal("300000"),
            accelerator=Decimal("1.50"), eligible_roles=[Role.ACCOUNT_MANAGER])
        plan = services.incentive_plan_submit(plan=plan, by=head)
        plan = services.incentive_plan_approve(plan=plan, by=head, comment="同意按此方案执行。")
        services.incentive_plan_publish(plan=plan, by=head)
    east = OrgUnit.objects.filter(name="华东区").select_related("manager").first()
    sprint = f"华东区{previous}冲刺奖"
    if east is not None and east.manager and not IncentivePlan.objects.filter(name=sprint).exists():
        plan = services.incentive_plan_create(
            by=east.manager, name=sprint, period=previous, org_unit=east,
            tiers=[{"threshold": Decimal("50"), "fixed_amount": Decimal("5000")},
                   {"threshold": Decimal("100"), "rate": Decimal("1.2")}],
            cap=Decimal("80000"), accelerator=Decimal("1.20"), eligible_roles=[Role.ACCOUNT_MANAGER])
        plan = services.incentive_plan_submit(plan=plan, by=east.manager)
        plan = services.incentive_plan_approve(plan=plan, by=head)
        plan = services.incentive_plan_publish(plan=plan, by=head)
        if previous.end < today:
            services.incentive_payouts_calculate(plan=plan, by=head)
