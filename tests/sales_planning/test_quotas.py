"""Sales quotas: who sets them, top-down allocation with sums and acknowledged differences, approval by the
level above, revisions with reasons, visibility, attainment (primary owner only), the API and the pages."""

from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from crm.errors import ConflictError, DomainError, PermissionDenied
from crm.views import workbench_panels
from sales_planning import selectors, services
from sales_planning.models import ApprovalStatus, Quota, QuotaAction, QuotaAllocation
from tests.factories import UserFactory
from tests.sales_org import allocate_down, opportunity, quarter, year

pytestmark = pytest.mark.django_db



@pytest.fixture
def period():
    return year(2025)


# --- Who sets a quota ------------------------------------------------------------------------

def test_parent_unit_manager_sets_child_unit_quota(org, period):
    quota = services.quota_set(period=period, amount="500000", by=org.region_mgr, org_unit=org.team)
    assert quota.amount == Decimal("500000.00")
    assert quota.status == ApprovalStatus.DRAFT
    assert quota.allocated_from == org.region
    assert quota.version == 1
    assert quota.revisions.get().action == QuotaAction.SET


@pytest.mark.parametrize("who", ["team_mgr", "am1", "div_head", "outsider", "team_mgr_b"])
def test_only_the_parent_units_manager_sets_a_unit_quota(org, period, who):
    # team_mgr: their own unit; div_head: two levels up, not the parent unit's manager.
    with pytest.raises(PermissionDenied):
        services.quota_set(period=period, amount="1", by=getattr(org, who), org_unit=org.team)


def test_nobody_sets_their_own_quota(org, period):
    with pytest.raises(PermissionDenied):
        services.quota_set(period=period, amount="1", by=org.am1, user=org.am1)
    with pytest.raises(PermissionDenied):
        services.quota_set(period=period, amount="1", by=org.head, org_unit=org.company)
    with pytest.raises(PermissionDenied):
        services.quota_set(period=period, amount="1", by=org.region_mgr, org_unit=org.region)


def test_person_quota_set_by_unit_manager_or_superior_not_peer(org, period):
    services.quota_set(period=period, amount="100", by=org.team_mgr, user=org.am1)
    services.quota_set(period=period, amount="120", by=org.region_mgr, user=org.am1)  # a superior
    with pytest.raises(PermissionDenied):
        services.quota_set(period=period, amount="100", by=org.am2, user=org.am1)
    with pytest.raises(PermissionDenied):
        services.quota_set(period=period, amount="100", by=org.team_mgr_b, user=org.am1)


def test_top_level_quota_only_by_an_administrator(org, period):
    with pytest.raises(PermissionDenied):
        services.quota_set(period=period, amount="1000", by=org.div_head, org_unit=org.company)
    quota = services.quota_set(period=period, amount="1000", by=org.admin, org_unit=org.company)
    assert quota.allocated_from is None


@pytest.mark.parametrize("amount", ["-1", "abc", 1.5, "", None, "1e20"])
def test_bad_amounts_are_refused(org, period, amount):
    with pytest.raises(DomainError) as error:
        services.quota_set(period=period, amount=amount, by=org.region_mgr, org_unit=org.team)
    assert error.value.status_code == 400


# --- Allocation: sums, acknowledged differences, approvals ----------------------------------------

def _team_split(org, period, first="300", second="200"):
    services.quota_set(period=period, amount=first, by=org.team_mgr, user=org.am1)
    services.quota_set(period=period, amount=second, by=org.team_mgr, user=org.am2)


def test_allocation_that_adds_up_is_submitted_and_approved_by_the_level_above(org, period):
    allocate_down(org, period)
    _team_split(org, period)
    figures = selectors.quota_allocation_figures(period=period, unit=org.team)
    assert figures["total"] == Decimal("500.00") and figures["difference"] == 0
    submitted = services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    assert {q.user for q in submitted} == {org.am1, org.am2}
    assert all(q.status == ApprovalStatus.SUBMITTED for q in submitted)
    approved = services.quota_allocation_approve(period=period, unit=org.team, by=org.region_mgr)
    assert len(approved) == 2
    assert set(Quota.objects.filter(period=period, user__in=[org.am1, org.am2]).values_list("status", flat=True)) \
        == {ApprovalStatus.APPROVED}


