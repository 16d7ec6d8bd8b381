"""Territories: named accounts, yearly territory plans drafted by the unit's manager, approved by the
manager above, versioned with old versions read-only; API and pages."""

import pytest
from django.urls import reverse

from crm.errors import ConflictError, DomainError, PermissionDenied
from sales_planning import selectors, services
from sales_planning.models import ApprovalStatus, TerritoryAccount, TerritoryPlan
from teams.models import Territory
from tests.sales_org import customer_for

pytestmark = pytest.mark.django_db



@pytest.fixture
def territory(org):
    territory = Territory.objects.create(name="华东重点行业", org_unit=org.region, provinces=["上海", "浙江"])
    territory.members.set([org.am1, org.am3])
    return territory


def _draft(org, **kwargs):
    return services.territory_plan_create(org_unit=org.region, year=2026, by=org.region_mgr,
                                          goals="增长15%", coverage="上海、浙江", principles="按省份分配", **kwargs)


# --- Territory plans ----------------------------------------------------------------------------

def test_the_units_manager_drafts_and_nobody_else(org, territory):
    plan = _draft(org)
    assert (plan.version, plan.status, plan.drafted_by) == (1, ApprovalStatus.DRAFT, org.region_mgr)
    for who in ("div_head", "team_mgr", "am1", "outsider"):
        with pytest.raises(PermissionDenied):
            services.territory_plan_create(org_unit=org.region, year=2027, by=getattr(org, who))
    with pytest.raises(ConflictError):
        _draft(org)  # one plan per unit and year: revise instead
    territory_plan = _draft(org, territory=territory)
    assert territory_plan.org_unit == org.region and territory_plan.territory == territory


def test_plan_approved_by_the_manager_above_never_the_drafter(org):
    plan = services.territory_plan_submit(plan=_draft(org), by=org.region_mgr)
    assert org.div_head.notifications.filter(kind="territory_plan_submitted").exists()
    for who in ("region_mgr", "team_mgr", "am1", "other_head"):
        with pytest.raises(PermissionDenied):
            services.territory_plan_approve(plan=plan, by=getattr(org, who))
    plan = services.territory_plan_approve(plan=plan, by=org.div_head, comment="同意")
    assert (plan.status, plan.reviewed_by, plan.review_comment) == (ApprovalStatus.APPROVED, org.div_head, "同意")
    assert org.region_mgr.notifications.filter(kind="territory_plan_approved").exists()


def test_a_superior_further_up_may_approve_and_return_needs_a_reason(org):
    plan = services.territory_plan_submit(plan=_draft(org), by=org.region_mgr)
    with pytest.raises(DomainError):
        services.territory_plan_return(plan=plan, by=org.head, reason="")
    plan = services.territory_plan_return(plan=plan, by=org.head, reason="补充覆盖计划")
    assert plan.status == ApprovalStatus.RETURNED and plan.review_comment == "补充覆盖计划"


def test_workflow_states(org):
    plan = _draft(org)
    with pytest.raises(ConflictError):
        services.territory_plan_approve(plan=plan, by=org.div_head)  # still a draft
    empty = services.territory_plan_create(org_unit=org.team, year=2026, by=org.team_mgr)
    with pytest.raises(DomainError):
        services.territory_plan_submit(plan=empty, by=org.team_mgr)  # nothing written yet
    plan = services.territory_plan_submit(plan=plan, by=org.region_mgr)
    with pytest.raises(ConflictError):
        services.territory_plan_submit(plan=plan, by=org.region_mgr)
    with pytest.raises(ConflictError):
        services.territory_plan_update(plan=plan, by=org.region_mgr, goals="x", coverage="", principles="")
    with pytest.raises(ConflictError):
        services.territory_plan_revise(plan=plan, by=org.region_mgr, reason="x")  # waiting for approval


def test_revision_is_a_new_version_and_old_versions_are_read_only(org):
    v1 = services.territory_plan_approve(plan=services.territory_plan_submit(plan=_draft(org), by=org.region_mgr),
                                         by=org.div_head)
    with pytest.raises(DomainError):
        services.territory_plan_revise(plan=v1, by=org.region_mgr, reason=" ")
    v2 = services.territory_plan_revise(plan=v1, by=org.region_mgr, reason="新增江苏")
    assert (v2.version, v2.status, v2.goals, v2.revision_reason) == (2, ApprovalStatus.DRAFT, "增长15%", "新增江苏")
    v2 = services.territory_plan_update(plan=v2, by=org.region_mgr, goals="增长20%", coverage="上海、浙江、江苏",
                                        principles="按省份分配")
    v1.refresh_from_db()
    assert (v1.goals, v1.status) == ("增长15%", ApprovalStatus.APPROVED)
    with pytest.raises(ConflictError):
        services.territory_plan_revise(plan=v1, by=org.region_mgr, reason="again")
    with pytest.raises(PermissionDenied):
        services.territory_plan_revise(plan=v1, by=org.team_mgr, reason="x")
    assert list(v2.siblings().order_by("version").values_list("version", flat=True)) == [1, 2]


