"""The worked example of the forecast tests: a 4-level hierarchy and its opportunities in Q2 2026.

    head (company)                                   no level: above the division
      └─ divhead          政企事业部 (division)
           ├─ regional    华东区 (region)
           │    ├─ teamlead   上海一组 (team) ── am1, am2 (account managers)
           │    └─ teamlead2  杭州组 (team), nobody below, never submits
           └─ regional2   华南区 (region) ── am3 (account manager)

Opportunities (period Q2 2026 = 2026-04-01 … 2026-06-30; products P1, P2; "close" is a won or lost one's
day of closing):

| opp | owner | stage | amount | confirmed | close | lines | counts for |
|---|---|---|---|---|---|---|---|
| o1 | am1 | 07 | 100,000 | yes | 04-15 | P1 × 10 | am1, commit |
| o2 | am1 | 05 | 50,000 | yes | 05-20 | P2 × 5 | am1, best case |
| o3 | am1 | 03 | 30,000 | no | 05-25 | – | pipeline only |
| o4 | am1 | 08 won | 20,000 | yes | 05-05 | P1 × 2 | am1, commit |
| o5 | am1 | 08 lost | 40,000 | yes | 05-06 | – | nobody (lost) |
| o6 | am1 | 06 | 60,000 | yes | 07-10 | – | nobody (next quarter) |
| o7 | am2, am1 on the team | 02 | 70,000 | yes | 06-10 | P2 × 7 | am2 only, pipeline |
| o8 | am2 | 07 | 80,000 | yes | 06-30 | P1 × 8 | am2, commit |
| o9 | teamlead | 07 | 25,000 | yes | 04-20 | P1 × 1 | teamlead, commit |
| o10 | teamlead2 | 07 | 10,000 | no | 04-22 | – | pipeline only |
| o11 | am3 | 07 | 90,000 | yes | 06-01 | – | am3, commit |
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from forecasting.models import PeriodKind
from forecasting.services import period_create
from teams.models import OrgUnitKind
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    ManagerFactory,
    OpportunityFactory,
    OrgUnitFactory,
    ProductFactory,
    TeamMemberFactory,
    UserFactory,
    ensure_forecast_config,
    stage,
)


@pytest.fixture(autouse=True)
def _forecast_config(request):
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        ensure_forecast_config()


def money(text: str) -> Decimal:
    return Decimal(text)


def opportunity(owner, code, amount, close, *, confirmed=True, outcome="open", products=(), name=""):
    from opportunities.models import OpportunityLine

    opp = OpportunityFactory(
        primary_owner=owner, customer=CustomerFactory(owner=owner), name=name or f"{owner.username}-{code}-{amount}",
        stage=stage(code, outcome), amount=money(amount), expected_close_date=close, confirmed=confirmed,
        closed_on=close if outcome != "open" else None,
    )
    for product, quantity, line_amount in products:
        OpportunityLine.objects.create(opportunity=opp, product=product, quantity=Decimal(quantity),
                                       unit_price=money(line_amount) / Decimal(quantity), amount=money(line_amount))
    return opp


@pytest.fixture
def world(db):
    company = OrgUnitFactory(name="华远集团", kind=OrgUnitKind.COMPANY)
    division = OrgUnitFactory(name="政企事业部", kind=OrgUnitKind.DIVISION, parent=company)
    region = OrgUnitFactory(name="华东区", kind=OrgUnitKind.REGION, parent=division)
    region2 = OrgUnitFactory(name="华南区", kind=OrgUnitKind.REGION, parent=division)
    team = OrgUnitFactory(name="上海一组", kind=OrgUnitKind.TEAM, parent=region)
    team2 = OrgUnitFactory(name="杭州组", kind=OrgUnitKind.TEAM, parent=region)
    team3 = OrgUnitFactory(name="广州组", kind=OrgUnitKind.TEAM, parent=region2)

    head = ManagerFactory(username="head", display_name="王总", org_unit=company)
    divhead = ManagerFactory(username="divhead", display_name="赵敏", manager=head, org_unit=division)
    regional = ManagerFactory(username="regional", display_name="陈静", manager=divhead, org_unit=region)
    regional2 = ManagerFactory(username="regional2", display_name="黄伟", manager=divhead, org_unit=region2)
    teamlead = ManagerFactory(username="teamlead", display_name="李强", manager=regional, org_unit=team)
    teamlead2 = ManagerFactory(username="teamlead2", display_name="孙丽", manager=regional, org_unit=team2)
    am1 = UserFactory(username="am1", display_name="张伟", manager=teamlead, org_unit=team)
    am2 = UserFactory(username="am2", display_name="王芳", manager=teamlead, org_unit=team)
    am3 = UserFactory(username="am3", display_name="罗平", manager=regional2, org_unit=team3)
    for unit, boss in [(company, head), (division, divhead), (region, regional), (region2, regional2),
                       (team, teamlead), (team2, teamlead2)]:
        unit.manager = boss
        unit.save(update_fields=["manager"])

    period = period_create(kind=PeriodKind.QUARTER, start=date(2026, 4, 1), by=None)
    previous = period_create(kind=PeriodKind.QUARTER, start=date(2026, 1, 1), by=None)
    p1 = ProductFactory(code="P1", name="数控加工中心")
    p2 = ProductFactory(code="P2", name="工业机器人")

    o = SimpleNamespace()
    o.o1 = opportunity(am1, "07", "100000.00", date(2026, 4, 15), products=[(p1, "10", "100000.00")])
    o.o2 = opportunity(am1, "05", "50000.00", date(2026, 5, 20), products=[(p2, "5", "50000.00")])
    o.o3 = opportunity(am1, "03", "30000.00", date(2026, 5, 25), confirmed=False)
    o.o4 = opportunity(am1, "08", "20000.00", date(2026, 5, 5), outcome="won", products=[(p1, "2", "20000.00")])
    o.o5 = opportunity(am1, "08", "40000.00", date(2026, 5, 6), outcome="lost")
    o.o6 = opportunity(am1, "06", "60000.00", date(2026, 7, 10))
    o.o7 = opportunity(am2, "02", "70000.00", date(2026, 6, 10), products=[(p2, "7", "70000.00")])
    TeamMemberFactory(opportunity=o.o7, user=am1, role="presales")
    o.o8 = opportunity(am2, "07", "80000.00", date(2026, 6, 30), products=[(p1, "8", "80000.00")])
    o.o9 = opportunity(teamlead, "07", "25000.00", date(2026, 4, 20), products=[(p1, "1", "25000.00")])
    o.o10 = opportunity(teamlead2, "07", "10000.00", date(2026, 4, 22), confirmed=False)
    o.o11 = opportunity(am3, "07", "90000.00", date(2026, 6, 1))

    outsider_boss = ManagerFactory(username="elsewhere-boss")
    outsider = UserFactory(username="elsewhere", manager=outsider_boss)
    return SimpleNamespace(
        company=company, division=division, region=region, region2=region2, team=team, team2=team2,
        head=head, divhead=divhead, regional=regional, regional2=regional2, teamlead=teamlead,
        teamlead2=teamlead2, am1=am1, am2=am2, am3=am3, period=period, previous=previous, p1=p1, p2=p2, o=o,
        outsider=outsider, outsider_boss=outsider_boss, admin=AdminFactory(username="fc-admin"),
    )
