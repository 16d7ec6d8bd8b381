"""The stages' entry requirement "bid_record" (set on stage 05 by administrators) calls
bids.selectors.stage_requirement_bid_record: a tender needs a complete tender record to enter bidding."""

import pytest

from bids import services
from bids.selectors import stage_requirement_bid_record
from crm.errors import DomainError
from funnel.services import opportunity_move
from opportunities.models import Stage
from opportunities.stage_requirements import REQUIREMENTS, requirement_choices
from tests.bids.conftest import a_line
from tests.factories import stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def early(opportunity):
    """The opportunity back in stage 04, about to enter bidding."""
    type(opportunity).objects.filter(pk=opportunity.pk).update(stage=stage("04"))
    opportunity.refresh_from_db()
    return opportunity


def test_without_a_tender_record_the_requirement_asks_for_one(early):
    message = stage_requirement_bid_record(early)
    assert message and "05" in message


@pytest.mark.parametrize("method", ["special_price", "distribution"])
def test_a_deal_not_sold_by_tender_meets_it(early, owner, method):
    services.bid_create(opportunity=early, by=owner, data={"sales_method": method})
    assert stage_requirement_bid_record(early) is None


def test_a_tender_must_be_complete_enough_to_bid(early, owner, partner):
    bid = services.bid_create(opportunity=early, by=owner, data={"sales_method": "tender"})
    message = stage_requirement_bid_record(early)
    assert message is not None
    services.bid_update(bid=bid, by=owner, data={"tender_type": "open_second_quote"})
    assert stage_requirement_bid_record(early) is not None  # still no line
    services.bid_update(bid=bid, by=owner, data={"lines": [a_line()], "scheme": "one_agent_one_scheme",
                                                 "agents": [partner.pk]})
    message = stage_requirement_bid_record(early)
    assert message is not None and partner.name in message  # the agent's scheme and quote
    services.bid_agent_set(bid=bid, by=owner, partner=partner, scheme="方案 A", quote="300000")
    assert stage_requirement_bid_record(early) is None


def test_a_cancelled_tender_must_be_reopened(early, owner):
    bid = services.bid_create(opportunity=early, by=owner, data={"tender_type": "negotiated", "lines": [a_line()]})
    assert stage_requirement_bid_record(early) is None
    services.bid_record_outcome(bid=bid, outcome="cancelled", by=owner)
    assert stage_requirement_bid_record(early) is not None
    services.bid_reopen(bid=bid, by=owner)
    assert stage_requirement_bid_record(early) is None


def test_the_funnel_applies_it_when_configured_on_stage_05(early, owner):
    """Through the real funnel service: refused without the record, allowed once it is complete."""
    Stage.objects.filter(code="05").update(requirements=["bid_record"])
    with pytest.raises(DomainError) as refused:
        opportunity_move(opportunity=early, stage_code="05", by=owner)
    assert "05" in refused.value.message
    services.bid_create(opportunity=early, by=owner, data={"tender_type": "framework", "lines": [a_line()]})
    moved = opportunity_move(opportunity=early, stage_code="05", by=owner)
    assert moved.stage.code == "05"


def test_the_stage_requirements_registry_knows_the_requirement():
    """bids registers it when the app is ready; the stage form and the API offer it."""
    assert REQUIREMENTS["bid_record"].check is stage_requirement_bid_record
    assert "bid_record" in dict(requirement_choices())
