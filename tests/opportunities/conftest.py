"""The people of the opportunity tests, around one opportunity of `owner` (see tests/conftest.py).

    director (region manager)
      └─ manager ─┬─ owner      primary owner of `opportunity`
                  └─ teammate   a peer of the owner, not on the sales team
    other-manager ── outsider   another branch
    presales-manager ── presales   on the sales team of `opportunity`, from another branch
"""

import pytest

from tests.factories import (
    CustomerFactory,
    OpportunityFactory,
    ProductFactory,
    ensure_default_config,
)


@pytest.fixture(autouse=True)
def _default_config(request):
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        ensure_default_config()



@pytest.fixture
def other_manager(outsider):
    return outsider.manager


@pytest.fixture
def customer(owner):
    return CustomerFactory(owner=owner, name="上海华远精密机械有限公司")


@pytest.fixture
def opportunity(owner, customer, director):
    return OpportunityFactory(primary_owner=owner, customer=customer, name="华远二期产线改造")



@pytest.fixture
def product(db):
    return ProductFactory(code="HY-CNC-500", name="五轴数控加工中心", unit="台")
