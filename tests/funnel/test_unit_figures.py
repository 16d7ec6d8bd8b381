"""The funnel page of a unit: live when small or asked, else from the day's snapshot (said so, as of when it
was taken) and equal to the sum of the unit's people; the stuck list bounded with a full, paginated list; a
constant number of queries for a person and a unit at two sizes."""

import threading
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from funnel import selectors, services
from funnel.models import ClosedSnapshot, FunnelSnapshot, SnapshotRun, StageEntry
from funnel.selectors import Holder
from opportunities.models import Opportunity
from tests.factories import OpportunityFactory, UserFactory, ensure_default_config, stage
from tests.threads import NEEDS_POSTGRESQL

pytestmark = pytest.mark.django_db

FUNNEL = "/funnel/"


def _aware(days_ago: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(10)))


def _people(team, manager, count: int) -> list:
    people = []
    for index in range(count):
        person = UserFactory(username=f"am{count}-{index}", org_unit=team, manager=manager)
        for n in range(3):
            opportunity = OpportunityFactory(primary_owner=person, stage=stage("0" + str(1 + (index + n) % 7)),
                                             amount=Decimal(100_000 * (index + 1) + n))
            StageEntry.objects.create(opportunity=opportunity, stage=opportunity.stage,
                                      entered_at=_aware(70 if (index + n) % 4 == 0 else 3))
        people.append(person)
    return people


def _figures(rows) -> dict:
    return {row.stage.code: (row.figure.count, row.figure.amount, row.figure.stuck) for row in rows}


@pytest.fixture
def snapshot_always(monkeypatch):
    """Any unit counts as large, so the snapshot is used whenever today has one."""
    monkeypatch.setattr(selectors, "LIVE_UNIT_LIMIT", 0)


def test_without_a_snapshot_today_a_unit_is_live(team, manager, director, snapshot_always):
    _people(team, manager, 3)
    reading = selectors.funnel_reading(holder=Holder(org_unit=team))
    assert reading.live and reading.as_of is None


def test_a_small_unit_is_live_even_with_a_snapshot(team, manager, director):
    _people(team, manager, 3)
    services.funnel_snapshot_take()
    assert selectors.funnel_reading(holder=Holder(org_unit=team)).live


def test_unit_figures_from_the_snapshot_equal_the_live_ones_and_the_sum_of_the_people(
        team, manager, director, snapshot_always):
    people = _people(team, manager, 4)
    services.funnel_snapshot_take()
    reading = selectors.funnel_reading(holder=Holder(org_unit=team))
    assert not reading.live and reading.as_of == SnapshotRun.objects.get(date=timezone.localdate()).taken_at
    from_snapshot = _figures(reading.rows)
    live = _figures(selectors.funnel_reading(holder=Holder(org_unit=team), live=True).rows)
    assert from_snapshot == live
    summed: dict = {}
    for person in [*people, manager]:
        for code, (count, amount, stuck) in _figures(selectors.funnel_reading(holder=Holder(user=person)).rows).items():
            total = summed.get(code, (0, Decimal("0.00"), 0))
            summed[code] = (total[0] + count, total[1] + amount, total[2] + stuck)
    assert from_snapshot == summed
    assert sum(stuck for _c, _a, stuck in from_snapshot.values()) == 3  # (index + n) % 4 == 0: 0+0, 2+2, 3+1
    # The region above sums the team the same way.
    region = _figures(selectors.funnel_reading(holder=Holder(org_unit=team.parent)).rows)
    assert region == from_snapshot


def test_after_a_move_the_snapshot_stays_as_of_and_live_counts_it(client, team, manager, director, owner,
                                                                  snapshot_always):
    opportunity = OpportunityFactory(primary_owner=owner, stage=stage("01"))
    services.stage_entries_backfill()
    services.funnel_snapshot_take()
    services.opportunity_move(opportunity=opportunity, stage_code="02", by=owner)
    client.force_login(director)
    page = client.get(FUNNEL, {"org_unit": team.pk})
    counts = {row.stage.code: row.figure.count for row in page.context["rows"]}
    assert counts["01"] == 1 and counts.get("02", 0) == 0
    html = page.content.decode()
    assert 'data-testid="funnel-as-of"' in html and "live=1" in html
    live = client.get(FUNNEL, {"org_unit": team.pk, "live": "1"})
    counts = {row.stage.code: row.figure.count for row in live.context["rows"]}
    assert counts["01"] == 0 and counts["02"] == 1
    assert 'data-testid="funnel-as-of"' not in live.content.decode()
    mine = client.get(FUNNEL, {"user": owner.pk})  # a person is always live
    assert {row.stage.code: row.figure.count for row in mine.context["rows"]}["02"] == 1


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize("snapshot", [False, True])
def test_the_page_costs_the_same_queries_for_a_person_and_a_unit_at_any_size(
        client, team, manager, director, size, snapshot, snapshot_always, django_assert_max_num_queries):
    people = _people(team, manager, size)
    if snapshot:
        services.funnel_snapshot_take()
    client.force_login(director)
    # 28: the top bar names the viewer's position; the trend says which snapshot it is as of.
    with django_assert_max_num_queries(28):
        response = client.get(FUNNEL, {"org_unit": team.pk})
    assert response.status_code == 200 and response.context["reading"].live is not snapshot
    with django_assert_max_num_queries(28):
        assert client.get(FUNNEL, {"user": people[0].pk}).status_code == 200