def test_plan_visibility(org):
    plan = _draft(org)
    assert plan in TerritoryPlan.objects.visible_to(org.region_mgr)
    assert plan in TerritoryPlan.objects.visible_to(org.head)
    assert plan not in TerritoryPlan.objects.visible_to(org.am1)  # a draft of their region
    plan = services.territory_plan_approve(plan=services.territory_plan_submit(plan=plan, by=org.region_mgr),
                                           by=org.div_head)
    assert plan in TerritoryPlan.objects.visible_to(org.am1)  # their region's approved plan
    assert plan not in TerritoryPlan.objects.visible_to(org.outsider)
    assert plan not in TerritoryPlan.objects.visible_to(org.other_head)


# --- Named accounts -------------------------------------------------------------------------------

def test_named_accounts_one_territory_per_customer(org, territory):
    customer = customer_for(org.am1)
    account = services.territory_account_add(territory=territory, customer_id=customer.pk, by=org.region_mgr)
    assert services.territory_account_add(territory=territory, customer_id=customer.pk, by=org.region_mgr) == account
    other = Territory.objects.create(name="华东金融", org_unit=org.team)
    with pytest.raises(ConflictError):
        services.territory_account_add(territory=other, customer_id=customer.pk, by=org.team_mgr)
    with pytest.raises(PermissionDenied):
        services.territory_account_add(territory=territory, customer_id=customer.pk, by=org.team_mgr)  # region's
    with pytest.raises(DomainError):
        services.territory_account_add(territory=territory, customer_id=customer_for(org.outsider).pk,
                                       by=org.region_mgr)  # a customer the manager cannot see
    services.territory_account_remove(account=account, by=org.region_mgr)
    assert not TerritoryAccount.objects.exists()
    assert TerritoryAccount.history.filter(history_type="-").count() == 1


def test_named_accounts_show_only_visible_customers(org, territory):
    mine = customer_for(org.am1)
    theirs = customer_for(org.am3)
    for customer in (mine, theirs):
        services.territory_account_add(territory=territory, customer_id=customer.pk, by=org.region_mgr)
    data = selectors.territory_named_accounts(viewer=org.am1, territory=territory)
    assert data["customers"] == [mine] and data["hidden"] == 1


# --- API ---------------------------------------------------------------------------------------------

def test_api_territory_plans(api, api_as, org):
    manager = api_as(org.region_mgr)
    response = manager.post(reverse("v1:territory-plan-list"), {"org_unit": org.region.pk, "year": 2026,
                                                                "goals": "增长"}, format="json")
    assert response.status_code == 201, response.json()
    plan_id = response.json()["id"]
    assert api_as(org.team_mgr).post(reverse("v1:territory-plan-list"), {"org_unit": org.region.pk, "year": 2027},
                                     format="json").status_code == 403
    assert manager.patch(reverse("v1:territory-plan-detail", args=[plan_id]), {"coverage": "上海"},
                         format="json").json()["coverage"] == "上海"
    assert manager.post(reverse("v1:territory-plan-submit", args=[plan_id])).json()["status"] == "submitted"
    assert manager.post(reverse("v1:territory-plan-approve", args=[plan_id]), {}, format="json").status_code == 403
    assert api_as(org.div_head).post(reverse("v1:territory-plan-return", args=[plan_id]), {},
                                     format="json").status_code == 400
    assert api_as(org.div_head).post(reverse("v1:territory-plan-approve", args=[plan_id]), {},
                                     format="json").json()["status"] == "approved"
    revised = manager.post(reverse("v1:territory-plan-revise", args=[plan_id]), {"reason": "调整"}, format="json")
    assert revised.status_code == 201 and revised.json()["version"] == 2
    assert api_as(org.outsider).get(reverse("v1:territory-plan-detail", args=[plan_id])).status_code == 404
    assert api.get(reverse("v1:territory-plan-list")).status_code == 401


