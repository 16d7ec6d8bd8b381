"""Who sees a tender record: exactly who sees its opportunity (owner and superiors, its sales team,
admins). Partners and competing brands are visible to all sales staff."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bids import selectors
from bids.models import BidProject, CompetitorBrand, Partner
from tests.factories import BidProjectFactory, CompetitorBrandFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "sees"), [
    ("owner", True), ("manager", True), ("director", True), ("admin_user", True), ("presales", True),
    ("service_member", True), ("teammate", False), ("outsider", False),
])
def test_visibility_follows_the_opportunity(request, bid, presales, service_member, who, sees):
    user = request.getfixturevalue(who)
    assert BidProject.objects.visible_to(user).filter(pk=bid.pk).exists() is sees
    assert selectors.bid_list(viewer=user).filter(pk=bid.pk).exists() is sees
    from opportunities.models import Opportunity

    assert Opportunity.objects.visible_to(user).filter(pk=bid.opportunity_id).exists() is sees


def test_leaving_the_sales_team_removes_the_view(bid, presales, owner):
    from opportunities.services import team_member_remove

    team_member_remove(opportunity=bid.opportunity, user=presales, by=owner)
    assert not BidProject.objects.visible_to(presales).exists()


def test_each_sees_only_their_subtree(owner, teammate, manager, outsider, director):
    mine = BidProjectFactory(opportunity=OpportunityFactory(primary_owner=owner))
    theirs = BidProjectFactory(opportunity=OpportunityFactory(primary_owner=teammate))
    other = BidProjectFactory(opportunity=OpportunityFactory(primary_owner=outsider))
    assert set(BidProject.objects.visible_to(owner)) == {mine}
    assert set(BidProject.objects.visible_to(manager)) == {mine, theirs}
    assert set(BidProject.objects.visible_to(director)) == {mine, theirs}
    assert set(BidProject.objects.visible_to(outsider)) == {other}


def test_anonymous_and_inactive_see_nothing(bid, owner, partner):
    assert not BidProject.objects.visible_to(AnonymousUser()).exists()
    assert not Partner.objects.visible_to(AnonymousUser()).exists()
    owner.is_active = False
    owner.save()
    assert not BidProject.objects.visible_to(owner).exists()
    assert not Partner.objects.visible_to(owner).exists()


@pytest.mark.parametrize("who", ["owner", "teammate", "outsider", "manager", "admin_user"])
def test_partners_and_brands_are_visible_to_all_sales_staff(request, partner, who):
    CompetitorBrandFactory(name="华为")
    user = request.getfixturevalue(who)
    assert list(Partner.objects.visible_to(user)) == [partner]
    assert CompetitorBrand.objects.visible_to(user).count() == 1


def test_a_partner_page_lists_only_the_tenders_the_viewer_sees(bid, owner, outsider, partner):
    from bids.services import bid_update

    bid_update(bid=bid, by=owner, data={"scheme": "joint_multi_scheme", "agents": [partner.pk]})
    assert len(selectors.partner_bids(partner=partner, viewer=owner)) == 1
    assert selectors.partner_bids(partner=partner, viewer=outsider) == []


def test_workbench_deadlines_are_only_of_visible_tenders(bid, owner, outsider):
    panel = selectors.workbench_panel(owner)
    assert panel["template"] == "bids/_workbench.html"
    assert {d.bid.pk for d in panel["deadlines"]} == {bid.pk}
    assert selectors.workbench_panel(outsider)["deadlines"] == []
    assert selectors.workbench_panel(AnonymousUser()) is None


@pytest.mark.parametrize("memberships_inline", [True, False])
def test_the_tender_rule_on_the_joined_opportunity_is_the_opportunity_rule(
        request, monkeypatch, bid, presales, service_member, teammate, outsider, memberships_inline):
    """Tenders filter on their joined opportunity's columns (OpportunityQuerySet.visible_condition), not on a list
    of every visible opportunity: the same tenders for every kind of viewer, with the memberships as a list or,
    above the inline limit, as a subquery."""
    from opportunities.models import Opportunity, OpportunityQuerySet

    if not memberships_inline:
        monkeypatch.setattr(OpportunityQuerySet, "TEAM_IDS_INLINE_LIMIT", 0)
    for owner in (teammate, outsider, presales):
        BidProjectFactory(opportunity=OpportunityFactory(primary_owner=owner))
    for who in ("owner", "manager", "director", "admin_user", "presales", "service_member", "teammate", "outsider"):
        user = request.getfixturevalue(who)
        expected = set(BidProject.objects.filter(opportunity__in=Opportunity.objects.visible_to(user).values("pk")))
        assert set(BidProject.objects.visible_to(user)) == expected, who
    sql = str(BidProject.objects.visible_to(request.getfixturevalue("manager")).query)
    assert 'FROM "opportunities_opportunity"' not in sql.split("WHERE", 1)[1]