def test_the_stuck_list_shows_the_oldest_and_links_to_all_of_them(client, monkeypatch, owner, manager, director):
    from funnel import views

    monkeypatch.setattr(views, "STUCK_PAGE_SIZE", 10)
    for index in range(25):
        opportunity = OpportunityFactory(primary_owner=owner, stage=stage("01"), name=f"卡住{index:02d}")
        StageEntry.objects.create(opportunity=opportunity, stage=opportunity.stage, entered_at=_aware(40 + index))
    client.force_login(manager)
    page = client.get(FUNNEL, {"user": owner.pk})
    stuck = page.context["stuck"]
    assert len(stuck) == views.STUCK_LIST_SIZE == 20
    assert stuck[0].name == "卡住24" and stuck[0].days_in_stage == 64  # oldest first
    assert page.context["totals"]["stuck"] == 25 and page.context["stuck_more"] == 5
    assert 'data-testid="stuck-all-link"' in page.content.decode()
    full = client.get("/funnel/stuck/", {"user": owner.pk, "page": 3})
    assert full.status_code == 200 and full.context["page"].paginator.count == 25
    assert [o.name for o in full.context["stuck"]] == [f"卡住{n:02d}" for n in range(4, -1, -1)]


@pytest.mark.parametrize(("who", "code"), [("outsider", 404), ("teammate", 404), ("manager", 200)])
def test_the_stuck_list_page_is_for_the_subtree(request, client, owner, director, who, code):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/funnel/stuck/", {"user": owner.pk}).status_code == code


def test_the_stuck_list_page_needs_a_sign_in(client, owner):
    response = client.get("/funnel/stuck/", {"user": owner.pk})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_each_funnel_page_says_as_of_which_snapshot(client, team, manager, director, owner, snapshot_always):
    OpportunityFactory(primary_owner=owner, stage=stage("01"))
    services.stage_entries_backfill()
    client.force_login(owner)
    html = client.get(FUNNEL, {"user": owner.pk}).content.decode()
    assert 'data-testid="funnel-live-as-of"' in html and 'data-testid="trend-as-of"' not in html  # no snapshot yet
    services.funnel_snapshot_take()
    run = SnapshotRun.objects.get()
    taken = datetime(2026, 3, 4, 1, 30, tzinfo=timezone.get_current_timezone())
    SnapshotRun.objects.filter(pk=run.pk).update(taken_at=taken)
    shown = "2026-03-04 01:30"
    html = client.get(FUNNEL, {"user": owner.pk}).content.decode()  # a person's figures: live, the trend: snapshot
    assert 'data-testid="trend-as-of"' in html and html.count(shown) == 2
    client.force_login(director)
    html = client.get(FUNNEL, {"org_unit": team.pk}).content.decode()  # a team's funnel: all from the snapshot
    assert 'data-testid="funnel-as-of"' in html and 'data-testid="trend-as-of"' in html and html.count(shown) == 2


def _closes(people) -> None:
    """Each person: won 2 and 40 days ago, lost 10 days ago, won 100 days ago (outside the 90 days)."""
    today = timezone.localdate()
    for index, person in enumerate(people):
        for code, outcome, days in (("08", "won", 2), ("08", "won", 40), ("08", "lost", 10), ("08", "won", 100)):
            OpportunityFactory(primary_owner=person, stage=stage(code, outcome), amount=Decimal(1000 * (index + 1)),
                               closed_on=today - timedelta(days=days))


def _closed(closed) -> dict:
    return {outcome: (closed[outcome].count, closed[outcome].amount) for outcome in ("won", "lost")}


def test_a_large_units_won_and_lost_come_from_the_days_snapshot_as_of_it(
        client, team, manager, director, owner, snapshot_always):
    people = _people(team, manager, 3)
    _closes([*people, owner])
    services.funnel_snapshot_take()
    holder = Holder(org_unit=team)
    reading = selectors.funnel_reading(holder=holder)
    live = selectors.closed_recently(holder=holder)
    assert live["as_of"] is None
    assert _closed(live) == {"won": (8, Decimal("20000.00")), "lost": (4, Decimal("10000.00"))}
    from_snapshot = selectors.closed_recently(holder=holder, reading=reading)
    assert from_snapshot["as_of"] == reading.as_of is not None
    assert _closed(from_snapshot) == _closed(live)
    # The region above sums the team, from the snapshot too.
    region = selectors.closed_recently(holder=Holder(org_unit=team.parent),
                                       reading=selectors.funnel_reading(holder=Holder(org_unit=team.parent)))
    assert region["as_of"] == reading.as_of and _closed(region) == _closed(live)
    # A close after the snapshot: the page keeps the snapshot's figures and says so; live counts it.
    services.opportunity_move(opportunity=OpportunityFactory(primary_owner=owner, stage=stage("07")),
                              stage_code="08", outcome="won", by=owner, skip_open_tasks=True)
    client.force_login(director)
    page = client.get(FUNNEL, {"org_unit": team.pk})
    assert _closed(page.context["closed"]) == {"won": (8, Decimal("20000.00")), "lost": (4, Decimal("10000.00"))}
    assert 'data-testid="funnel-closes-as-of"' in page.content.decode()
    live_page = client.get(FUNNEL, {"org_unit": team.pk, "live": "1"})
    assert live_page.context["closed"]["won"].count == 9 and live_page.context["closed"]["as_of"] is None


