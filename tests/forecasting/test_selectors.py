"""Reads other areas and pages rely on: forecast_amount (for quotas), the rules' defaults, levels,
the quota slot."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from forecasting import services
from forecasting.models import Category, PeriodKind, StageCategory
from forecasting.rules import level_of, rules_for, stage_categories
from forecasting.selectors import forecast_amount, forecast_amounts
from tests.factories import stage

pytestmark = pytest.mark.django_db


def submit(user, period):
    return services.forecast_submit(forecast=services.forecast_create(period=period, by=user), by=user)


def test_forecast_amount_prefers_quarters_and_never_counts_a_month_twice(world):
    april = services.period_create(kind=PeriodKind.MONTH, start=date(2026, 4, 1), by=None)
    submit(world.am1, world.period)  # Q2: 170,000
    submit(world.am1, april)         # April only: o1 = 100,000
    q2 = {"period_start": date(2026, 4, 1), "period_end": date(2026, 6, 30)}
    assert forecast_amount(user=world.am1, **q2) == Decimal("170000.00")
    assert forecast_amount(user=world.am1, period_start=date(2026, 4, 1),
                           period_end=date(2026, 4, 30)) == Decimal("100000.00")
    assert forecast_amount(user=world.am1, period_start=date(2026, 1, 1),
                           period_end=date(2026, 12, 31)) == Decimal("170000.00")
    # A draft reports nothing; a unit's figure is its manager's.
    services.forecast_create(period=world.period, by=world.teamlead)
    assert forecast_amount(org_unit=world.team, **q2) == Decimal("0.00")
    submit(world.teamlead, world.period)
    assert forecast_amount(org_unit=world.team, **q2) == Decimal("195000.00")  # 170,000 + own 25,000
    assert forecast_amount(**q2) == Decimal("0.00")


def test_a_unit_whose_head_does_not_submit_shows_the_roll_up_of_those_below(world):
    """The company head does not submit (the rule's levels stop at the division): the company's forecast is
    the division's, as on the forecast pages, not 0.00 (the attainment gauges showed 0.00 before)."""
    q2 = {"period_start": date(2026, 4, 1), "period_end": date(2026, 6, 30)}
    for person in (world.am1, world.teamlead, world.regional, world.divhead):
        submit(person, world.period)
    division = forecast_amount(org_unit=world.division, **q2)
    assert division == forecast_amount(user=world.divhead, **q2) == Decimal("195000.00")  # region 2 is not in
    assert forecast_amount(org_unit=world.company, **q2) == division
    assert forecast_amounts(user_ids=[world.head.pk, world.divhead.pk, world.am2.pk], **q2) == {
        world.head.pk: division, world.divhead.pk: division, world.am2.pk: Decimal("0.00")}


def test_forecast_amounts_reads_a_constant_number_of_queries(world, django_assert_num_queries):
    q2 = {"period_start": date(2026, 1, 1), "period_end": date(2026, 6, 30)}
    submit(world.am1, world.period)
    few = [world.am1.pk]
    many = [world.am1.pk, world.am2.pk, world.am3.pk, world.teamlead.pk, world.regional.pk, world.head.pk]
    # The periods; the tree (two); the records and the rule of each of the two quarters.
    with django_assert_num_queries(7):
        forecast_amounts(user_ids=few, **q2)
    with django_assert_num_queries(7):
        forecast_amounts(user_ids=many, **q2)


def test_forecast_amount_takes_the_latest_reported_version(world):
    first = submit(world.am1, world.period)
    services.forecast_return(forecast=first, by=world.teamlead, reason="redo")
    second = services.forecast_create(period=world.period, by=world.am1)
    services.forecast_revise(forecast=second, by=world.am1, amount="99.00", reason="smaller")
    services.forecast_submit(forecast=second, by=world.am1)
    assert forecast_amount(user=world.am1, period_start=date(2026, 4, 1),
                           period_end=date(2026, 6, 30)) == Decimal("99.00")


def test_default_rules_and_categories(db):
    from tests.factories import ensure_forecast_config

    ensure_forecast_config()
    period = services.period_create(kind=PeriodKind.MONTH, start=date(2026, 8, 1), by=None)
    rules = rules_for(period)
    assert rules.confirmed_only and rules.levels == ("account_manager", "team", "region", "division")
    assert stage("08", "lost").pk not in rules.stage_ids and stage("08", "won").pk in rules.stage_ids
    categories = stage_categories()
    assert [categories[stage(code).pk] for code in ("01", "04", "05", "06", "07")] == [
        "pipeline", "pipeline", "best_case", "best_case", "commit"]
    assert categories[stage("08", "won").pk] == "commit" and categories[stage("08", "lost").pk] == "omitted"
    # The table is the administrators': an edit wins.
    StageCategory.objects.filter(stage=stage("06")).update(category=Category.COMMIT)
    assert stage_categories()[stage("06").pk] == "commit"


def test_a_period_rule_overrides_the_default(world):
    from forecasting.models import ForecastRule

    rule = ForecastRule.objects.create(period=world.period, confirmed_only=False, levels=["account_manager"])
    rule.stages.set([stage("07")])
    record = services.forecast_create(period=world.period, by=world.am1)
    assert [line.opportunity_id for line in record.lines.all()] == [world.o.o1.pk]  # only stage 07 counts
    services.forecast_create(period=world.period, by=world.teamlead2)
    # Unconfirmed o10 counts now that the period's rule does not ask for confirmation.
    assert services.forecast_create(period=world.period, by=world.teamlead2).own_total == Decimal("10000.00")


def test_levels(world):
    assert [level_of(u) for u in (world.am1, world.teamlead, world.regional, world.divhead, world.head)] == [
        "account_manager", "team", "region", "division", None]


def test_a_level_that_does_not_submit_passes_its_figures_through(world):
    from forecasting.models import ForecastRule

    ForecastRule.objects.filter(period__isnull=True).update(levels=["account_manager", "region", "division"])
    submit(world.am1, world.period)
    submit(world.am2, world.period)
    region = services.forecast_create(period=world.period, by=world.regional)
    # The team level does not submit: its account managers' figures reach the region directly.
    assert region.subordinate_total == Decimal("320000.00")


def test_quota_slot_shows_the_provided_quota(client, world, monkeypatch):
    import forecasting.selectors

    monkeypatch.setattr(forecasting.selectors, "_quota_provider", None)
    forecasting.selectors.register_quota_provider(lambda **kwargs: Decimal("500000.00"))
    client.force_login(world.am1)
    html = client.get(reverse("forecasting:my-forecast") + f"?period={world.period.pk}").content.decode()
    assert 'data-testid="fc-quota"' in html and "500,000.00" in html


def test_without_a_quota_provider_there_is_no_quota(world, monkeypatch):
    import forecasting.selectors

    monkeypatch.setattr(forecasting.selectors, "_quota_provider", None)
    assert forecasting.selectors.quota_figure(user=world.am1, period=world.period) is None


def test_a_won_deal_counts_in_the_period_it_was_won_not_the_one_it_was_expected_in(world):
    from forecasting.rules import counted_opportunities
    from forecasting.selectors import my_forecast

    # o4 (won 05-05) was expected in March; another deal expected in May was already won in March.
    world.o.o4.expected_close_date = date(2026, 3, 20)
    world.o.o4.save()
    won_early = stage("08", "won").opportunities.create(
        customer=world.o.o4.customer, name="已在一季度赢单", amount=Decimal("555.00"), primary_owner=world.am1,
        expected_close_date=date(2026, 5, 15), closed_on=date(2026, 3, 10), confirmed=True)
    counted = set(counted_opportunities(world.period, rules_for(world.period)).values_list("pk", flat=True))
    assert world.o.o4.pk in counted and won_early.pk not in counted
    grid = {row.opportunity.pk for row in my_forecast(viewer=world.am1, period=world.period)["rows"]}
    assert world.o.o4.pk in grid and won_early.pk not in grid
