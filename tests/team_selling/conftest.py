"""Fixtures of the team-selling tests: an opportunity of the owner's customer, a presales member of its sales
team, a contact of its customer."""

from decimal import Decimal

import pytest

from tests.factories import (
    ContactFactory,
    CustomerFactory,
    ManagerFactory,
    OpportunityFactory,
    TeamMemberFactory,
    UserFactory,
)


@pytest.fixture
def opportunity(owner):
    customer = CustomerFactory(owner=owner, name="上海华远精密机械有限公司")
    return OpportunityFactory(primary_owner=owner, customer=customer, name="华远二期产线改造",
                              amount=Decimal("1000000.00"))


@pytest.fixture
def presales(opportunity):
    """On the sales team, reporting to someone outside the owner's line."""
    person = UserFactory(username="presales", manager=ManagerFactory(username="presales-manager"))
    TeamMemberFactory(opportunity=opportunity, user=person, role="presales")
    return person


@pytest.fixture
def contact(opportunity):
    return ContactFactory(customer=opportunity.customer, name="周总", title="总经理")
