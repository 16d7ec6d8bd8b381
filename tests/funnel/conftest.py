"""The people of the funnel tests (see tests/conftest.py), around one opportunity of `owner`.

    director (region manager)
      └─ manager ─┬─ owner      primary owner of `opportunity`, in `team`
                  └─ teammate   a peer of the owner, in `team`
    other-manager ── outsider   another branch
    presales-manager ── presales   on the sales team of `opportunity`, from another branch
"""

import pytest

from tests.factories import (
    CustomerFactory,
    ManagerFactory,
    OpportunityFactory,
    OrgUnitFactory,
    ensure_funnel_config,
)


@pytest.fixture(autouse=True)
def _funnel_config(request):
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        ensure_funnel_config()


@pytest.fixture
def region(db):
    return OrgUnitFactory(name="华东区", kind="region")


@pytest.fixture
def director(db, manager, team, region):
    """Manages the region above the team; the team's manager reports to them."""
    boss = ManagerFactory(username="director", org_unit=region)
    region.manager = boss
    region.save(update_fields=["manager"])
    team.parent = region
    team.manager = manager
    team.save(update_fields=["parent", "manager"])
    manager.manager = boss
    manager.save(update_fields=["manager"])
    return boss


@pytest.fixture
def customer(owner):
    return CustomerFactory(owner=owner, name="上海华远精密机械有限公司")


@pytest.fixture
def opportunity(owner, customer, director):
    return OpportunityFactory(primary_owner=owner, customer=customer, name="华远二期产线改造")



@pytest.fixture
def english():
    """Messages in English, whatever the default language (for tests that read a message)."""
    from django.utils import translation

    with translation.override("en"):
        yield
