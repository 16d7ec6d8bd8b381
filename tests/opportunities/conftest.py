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
    ManagerFactory,
    OpportunityFactory,
    ProductFactory,
    TeamMemberFactory,
    UserFactory,
    ensure_default_config,
)


@pytest.fixture(autouse=True)
def _default_config(request):
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        ensure_default_config()


@pytest.fixture
def director(db, manager):
    boss = ManagerFactory(username="director")
    manager.manager = boss
    manager.save(update_fields=["manager"])
    return boss


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
def presales(db, opportunity):
    """On the sales team of `opportunity`, reporting to someone outside the owner's line."""
    person = UserFactory(username="presales", manager=ManagerFactory(username="presales-manager"))
    TeamMemberFactory(opportunity=opportunity, user=person, role="presales")
    return person


@pytest.fixture
def product(db):
    return ProductFactory(code="HY-CNC-500", name="五轴数控加工中心", unit="台")
