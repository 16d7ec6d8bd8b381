"""Reads the funnel page merges: the settings with the latest snapshot's time, and a unit's figures of the day's
snapshot with its trend. Each gives what the separate reads gave, on snapshots of several days, a day without
a snapshot, a run not finished and a run without its time."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.request_memo import _memo
from funnel import selectors, services
from funnel.models import FunnelSettings, FunnelSnapshot, SnapshotRun
from funnel.selectors import Figure, Holder
from tests.factories import OpportunityFactory, UserFactory, stage

pytestmark = pytest.mark.django_db


def reference_unit_snapshot_figures(*, org_unit, day):
    """The day's figures as they were read on their own."""
    taken = SnapshotRun.objects.filter(date=OuterRef("date")).values("taken_at")[:1]
    rows = list(FunnelSnapshot.objects.filter(date=day, org_unit=org_unit).order_by()
                .annotate(taken_at=Subquery(taken))
                .values_list("stage_id", "count", "amount", "stuck", "taken_at"))
    if not rows or rows[0][4] is None:
        return None
    figures = {stage_id: Figure(count=count, amount=amount, stuck=stuck) for stage_id, count, amount, stuck, _t in rows}
    return figures, rows[0][4]


@pytest.fixture
def days(team, manager, director):
    """Snapshots of today, three days ago and forty days ago, with different opportunities each time."""
    today = timezone.localdate()
    people = [UserFactory(username=f"rd{index}", org_unit=team, manager=manager) for index in range(3)]
    for back in (40, 3, 0):
        for index, person in enumerate(people):
            OpportunityFactory(primary_owner=person, stage=stage("0" + str(1 + (back + index) % 7)))
        services.funnel_snapshot_take(day=today - timedelta(days=back))
    return today


def test_a_units_figures_of_a_day_are_the_ones_read_on_their_own(days, team, director, manager):
    today = days
    moment = datetime(2026, 3, 4, 1, 30, tzinfo=timezone.get_current_timezone())
    SnapshotRun.objects.filter(date=today - timedelta(days=3)).update(taken_at=moment)
    for unit in (team, team.parent):
        for day in (today, today - timedelta(days=1), today - timedelta(days=3), today - timedelta(days=40)):
            assert selectors.unit_snapshot_figures(org_unit=unit, day=day) == reference_unit_snapshot_figures(
                org_unit=unit, day=day), (unit, day)
    assert selectors.unit_snapshot_figures(org_unit=team, day=today)[1] is not None
    assert selectors.unit_snapshot_figures(org_unit=team, day=today - timedelta(days=3))[1] == moment
    assert selectors.unit_snapshot_figures(org_unit=team, day=today - timedelta(days=40)) is None  # no time kept
    SnapshotRun.objects.filter(date=today).update(taken_at=None)
    assert selectors.unit_snapshot_figures(org_unit=team, day=today) is None


def test_the_unit_and_its_trend_share_one_read_in_a_page_view(days, team):
    token = _memo.set({})
    try:
        with CaptureQueriesContext(connection) as queries:
            found = selectors.unit_snapshot_figures(org_unit=team)
            trend = selectors.health_trend(holder=Holder(org_unit=team))
        assert found is not None and len(trend["dates"]) == 3
        assert len([q for q in queries if "funnel_funnelsnapshot" in q["sql"]]) == 1
    finally:
        _memo.reset(token)
    assert trend == selectors.health_trend(holder=Holder(org_unit=team))  # the same outside a page view


@pytest.mark.parametrize("runs", ["none", "unfinished", "finished", "no_time", "several"])
def test_the_settings_come_with_the_latest_snapshots_time(db, runs):
    today = timezone.localdate()
    moment = timezone.now().replace(microsecond=0)
    if runs == "unfinished":
        SnapshotRun.objects.create(date=today, started_at=moment)
    if runs in ("finished", "several"):
        SnapshotRun.objects.create(date=today - timedelta(days=1), finished_at=moment, taken_at=moment - timedelta(1))
    if runs == "no_time":
        SnapshotRun.objects.create(date=today, finished_at=moment)
    if runs == "several":
        SnapshotRun.objects.create(date=today - timedelta(days=5), finished_at=moment, taken_at=moment)
        SnapshotRun.objects.create(date=today, started_at=moment)  # today's, still running
    with CaptureQueriesContext(connection) as queries:
        settings, as_of = selectors.settings_and_snapshot_time()
    assert len(queries) == 1
    assert settings == FunnelSettings.load()
    assert as_of == selectors.latest_snapshot_time()
    assert (as_of is None) is (runs in ("none", "unfinished"))


def test_without_settings_they_are_made_as_load_makes_them(db):
    FunnelSettings.objects.all().delete()
    settings, as_of = selectors.settings_and_snapshot_time()
    assert settings.pk == FunnelSettings.load().pk and as_of is None


@pytest.mark.parametrize(("who", "query"), [("owner", {}), ("manager", {}), ("director", {}), ("manager", "owner"),
                                           ("admin_user", {})])
def test_the_top_bar_names_the_viewers_unit_from_the_funnels_own_reads(request, client, team, owner, manager,
                                                                       director, admin_user, who, query):
    """The viewer's org unit comes with the units they manage or with their own funnel's drill-down: the top bar
    names it without a query of its own, and names the same unit as any other page."""
    viewer = request.getfixturevalue(who)
    if query == "owner":
        query = {"user": owner.pk}
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/funnel/", query).content.decode()
    unit_reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "teams_orgunit"."id"')
                  and 'WHERE "teams_orgunit"."id" = ' in q["sql"]]
    own = viewer.org_unit
    if own is not None:
        assert f" · {own.name}</span>" in html
    if who in ("owner", "manager", "director") and not query:
        assert unit_reads == []
