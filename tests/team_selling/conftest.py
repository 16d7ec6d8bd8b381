"""Fixtures of the team-selling tests: an opportunity of the owner's customer, a presales member of its sales
team, a contact of its customer."""

from decimal import Decimal

import pytest

from tests.factories import (
    ContactFactory,
    CustomerFactory,
    OpportunityFactory,
)


@pytest.fixture
def opportunity(owner):
    customer = CustomerFactory(owner=owner, name="上海华远精密机械有限公司")
    return OpportunityFactory(primary_owner=owner, customer=customer, name="华远二期产线改造",
                              amount=Decimal("1000000.00"))



@pytest.fixture
def contact(opportunity):
    return ContactFactory(customer=opportunity.customer, name="周总", title="总经理")
