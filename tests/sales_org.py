"""A small sales organisation and helpers shared by the sales force planning tests.

company (head) > division (div_head) > region (region_mgr) > team (team_mgr: am1, am2)
                                                          > team_b (team_mgr_b: am3)
company > other_division (other_head: outsider)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sales_planning import services
from sales_planning.models import PeriodKind, QuotaPeriod
from teams.models import OrgUnit, OrgUnitKind, User
from tests.factories import AdminFactory, CustomerFactory, ManagerFactory, UserFactory

_names = itertools.count(1)


@dataclass
class Org:
    company: OrgUnit
    division: OrgUnit
    region: OrgUnit
    team: OrgUnit
    team_b: OrgUnit
    other_division: OrgUnit
    head: User
    div_head: User
    region_mgr: User
    team_mgr: User
    team_mgr_b: User
    am1: User
    am2: User
    am3: User
    other_head: User
    outsider: User
    admin: User


def build_org() -> Org:
    head = ManagerFactory(username="head")
    div_head = ManagerFactory(username="div_head", manager=head)
    region_mgr = ManagerFactory(username="region_mgr", manager=div_head)
    team_mgr = ManagerFactory(username="team_mgr", manager=region_mgr)
    team_mgr_b = ManagerFactory(username="team_mgr_b", manager=region_mgr)
    other_head = ManagerFactory(username="other_head", manager=head)
    company = OrgUnit.objects.create(name="公司", kind=OrgUnitKind.COMPANY, manager=head)
    division = OrgUnit.objects.create(name="政企事业部", kind=OrgUnitKind.DIVISION, parent=company, manager=div_head)
    region = OrgUnit.objects.create(name="华东区", kind=OrgUnitKind.REGION, parent=division, manager=region_mgr)
    team = OrgUnit.objects.create(name="上海组", kind=OrgUnitKind.TEAM, parent=region, manager=team_mgr)
    team_b = OrgUnit.objects.create(name="杭州组", kind=OrgUnitKind.TEAM, parent=region, manager=team_mgr_b)
    other = OrgUnit.objects.create(name="行业事业部", kind=OrgUnitKind.DIVISION, parent=company, manager=other_head)
    for person, unit in ((head, company), (div_head, division), (region_mgr, region), (team_mgr, team),
                         (team_mgr_b, team_b), (other_head, other)):
        person.org_unit = unit
        person.save(update_fields=["org_unit"])
    am1 = UserFactory(username="am1", manager=team_mgr, org_unit=team)
    am2 = UserFactory(username="am2", manager=team_mgr, org_unit=team)
    am3 = UserFactory(username="am3", manager=team_mgr_b, org_unit=team_b)
    outsider = UserFactory(username="outsider", manager=other_head, org_unit=other)
    admin = AdminFactory(username="admin")
    return Org(company, division, region, team, team_b, other, head, div_head, region_mgr, team_mgr, team_mgr_b,
               am1, am2, am3, other_head, outsider, admin)


def year(y: int = 2025) -> QuotaPeriod:
    return services.quota_period_for(kind=PeriodKind.YEAR, year=y)


def quarter(y: int, q: int) -> QuotaPeriod:
    return services.quota_period_for(kind=PeriodKind.QUARTER, year=y, quarter=q)


def customer_for(owner: User | None, **fields):
    fields.setdefault("name", f"测试客户{next(_names)}号有限公司")
    return CustomerFactory(owner=owner, **fields)


def opportunity(owner: User, amount, close: date, *, outcome: str = "won", customer=None, team=()):
    """An opportunity at a won (08 won), lost (08 lost) or open (01) stage with `owner` as primary owner;
    `close` is the day a won or lost one was closed (and its expected close date)."""
    from opportunities.models import Opportunity, OpportunityTeamMember, Stage

    stage = (Stage.objects.get(code="08", outcome=outcome) if outcome != "open"
             else Stage.objects.filter(outcome="open").order_by("order").first())
    opp = Opportunity.objects.create(
        customer=customer or customer_for(owner), name=f"商机{next(_names)}", amount=Decimal(str(amount)),
        expected_close_date=close, closed_on=close if outcome != "open" else None, stage=stage, primary_owner=owner)
    OpportunityTeamMember.objects.create(opportunity=opp, user=owner, is_primary=True)
    for member in team:
        OpportunityTeamMember.objects.create(opportunity=opp, user=member, is_primary=False)
    return opp


def allocate_down(org: Org, period: QuotaPeriod, *, company=Decimal("1000"), team_people=(Decimal("300"),
                  Decimal("200"))) -> None:
    """Set and approve the quotas from the company down to the team, leaving am1/am2 to the test."""
    services.quota_set(period=period, amount=company, by=org.admin, org_unit=org.company)
    services.quota_allocation_submit(period=period, unit=None, by=org.admin)
    services.quota_allocation_approve(period=period, unit=None, by=org.admin)
    for unit, parent, children in (
        (org.company, None, [(org.division, company - 100), (org.other_division, Decimal("100"))]),
        (org.division, org.company, [(org.region, company - 100)]),
        (org.region, org.division, [(org.team, sum(team_people)), (org.team_b, company - 100 - sum(team_people))]),
    ):
        for child, amount in children:
            services.quota_set(period=period, amount=amount, by=unit.manager, org_unit=child)
        services.quota_allocation_submit(period=period, unit=unit, by=unit.manager)
        approver = parent.manager if parent is not None else org.admin
        services.quota_allocation_approve(period=period, unit=unit, by=approver)
