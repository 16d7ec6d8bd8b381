"""Who sees an opportunity: its primary owner and everyone above them, its sales team, admins."""

import pytest
from django.http import Http404

from opportunities.models import Activity, Assessment, Opportunity
from opportunities.selectors import opportunity_get, opportunity_list
from tests.factories import ActivityFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def visible(user):
    return set(Opportunity.objects.visible_to(user).values_list("name", flat=True))


@pytest.mark.parametrize(("who", "sees"), [
    ("owner", True), ("manager", True), ("director", True), ("admin_user", True), ("presales", True),
    ("teammate", False), ("outsider", False), ("other_manager", False),
])
def test_visibility(request, opportunity, presales, who, sees):
    user = request.getfixturevalue(who)
    assert (opportunity.name in visible(user)) is sees
    assert opportunity_list(viewer=user).filter(pk=opportunity.pk).exists() is sees
    assert Opportunity.objects.visible_to(user, by_key=True).filter(pk=opportunity.pk).exists() is sees
    if sees:
        assert opportunity_get(viewer=user, pk=opportunity.pk) == opportunity
    else:
        with pytest.raises(Http404):
            opportunity_get(viewer=user, pk=opportunity.pk)


@pytest.mark.parametrize("who", ["owner", "manager", "director", "admin_user", "presales", "teammate", "outsider",
                                 "other_manager"])
def test_by_key_keeps_the_same_rows(request, opportunity, presales, owner, teammate, outsider, who):
    """visible_to(by_key=True) checks the subtree and the memberships as subqueries: the same rows as the lists."""
    others = [OpportunityFactory(primary_owner=person) for person in (owner, teammate, outsider)]
    from opportunities import services

    services.team_member_add(opportunity=others[2], user=teammate, role="service", by=outsider)
    user = request.getfixturevalue(who)
    for pk in [opportunity.pk, *(other.pk for other in others)]:
        assert (Opportunity.objects.visible_to(user, by_key=True).filter(pk=pk).exists()
                is Opportunity.objects.visible_to(user).filter(pk=pk).exists())
    assert (set(Opportunity.objects.visible_to(user, by_key=True).values_list("pk", flat=True))
            == set(Opportunity.objects.visible_to(user).values_list("pk", flat=True)))


def test_presales_manager_does_not_see_through_their_report(opportunity, presales):
    # The team member's own manager is not a superior of the primary owner: no view.
    assert opportunity.name not in visible(presales.manager)


def test_anonymous_and_inactive_see_nothing(opportunity, owner):
    from django.contrib.auth.models import AnonymousUser

    assert not Opportunity.objects.visible_to(AnonymousUser()).exists()
    owner.is_active = False
    owner.save()
    assert not Opportunity.objects.visible_to(owner).exists()


def test_each_sees_only_their_subtree(owner, teammate, manager, outsider, director):
    OpportunityFactory(primary_owner=owner, name="A")
    OpportunityFactory(primary_owner=teammate, name="B")
    OpportunityFactory(primary_owner=outsider, name="C")
    assert visible(owner) == {"A"}
    assert visible(teammate) == {"B"}
    assert visible(manager) == {"A", "B"}
    assert visible(director) == {"A", "B"}
    assert visible(outsider) == {"C"}


def test_leaving_the_team_removes_the_view(opportunity, presales, owner):
    from opportunities import services

    services.team_member_remove(opportunity=opportunity, user=presales, by=owner)
    assert opportunity.name not in visible(presales)


def test_activities_and_assessments_follow_the_opportunity(opportunity, presales, outsider, owner):
    activity = ActivityFactory(opportunity=opportunity)
    Assessment.objects.create(opportunity=opportunity, author=owner, score=1, threshold=10, high_value=False,
                              opportunity_score=1, competitiveness_score=0, winnability_score=0, worth_score=0)
    assert Activity.objects.visible_to(presales).filter(pk=activity.pk).exists()
    assert not Activity.objects.visible_to(outsider).exists()
    assert Assessment.objects.visible_to(presales).count() == 1
    assert Assessment.objects.visible_to(outsider).count() == 0


def test_participant_sees_the_activity_only(opportunity, outsider):
    activity = ActivityFactory(opportunity=opportunity)
    activity.participants.add(outsider)
    assert Activity.objects.visible_to(outsider).filter(pk=activity.pk).exists()
    assert not Opportunity.objects.visible_to(outsider).exists()


def test_customer_only_activity_is_visible_to_owner_line(owner, manager, teammate, customer):
    activity = ActivityFactory(opportunity=None, customer=customer, owner=owner)
    assert Activity.objects.visible_to(manager).filter(pk=activity.pk).exists()
    assert not Activity.objects.visible_to(teammate).filter(pk=activity.pk).exists()
    assert UserFactory()  # a stranger exists and sees nothing