def test_api_named_accounts(api_as, org, territory):
    customer = customer_for(org.am1)
    url = reverse("v1:territory-account-list")
    response = api_as(org.region_mgr).post(url, {"territory": territory.pk, "customer": customer.pk}, format="json")
    assert response.status_code == 201
    assert api_as(org.am1).get(url).json()["count"] == 1
    assert api_as(org.outsider).get(url).json()["count"] == 0  # the customer is not theirs to see
    account_id = response.json()["id"]
    assert api_as(org.am1).delete(reverse("v1:territory-account-detail", args=[account_id])).status_code == 403
    assert api_as(org.region_mgr).delete(reverse("v1:territory-account-detail", args=[account_id])).status_code == 204


# --- Pages ---------------------------------------------------------------------------------------------

def test_territory_pages(client, org, territory, django_assert_max_num_queries):
    customer = customer_for(org.am1, city="上海")
    services.territory_account_add(territory=territory, customer_id=customer.pk, by=org.region_mgr)
    client.force_login(org.am1)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("sales_planning:territory-list")).content.decode()
    assert "华东重点行业" in html
    html = client.get(reverse("sales_planning:territory-detail", args=[territory.pk])).content.decode()
    assert customer.name in html and 'data-testid="account-search"' not in html  # not a manager
    client.force_login(org.region_mgr)
    other = customer_for(org.am3, name="杭州测试精密有限公司")
    url = reverse("sales_planning:territory-detail", args=[territory.pk])
    html = client.get(url, {"q": "杭州测试"}).content.decode()
    assert other.name in html
    client.post(reverse("sales_planning:territory-account-add", args=[territory.pk]), {"customer": other.pk})
    assert TerritoryAccount.objects.filter(territory=territory).count() == 2


def test_plan_pages(client, org):
    client.force_login(org.region_mgr)
    response = client.post(reverse("sales_planning:territory-plan-new"), {"org_unit": org.region.pk, "year": 2026,
                                                                  "goals": "增长15%"})
    plan = TerritoryPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    client.post(reverse("sales_planning:territory-plan-action", args=[plan.pk, "save"]), {"goals": "增长20%"})
    client.post(reverse("sales_planning:territory-plan-action", args=[plan.pk, "submit"]))
    client.force_login(org.div_head)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "增长20%" in html and 'data-testid="approve-plan"' in html
    client.post(reverse("sales_planning:territory-plan-action", args=[plan.pk, "approve"]))
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.APPROVED
    client.force_login(org.region_mgr)
    url = reverse("sales_planning:territory-plan-action", args=[plan.pk, "revise"])
    response = client.post(url, {"reason": "新增江苏"})
    v2 = TerritoryPlan.objects.get(version=2)
    assert response.url == v2.get_absolute_url()
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="read-only"' in html
    client.force_login(org.outsider)
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(reverse("sales_planning:territory-plan-new")).status_code == 404  # they manage no unit


def test_anonymous_is_sent_to_login_from_every_planning_page(client, org, territory):
    plan = _draft(org)
    urls = [reverse("sales_planning:territory-list"), reverse("sales_planning:territory-detail", args=[territory.pk]),
            reverse("sales_planning:territory-plan-list"), reverse("sales_planning:territory-plan-new"),
            plan.get_absolute_url(),
            reverse("sales_planning:redeploy"), reverse("sales_planning:redeploy-list"),
            reverse("sales_planning:incentive-list"),
            reverse("sales_planning:incentive-new"), reverse("sales_planning:incentive-evaluation")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("name", ["v1:quota-period-list", "v1:territory-plan-list", "v1:territory-account-list",
                                  "v1:redeployment-list"])
def test_list_endpoints_anonymous_and_constant_queries(api, api_as, org, territory, name,
                                                       django_assert_max_num_queries):
    assert api.get(reverse(name)).status_code == 401
    for year in (2024, 2025, 2026):
        services.territory_plan_create(org_unit=org.region, year=year, by=org.region_mgr, goals="x")
        customer = customer_for(org.am1)
        services.territory_account_add(territory=territory, customer_id=customer.pk, by=org.region_mgr)
    with django_assert_max_num_queries(6):
        response = api_as(org.region_mgr).get(reverse(name))
    assert response.status_code == 200 and "results" in response.json()


def test_navigation_marks_only_the_planning_entry_active(client, org):
    client.force_login(org.region_mgr)
    items = {item["name"]: item["active"]
             for item in client.get(reverse("sales_planning:quota-dashboard")).context["navigation"]}
    assert items["sales_planning:quota-list"] is True
    assert items["teams:org-chart"] is False and items["sales_planning:incentive-list"] is False
    items = {item["name"]: item["active"] for item in client.get(reverse("teams:org-chart")).context["navigation"]}
    assert items["teams:org-chart"] is True and items["sales_planning:quota-list"] is False