def test_the_closes_of_a_snapshot_taken_again_are_rewritten_not_added(team, manager, director, owner,
                                                                     snapshot_always):
    _closes([owner])
    first = services.funnel_snapshot_take()
    OpportunityFactory(primary_owner=owner, stage=stage("08", "lost"), amount=Decimal("7.00"),
                       closed_on=timezone.localdate())
    second = services.funnel_snapshot_take()
    rows = ClosedSnapshot.objects.filter(date=timezone.localdate(), org_unit=team)
    assert {row.outcome: (row.count, row.amount) for row in rows} == {
        "won": (2, Decimal("2000.00")), "lost": (2, Decimal("1007.00"))}
    # Only the closes changed, and the figures are now as of the second run; a third run changes nothing.
    assert second.taken_at > first.taken_at and second.finished_at > first.finished_at
    third = services.funnel_snapshot_take()
    assert (third.taken_at, third.finished_at) == (second.taken_at, second.finished_at)


def test_a_large_unit_without_closes_shows_zeros_as_of_the_snapshot(team, manager, director, region,
                                                                     snapshot_always):
    """Closes elsewhere in the company, none in this unit: zeros from the snapshot, not a live count."""
    from tests.factories import OrgUnitFactory

    quiet = OrgUnitFactory(name="华南组", parent=region)
    person = UserFactory(username="quiet-am", org_unit=quiet, manager=manager)
    OpportunityFactory(primary_owner=person, stage=stage("03"))
    _closes([manager])
    services.funnel_snapshot_take()
    reading = selectors.funnel_reading(holder=Holder(org_unit=quiet))
    closed = selectors.closed_recently(holder=Holder(org_unit=quiet), reading=reading)
    assert closed["as_of"] == reading.as_of is not None
    assert _closed(closed) == {"won": (0, Decimal("0.00")), "lost": (0, Decimal("0.00"))}


def test_without_closes_in_the_snapshot_a_large_unit_counts_them_live(client, team, manager, director, owner,
                                                                     snapshot_always):
    """A day's snapshot taken before the closes were kept with it: the figures from the snapshot, the closes
    live, and the note does not claim the closes are as of the snapshot."""
    _people(team, manager, 2)
    _closes([owner])
    services.funnel_snapshot_take()
    ClosedSnapshot.objects.all().delete()
    client.force_login(director)
    page = client.get(FUNNEL, {"org_unit": team.pk})
    assert page.context["closed"]["as_of"] is None and page.context["closed"]["won"].count == 2
    html = page.content.decode()
    assert 'data-testid="funnel-as-of"' in html and 'data-testid="funnel-closes-as-of"' not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason=NEEDS_POSTGRESQL)
@pytest.mark.django_db(transaction=True)
def test_a_deal_closed_while_the_snapshot_reads_is_open_or_closed_in_it_never_both(team, manager, director,
                                                                                   monkeypatch):
    """The figures, the stuck counts and the closes are read at one moment: a deal won by someone else between
    the open figures and the closes (another connection, committed) is in neither twice."""
    ensure_default_config()
    deal = OpportunityFactory(primary_owner=manager, stage=stage("07"), amount=Decimal("500.00"))
    read_closes = selectors.owner_closes

    def closes_after_a_win_elsewhere(**kwargs):
        def win():
            Opportunity.objects.filter(pk=deal.pk).update(stage=stage("08", "won"), closed_on=timezone.localdate())
            connections.close_all()

        thread = threading.Thread(target=win)
        thread.start()
        thread.join()
        return read_closes(**kwargs)

    monkeypatch.setattr(selectors, "owner_closes", closes_after_a_win_elsewhere)
    services.funnel_snapshot_take()
    assert Opportunity.objects.get(pk=deal.pk).closed_on == timezone.localdate()  # the win did commit
    day = timezone.localdate()
    open_count = sum(FunnelSnapshot.objects.filter(date=day, org_unit=team).values_list("count", flat=True))
    won = ClosedSnapshot.objects.get(date=day, org_unit=team, outcome="won").count
    assert (open_count, won) == (1, 0)
