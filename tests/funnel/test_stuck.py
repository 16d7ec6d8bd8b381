"""Days in stage and the stuck flag, at the limit boundary."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from funnel import selectors, services
from funnel.models import StageEntry
from funnel.selectors import Holder
from opportunities.models import Opportunity
from tests.factories import OpportunityFactory, stage

pytestmark = pytest.mark.django_db


def entered(opportunity, days_ago: int, hour: int = 10):
    day = timezone.localdate() - timedelta(days=days_ago)
    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    StageEntry.objects.update_or_create(opportunity=opportunity, defaults={"stage": opportunity.stage,
                                                                           "entered_at": moment})
    return moment


@pytest.mark.parametrize(("days", "stuck"), [(29, False), (30, False), (31, True)])
def test_stuck_only_when_longer_than_the_limit(owner, opportunity, manager, days, stuck):
    assert opportunity.stage.stuck_after_days == 30  # stage 01
    entered(opportunity, days, hour=23)
    listed = list(selectors.stuck_opportunities(viewer=manager, holder=Holder(user=owner)))
    assert (opportunity in listed) is stuck
    assert selectors.stuck_counts(holder=Holder(user=owner)).get(opportunity.stage_id, 0) == int(stuck)
    panel = selectors.stage_panel(opportunity=opportunity, viewer=owner)
    assert panel["days_in_stage"] == days and panel["stuck"] is stuck


def test_without_a_move_the_days_count_from_creation(owner, opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=timezone.now() - timedelta(days=40))
    opportunity.refresh_from_db()
    assert selectors.days_since(selectors.entered_at(opportunity=opportunity)) == 40
    # Made without the creation service (as an import would): the nightly back-fill gives it its entry.
    assert services.stage_entries_backfill() == (1, 0)
    assert StageEntry.objects.get(opportunity=opportunity).entered_at == opportunity.created_at
    assert list(selectors.stuck_opportunities(viewer=owner, holder=Holder(user=owner))) == [opportunity]


def test_a_move_restarts_the_clock_and_a_stale_entry_is_ignored(owner, opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=timezone.now() - timedelta(days=40))
    services.opportunity_move(opportunity=opportunity, stage_code="02", by=owner)
    assert list(selectors.stuck_opportunities(viewer=owner, holder=Holder(user=owner))) == []
    # Someone changes the stage behind the funnel's back: the entry no longer matches, creation counts.
    Opportunity.objects.filter(pk=opportunity.pk).update(stage=stage("03"))
    opportunity.refresh_from_db()
    assert selectors.entered_at(opportunity=opportunity) == opportunity.created_at


def test_closed_stages_and_stages_without_limit_are_never_stuck(owner):
    won = OpportunityFactory(primary_owner=owner, stage=stage("08", "won"))
    entered(won, 400)
    assert list(selectors.stuck_opportunities(viewer=owner, holder=Holder(user=owner))) == []
    assert selectors.is_stuck(stage=stage("08", "won"), days=400) is False


def test_the_stuck_list_shows_only_what_the_viewer_may_see(owner, opportunity, outsider, admin_user):
    entered(opportunity, 45)
    assert list(selectors.stuck_opportunities(viewer=admin_user, holder=Holder(user=owner))) == [opportunity]
    assert list(selectors.stuck_opportunities(viewer=outsider, holder=Holder(user=owner))) == []



@pytest.mark.parametrize("stale", [False, True])
def test_a_live_count_of_none_stuck_spares_the_list_its_query(owner, opportunity, manager, outsider,
                                                              django_assert_num_queries, stale):
    """stuck_oldest(counted=0) is empty without a query; with stuck ones counted, the same list as without a count.
    A stale entry (another stage) counts for neither."""
    other = OpportunityFactory(primary_owner=owner, stage=stage("02"))
    entered(other, 10)
    holder = Holder(user=owner)
    if stale:
        entered(opportunity, 45)
        Opportunity.objects.filter(pk=opportunity.pk).update(stage=stage("03"))
    counted = sum(figure.stuck for figure in selectors.funnel_figures(holder=holder, with_stuck=True).values())
    assert counted == 0
    for viewer in (owner, manager, outsider):
        assert selectors.stuck_oldest(viewer=viewer, holder=holder) == []
        with django_assert_num_queries(0):
            assert selectors.stuck_oldest(viewer=viewer, holder=holder, counted=counted) == []
    entered(other, 80)
    counted = sum(figure.stuck for figure in selectors.funnel_figures(holder=holder, with_stuck=True).values())
    assert counted == 1
    for viewer, seen in ((owner, [other]), (manager, [other]), (outsider, [])):
        assert selectors.stuck_oldest(viewer=viewer, holder=holder, counted=counted) == seen
        assert selectors.stuck_oldest(viewer=viewer, holder=holder) == seen


def test_the_funnels_stuck_counts_are_the_stuck_lists_per_stage(owner, teammate, manager):
    """funnel_figures counts the stuck ones from the entries' side, a branch per limit: the same numbers as
    counting stuck_queryset's rows (a branch per stage) on every stage, limit, stale entry and owner."""
    from opportunities.models import Stage

    Stage.objects.filter(code="04").update(stuck_after_days=None)  # a stage without a limit
    Stage.objects.filter(code="06").update(stuck_after_days=45)  # a limit of its own
    for index, code in enumerate(["01", "02", "03", "04", "05", "06", "07", "01", "03", "06"]):
        for person in (owner, teammate):
            opportunity = OpportunityFactory(primary_owner=person, stage=stage(code))
            entered(opportunity, [5, 31, 44, 46, 61, 400][(index + person.pk) % 6])
            if index % 4 == 3:  # the stage changed behind the funnel's back: the entry is stale
                Opportunity.objects.filter(pk=opportunity.pk).update(stage=stage("0" + str(1 + (index + 2) % 7)))
    won = OpportunityFactory(primary_owner=owner, stage=stage("08", "won"))
    entered(won, 400)
    for holder in (Holder(user=owner), Holder(user=teammate), Holder(user=manager), Holder(org_unit=owner.org_unit)):
        stages = selectors.open_stages()
        expected = {}
        stuck = selectors.stuck_queryset(owner_ids=holder.owner_ids(), stages=stages)
        for row in stuck:
            expected[row.stage_id] = expected.get(row.stage_id, 0) + 1
        counted = {stage_id: figure.stuck for stage_id, figure
                   in selectors.funnel_figures(holder=holder, with_stuck=True).items() if figure.stuck}
        assert counted == expected, holder.key
    assert sum(expected.values()) > 5
