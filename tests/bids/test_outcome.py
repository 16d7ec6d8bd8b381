"""The tender outcome moves the opportunity through the funnel's real service (nothing mocked): won to
08-won, lost to 08-lost with the reason and the winning brand; cancelled leaves the stage."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from bids import services
from bids.models import BidAgendaEntry, BidProject, BidStatus
from crm.errors import ConflictError, DomainError, PermissionDenied
from funnel.models import StageChange
from opportunities.models import Stage
from tests.bids.conftest import complete_tender, days_ahead
from tests.factories import stage

pytestmark = pytest.mark.django_db


def stage_changes(opportunity):
    return list(StageChange.objects.filter(opportunity=opportunity).order_by("changed_at", "id"))


def test_won_wins_the_opportunity_through_the_funnel(bid, opportunity, owner):
    services.bid_record_outcome(bid=bid, outcome="won", by=owner, winning_price="344000", reason="技术分第一")
    opportunity.refresh_from_db()
    assert (opportunity.stage.code, opportunity.stage.outcome) == ("08", "won")
    assert opportunity.closed_on == timezone.localdate()
    [change] = stage_changes(opportunity)
    assert (change.from_code, change.to_code, change.to_outcome, change.changed_by) == ("05", "08", "won", owner)
    assert change.note == "技术分第一"
    bid.refresh_from_db()
    assert bid.status == BidStatus.WON and bid.outcome_by == owner and bid.outcome_at is not None
    assert str(bid.winning_price) == "344000.00" and bid.winning_brand == ""


def test_lost_closes_the_opportunity_as_lost_with_the_winning_brand(bid, opportunity, manager):
    services.bid_record_outcome(bid=bid, outcome="lost", by=manager, winning_brand="华为", winning_price="298000.50")
    opportunity.refresh_from_db()
    assert (opportunity.stage.code, opportunity.stage.outcome) == ("08", "lost")
    [change] = stage_changes(opportunity)
    assert change.competitor == "华为"
    assert "华为" in change.loss_reason  # a reason is made from the brand when none is given
    assert change.changed_by == manager
    bid.refresh_from_db()
    assert (bid.status, bid.winning_brand, str(bid.winning_price)) == ("lost", "华为", "298000.50")


def test_the_reason_given_becomes_the_loss_reason(bid, opportunity, owner):
    services.bid_record_outcome(bid=bid, outcome="lost", by=owner, winning_brand="新华三", reason="价格高出 8%")
    assert stage_changes(opportunity)[0].loss_reason == "价格高出 8%"


def test_cancelled_leaves_the_stage_and_is_recorded(bid, opportunity, owner):
    services.bid_record_outcome(bid=bid, outcome="cancelled", by=owner, reason="客户预算冻结,招标终止")
    opportunity.refresh_from_db()
    assert (opportunity.stage.code, opportunity.stage.outcome) == ("05", "open")
    assert stage_changes(opportunity) == []
    bid.refresh_from_db()
    assert bid.status == BidStatus.CANCELLED and bid.outcome_reason == "客户预算冻结,招标终止"
    # A re-issued tender reopens the record; the cancellation stays in its history.
    services.bid_reopen(bid=bid, by=owner)
    bid.refresh_from_db()
    assert bid.status == BidStatus.PREPARING and bid.outcome_at is None
    assert "cancelled" in set(bid.history.values_list("status", flat=True))


def test_a_won_tender_leaves_an_opportunity_already_won_as_it_is(bid, opportunity, owner):
    type(opportunity).objects.filter(pk=opportunity.pk).update(stage=stage("08", "won"))
    services.bid_record_outcome(bid=bid, outcome="won", by=owner)
    opportunity.refresh_from_db()
    assert (opportunity.stage.code, opportunity.stage.outcome) == ("08", "won")
    assert stage_changes(opportunity) == []


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"outcome": "withdrawn"}, "outcome"),
    ({"outcome": "lost"}, "winning_brand"),
    ({"outcome": "won", "winning_brand": "华为"}, "winning_brand"),
    ({"outcome": "cancelled", "winning_price": "10"}, "winning_price"),
    ({"outcome": "lost", "winning_brand": "华为", "winning_price": "-1"}, "winning_price"),
])
def test_bad_outcomes_are_refused_and_nothing_moves(bid, opportunity, owner, kwargs, field):
    with pytest.raises(DomainError) as refused:
        services.bid_record_outcome(bid=bid, by=owner, **kwargs)
    assert refused.value.field == field
    assert stage_changes(opportunity) == []
    assert BidProject.objects.get(pk=bid.pk).status == BidStatus.PREPARING


def test_only_those_who_move_the_opportunity_record_the_outcome(bid, presales, teammate):
    for person in (presales, teammate):
        with pytest.raises(PermissionDenied):
            services.bid_record_outcome(bid=bid, outcome="won", by=person)
    assert BidProject.objects.get(pk=bid.pk).status == BidStatus.PREPARING


def test_an_outcome_is_recorded_once(bid, owner):
    services.bid_record_outcome(bid=bid, outcome="won", by=owner)
    with pytest.raises(ConflictError):
        services.bid_record_outcome(bid=bid, outcome="lost", by=owner, winning_brand="华为")


def test_a_funnel_refusal_rolls_the_outcome_back_and_says_why(opportunity, owner):
    """From 04, winning the tender passes stage 05: its entry requirements apply (here the tender record)."""
    type(opportunity).objects.filter(pk=opportunity.pk).update(stage=stage("04"))
    Stage.objects.filter(code="05").update(requirements=["bid_record"])
    bid = services.bid_create(opportunity=opportunity, by=owner, data={"tender_type": "negotiated"})  # no line
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.bid_record_outcome(bid=bid, outcome="won", by=owner)
    assert refused.value.message.startswith("The outcome is not recorded: the opportunity cannot be closed as Won.")
    assert "Cannot move to stage 08 yet" in refused.value.message
    bid.refresh_from_db()
    opportunity.refresh_from_db()
    assert bid.status == BidStatus.PREPARING and opportunity.stage.code == "04" and opportunity.closed_on is None


def test_a_won_tender_on_a_lost_opportunity_needs_someone_who_may_reopen_it(bid, opportunity, owner, manager):
    type(opportunity).objects.filter(pk=opportunity.pk).update(stage=stage("08", "lost"))
    with pytest.raises(PermissionDenied, match="结果未登记"):
        services.bid_record_outcome(bid=bid, outcome="won", by=owner)
    assert BidProject.objects.get(pk=bid.pk).status == BidStatus.PREPARING
    services.bid_record_outcome(bid=bid, outcome="won", by=manager)
    opportunity.refresh_from_db()
    assert (opportunity.stage.code, opportunity.stage.outcome) == ("08", "won")


def test_key_dates_still_ahead_leave_the_agenda_when_the_tender_closes(opportunity, owner):
    past = timezone.now() - timedelta(days=2)
    bid = services.bid_create(opportunity=opportunity, by=owner, data=complete_tender(
        registration_at=past, submission_at=days_ahead(5), opening_at=days_ahead(5, 10), award_at=days_ahead(12)))
    assert BidAgendaEntry.objects.filter(bid=bid).count() == 4
    services.bid_record_outcome(bid=bid, outcome="cancelled", by=owner)
    assert list(BidAgendaEntry.objects.filter(bid=bid).values_list("milestone", flat=True)) == ["registration"]
