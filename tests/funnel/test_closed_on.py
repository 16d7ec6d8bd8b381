"""The day an opportunity was won or lost (`Opportunity.closed_on`): written by the move to 08, cleared by a
reopening, back-filled from the stage history, and what "won/lost in the last 90 days" is dated by."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from funnel import selectors, services
from funnel.models import StageChange
from funnel.selectors import Holder
from opportunities.models import Opportunity, Stage
from tests.factories import OpportunityFactory, _CurrentModels, stage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _no_requirements(db):
    Stage.objects.update(requirements=[])


def test_closing_records_the_day_and_reopening_clears_it(owner, manager, opportunity):
    services.opportunity_move(opportunity=opportunity, stage_code="08", outcome="won", by=owner,
                              skip_open_tasks=True)
    assert Opportunity.objects.get(pk=opportunity.pk).closed_on == timezone.localdate()
    services.opportunity_move(opportunity=opportunity, stage_code="07", by=manager)
    assert Opportunity.objects.get(pk=opportunity.pk).closed_on is None
    services.opportunity_move(opportunity=opportunity, stage_code="08", outcome="lost", by=manager,
                              loss_reason="价格")
    assert Opportunity.objects.get(pk=opportunity.pk).closed_on == timezone.localdate()


def test_an_opportunity_created_closed_is_dated_today(owner, customer):
    from opportunities.services import opportunity_create

    created = opportunity_create(customer=customer, name="已签项目", expected_close_date=date(2020, 1, 1), by=owner,
                                 stage=stage("08", "won"))
    assert created.closed_on == timezone.localdate()


def _backfill():
    migration = import_module("funnel.migrations.0008_backfill_closed_on")
    migration.backfill(_CurrentModels(), SimpleNamespace(connection=connection))


def test_backfill_takes_the_last_move_into_the_closed_stage_else_the_expected_close(owner):
    won, lost = stage("08", "won"), stage("08", "lost")
    moved = OpportunityFactory(primary_owner=owner, stage=won, expected_close_date=date(2025, 12, 31))
    for day in (date(2025, 3, 1), date(2025, 5, 20)):  # won, reopened (not recorded here), won again
        StageChange.objects.create(opportunity=moved, from_stage=stage("07"), to_stage=won, to_code="08",
                                   to_name_zh="赢单", to_name_en="Won", to_outcome="won", to_probability=100,
                                   amount=Decimal("1"), weighted_after=Decimal("1"),
                                   changed_at=timezone.make_aware(datetime.combine(day, time(15))))
    unrecorded = OpportunityFactory(primary_owner=owner, stage=lost, expected_close_date=date(2024, 6, 30))
    future = OpportunityFactory(primary_owner=owner, stage=won,
                                expected_close_date=timezone.localdate() + timedelta(days=40))
    still_open = OpportunityFactory(primary_owner=owner, expected_close_date=date(2024, 6, 30))
    _backfill()
    closed_on = dict(Opportunity.objects.values_list("pk", "closed_on"))
    assert closed_on[moved.pk] == date(2025, 5, 20)
    assert closed_on[unrecorded.pk] == date(2024, 6, 30)
    assert closed_on[future.pk] == timezone.localdate()  # never after the record was last changed
    assert closed_on[still_open.pk] is None


def test_closed_recently_counts_by_the_day_closed_not_the_expected_close(owner):
    today = timezone.localdate()
    OpportunityFactory(primary_owner=owner, stage=stage("08", "won"), amount=Decimal("300.00"),
                       expected_close_date=today - timedelta(days=200), closed_on=today - timedelta(days=10))
    OpportunityFactory(primary_owner=owner, stage=stage("08", "won"), amount=Decimal("900.00"),
                       expected_close_date=today - timedelta(days=5), closed_on=today - timedelta(days=120))
    OpportunityFactory(primary_owner=owner, stage=stage("08", "lost"), amount=Decimal("50.00"),
                       expected_close_date=today + timedelta(days=30), closed_on=today - timedelta(days=90))
    closed = selectors.closed_recently(holder=Holder(user=owner), today=today)
    assert (closed["won"].count, closed["won"].amount) == (1, Decimal("300.00"))
    assert (closed["lost"].count, closed["lost"].amount) == (1, Decimal("50.00"))


def test_the_recent_closes_of_a_unit_are_the_same_whether_its_peoples_ids_were_read_or_not(
        owner, teammate, manager, director, team):
    """closed_recently filters a person's or a live unit's owners as an array of ids, a unit read from the snapshot
    by the people subquery: the same figures either way, and the sum of the people's."""
    today = timezone.localdate()
    for index, person in enumerate([owner, teammate, manager, director] * 3):
        for code, outcome, days in (("08", "won", index), ("08", "lost", 30 + index), ("08", "won", 95 + index)):
            OpportunityFactory(primary_owner=person, stage=stage(code, outcome), amount=Decimal(1000 * (index + 1)),
                               closed_on=today - timedelta(days=days))
    by_subquery = selectors.closed_recently(holder=Holder(org_unit=team))
    holder = Holder(org_unit=team)
    holder.owner_ids()  # as a live funnel has read them
    by_ids = selectors.closed_recently(holder=holder)
    assert by_ids == by_subquery
    people = [selectors.closed_recently(holder=Holder(user=person)) for person in (owner, teammate, manager)]
    for outcome in ("won", "lost"):
        assert by_ids[outcome].count == sum(figure[outcome].count for figure in people) > 0
        assert by_ids[outcome].amount == sum(figure[outcome].amount for figure in people)
