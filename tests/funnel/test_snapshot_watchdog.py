"""The watchdog of the daily snapshot (06:00): the day's snapshot missing is taken again, once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from funnel.models import FunnelSnapshot, SnapshotRun
from funnel.tasks import funnel_snapshot_watchdog
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_a_missing_snapshot_of_the_day_is_taken_by_the_watchdog(db, owner, director):
    OpportunityFactory(primary_owner=owner)
    today = timezone.localdate()
    assert not SnapshotRun.objects.filter(date=today).exists()  # the 01:30 job was lost with its worker
    result = funnel_snapshot_watchdog.delay().get()
    run = SnapshotRun.objects.get(date=today)
    assert result == {"date": today.isoformat(), "rows": run.rows} and run.finished_at is not None
    assert FunnelSnapshot.objects.filter(date=today, user=owner).exists()


def test_the_watchdog_leaves_a_snapshot_that_is_there_alone(db, owner, director):
    OpportunityFactory(primary_owner=owner)
    assert funnel_snapshot_watchdog.delay().get() is not None
    finished = SnapshotRun.objects.get().finished_at
    assert funnel_snapshot_watchdog.delay().get() is None
    assert SnapshotRun.objects.get().finished_at == finished
