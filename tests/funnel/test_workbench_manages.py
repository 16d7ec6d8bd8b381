"""The funnel card's "in my part of the organisation" shows for whoever has someone reporting to them (active or
not) or leads a unit: decided from the subtree the page has read, as the Exists query it replaced decided."""

import pytest
from django.db.models import Exists

from funnel.selectors import workbench_panel
from opportunities.models import Opportunity
from teams.models import OrgUnit, User
from tests.factories import ManagerFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def the_exists_way(user):
    return User.objects.filter(pk=user.pk).filter(
        Exists(User.objects.filter(manager=user)) | Exists(OrgUnit.objects.filter(manager=user))).exists()


def test_who_manages_is_decided_as_the_exists_query_decided():
    boss = ManagerFactory(username="boss")
    only_inactive = ManagerFactory(username="only-inactive", manager=boss)
    UserFactory(username="gone", manager=only_inactive, is_active=False)
    leads_a_team = ManagerFactory(username="leads-a-team", manager=boss)
    OrgUnit.objects.create(name="一组", kind="team", manager=leads_a_team)
    nobody = UserFactory(username="nobody", manager=boss)
    lonely_manager = ManagerFactory(username="lonely")
    people = [boss, only_inactive, leads_a_team, nobody, lonely_manager]
    for person in people:  # a funnel of their own, so the card shows whether they manage or not
        OpportunityFactory(primary_owner=person)
    assert Opportunity.objects.count() == len(people)
    decided = {}
    for person in people:
        person = User.objects.get(pk=person.pk)
        panel = workbench_panel(person)
        decided[person.username] = bool(panel and panel["manages"])
        assert decided[person.username] == the_exists_way(person)
    assert decided == {"boss": True, "only-inactive": True, "leads-a-team": True, "nobody": False,
                       "lonely": False}
