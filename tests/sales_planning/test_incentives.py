"""Bonus incentives: the bonus rule at its boundaries, expected cost, approval by the division, publishing,
versions that never rewrite calculated payouts, the period-end job, payouts, the API and the pages."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from crm.errors import ConflictError, DomainError, PermissionDenied
from sales_planning import selectors, services, tasks
from sales_planning.models import Bonus, BonusStatus, IncentivePlan, IncentiveStatus, IncentiveTier, Quota
from teams.models import Role
from tests.factories import UserFactory
from tests.sales_org import opportunity, quarter, year

pytestmark = pytest.mark.django_db

TIERS = [
    {"threshold": "0", "rate": "0"},
    {"threshold": "80", "rate": "1"},
    {"threshold": "100", "rate": "2"},
    {"threshold": "150", "fixed_amount": "5000"},
]


def _tiers(*rows):
    return [IncentiveTier(threshold=Decimal(t), rate=None if r is None else Decimal(r),
                          fixed_amount=None if f is None else Decimal(f)) for t, r, f in rows]


RULE = _tiers(("0", "0", None), ("80", "1", None), ("100", "2", None), ("150", None, "5000"))


def bonus(won, quota="1000", *, cap=None, accelerator="1", tiers=RULE):
    return services.incentive_bonus(tiers=tiers, cap=None if cap is None else Decimal(cap),
                                    accelerator=Decimal(accelerator), quota=Decimal(quota), won=Decimal(won))


# --- The rule ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("won", "threshold", "amount"), [
    ("799.99", "0", "0.00"),      # just below 80%
    ("800", "80", "8.00"),        # exactly 80%: the 80% tier, 1% of 800
    ("999.99", "80", "10.00"),    # 1% of 999.99 = 9.9999 -> 10.00 half up
    ("1000", "100", "20.00"),     # exactly 100%: 2%, no accelerator
    ("1499.99", "100", "30.00"),  # 2% of 1499.99 = 29.9998
    ("1500", "150", "5000.00"),   # exactly 150%: the fixed amount
])
def test_tiers_apply_from_their_exact_boundary(won, threshold, amount):
    figure = bonus(won)
    assert figure.tier_threshold == Decimal(threshold)
    assert figure.amount == Decimal(amount)


def test_boundary_is_compared_exactly_not_on_the_rounded_percentage():
    # 2999/3000 = 99.9667% rounds to 99.97%; 0.99995 of the quota would round to 100.00% but is below it.
    figure = bonus("2999.85", quota="3000")
    assert figure.attainment == Decimal("100.00")  # shown rounded
    assert figure.tier_threshold == Decimal("80")  # but the 100% tier is not reached


def test_accelerator_multiplies_the_rate_above_100_percent_only():
    assert bonus("1000", accelerator="1.5").amount == Decimal("20.00")
    # 2% of 1000 + 2% x 1.5 of the 200 above the quota = 20 + 6
    assert bonus("1200", accelerator="1.5").amount == Decimal("26.00")
    assert bonus("1200", accelerator="1").amount == Decimal("24.00")


def test_cap_limits_the_bonus():
    assert bonus("1200", accelerator="1.5", cap="25").amount == Decimal("25.00")
    assert bonus("1600", cap="1000").amount == Decimal("1000.00")  # a fixed tier is capped too
    assert bonus("800", cap="1000").amount == Decimal("8.00")


def test_decimal_rounding_half_up_to_the_cent():
    tiers = _tiers(("0", "1.5", None))
    assert bonus("0.33", tiers=tiers).amount == Decimal("0.00")   # 0.00495
    assert bonus("0.34", tiers=tiers).amount == Decimal("0.01")   # 0.0051
    assert bonus("1.00", tiers=tiers).amount == Decimal("0.02")   # 0.015 exactly -> half up
    assert isinstance(bonus("1.00", tiers=tiers).amount, Decimal)


def test_no_quota_no_bonus_and_no_tier_reached_pays_nothing():
    assert bonus("100", quota="0") is None
    figure = bonus("10", tiers=_tiers(("50", "1", None)))
    assert figure.tier_threshold is None and figure.amount == Decimal("0.00")


# --- Plans: creation, expected cost, approval, publishing ------------------------------------------


@pytest.fixture
def period():
    return year(2025)


def _quotas(org, period, am1="1000", am2="2000"):
    services.quota_set(period=period, amount=am1, by=org.team_mgr, user=org.am1)
    services.quota_set(period=period, amount=am2, by=org.team_mgr, user=org.am2)


def _plan(org, period, *, by=None, unit=None, **data):
    return services.incentive_plan_create(by=by or org.region_mgr, name="华东年度奖金", period=period,
                                          org_unit=unit or org.region, tiers=TIERS, **data)


def test_only_managers_of_the_unit_draft_plans(org, period):
    assert _plan(org, period).status == IncentiveStatus.DRAFT
    for who in ("am1", "team_mgr", "outsider"):
        with pytest.raises(PermissionDenied):
            _plan(org, period, by=getattr(org, who))
    _plan(org, period, by=org.admin)


@pytest.mark.parametrize(("tiers", "field"), [
    ([], "tiers"),
    ([{"threshold": "0", "rate": "1", "fixed_amount": "5"}], "tiers[0]"),
    ([{"threshold": "0"}], "tiers[0]"),
    ([{"threshold": "80", "rate": "1"}, {"threshold": "80", "rate": "2"}], "tiers"),
    ([{"threshold": "-1", "rate": "1"}], "tiers[0]"),
    ([{"threshold": "10", "rate": "101"}], "tiers[0]"),
])
def test_bad_tiers_are_refused(org, period, tiers, field):
    with pytest.raises(DomainError) as error:
        services.incentive_plan_create(by=org.region_mgr, name="x", period=period, org_unit=org.region, tiers=tiers)
    assert error.value.field == field


def test_eligible_people_units_roles_and_named(org, period):
    plan = _plan(org, period)
    assert set(selectors.incentive_plan_eligible_people(plan=plan)) == {org.am1, org.am2, org.am3}
    plan = services.incentive_plan_update(plan=plan, by=org.region_mgr, data={
        "eligible_units": [org.team.pk], "eligible_roles": [], "eligible_users": [org.outsider.pk]})
    assert set(selectors.incentive_plan_eligible_people(plan=plan)) == {org.team_mgr, org.am1, org.am2, org.outsider}
    plan = services.incentive_plan_update(plan=plan, by=org.region_mgr, data={"eligible_roles": [Role.MANAGER]})
    assert set(selectors.incentive_plan_eligible_people(plan=plan)) == {org.team_mgr, org.outsider}


def test_expected_cost_uses_the_forecast_else_the_quota(org, period, monkeypatch):
    _quotas(org, period)  # am3 has no quota: costs nothing
    # The forecasting app reports 0.00 for someone who forecast nothing: am2's quota stands in.
    monkeypatch.setattr(selectors, "forecasts_for", lambda *, period, holders:
                        [Decimal("1200") if holder == org.am1 else Decimal("0.00") for holder in holders])
    plan = _plan(org, period, accelerator="1.5")
    plan = services.incentive_plan_submit(plan=plan, by=org.region_mgr)
    # am1: forecast 1200 of 1000 -> 2% of 1000 + 3% of 200 = 26; am2: at quota 2000 -> 2% = 40.
    assert plan.expected_cost == Decimal("66.00")
    assert plan.status == IncentiveStatus.SUBMITTED and plan.expected_cost_at is not None
    rows = {row["user_id"]: row for row in plan.expected_cost_detail}
    assert rows[org.am1.pk]["source"] == "forecast" and rows[org.am1.pk]["amount"] == "26.00"
    assert rows[org.am2.pk]["source"] == "quota" and rows[org.am3.pk]["source"] == "none"
    assert org.div_head.notifications.filter(kind="incentive_submitted").exists()


@pytest.mark.parametrize("who", ["region_mgr", "team_mgr", "am1", "other_head", "outsider"])
def test_only_the_division_approves(org, period, who):
    plan = services.incentive_plan_submit(plan=_plan(org, period), by=org.region_mgr)
    with pytest.raises(PermissionDenied):
        services.incentive_plan_approve(plan=plan, by=getattr(org, who))
    assert services.incentive_plan_approve(plan=plan, by=org.div_head).status == IncentiveStatus.APPROVED


def test_return_needs_a_reason_and_goes_back_to_draft(org, period):
    plan = services.incentive_plan_submit(plan=_plan(org, period), by=org.region_mgr)
    with pytest.raises(DomainError):
        services.incentive_plan_return(plan=plan, by=org.div_head, reason="")
    plan = services.incentive_plan_return(plan=plan, by=org.div_head, reason="费用过高")
    assert plan.status == IncentiveStatus.DRAFT and plan.review_comment == "费用过高"


def test_publish_notifies_the_people_covered(org, period):
    plan = services.incentive_plan_submit(plan=_plan(org, period), by=org.region_mgr)
    with pytest.raises(ConflictError):
        services.incentive_plan_publish(plan=plan, by=org.div_head)  # not approved yet
    plan = services.incentive_plan_approve(plan=plan, by=org.div_head)
    plan = services.incentive_plan_publish(plan=plan, by=org.div_head)
    assert plan.status == IncentiveStatus.PUBLISHED
    for person in (org.am1, org.am2, org.am3):
        assert person.notifications.filter(kind="incentive_published").count() == 1
    assert not org.outsider.notifications.exists()


def test_an_approved_plan_is_not_edited_in_place(org, period):
    plan = services.incentive_plan_submit(plan=_plan(org, period), by=org.region_mgr)
    with pytest.raises(ConflictError):
        services.incentive_plan_update(plan=plan, by=org.region_mgr, data={"cap": "10"})


# --- Versions and payouts ------------------------------------------------------------------------

def _published(org, period, **data):
    plan = services.incentive_plan_submit(plan=_plan(org, period, **data), by=org.region_mgr)
    plan = services.incentive_plan_approve(plan=plan, by=org.div_head)
    return services.incentive_plan_publish(plan=plan, by=org.div_head)


def test_payouts_after_period_end_idempotent(org, period):
    _quotas(org, period)
    opportunity(org.am1, "1200", date(2025, 5, 1), team=[org.am2])  # am2 gets no credit for it
    opportunity(org.am2, "1000", date(2025, 7, 1))
    plan = _published(org, period, accelerator="1.5", cap="25")
    first = services.incentive_payouts_calculate(plan=plan, today=date(2026, 1, 1))
    assert first["created"] == 2 and first["without_quota"] == 1  # am3 has no quota
    rows = {b.user: b for b in Bonus.objects.filter(plan=plan)}
    assert rows[org.am1].amount == Decimal("25.00")  # 26 capped at 25
    assert rows[org.am1].attainment == Decimal("120.00") and rows[org.am1].won_amount == Decimal("1200")
    assert rows[org.am2].amount == Decimal("0.00") and rows[org.am2].attainment == Decimal("50.00")
    assert rows[org.am2].status == BonusStatus.CALCULATED
    again = services.incentive_payouts_calculate(plan=plan, today=date(2026, 1, 1))
    assert again == {"created": 0, "updated": 0, "unchanged": 2, "kept": 0, "without_quota": 1}
    assert Bonus.objects.filter(plan=plan).count() == 2


def test_payouts_wait_for_the_period_end_and_a_published_plan(org, period):
    plan = _published(org, period)
    with pytest.raises(ConflictError):
        services.incentive_payouts_calculate(plan=plan, today=date(2025, 12, 31))
    draft = _plan(org, period)
    with pytest.raises(ConflictError):
        services.incentive_payouts_calculate(plan=draft, today=date(2026, 1, 1))


def test_recalculation_updates_calculated_but_never_approved_payouts(org, period):
    _quotas(org, period)
    opportunity(org.am1, "800", date(2025, 5, 1))
    opportunity(org.am2, "1600", date(2025, 5, 1))
    plan = _published(org, period)
    services.incentive_payouts_calculate(plan=plan, today=date(2026, 1, 1))
    approved = services.bonus_approve(bonus=Bonus.objects.get(plan=plan, user=org.am1), by=org.div_head)
    opportunity(org.am1, "1000", date(2025, 6, 1))  # a late win
    opportunity(org.am2, "400", date(2025, 6, 1))
    counts = services.incentive_payouts_calculate(plan=plan, today=date(2026, 1, 2))
    assert counts["kept"] == 1 and counts["updated"] == 1
    approved.refresh_from_db()
    assert approved.amount == Decimal("8.00") and approved.status == BonusStatus.APPROVED
    assert Bonus.objects.get(plan=plan, user=org.am2).amount == Decimal("40.00")


def test_a_new_version_never_rewrites_payouts_already_calculated(org, period):
    _quotas(org, period)
    opportunity(org.am1, "1000", date(2025, 5, 1))
    v1 = _published(org, period)
    services.incentive_payouts_calculate(plan=v1, today=date(2026, 1, 1))
    before = list(Bonus.objects.filter(plan=v1).order_by("user_id").values_list("user_id", "amount", "status"))
    with pytest.raises(DomainError):
        services.incentive_plan_revise(plan=v1, by=org.region_mgr, reason="")
    v2 = services.incentive_plan_revise(plan=v1, by=org.region_mgr, reason="提高达标奖励")
    assert (v2.family, v2.version, v2.previous, v2.status) == (v1.family, 2, v1, IncentiveStatus.DRAFT)
    assert [t.threshold for t in v2.tiers.all()] == [t.threshold for t in v1.tiers.all()]
    services.incentive_plan_update(plan=v2, by=org.region_mgr, data={}, tiers=[{"threshold": "100", "rate": "5"}])
    with pytest.raises(ConflictError):
        services.incentive_plan_revise(plan=v1, by=org.region_mgr, reason="again")  # v1 is no longer the latest
    v2 = services.incentive_plan_submit(plan=v2, by=org.region_mgr)
    v2 = services.incentive_plan_approve(plan=v2, by=org.div_head)
    v2 = services.incentive_plan_publish(plan=v2, by=org.div_head)
    v1.refresh_from_db()
    assert v1.status == IncentiveStatus.SUPERSEDED
    with pytest.raises(ConflictError):
        services.incentive_payouts_calculate(plan=v1, today=date(2026, 1, 1))
    services.incentive_payouts_calculate(plan=v2, today=date(2026, 1, 1))
    after = list(Bonus.objects.filter(plan=v1).order_by("user_id").values_list("user_id", "amount", "status"))
    # Same people and amounts; the payouts still waiting for approval are marked superseded.
    assert after == [(user_id, amount, BonusStatus.SUPERSEDED) for user_id, amount, _status in before]
    assert Bonus.objects.get(plan=v2, user=org.am1).amount == Decimal("50.00")
    assert list(v1.tiers.values_list("threshold", flat=True)) == [Decimal(t["threshold"]) for t in TIERS]


def test_superseded_version_marks_its_waiting_payouts_and_leaves_approved_and_paid(org, period):
    _quotas(org, period)
    am4 = UserFactory(username="am4", manager=org.team_mgr, org_unit=org.team)
    services.quota_set(period=period, amount="1000", by=org.team_mgr, user=am4)
    opportunity(org.am1, "1000", date(2025, 5, 1))
    opportunity(org.am2, "2000", date(2025, 5, 1))
    opportunity(am4, "900", date(2025, 5, 1))
    v1 = _published(org, period)
    services.incentive_payouts_calculate(plan=v1, today=date(2026, 1, 1))
    rows = {b.user_id: b for b in Bonus.objects.filter(plan=v1)}
    services.bonus_approve(bonus=rows[org.am1.pk], by=org.div_head)
    paid = services.bonus_approve(bonus=rows[org.am2.pk], by=org.div_head)
    services.bonus_mark_paid(bonus=paid, by=org.admin)
    before = {b.user_id: (b.amount, b.attainment, b.calculated_at) for b in Bonus.objects.filter(plan=v1)}

    v2 = services.incentive_plan_revise(plan=v1, by=org.region_mgr, reason="调整")
    assert Bonus.objects.get(plan=v1, user=am4).status == BonusStatus.CALCULATED  # a draft replaces nothing yet
    v2 = services.incentive_plan_approve(plan=services.incentive_plan_submit(plan=v2, by=org.region_mgr),
                                         by=org.div_head)
    services.incentive_plan_publish(plan=v2, by=org.div_head)

    statuses = dict(Bonus.objects.filter(plan=v1).values_list("user_id", "status"))
    assert statuses == {org.am1.pk: BonusStatus.APPROVED, org.am2.pk: BonusStatus.PAID,
                        am4.pk: BonusStatus.SUPERSEDED}
    after = {b.user_id: (b.amount, b.attainment, b.calculated_at) for b in Bonus.objects.filter(plan=v1)}
    assert after == before  # never rewritten
    superseded = Bonus.objects.get(plan=v1, user=am4)
    record = superseded.history.first()
    assert (record.status, record.history_user) == (BonusStatus.SUPERSEDED, org.div_head)
    assert "2" in record.history_change_reason
    with pytest.raises(ConflictError):
        services.bonus_approve(bonus=superseded, by=org.div_head)
    with translation.override("zh-hans"):
        assert str(BonusStatus.SUPERSEDED.label) == "已被新版本取代"

    # The evaluation counts what will be paid: v1's approved and paid payouts, not the superseded one.
    evaluation = selectors.incentive_evaluation(viewer=org.div_head)
    payable = [b.amount for b in Bonus.objects.exclude(status=BonusStatus.SUPERSEDED)]
    assert evaluation["payout_total"] == sum(payable, Decimal("0.00"))
    assert evaluation["payout_count"] == len(payable)
    v1_row = next(row for row in evaluation["rows"] if row["plan"].pk == v1.pk)
    assert v1_row["calculated"] == before[org.am1.pk][0] + before[org.am2.pk][0] and v1_row["count"] == 2


def test_the_period_end_job_runs_twice_without_duplicates(org):
    q1 = quarter(2025, 1)
    services.quota_set(period=q1, amount="100", by=org.team_mgr, user=org.am1)
    opportunity(org.am1, "100", date(2025, 2, 1))
    plan = _published(org, q1)
    current = _published(org, quarter(2025, 2))
    with time_machine.travel(date(2025, 4, 10)):
        first = tasks.incentive_payouts_run()
        second = tasks.incentive_payouts_run()
    assert set(first) == {plan.pk} and current.pk not in first
    assert first[plan.pk]["created"] == 1 and second[plan.pk]["unchanged"] == 1
    assert Bonus.objects.filter(plan=plan).count() == 1
    assert Bonus.objects.get(plan=plan).amount == Decimal("2.00")
    assert tasks.incentive_payouts_for_plan(999999) == {}


def test_bonus_approval_and_payment_rules(org, period):
    _quotas(org, period)
    plan = _published(org, period)
    services.incentive_payouts_calculate(plan=plan, today=date(2026, 1, 1))
    payout = Bonus.objects.get(plan=plan, user=org.am1)
    with pytest.raises(PermissionDenied):
        services.bonus_approve(bonus=payout, by=org.region_mgr)
    with pytest.raises(ConflictError):
        services.bonus_mark_paid(bonus=payout, by=org.admin)  # not approved yet
    services.bonus_approve(bonus=payout, by=org.div_head)
    with pytest.raises(PermissionDenied):
        services.bonus_mark_paid(bonus=payout, by=org.div_head)
    paid = services.bonus_mark_paid(bonus=payout, by=org.admin)
    assert paid.status == BonusStatus.PAID and paid.paid_at is not None and paid.paid_by == org.admin
    assert org.am1.notifications.filter(kind="bonus_paid").exists()
    assert paid.history.count() >= 3


def test_visibility_of_plans_and_bonuses(org, period):
    _quotas(org, period)
    draft = _plan(org, period)
    plan = _published(org, period)
    services.incentive_payouts_calculate(plan=plan, today=date(2026, 1, 1))
    assert set(IncentivePlan.objects.visible_to(org.am1)) == {plan}  # published, in their chain; not the draft
    assert set(IncentivePlan.objects.visible_to(org.region_mgr)) == {plan, draft}
    assert set(IncentivePlan.objects.visible_to(org.outsider)) == set()
    assert set(Bonus.objects.visible_to(org.am1).values_list("user", flat=True)) == {org.am1.pk}
    assert set(Bonus.objects.visible_to(org.team_mgr).values_list("user", flat=True)) == {org.am1.pk, org.am2.pk}
    assert not Bonus.objects.visible_to(org.outsider).exists()


# --- API -------------------------------------------------------------------------------------------

def test_api_plan_workflow(api_as, org, period):
    _quotas(org, period)
    manager = api_as(org.region_mgr)
    response = manager.post(reverse("v1:incentive-plan-list"), {
        "name": "华东奖金", "period": period.pk, "org_unit": org.region.pk, "tiers": TIERS,
        "eligible_roles": ["account_manager"], "cap": "1000.00", "accelerator": "1.5"}, format="json")
    assert response.status_code == 201, response.json()
    plan_id = response.json()["id"]
    assert [t["threshold"] for t in response.json()["tiers"]] == ["0.00", "80.00", "100.00", "150.00"]
    cost = manager.get(reverse("v1:incentive-plan-expected-cost", args=[plan_id])).json()
    assert cost["total"] == "60.00"  # 2% of 1000 + 2% of 2000 at quota
    assert manager.post(reverse("v1:incentive-plan-submit", args=[plan_id])).json()["status"] == "submitted"
    assert manager.post(reverse("v1:incentive-plan-approve", args=[plan_id]), {}, format="json").status_code == 403
    division = api_as(org.div_head)
    assert division.post(reverse("v1:incentive-plan-approve", args=[plan_id]), {}, format="json").status_code == 200
    assert division.post(reverse("v1:incentive-plan-publish", args=[plan_id])).json()["status"] == "published"
    with time_machine.travel(date(2025, 6, 1)):
        assert division.post(reverse("v1:incentive-plan-calculate", args=[plan_id])).status_code == 409  # not ended
    assert division.post(reverse("v1:incentive-plan-calculate", args=[plan_id])).json()["created"] == 2
    revised = manager.post(reverse("v1:incentive-plan-revise", args=[plan_id]), {"reason": "调整"}, format="json")
    assert revised.status_code == 201 and revised.json()["version"] == 2
    assert api_as(org.outsider).get(reverse("v1:incentive-plan-detail", args=[plan_id])).status_code == 404


def test_api_bonuses(api, api_as, org, period, django_assert_max_num_queries):
    _quotas(org, period)
    plan = _published(org, period)
    services.incentive_payouts_calculate(plan=plan, today=date(2026, 1, 1))
    assert api.get(reverse("v1:bonus-list")).status_code == 401
    with django_assert_max_num_queries(5):
        data = api_as(org.region_mgr).get(reverse("v1:bonus-list")).json()
    assert data["count"] == 2
    assert {"plan", "plan_version", "user", "attainment", "amount", "status"} <= set(data["results"][0])
    mine = Bonus.objects.get(user=org.am1)
    assert api_as(org.am1).post(reverse("v1:bonus-approve", args=[mine.pk])).status_code == 403
    assert api_as(org.outsider).get(reverse("v1:bonus-detail", args=[mine.pk])).status_code == 404
    approved = api_as(org.div_head).post(reverse("v1:bonus-approve", args=[mine.pk]))
    assert approved.json()["status"] == "approved"
    assert api_as(org.admin).post(reverse("v1:bonus-pay", args=[mine.pk])).json()["status"] == "paid"


def test_api_plan_list_constant_queries(api_as, org, period, django_assert_max_num_queries):
    _plan(org, period)
    with django_assert_max_num_queries(8):
        small = api_as(org.admin).get(reverse("v1:incentive-plan-list")).json()
    for _index in range(4):
        _plan(org, quarter(2025, 1), unit=org.team)
    with django_assert_max_num_queries(8):
        large = api_as(org.admin).get(reverse("v1:incentive-plan-list")).json()
    assert large["count"] == small["count"] + 4


# --- Pages ------------------------------------------------------------------------------------------

def test_pages(client, org, period, django_assert_max_num_queries):
    _quotas(org, period)
    opportunity(org.am1, "900", date(2025, 5, 1))
    plan = _published(org, period)
    services.incentive_payouts_calculate(plan=plan, today=date(2026, 1, 1))
    client.force_login(org.div_head)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("sales_planning:incentive-list")).status_code == 200
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "华东年度奖金" in html and 'data-testid="calculate-payouts"' in html
    with django_assert_max_num_queries(20):
        html = client.get(reverse("sales_planning:payout-list")).content.decode()
    assert "9.00" in html  # 1% of 900
    html = client.get(reverse("sales_planning:incentive-evaluation")).content.decode()
    assert 'id="evaluation-data"' in html and 'data-chart="histogram"' in html
    client.force_login(org.outsider)
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(reverse("sales_planning:incentive-evaluation"), {"plan": plan.pk}).status_code == 404
    client.logout()
    assert client.get(reverse("sales_planning:payout-list")).status_code == 302


def test_new_plan_page_and_actions(client, org, period):
    _quotas(org, period)
    client.force_login(org.region_mgr)
    response = client.post(reverse("sales_planning:incentive-new"), {
        "name": "季度冲刺", "period": period.pk, "org_unit": org.region.pk, "eligible_roles": ["account_manager"],
        "accelerator": "1.20", "tier_0_threshold": "0", "tier_0_rate": "1", "tier_1_threshold": "100",
        "tier_1_fixed": "300"})
    plan = IncentivePlan.objects.get(name="季度冲刺")
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert [(t.threshold, t.rate, t.fixed_amount) for t in plan.tiers.all()] == [
        (Decimal("0.00"), Decimal("1.0000"), None), (Decimal("100.00"), None, Decimal("300.00"))]
    client.post(reverse("sales_planning:incentive-action", args=[plan.pk, "submit"]))
    plan.refresh_from_db()
    # Both at their quota (no forecast): 100% reaches the fixed tier, 300 each.
    assert plan.status == IncentiveStatus.SUBMITTED and plan.expected_cost == Decimal("600.00")
    client.post(reverse("sales_planning:incentive-action", args=[plan.pk, "approve"]))  # refused: not the division
    plan.refresh_from_db()
    assert plan.status == IncentiveStatus.SUBMITTED
    client.force_login(org.am1)
    assert client.get(reverse("sales_planning:incentive-new")).status_code == 404
    assert Quota.objects.count() == 2


def test_calculating_payouts_from_the_page_runs_as_a_job_with_its_page(client, org, period,
                                                                        django_capture_on_commit_callbacks):
    from crm.models import Job, JobState

    _quotas(org, period)
    opportunity(org.am1, "1200", date(2025, 5, 1))
    plan = _published(org, period)
    client.force_login(org.div_head)
    url = reverse("sales_planning:incentive-action", args=[plan.pk, "calculate"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)
    job = Job.objects.get(task="sales_planning.incentive_payouts_calculate_job")
    assert response.status_code == 302 and response.url == reverse("job-detail", args=[job.pk])
    assert not Bonus.objects.exists()
    html = client.get(response.url).content.decode()
    assert 'data-testid="job-progress"' in html and "every 1s" in html and 'data-testid="job-cancel"' in html
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result_url == plan.get_absolute_url()
    assert Bonus.objects.filter(plan=plan).count() == 2
    # Delivered again (a worker died before it marked the row done): the same rows, none twice.
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    tasks.incentive_payouts_calculate_job.apply(args=job.args, task_id=str(job.pk))
    assert Bonus.objects.filter(plan=plan).count() == 2
    html = client.get(response.url).content.decode()
    assert 'data-testid="job-done"' in html and plan.get_absolute_url() in html
    client.force_login(org.outsider)
    assert client.get(response.url).status_code == 404
    # Someone who may not calculate is refused at once, with no job.
    client.force_login(org.am1)
    client.post(url)
    assert Job.objects.count() == 1
