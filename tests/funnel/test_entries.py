"""Every opportunity has its StageEntry: written by the creation service, kept by the move service, back-filled
by the data migration's SQL and the nightly job; stuck opportunities are read from the entries."""

from datetime import datetime, time, timedelta
from importlib import import_module

import pytest
from django.db import connection
from django.utils import timezone

from funnel import selectors, services
from funnel.models import StageChange, StageEntry
from funnel.selectors import Holder
from opportunities import services as opportunity_services
from opportunities.models import Opportunity
from tests.factories import CustomerFactory, OpportunityFactory, stage

pytestmark = pytest.mark.django_db


def _aware(days_ago: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(hour)))


def test_the_creation_service_writes_the_entry_of_the_first_stage(owner):
    customer = CustomerFactory(owner=owner)
    before = timezone.now()
    created = opportunity_services.opportunity_create(customer=customer, name="新产线", by=owner,
                                                      expected_close_date=timezone.localdate() + timedelta(days=30))
    entry = StageEntry.objects.get(opportunity=created)
    assert entry.stage_id == created.stage_id == stage("01").pk
    assert before <= entry.entered_at <= timezone.now()


def test_a_move_restarts_the_entry(owner, opportunity):
    services.stage_entries_backfill()
    services.opportunity_move(opportunity=opportunity, stage_code="02", by=owner)
    entry = StageEntry.objects.get(opportunity=opportunity)
    assert entry.stage == stage("02")
    assert entry.entered_at == StageChange.objects.get(opportunity=opportunity).changed_at


def test_the_backfill_inserts_the_missing_and_repairs_the_stale(owner):
    moved = OpportunityFactory(primary_owner=owner, stage=stage("03"))
    plain = OpportunityFactory(primary_owner=owner, stage=stage("02"))
    stale = OpportunityFactory(primary_owner=owner, stage=stage("05"))
    Opportunity.objects.filter(pk=plain.pk).update(created_at=_aware(50))
    # moved: an older move into 03, then the latest one into 03 (the one that counts), no entry yet.
    for days in (80, 20):
        StageChange.objects.create(opportunity=moved, from_stage=stage("02"), to_stage=stage("03"), to_code="03",
                                   to_name_zh="x", to_name_en="x", to_outcome="open", to_probability=30,
                                   amount=moved.amount, weighted_after=moved.amount, changed_at=_aware(days))
    StageEntry.objects.create(opportunity=stale, stage=stage("04"), entered_at=_aware(90))
    assert services.stage_entries_backfill() == (2, 1)
    entries = {e.opportunity_id: e for e in StageEntry.objects.all()}
    assert entries[moved.pk].entered_at == _aware(20) and entries[moved.pk].stage == stage("03")
    assert entries[plain.pk].entered_at == _aware(50)
    stale.refresh_from_db()
    assert entries[stale.pk].stage == stage("05") and entries[stale.pk].entered_at == stale.created_at
    assert services.stage_entries_backfill() == (0, 0)  # a second run finds nothing to do


def test_the_migration_backfills_with_the_same_rule(owner):
    plain = OpportunityFactory(primary_owner=owner, stage=stage("02"))
    Opportunity.objects.filter(pk=plain.pk).update(created_at=_aware(33))
    migration = import_module("funnel.migrations.0006_backfill_stage_entries")
    with connection.cursor() as cursor:
        cursor.execute(migration.REPAIR)
        cursor.execute(migration.BACKFILL)
    assert StageEntry.objects.get(opportunity=plain).entered_at == _aware(33)


def test_the_nightly_job_backfills_before_counting(owner, director):
    plain = OpportunityFactory(primary_owner=owner, stage=stage("01"))
    Opportunity.objects.filter(pk=plain.pk).update(created_at=_aware(45))
    services.funnel_snapshot_take()
    assert StageEntry.objects.filter(opportunity=plain).exists()
    from funnel.models import FunnelSnapshot

    row = FunnelSnapshot.objects.get(date=timezone.localdate(), user=owner, stage=stage("01"))
    assert (row.count, row.stuck) == (1, 1)


