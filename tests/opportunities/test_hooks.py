"""The opportunities' hooks for the apps above them (opportunities/signals.py, opportunities/page_parts.py,
opportunities/stage_requirements.py): a receiver runs inside the service's transaction, and the apps'
ready() may run again without connecting or registering anything twice."""

import pytest
from django.apps import apps

from bids.selectors import stage_requirement_bid_record
from opportunities import page_parts, services
from opportunities.models import Opportunity, OpportunityTeamMember, OwnerChange
from opportunities.signals import opportunity_created, opportunity_owner_changed
from opportunities.stage_requirements import REQUIREMENTS, requirement_choices

pytestmark = pytest.mark.django_db

RECEIVER = "tests.opportunities.refusing_receiver"


class ReceiverFailed(Exception):
    pass


def _refuse(sender, **kwargs):
    raise ReceiverFailed


def test_a_receiver_that_fails_rolls_the_whole_owner_change_back(opportunity, owner, teammate, manager):
    opportunity_owner_changed.connect(_refuse, sender=Opportunity, dispatch_uid=RECEIVER)
    try:
        with pytest.raises(ReceiverFailed):
            services.opportunity_change_owner(opportunity=opportunity, new_owner=teammate, by=manager, reason="调岗")
    finally:
        opportunity_owner_changed.disconnect(sender=Opportunity, dispatch_uid=RECEIVER)
    assert not OwnerChange.objects.filter(opportunity=opportunity).exists()
    assert Opportunity.objects.get(pk=opportunity.pk).primary_owner == owner
    assert list(OpportunityTeamMember.objects.filter(opportunity=opportunity, is_primary=True)
                .values_list("user", flat=True)) == [owner.pk]
    assert not OpportunityTeamMember.objects.filter(opportunity=opportunity, user=teammate).exists()
    # Without the failing receiver the same change goes through.
    services.opportunity_change_owner(opportunity=opportunity, new_owner=teammate, by=manager, reason="调岗")
    assert OwnerChange.objects.filter(opportunity=opportunity, new_owner=teammate).count() == 1


def _receivers(signal) -> int:
    return len(signal._live_receivers(Opportunity)[0])


def test_ready_again_connects_and_registers_nothing_twice(rf, owner, opportunity):
    before = (_receivers(opportunity_created), _receivers(opportunity_owner_changed))
    for label in ("opportunities", "funnel", "bids", "forecasting", "sales_planning", "team_selling", "insights",
                  "integrations"):
        apps.get_app_config(label).ready()
    assert (_receivers(opportunity_created), _receivers(opportunity_owner_changed)) == before == (1, 1)
    assert [code for code, label in requirement_choices()].count("bid_record") == 1
    assert REQUIREMENTS["bid_record"].check is stage_requirement_bid_record
    assert len(page_parts.header_parts(rf.get("/"), opportunity)) == 2  # funnel's stage path, the prediction
    assert [action.code for action in page_parts.actions(owner, opportunity)] == ["tender-record"]
