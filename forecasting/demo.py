"""Demo data of the forecasting area, called by `manage.py seed_demo` after the opportunities'.

Idempotent: the periods are created once; the records and channel forecasts only when the
current quarter has none yet. Without opportunities there is nothing to forecast: it says so.

What it leaves (current quarter; the current month gets its period and rule only):
- most opportunities closing in the quarter confirmed by their primary owners;
- in every team but 上海大客户一组 each account manager's record submitted, every other one
  approved by the team manager, one returned with a reason; team managers' records submitted;
- in 上海大客户一组: zhangwei has no record yet (the demo journey), wangfang submitted, liuyang
  approved;
- 华南区's and 北京's region managers submitted; each division with two channel partners' forecasts.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

DEMO_TEAM = "上海大客户一组"
PARTNERS = [("华东智联分销有限公司", "CH-001"), ("南方鼎信科技有限公司", "CH-002")]


def seed(command, scale: int) -> None:
    from forecasting import services
    from forecasting.models import ChannelForecast, Forecast, ForecastStatus, PeriodKind
    from forecasting.rules import counted_opportunities, rules_for
    from opportunities.models import Opportunity, OpportunityLine
    from teams.models import OrgUnit, OrgUnitKind, Role, User

    if not Opportunity.objects.exists():
        command.stdout.write("Forecasting: no opportunities yet, no forecast demo data (run it again later).")
        return
    today = timezone.localdate()
    quarter = services.period_ensure(kind=PeriodKind.QUARTER, day=today)
    services.period_ensure(kind=PeriodKind.MONTH, day=today)
    previous_quarter = services.period_ensure(kind=PeriodKind.QUARTER, day=quarter.start - timedelta(days=1))
    if Forecast.objects.filter(period=quarter).exists():
        command.progress("Forecasting: demo records already there.")
        return

    rules = rules_for(quarter)
    candidates = counted_opportunities(quarter, rules, confirmed=False).order_by("id")
    # Four in five get confirmed (by their primary owner, as the opportunities area's rule says).
    to_confirm = [pk for index, pk in enumerate(candidates.values_list("pk", flat=True)) if index % 5 != 4]
    Opportunity.objects.filter(pk__in=to_confirm).update(confirmed=True, confirmed_at=timezone.now())

    account_managers = list(
        User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True, manager__isnull=False)
        .select_related("manager", "org_unit").order_by("org_unit__name", "username")
    )
    created = 0
    returned_one = False
    for index, person in enumerate(account_managers):
        team_name = person.org_unit.name if person.org_unit else ""
        if person.username == "zhangwei":
            continue
        record = services.forecast_create(period=quarter, by=person)
        created += 1
        if team_name == DEMO_TEAM and person.username not in ("wangfang", "liuyang"):
            continue
        services.forecast_submit(forecast=record, by=person)
        if person.username == "wangfang":
            continue
        if not returned_one and team_name != DEMO_TEAM:
            services.forecast_return(forecast=record, by=person.manager, reason="请补充客户预算确认情况后重新上报。")
            returned_one = True
            again = services.forecast_create(period=quarter, by=person)
            services.forecast_submit(forecast=again, by=person)
            continue
        if index % 2 == 0 or person.username == "liuyang":
            services.forecast_approve(forecast=record, by=person.manager)

    teams = OrgUnit.objects.filter(kind=OrgUnitKind.TEAM, manager__isnull=False).exclude(name=DEMO_TEAM)
    for team in teams.select_related("manager").order_by("name"):
        record = services.forecast_create(period=quarter, by=team.manager)
        services.forecast_submit(forecast=record, by=team.manager)
        created += 1
    for region in OrgUnit.objects.filter(kind=OrgUnitKind.REGION, manager__isnull=False).filter(
            Q(name="华南区") | Q(name="华北区")).select_related("manager"):
        record = services.forecast_create(period=quarter, by=region.manager)
        services.forecast_submit(forecast=record, by=region.manager)
        created += 1

    # Last quarter: the account managers' approved records, so "vs last period" has a figure.
    for person in account_managers[: max(6, len(account_managers) // 4)]:
        if person.username == "zhangwei":
            continue
        record = services.forecast_create(period=previous_quarter, by=person)
        services.forecast_submit(forecast=record, by=person)
        services.forecast_approve(forecast=record, by=person.manager)

    products = list(
        OpportunityLine.objects.filter(opportunity__in=candidates).values_list("product_id", flat=True).distinct()[:3]
    )
    channel_rows = 0
    for division in OrgUnit.objects.filter(kind=OrgUnitKind.DIVISION).order_by("name"):
        for number, (partner, code) in enumerate(PARTNERS):
            for position, product_id in enumerate(products):
                ChannelForecast.objects.update_or_create(
                    period=quarter, org_unit=division, partner_name=partner, product_id=product_id,
                    defaults={"partner_code": code, "quantity": Decimal(5 + 3 * position + number),
                              "amount": Decimal(180000 + 90000 * position + 40000 * number)},
                )
                channel_rows += 1
    submitted = Forecast.objects.filter(period=quarter, status__in=[ForecastStatus.SUBMITTED,
                                                                     ForecastStatus.APPROVED]).count()
    command.stdout.write(
        f"Forecasting: periods {quarter} and this month, {len(to_confirm)} opportunities confirmed, "
        f"{created} records ({submitted} submitted or approved), {channel_rows} channel forecasts."
    )
