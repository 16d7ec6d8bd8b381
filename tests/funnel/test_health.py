"""Funnel health: the boundaries in exact Decimal, by count and by amount; manual over history; no baseline."""

from decimal import Decimal

import pytest

from funnel import selectors
from funnel.models import Baseline
from funnel.selectors import Health, Holder, health_status
from tests.factories import BaselineFactory, OpportunityFactory, stage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("current", "expected", "status"), [
    (6999, "10000", Health.WARNING),      # 69.99%
    (7000, "10000", Health.GOOD),         # exactly 70%
    (10000, "10000", Health.GOOD),        # exactly 100%
    (10001, "10000", Health.EXCELLENT),   # 100.01%
    (0, "3", Health.WARNING),
])
def test_boundaries_by_count(current, expected, status):
    ratio, result = health_status(current=current, expected=Decimal(expected))
    assert result == status
    assert ratio == Decimal(current) / Decimal(expected)


@pytest.mark.parametrize(("current", "expected", "status"), [
    ("699900.00", "1000000.00", Health.WARNING),
    ("700000.00", "1000000.00", Health.GOOD),
    ("1000000.00", "1000000.00", Health.GOOD),
    ("1000100.00", "1000000.00", Health.EXCELLENT),
    # Thirds are where float arithmetic would round: 0.7 exactly is still good.
    ("233333.31", "333333.30", Health.GOOD),
])
def test_boundaries_by_amount(current, expected, status):
    assert health_status(current=Decimal(current), expected=Decimal(expected))[1] == status


def test_no_baseline_is_not_a_number():
    assert health_status(current=5, expected=None) == (None, Health.NO_BASELINE)
    assert health_status(current=5, expected=Decimal("0")) == (None, Health.NO_BASELINE)


def _funnel(owner, code="03", **amounts):
    return {row.stage.code: row for row in selectors.funnel_health(holder=Holder(user=owner))}[code]


@pytest.mark.parametrize(("amount", "status"), [
    ("699900.00", Health.WARNING), ("700000.00", Health.GOOD), ("1000000.00", Health.GOOD),
    ("1000100.00", Health.EXCELLENT),
])
def test_funnel_health_by_amount_end_to_end(owner, amount, status):
    OpportunityFactory(primary_owner=owner, stage=stage("03"), amount=Decimal(amount))
    BaselineFactory(user=owner, stage=stage("03"), expected_count=None, expected_amount=Decimal("1000000.00"))
    row = _funnel(owner)
    assert row.amount_status == status
    assert row.count_status == Health.NO_BASELINE  # the manual row gives no count and there is no history


@pytest.mark.parametrize(("expected", "status"), [
    ("10.01", Health.WARNING), ("10.00", Health.GOOD), ("7.00", Health.GOOD), ("6.99", Health.EXCELLENT),
])
def test_funnel_health_by_count_end_to_end(owner, expected, status):
    for _ in range(7):
        OpportunityFactory(primary_owner=owner, stage=stage("03"))
    BaselineFactory(user=owner, stage=stage("03"), expected_count=Decimal(expected), expected_amount=None)
    row = _funnel(owner)
    assert row.figure.count == 7
    assert row.count_status == status


def test_manual_baseline_overrides_history_measure_by_measure(owner):
    OpportunityFactory(primary_owner=owner, stage=stage("03"), amount=Decimal("500000.00"))
    Baseline.objects.create(user=owner, stage=stage("03"), source="history", expected_count=Decimal("4.00"),
                            expected_amount=Decimal("400000.00"), sample_days=4)
    row = _funnel(owner)
    assert (row.count_status, row.amount_status) == (Health.WARNING, Health.EXCELLENT)  # 25%, 125%
    assert row.expected.count_source == "history"
    BaselineFactory(user=owner, stage=stage("03"), expected_count=Decimal("1.00"), expected_amount=None)
    row = _funnel(owner)
    assert row.expected.count == Decimal("1.00") and row.expected.count_source == "manual"
    assert row.count_status == Health.GOOD  # 1 of 1
    assert row.expected.amount == Decimal("400000.00") and row.expected.amount_source == "history"


def test_without_history_or_manual_value_every_stage_says_no_baseline(owner):
    OpportunityFactory(primary_owner=owner, stage=stage("02"))
    rows = selectors.funnel_health(holder=Holder(user=owner))
    assert [row.stage.code for row in rows] == ["01", "02", "03", "04", "05", "06", "07"]
    assert {row.count_status for row in rows} == {Health.NO_BASELINE}
    assert {row.amount_status for row in rows} == {Health.NO_BASELINE}
    assert all(row.count_ratio is None for row in rows)


def test_unit_funnel_sums_its_people_and_units_below(owner, teammate, director, team, region):
    OpportunityFactory(primary_owner=owner, stage=stage("02"), amount=Decimal("100.00"))
    OpportunityFactory(primary_owner=teammate, stage=stage("02"), amount=Decimal("250.00"))
    OpportunityFactory(primary_owner=teammate, stage=stage("08", "won"), amount=Decimal("999.00"))  # closed
    for unit in (team, region):
        row = {r.stage.code: r for r in selectors.funnel_health(holder=Holder(org_unit=unit))}["02"]
        assert (row.figure.count, row.figure.amount, row.weighted) == (2, Decimal("350.00"), Decimal("70.00"))