def test_difference_blocks_submission_until_acknowledged(org, period):
    allocate_down(org, period)
    _team_split(org, period, "300", "150")  # 50 short of the team's 500
    with pytest.raises(ConflictError) as error:
        services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    assert "-50" in error.value.message
    allocation = services.quota_allocation_acknowledge(period=period, unit=org.team, by=org.team_mgr,
                                                       note="保留机动")
    assert allocation.acknowledged_difference == Decimal("-50.00")
    assert allocation.acknowledged_by == org.team_mgr and allocation.acknowledged_at is not None
    assert selectors.quota_allocation_figures(period=period, unit=org.team)["acknowledged"]
    services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)


def test_acknowledgement_lapses_when_the_difference_changes(org, period):
    allocate_down(org, period)
    _team_split(org, period, "300", "150")
    services.quota_allocation_acknowledge(period=period, unit=org.team, by=org.team_mgr)
    services.quota_set(period=period, amount="160", by=org.team_mgr, user=org.am2)
    assert not selectors.quota_allocation_figures(period=period, unit=org.team)["acknowledged"]
    with pytest.raises(ConflictError):
        services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)


def test_only_the_allocator_acknowledges_and_only_a_real_difference(org, period):
    allocate_down(org, period)
    _team_split(org, period)
    with pytest.raises(DomainError):
        services.quota_allocation_acknowledge(period=period, unit=org.team, by=org.team_mgr)  # adds up
    services.quota_set(period=period, amount="100", by=org.team_mgr, user=org.am2)
    with pytest.raises(PermissionDenied):
        services.quota_allocation_acknowledge(period=period, unit=org.team, by=org.am1)
    assert not QuotaAllocation.objects.filter(acknowledged_by__isnull=False, org_unit=org.team).exists()


def test_parent_quota_must_be_approved_before_allocating_further(org, period):
    services.quota_set(period=period, amount="500", by=org.region_mgr, org_unit=org.team)  # draft
    _team_split(org, period)
    with pytest.raises(ConflictError):
        services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)


@pytest.mark.parametrize("who", ["team_mgr", "am1", "team_mgr_b", "outsider", "other_head"])
def test_only_the_level_above_approves(org, period, who):
    allocate_down(org, period)
    _team_split(org, period)
    services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    with pytest.raises(PermissionDenied):
        services.quota_allocation_approve(period=period, unit=org.team, by=getattr(org, who))


def test_a_superior_further_up_may_approve_and_submit_is_the_allocators(org, period):
    allocate_down(org, period)
    _team_split(org, period)
    with pytest.raises(PermissionDenied):
        services.quota_allocation_submit(period=period, unit=org.team, by=org.region_mgr)
    services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    services.quota_allocation_approve(period=period, unit=org.team, by=org.div_head)


def test_return_needs_a_reason_and_sends_back(org, period):
    allocate_down(org, period)
    _team_split(org, period)
    services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    with pytest.raises(DomainError):
        services.quota_allocation_return(period=period, unit=org.team, by=org.region_mgr, reason=" ")
    returned = services.quota_allocation_return(period=period, unit=org.team, by=org.region_mgr,
                                                reason="王芳的指标偏低")
    assert {q.status for q in returned} == {ApprovalStatus.RETURNED}
    assert returned[0].return_reason == "王芳的指标偏低"
    assert org.team_mgr.notifications.filter(kind="quota_returned").exists()


def test_submitting_twice_is_a_conflict(org, period):
    allocate_down(org, period)
    _team_split(org, period)
    services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    with pytest.raises(ConflictError):
        services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    with pytest.raises(ConflictError):
        services.quota_allocation_approve(period=period, unit=org.team_b, by=org.region_mgr)  # nothing submitted


# --- Revisions ---------------------------------------------------------------------------------

