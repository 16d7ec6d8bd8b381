"""The people of the tender tests, around one opportunity of `owner` in stage 05 (see tests/conftest.py).

    director (region manager)
      └─ manager ─┬─ owner      primary owner of `opportunity`
                  └─ teammate   a peer of the owner, not on the sales team
    other-manager ── outsider   another branch
    presales-manager ── presales   presales member of the sales team (edits the tender)
    service                        service member of the sales team (sees, does not edit)
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    CustomerFactory,
    ManagerFactory,
    OpportunityFactory,
    PartnerFactory,
    ProductFactory,
    TeamMemberFactory,
    UserFactory,
    ensure_default_config,
    stage,
)


@pytest.fixture(autouse=True)
def _default_config(request):
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        ensure_default_config()



@pytest.fixture
def customer(owner):
    return CustomerFactory(owner=owner, name="上海华远精密机械有限公司")


@pytest.fixture
def opportunity(owner, customer, director):
    return OpportunityFactory(primary_owner=owner, customer=customer, name="华远数据中心扩容", stage=stage("05"))



@pytest.fixture
def service_member(db, opportunity):
    person = UserFactory(username="service", manager=ManagerFactory(username="service-manager"))
    TeamMemberFactory(opportunity=opportunity, user=person, role="service")
    return person


@pytest.fixture
def product(db):
    return ProductFactory(code="HY-SRV-R740", name="华远智算服务器 R740", unit="台")


@pytest.fixture
def partner(db):
    return PartnerFactory(name="上海华信系统集成有限公司")


@pytest.fixture
def poor_partner(db, manager):
    from bids.services import partner_rate_credit

    partner = PartnerFactory(name="天津海河数码有限公司", region="华北")
    partner_rate_credit(partner=partner, by=manager, rating="poor", rated_on=timezone.localdate(),
                        source="法院执行信息公开网")
    return partner


def days_ahead(days: int, hour: int = 9):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=30, second=0, microsecond=0)


def a_line(**overrides):
    line = {"configuration": "双路 CPU / 512G 内存", "quantity": Decimal("4"), "target_price": Decimal("80000.00"),
            "quote": Decimal("86000.00")}
    line.update(overrides)
    return line


def complete_tender(**overrides) -> dict:
    """Everything a tender needs to be bid: tender type, a direct scheme, one line, weights, dates."""
    data = {
        "sales_method": "tender", "tender_type": "open_single_quote", "scheme": "direct",
        "evaluation": {"price": 40, "service": 20, "technology": 30, "commercial": 10},
        "impact": "very_high", "relationship": "over_60", "background": "集团统一采购",
        "submission_at": days_ahead(10), "opening_at": days_ahead(10, 10),
        "lines": [a_line()],
    }
    data.update(overrides)
    return data


@pytest.fixture
def bid(opportunity, owner):
    from bids.services import bid_create

    return bid_create(opportunity=opportunity, by=owner, data=complete_tender())