@pytest.mark.parametrize(("days", "stuck"), [(30, False), (31, True)])
def test_stuck_is_a_range_on_the_entries_per_stage(owner, manager, days, stuck):
    """Stage 01 stuck after 30 days, stage 05 after 60: each stage its own cutoff."""
    first = OpportunityFactory(primary_owner=owner, stage=stage("01"))
    fifth = OpportunityFactory(primary_owner=owner, stage=stage("05"))
    StageEntry.objects.create(opportunity=first, stage=stage("01"), entered_at=_aware(days, hour=23))
    StageEntry.objects.create(opportunity=fifth, stage=stage("05"), entered_at=_aware(days, hour=23))
    listed = list(selectors.stuck_opportunities(viewer=manager, holder=Holder(user=owner)))
    assert listed == ([first] if stuck else [])
    assert selectors.stuck_counts(holder=Holder(user=owner)) == ({stage("01").pk: 1} if stuck else {})
    assert listed == [] or listed[0].entered_at == _aware(days, hour=23)


def test_a_stale_entry_is_not_stuck_in_the_wrong_stage(owner):
    opportunity = OpportunityFactory(primary_owner=owner, stage=stage("02"))
    StageEntry.objects.create(opportunity=opportunity, stage=stage("01"), entered_at=_aware(90))
    assert list(selectors.stuck_opportunities(viewer=owner, holder=Holder(user=owner))) == []


def test_the_oldest_stuck_skip_stale_entries_page_by_page(owner, manager):
    """The funnel page's short list tests the stage in Python: stale entries, even the oldest, are skipped."""
    for index in range(3):  # oldest of all, but the opportunity has moved on without the move service
        stale = OpportunityFactory(primary_owner=owner, stage=stage("02"))
        StageEntry.objects.create(opportunity=stale, stage=stage("01"), entered_at=_aware(90 + index))
    stuck = []
    for days in (40, 41):
        opportunity = OpportunityFactory(primary_owner=owner, stage=stage("01"))
        StageEntry.objects.create(opportunity=opportunity, stage=stage("01"), entered_at=_aware(days))
        stuck.insert(0, opportunity)
    oldest = selectors.stuck_oldest(viewer=manager, holder=Holder(user=owner), limit=2)
    assert oldest == stuck and [o.days_in_stage for o in oldest] == [41, 40]
    assert list(selectors.stuck_opportunities(viewer=manager, holder=Holder(user=owner))) == stuck


@pytest.mark.parametrize("entry", ["current", "another stage", "none"])
def test_the_opportunity_page_reads_the_entry_with_the_opportunity(owner, opportunity, entry,
                                                                   django_assert_num_queries):
    """The stage path asks the page's query of the opportunity to join its entry (page_parts select_related):
    entered_at then needs no query and says what its own query says."""
    from opportunities import page_parts
    from opportunities.selectors import opportunity_page

    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=_aware(40))
    if entry == "none":
        StageEntry.objects.filter(opportunity=opportunity).delete()
    else:
        StageEntry.objects.update_or_create(opportunity=opportunity, defaults={
            "stage": stage("01") if entry == "current" else stage("03"), "entered_at": _aware(12)})
    assert "stage_entry" in page_parts.header_select_related()
    plain = Opportunity.objects.get(pk=opportunity.pk)
    with django_assert_num_queries(1):
        expected = selectors.entered_at(opportunity=plain)
    joined = opportunity_page(viewer=owner, pk=opportunity.pk, select_related=page_parts.header_select_related())
    with django_assert_num_queries(0):
        assert selectors.entered_at(opportunity=joined) == expected
    assert expected == (_aware(12) if entry == "current" else _aware(40))
