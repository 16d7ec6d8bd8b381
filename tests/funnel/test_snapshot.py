"""The daily snapshot: every person and unit per open stage from aggregate queries, idempotent, history
baselines from the look-back, the day's expected values, and the Celery task."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funnel import services
from funnel.models import Baseline, FunnelSettings, FunnelSnapshot, SnapshotRun
from funnel.tasks import funnel_daily_snapshot
from tests.factories import BaselineFactory, OpportunityFactory, OrgUnitFactory, UserFactory, stage

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)


def snap(**holder):
    return {row.stage.code: row for row in FunnelSnapshot.objects.filter(date=DAY, **holder).select_related("stage")}


def test_every_person_and_unit_per_open_stage_and_units_sum_their_people(owner, teammate, manager, director, team,
                                                                         region):
    OpportunityFactory(primary_owner=owner, stage=stage("02"), amount=Decimal("100000.00"))
    OpportunityFactory(primary_owner=owner, stage=stage("05"), amount=Decimal("300000.00"))
    OpportunityFactory(primary_owner=teammate, stage=stage("02"), amount=Decimal("50000.00"))
    OpportunityFactory(primary_owner=teammate, stage=stage("08", "won"), amount=Decimal("1.00"))
    services.funnel_snapshot_take(day=DAY)
    mine = snap(user=owner)
    assert sorted(mine) == ["01", "02", "03", "04", "05", "06", "07"]
    assert (mine["02"].count, mine["02"].amount, mine["02"].weighted_amount) == (1, Decimal("100000.00"),
                                                                                Decimal("20000.00"))
    assert mine["05"].weighted_amount == Decimal("150000.00")
    assert mine["03"].count == 0
    for unit in (team, region):
        figures = snap(org_unit=unit)
        for code in figures:
            people = [snap(user=person)[code] for person in (owner, teammate, manager)]
            assert figures[code].count == sum(p.count for p in people)
            assert figures[code].amount == sum((p.amount for p in people), Decimal("0.00"))
    assert snap(org_unit=team)["02"].count == 2
    assert snap(user=director)["02"].count == 0  # a person's funnel is their own opportunities


def test_running_twice_on_the_same_day_changes_nothing(owner, teammate, director):
    OpportunityFactory(primary_owner=owner, stage=stage("02"))
    services.funnel_snapshot_take(day=DAY)
    first = list(FunnelSnapshot.objects.order_by("pk").values())
    run = SnapshotRun.objects.get(date=DAY)
    with CaptureQueriesContext(connection) as queries:
        services.funnel_snapshot_take(day=DAY)
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].startswith(("INSERT", "UPDATE", "DELETE")) and "funnel_funnelsnapshot" in q["sql"]]
    assert writes == []
    assert list(FunnelSnapshot.objects.order_by("pk").values()) == first
    assert SnapshotRun.objects.get(date=DAY).finished_at == run.finished_at
    assert SnapshotRun.objects.count() == 1


def test_a_second_run_picks_up_what_changed_that_day(owner, director):
    opportunity = OpportunityFactory(primary_owner=owner, stage=stage("02"))
    services.funnel_snapshot_take(day=DAY)
    services.opportunity_move(opportunity=opportunity, stage_code="03", by=owner)
    services.funnel_snapshot_take(day=DAY)
    assert (snap(user=owner)["02"].count, snap(user=owner)["03"].count) == (0, 1)
    assert FunnelSnapshot.objects.filter(date=DAY, user=owner).count() == 7


def _company(people: int) -> None:
    top = OrgUnitFactory(name=f"公司{people}", kind="company")
    unit = OrgUnitFactory(name=f"团队{people}", parent=top)
    boss = UserFactory(username=f"boss{people}", org_unit=top)
    for index in range(people):
        person = UserFactory(username=f"p{people}-{index}", org_unit=unit, manager=boss)
        OpportunityFactory(primary_owner=person, stage=stage("0" + str(1 + index % 7)))


@pytest.mark.parametrize("people", [3, 30])
def test_the_snapshot_costs_a_bounded_number_of_queries(people, django_assert_max_num_queries):
    _company(people)
    # 26 before the stage entries' back-fill (two statements) and the stuck counts (two queries) joined the job;
    # the closes (a query, the day's rows, their insert) and the savepoint of the figures' one-moment read came
    # after. SQLite inserts the 30 people's rows in two more batches (its limit of bound values per statement).
    with django_assert_max_num_queries(34):
        services.funnel_snapshot_take(day=DAY)
    assert FunnelSnapshot.objects.filter(date=DAY).count() == (people + 1) * 7 + 2 * 7


def _history(person, stage_code, day, count, amount="0.00"):
    FunnelSnapshot.objects.create(date=day, user=person, stage=stage(stage_code), count=count, amount=Decimal(amount))


def test_history_is_the_same_day_of_the_last_four_quarters_where_present(owner, director):
    _history(owner, "03", DAY - timedelta(days=91), 4, "400000.00")
    _history(owner, "03", DAY - timedelta(days=273), 8, "800000.00")
    _history(owner, "03", DAY - timedelta(days=10), 100, "9.00")  # not a quarter point: ignored
    services.funnel_snapshot_take(day=DAY)
    baseline = Baseline.objects.get(user=owner, stage=stage("03"), source="history")
    assert (baseline.expected_count, baseline.expected_amount, baseline.sample_days) == (
        Decimal("6.00"), Decimal("600000.00"), 2)
    assert baseline.lookback.startswith("quarters:4")
    assert snap(user=owner)["03"].expected_count == Decimal("6.00")


def test_history_falls_back_to_the_last_ninety_days(owner, director):
    _history(owner, "02", DAY - timedelta(days=1), 2)
    _history(owner, "02", DAY - timedelta(days=30), 5)
    _history(owner, "02", DAY - timedelta(days=95), 50)  # outside both
    services.funnel_snapshot_take(day=DAY)
    baseline = Baseline.objects.get(user=owner, stage=stage("02"), source="history")
    assert baseline.expected_count == Decimal("3.50") and baseline.lookback.startswith("days:90")


def test_history_in_days_mode_uses_the_configured_window(owner, director):
    settings = FunnelSettings.load()
    settings.lookback, settings.lookback_days = "days", 20
    settings.save()
    _history(owner, "02", DAY - timedelta(days=91), 40)
    _history(owner, "02", DAY - timedelta(days=5), 1)
    services.funnel_snapshot_take(day=DAY)
    assert Baseline.objects.get(user=owner, stage=stage("02"), source="history").expected_count == Decimal("1.00")


def test_no_history_no_baseline_and_manual_values_go_into_the_day(owner, director):
    BaselineFactory(user=owner, stage=stage("04"), expected_count=Decimal("2.00"), expected_amount=None)
    services.funnel_snapshot_take(day=DAY)
    mine = snap(user=owner)
    assert mine["04"].expected_count == Decimal("2.00") and mine["04"].expected_amount is None
    assert mine["03"].expected_count is None
    assert not Baseline.objects.filter(source="history").exists()


def test_the_task_runs_the_job_for_a_day(owner):
    OpportunityFactory(primary_owner=owner, stage=stage("02"))
    result = funnel_daily_snapshot.delay("2026-11-21").get()
    assert result["date"] == "2026-11-21"
    assert FunnelSnapshot.objects.filter(date=date(2026, 11, 21), user=owner, stage=stage("02")).get().count == 1


def test_a_history_of_a_mostly_empty_stage_is_no_baseline_by_count_or_amount(owner, director):
    """The demo's team funnel: stage 06 held one deal on one of four quarter days (an average of 0.25 deals,
    11,776 by amount) and is now at 5.7 million: no ratio of 48,315%, no "excellent", but no baseline."""
    OpportunityFactory(primary_owner=owner, stage=stage("06"), amount=Decimal("5689708.00"))
    for quarters in (1, 2, 3):
        _history(owner, "06", DAY - timedelta(days=91 * quarters), 0)
    _history(owner, "06", DAY - timedelta(days=364), 1, "47104.00")
    _history(owner, "03", DAY - timedelta(days=91), 1, "500000.00")  # one deal expected: a baseline
    services.funnel_snapshot_take(day=DAY)
    assert not Baseline.objects.filter(user=owner, stage=stage("06"), source="history").exists()
    assert snap(user=owner)["06"].expected_amount is None and snap(user=owner)["06"].expected_count is None
    assert Baseline.objects.get(user=owner, stage=stage("03"), source="history").expected_count == Decimal("1.00")
    from funnel.selectors import Health, Holder, funnel_health

    row = {r.stage.code: r for r in funnel_health(holder=Holder(user=owner))}["06"]
    assert (row.amount_ratio, row.amount_status, row.count_status) == (None, Health.NO_BASELINE, Health.NO_BASELINE)
    # The threshold is the administrator's: a quarter of a deal on average is then enough.
    settings = FunnelSettings.load()
    settings.min_expected_count = Decimal("0.25")
    settings.save()
    services.funnel_snapshot_take(day=DAY)
    assert Baseline.objects.get(user=owner, stage=stage("06"), source="history").expected_amount == Decimal("11776.00")