def test_revising_an_approved_quota_needs_a_reason_and_keeps_history(org, period):
    allocate_down(org, period)
    _team_split(org, period)
    services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    services.quota_allocation_approve(period=period, unit=org.team, by=org.region_mgr)
    quota = Quota.objects.get(period=period, user=org.am1)
    with pytest.raises(DomainError) as error:
        services.quota_set(period=period, amount="350", by=org.team_mgr, user=org.am1)
    assert error.value.field == "reason"
    revised = services.quota_set(period=period, amount="350", by=org.team_mgr, user=org.am1,
                                 reason="新增两家指定客户")
    assert revised.pk == quota.pk
    assert revised.status == ApprovalStatus.DRAFT
    assert revised.version == quota.version + 1
    history = list(revised.revisions.order_by("created_at", "pk").values_list("action", "amount", "reason"))
    assert history[0] == (QuotaAction.SET, Decimal("300.00"), "")
    assert (QuotaAction.APPROVE, Decimal("300.00"), "") in history
    assert history[-1] == (QuotaAction.REVISE, Decimal("350.00"), "新增两家指定客户")
    assert revised.revisions.order_by("-pk").first().previous_amount == Decimal("300.00")


def test_a_submitted_quota_cannot_be_revised_and_stale_versions_conflict(org, period):
    allocate_down(org, period)
    _team_split(org, period)
    quota = Quota.objects.get(period=period, user=org.am1)
    with pytest.raises(ConflictError):
        services.quota_set(period=period, amount="310", by=org.team_mgr, user=org.am1,
                           expected_version=quota.version - 1 if quota.version > 1 else 99)
    services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    with pytest.raises(ConflictError):
        services.quota_set(period=period, amount="310", by=org.team_mgr, user=org.am1, reason="x")


# --- Visibility --------------------------------------------------------------------------------

def test_visibility_own_subtree_admin(org, period):
    allocate_down(org, period)
    _team_split(org, period)

    def holders(user):
        return {str(q.holder) for q in Quota.objects.visible_to(user).select_related("org_unit", "user")}

    assert holders(org.am1) == {str(org.am1)}
    assert holders(org.team_mgr) == {str(org.team), str(org.am1), str(org.am2)}
    assert holders(org.region_mgr) == {str(org.region), str(org.team), str(org.team_b), str(org.am1),
                                       str(org.am2)}
    assert holders(org.outsider) == set()
    assert str(org.company) in holders(org.admin) and str(org.am2) in holders(org.admin)


# --- Attainment --------------------------------------------------------------------------------

def test_attainment_counts_won_amount_for_the_primary_owner_only(org, period):
    allocate_down(org, period)
    _team_split(org, period, "300", "200")
    # am1 wins 150 with am2 on the sales team: am2 gets nothing, the team counts it once.
    opportunity(org.am1, "150", date(2025, 3, 1), team=[org.am2])
    opportunity(org.am2, "50", date(2025, 12, 31))
    opportunity(org.am2, "999", date(2025, 6, 1), outcome="lost")
    opportunity(org.am2, "999", date(2025, 6, 1), outcome="open")
    opportunity(org.am1, "999", date(2024, 12, 31))  # the year before
    opportunity(org.am3, "70", date(2025, 1, 1))  # another team, same region
    quotas = {str(q.holder): q for q in selectors.quota_attach_attainment(
        Quota.objects.filter(period=period).select_related("period", "org_unit", "user"))}
    assert quotas[str(org.am1)].won_amount == Decimal("150")
    assert quotas[str(org.am1)].attainment == Decimal("50.00")
    assert quotas[str(org.am2)].won_amount == Decimal("50")
    assert quotas[str(org.am2)].attainment == Decimal("25.00")
    assert quotas[str(org.team)].won_amount == Decimal("200")  # 150 + 50, never 350
    assert quotas[str(org.team)].attainment == Decimal("40.00")
    assert quotas[str(org.region)].won_amount == Decimal("270")
    assert quotas[str(org.company)].won_amount == Decimal("270")


def test_attainment_of_a_zero_quota_is_none(org, period):
    services.quota_set(period=period, amount="0", by=org.team_mgr, user=org.am1)
    opportunity(org.am1, "10", date(2025, 5, 5))
    quota = selectors.quota_attach_attainment(Quota.objects.filter(user=org.am1).select_related("period"))[0]
    assert quota.won_amount == Decimal("10") and quota.attainment is None


