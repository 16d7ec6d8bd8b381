"""Shared fixtures: the people every permission test is built around, the demo-like sales organisation
(`org`), and the people around an opportunity (`director`, `presales`; each app's tests define the
`opportunity` they need)."""

import pytest
from rest_framework.test import APIClient

from tests.factories import AdminFactory, ManagerFactory, OrgUnitFactory, TeamMemberFactory, UserFactory
from tests.sales_org import build_org


@pytest.fixture(autouse=True)
def _media_and_axes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Login throttling has its own tests; elsewhere it would couple tests through the cache.
    settings.AXES_ENABLED = False


@pytest.fixture
def team(db):
    return OrgUnitFactory(name="上海大客户一组")


@pytest.fixture
def manager(db, team):
    """A team manager; `owner` and `teammate` report to them."""
    return ManagerFactory(username="manager", org_unit=team)


@pytest.fixture
def owner(db, manager, team):
    return UserFactory(username="owner", manager=manager, org_unit=team)


@pytest.fixture
def teammate(db, manager, team):
    return UserFactory(username="teammate", manager=manager, org_unit=team)


@pytest.fixture
def outsider(db):
    """Someone in another part of the company: sees nothing of the others' records."""
    other_manager = ManagerFactory(username="other-manager")
    return UserFactory(username="outsider", manager=other_manager)


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="administrator")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) -> a new API client authenticated as that user."""

    def login(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return login


@pytest.fixture
def director(db, manager):
    """Above the owner's manager: three levels up from the owner."""
    boss = ManagerFactory(username="director")
    manager.manager = boss
    manager.save(update_fields=["manager"])
    return boss


@pytest.fixture
def presales(db, opportunity):
    """On the sales team of `opportunity`, reporting to someone outside the owner's line."""
    person = UserFactory(username="presales", manager=ManagerFactory(username="presales-manager"))
    TeamMemberFactory(opportunity=opportunity, user=person, role="presales")
    return person


@pytest.fixture
def org(db):
    """A company, a division, regions and teams with their managers and account managers (tests/sales_org.py)."""
    return build_org()