def test_quota_amount_for_the_forecasting_pages(org):
    q1, q2 = quarter(2025, 1), quarter(2025, 2)
    services.quota_set(period=q1, amount="900", by=org.team_mgr, user=org.am1)
    services.quota_set(period=q2, amount="300", by=org.team_mgr, user=org.am1)
    services.quota_set(period=year(2025), amount="5000", by=org.team_mgr, user=org.am1)
    assert selectors.quota_amount(user=org.am1, period_start=q1.start, period_end=q1.end) == Decimal("900.00")
    # Half a year: the two quarter quotas inside it.
    assert selectors.quota_amount(user=org.am1, period_start=date(2025, 1, 1),
                                  period_end=date(2025, 6, 30)) == Decimal("1200.00")
    # January: its share of Q1 (31 of 90 days), pro rata, half up.
    assert selectors.quota_amount(user=org.am1, period_start=date(2025, 1, 1),
                                  period_end=date(2025, 1, 31)) == Decimal("310.00")
    assert selectors.quota_amount(user=org.am2, period_start=q1.start, period_end=q1.end) is None
    assert selectors.quota_amount(org_unit=org.team, period_start=q1.start, period_end=q1.end) is None


def test_forecast_beside_the_quota_is_the_forecasting_apps_figure(org, period, monkeypatch):
    calls = []
    monkeypatch.setattr(selectors, "forecast_amount", lambda **kwargs: calls.append(kwargs) or Decimal("42.00"))
    assert selectors.forecast_for(period=period, user=org.am1) == Decimal("42.00")
    assert calls == [{"user": org.am1, "org_unit": None, "period_start": period.start, "period_end": period.end}]


def test_allocation_lines_show_the_same_period_of_past_years(org):
    q2 = quarter(2025, 2)
    opportunity(org.am1, "100", date(2024, 5, 1))
    opportunity(org.am1, "40", date(2024, 7, 1))  # Q3 of 2024: not the same period
    opportunity(org.am2, "30", date(2022, 4, 1))
    opportunity(org.am3, "7", date(2023, 6, 30))
    data = selectors.quota_allocation(viewer=org.region_mgr, period=q2, unit=org.region)
    lines = {str(line["holder"]): line for line in data["lines"]}
    assert data["history_years"] == [2024, 2023, 2022]
    assert [h["won"] for h in lines[str(org.team)]["history"]] == [Decimal("100"), 0, Decimal("30")]
    assert [h["won"] for h in lines[str(org.team_b)]["history"]] == [0, Decimal("7"), 0]
    data = selectors.quota_allocation(viewer=org.team_mgr, period=q2, unit=org.team)
    lines = {str(line["holder"]): line for line in data["lines"]}
    assert set(lines) == {str(org.am1), str(org.am2)}  # the manager is not a line of their own team
    assert lines[str(org.am1)]["history"][0]["won"] == Decimal("100")
    assert lines[str(org.am1)]["may_set"] is True


# --- API -----------------------------------------------------------------------------------------

def test_api_contract_fields_and_attainment(api_as, org, period):
    allocate_down(org, period)
    _team_split(org, period)
    opportunity(org.am1, "75", date(2025, 8, 8))
    data = api_as(org.am1).get(reverse("v1:quota-list")).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert {"id", "period", "user", "org_unit", "amount", "status", "attainment"} <= set(row)
    assert row["amount"] == "300.00" and row["attainment"] == "25.00" and row["won_amount"] == "75.00"


def test_api_list_has_constant_queries(api_as, org, period, django_assert_max_num_queries):
    allocate_down(org, period)
    _team_split(org, period)
    client = api_as(org.admin)
    with django_assert_max_num_queries(8):
        small = client.get(reverse("v1:quota-list"))
    for number in (1, 2, 3, 4):
        for person in (org.am1, org.am2, org.am3):
            services.quota_set(period=quarter(2025, number), amount="10", by=person.manager, user=person)
    with django_assert_max_num_queries(8):
        large = client.get(reverse("v1:quota-list"))
    assert large.json()["count"] > small.json()["count"]


def test_api_set_and_revise(api_as, org, period):
    allocate_down(org, period)
    client = api_as(org.team_mgr)
    response = client.post(reverse("v1:quota-list"), {"period": period.pk, "user": org.am1.pk, "amount": "250.50"},
                           format="json")
    assert response.status_code == 201, response.json()
    quota_id = response.json()["id"]
    assert response.json()["amount"] == "250.50"
    stale = client.patch(reverse("v1:quota-detail", args=[quota_id]), {"amount": "260", "version": 7}, format="json")
    assert stale.status_code == 409
    ok = client.patch(reverse("v1:quota-detail", args=[quota_id]), {"amount": "260", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    revisions = client.get(reverse("v1:quota-revisions", args=[quota_id])).json()
    assert [r["action"] for r in revisions] == ["set", "set"]


def test_api_permissions(api, api_as, org, period):
    allocate_down(org, period)
    _team_split(org, period)
    own = api_as(org.am1).post(reverse("v1:quota-list"), {"period": period.pk, "user": org.am1.pk,
                                                            "amount": "1"}, format="json")
    assert own.status_code == 403
    team_quota = Quota.objects.get(period=period, org_unit=org.team)
    assert api_as(org.outsider).get(reverse("v1:quota-detail", args=[team_quota.pk])).status_code == 404
    assert api_as(org.am1).get(reverse("v1:quota-detail", args=[team_quota.pk])).status_code == 404
    assert api.get(reverse("v1:quota-list")).status_code == 401
    bad = api_as(org.team_mgr).post(reverse("v1:quota-list"), {"period": period.pk, "amount": "1"}, format="json")
    assert bad.status_code == 400 and "org_unit" in bad.json()


def test_api_allocation_workflow(api_as, org, period):
    allocate_down(org, period)
    _team_split(org, period, "300", "100")
    ref = {"period": period.pk, "org_unit": org.team.pk}
    manager = api_as(org.team_mgr)
    allocation = manager.get(reverse("v1:quota-allocation"), ref).json()
    assert allocation["difference"] == "-100.00" and allocation["acknowledged"] is False
    assert len(allocation["lines"]) == 2 and len(allocation["lines"][0]["history"]) == 3
    assert manager.post(reverse("v1:quota-submit"), ref, format="json").status_code == 409
    assert manager.post(reverse("v1:quota-acknowledge"), ref, format="json").status_code == 200
    assert manager.post(reverse("v1:quota-submit"), ref, format="json").json()["count"] == 2
    assert manager.post(reverse("v1:quota-approve"), ref, format="json").status_code == 403
    assert api_as(org.outsider).post(reverse("v1:quota-approve"), ref, format="json").status_code == 404
    assert api_as(org.am1).get(reverse("v1:quota-allocation"), ref).status_code == 404
    returned = api_as(org.region_mgr).post(reverse("v1:quota-return"), ref, format="json")
    assert returned.status_code == 400
    assert api_as(org.region_mgr).post(reverse("v1:quota-approve"), ref, format="json").json()["count"] == 2


# --- Pages -----------------------------------------------------------------------------------------

def test_pages_need_sign_in(client, org, period):
    for url in [reverse("sales_planning:quota-list"), reverse("sales_planning:quota-dashboard"),
                reverse("sales_planning:quota-allocate", args=[period.pk, org.team.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_allocation_page_shows_history_and_saves(client, org, period):
    allocate_down(org, period)
    opportunity(org.am1, "12345", date(2024, 2, 2))
    client.force_login(org.team_mgr)
    url = reverse("sales_planning:quota-allocate", args=[period.pk, org.team.pk])
    html = client.get(url).content.decode()
    assert "12,345" in html and f"amount-p{org.am1.pk}" in html
    response = client.post(url, {f"amount-p{org.am1.pk}": "300", f"amount-p{org.am2.pk}": "150"})
    assert response.status_code == 302
    assert Quota.objects.get(period=period, user=org.am2).amount == Decimal("150")
    html = client.get(url).content.decode()
    assert 'data-testid="acknowledge"' in html  # 50 short
    client.post(reverse("sales_planning:quota-allocation-action", args=[period.pk, org.team.pk, "acknowledge"]),
                {"note": "ok"})
    client.post(reverse("sales_planning:quota-allocation-action", args=[period.pk, org.team.pk, "submit"]))
    assert Quota.objects.get(period=period, user=org.am2).status == ApprovalStatus.SUBMITTED


def test_allocation_page_outsiders_get_404(client, org, period):
    allocate_down(org, period)
    url = reverse("sales_planning:quota-allocate", args=[period.pk, org.team.pk])
    for user in (org.outsider, org.am1, org.team_mgr_b):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(org.div_head)  # above: may look
    assert client.get(url).status_code == 200
    quota = Quota.objects.get(period=period, org_unit=org.team)
    client.force_login(org.outsider)
    assert client.get(reverse("sales_planning:quota-detail", args=[quota.pk])).status_code == 404


def test_list_and_dashboard_pages(client, org, period, django_assert_max_num_queries):
    allocate_down(org, period)
    _team_split(org, period)
    opportunity(org.am1, "150", date(2025, 3, 1))
    client.force_login(org.region_mgr)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("sales_planning:quota-list"), {"period": period.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert str(org.team) in html and str(org.am1) in html
    response = client.get(reverse("sales_planning:quota-dashboard"), {"period": period.pk, "unit": org.region.pk})
    html = response.content.decode()
    assert 'id="attainment-data"' in html and 'data-chart="bars"' in html and "<script>" not in html
    assert client.get(reverse("sales_planning:quota-dashboard"), {"unit": org.other_division.pk}).status_code == 404
    client.force_login(org.am1)
    response = client.get(reverse("sales_planning:quota-dashboard"), {"period": period.pk})
    assert response.status_code == 200 and response.context["data"]["subject"]["won"] == Decimal("150")


def test_dashboard_reads_the_forecasts_in_constant_queries(client, org, period):
    """One grouped read of the forecasts for every row: the same number of queries for 2 and for 8 people."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forecasting.models import Forecast, ForecastPeriod

    allocate_down(org, period)
    _team_split(org, period)
    q1 = ForecastPeriod.objects.create(name="2025Q1", kind="quarter", start=date(2025, 1, 1), end=date(2025, 3, 31))
    jan = ForecastPeriod.objects.create(name="2025-01", kind="month", start=date(2025, 1, 1), end=date(2025, 1, 31))
    may = ForecastPeriod.objects.create(name="2025-05", kind="month", start=date(2025, 5, 1), end=date(2025, 5, 31))

    def forecast(person, fp, amount, status="submitted", version=1):
        Forecast.objects.create(period=fp, owner=person, status=status, version=version, amount=Decimal(amount))

    forecast(org.am1, q1, "100", version=1)
    forecast(org.am1, q1, "120", version=2)  # the latest reported version counts
    forecast(org.am1, jan, "999")  # inside the quarter already counted
    forecast(org.am1, may, "30")
    forecast(org.am2, q1, "50", status="draft")  # not reported
    forecast(org.team_mgr, q1, "400")
    client.force_login(org.team_mgr)
    url = reverse("sales_planning:quota-dashboard")

    def measured():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"period": period.pk, "unit": org.team.pk})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context["data"]

    small, data = measured()
    rows = {row["holder"]: row["forecast"] for row in data["rows"]}
    assert rows[org.am1] == Decimal("150.00") and rows[org.am2] == Decimal("0.00")
    assert data["subject"]["forecast"] == Decimal("400.00")  # a unit's forecast is its manager's
    for index in range(6):
        person = UserFactory(username=f"am-extra-{index}", manager=org.team_mgr, org_unit=org.team)
        forecast(person, q1, "10")
    large, data = measured()
    assert len(data["rows"]) == 8 and large == small
    assert {row["forecast"] for row in data["rows"] if row["holder"].username.startswith("am-extra")} == {
        Decimal("10.00")}


def test_workbench_panel(org, period):
    allocate_down(org, period)
    _team_split(org, period)
    services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    panel = selectors.workbench_panel(org.region_mgr)
    assert panel["template"] == "sales_planning/_sales_workbench.html"
    assert panel["quota_allocations"] == 1
    html = render_to_string(panel["template"], {"panel": panel})
    assert 'data-testid="wb-sales-approvals"' in html and 'data-testid="wb-quota"' in html
    assert "sales_planning/_sales_workbench.html" in [p["template"] for p in workbench_panels(org.team_mgr)]


def test_allocation_page_queries_do_not_grow_with_lines(client, org, period, django_assert_max_num_queries):
    from tests.factories import UserFactory

    allocate_down(org, period)
    _team_split(org, period)
    client.force_login(org.team_mgr)
    url = reverse("sales_planning:quota-allocate", args=[period.pk, org.team.pk])
    with django_assert_max_num_queries(22):
        client.get(url)
    for number in range(6):
        person = UserFactory(username=f"extra{number}", manager=org.team_mgr, org_unit=org.team)
        services.quota_set(period=period, amount="10", by=org.team_mgr, user=person)
        opportunity(person, "5", date(2024, 3, 3))
    with django_assert_max_num_queries(22):
        html = client.get(url).content.decode()
    assert html.count('name="amount-p') == 8


def test_demo_seed_is_idempotent(org):
    import io
    from types import SimpleNamespace

    from sales_planning import demo as demo_sales
    from sales_planning.models import IncentivePlan, TerritoryPlan

    command = SimpleNamespace(stdout=io.StringIO(), progress=lambda message: None)
    demo_sales.seed(command, 1)
    counts = (Quota.objects.count(), TerritoryPlan.objects.count(), IncentivePlan.objects.count())
    assert counts[0] > 0 and counts[1] >= 1 and counts[2] >= 1
    assert Quota.objects.filter(org_unit=org.company, status=ApprovalStatus.APPROVED).exists()
    demo_sales.seed(command, 1)
    assert (Quota.objects.count(), TerritoryPlan.objects.count(), IncentivePlan.objects.count()) == counts


def test_allocations_wait_for_the_level_directly_above(client, org, period):
    allocate_down(org, period)
    _team_split(org, period)
    services.quota_allocation_submit(period=period, unit=org.team, by=org.team_mgr)
    waiting = {user: set(selectors.quota_allocations_awaiting(viewer=user, period=period)
                         .values_list("allocated_from", flat=True))
               for user in (org.region_mgr, org.team_mgr, org.admin)}
    assert waiting == {org.region_mgr: {org.team.pk}, org.team_mgr: set(), org.admin: {org.team.pk}}
    # The quota page lists the same units for the region manager.
    client.force_login(org.region_mgr)
    response = client.get(reverse("sales_planning:quota-list"), {"period": period.pk})
    assert [unit.pk for unit in response.context["waiting_units"]] == [org.team.pk]


def test_attainment_dates_a_won_deal_by_the_day_it_was_won_not_its_expected_close(org, period):
    services.quota_set(period=period, amount="1000", by=org.team_mgr, user=org.am1)
    late = opportunity(org.am1, "400", date(2025, 2, 1))
    late.expected_close_date = date(2024, 11, 30)  # expected last year, won in 2025
    late.save()
    early = opportunity(org.am1, "900", date(2024, 12, 20))
    early.expected_close_date = date(2025, 3, 31)  # expected this year, already won last December
    early.save()
    quota = selectors.quota_attach_attainment(Quota.objects.filter(user=org.am1).select_related("period"))[0]
    assert quota.won_amount == Decimal("400") and quota.attainment == Decimal("40.00")
    assert selectors.won_amounts(ranges={"q": (date(2024, 12, 1), date(2024, 12, 31))})["q"] == {
        org.am1.pk: Decimal("900")}


def test_the_quota_pages_open_on_the_period_that_holds_my_quotas(org, client):
    # Quotas set for the year only: the pages opened on the empty current quarter.
    today = timezone.localdate()
    this_year, this_quarter = year(today.year), quarter(today.year, (today.month - 1) // 3 + 1)
    services.quota_set(period=this_year, amount="900000", by=org.team_mgr, user=org.am1)
    assert selectors.opening_period(viewer=org.am1) == this_year
    assert selectors.opening_period(viewer=org.outsider) == this_quarter  # nothing to see: the current quarter
    services.quota_set(period=this_quarter, amount="200000", by=org.team_mgr, user=org.am1)
    assert selectors.opening_period(viewer=org.am1) == this_quarter
    client.force_login(org.am1)
    assert client.get(reverse("sales_planning:quota-list")).context["period"] == this_quarter
