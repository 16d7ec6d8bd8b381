"""Every page of the sales planning area: an outsider gets 404; bad ids, parameters or API input never a 500."""

from datetime import date

import pytest
from django.urls import reverse

from crm.params import MAX_ID
from sales_planning import services
from sales_planning.models import Bonus, Quota
from teams.models import Territory
from tests.sales_org import allocate_down, customer_for, opportunity, year

pytestmark = pytest.mark.django_db

TIERS = [{"threshold": "80", "rate": "1"}, {"threshold": "100", "rate": "2"}]



@pytest.fixture
def world(org):
    """One object of each kind, all inside the region of the main division (the outsider is elsewhere)."""
    period = year(2025)
    allocate_down(org, period)
    services.quota_set(period=period, amount="1000", by=org.team_mgr, user=org.am1)
    territory = Territory.objects.create(name="华东重点行业", org_unit=org.region, provinces=["上海"])
    customer = customer_for(org.am1)
    account = services.territory_account_add(territory=territory, customer_id=customer.pk, by=org.region_mgr)
    plan = services.territory_plan_create(org_unit=org.region, year=2026, by=org.region_mgr, goals="增长")
    opportunity(org.am1, "1200", date(2025, 5, 1), customer=customer)
    record = services.redeploy_execute(by=org.team_mgr, from_user=org.am1, to_user=org.am2, reason="调整",
                                       customer_ids=[customer.pk], opportunity_ids=[])
    incentive = services.incentive_plan_create(by=org.region_mgr, name="年度奖金", period=period,
                                               org_unit=org.region, tiers=TIERS)
    incentive = services.incentive_plan_approve(
        plan=services.incentive_plan_submit(plan=incentive, by=org.region_mgr), by=org.div_head)
    incentive = services.incentive_plan_publish(plan=incentive, by=org.div_head)
    services.incentive_payouts_calculate(plan=incentive, today=date(2026, 1, 1))
    return {"period": period, "quota": Quota.objects.get(period=period, org_unit=org.team), "territory": territory,
            "account": account, "plan": plan, "record": record, "incentive": incentive,
            "bonus": Bonus.objects.filter(plan=incentive).first()}


def _object_urls(org, w):
    """(method, url) of every page that names an object of the main division."""
    period, region = w["period"].pk, org.region.pk
    return [
        ("get", reverse("sales_planning:quota-detail", args=[w["quota"].pk])),
        ("get", reverse("sales_planning:quota-allocate", args=[period, region])),
        ("post", reverse("sales_planning:quota-allocate", args=[period, region])),
        ("post", reverse("sales_planning:quota-allocation-action", args=[period, region, "submit"])),
        ("get", reverse("sales_planning:quota-allocate-top", args=[period])),
        ("post", reverse("sales_planning:quota-allocation-top-action", args=[period, "approve"])),
        ("get", reverse("sales_planning:quota-dashboard") + f"?unit={region}"),
        ("get", reverse("sales_planning:territory-plan-detail", args=[w["plan"].pk])),
        ("post", reverse("sales_planning:territory-plan-action", args=[w["plan"].pk, "submit"])),
        ("get", reverse("sales_planning:redeploy-detail", args=[w["record"].pk])),
        ("get", reverse("sales_planning:incentive-detail", args=[w["incentive"].pk])),
        ("get", reverse("sales_planning:incentive-edit", args=[w["incentive"].pk])),
        ("post", reverse("sales_planning:incentive-action", args=[w["incentive"].pk, "calculate"])),
        ("get", reverse("sales_planning:incentive-evaluation") + f"?plan={w['incentive'].pk}"),
        ("post", reverse("sales_planning:payout-action", args=[w["bonus"].pk, "approve"])),
    ]


def test_outsider_gets_404_on_every_page_of_an_object(client, org, world):
    client.force_login(org.outsider)
    for method, url in _object_urls(org, world):
        assert getattr(client, method)(url).status_code == 404, url
    assert Bonus.objects.get(pk=world["bonus"].pk).status == world["bonus"].status  # nothing approved
    # Territories are shared configuration (visible to every active user), but only their managers change them.
    territory = world["territory"]
    client.post(reverse("sales_planning:territory-account-remove", args=[territory.pk, world["account"].pk]))
    assert territory.named_accounts.filter(pk=world["account"].pk).exists()


def test_insiders_reach_the_same_pages(client, org, world):
    client.force_login(org.admin)
    for method, url in _object_urls(org, world):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_outsider_lists_show_nothing_of_the_division(client, org, world):
    client.force_login(org.outsider)
    for name in ("sales_planning:territory-plan-list", "sales_planning:redeploy-list", "sales_planning:incentive-list",
                 "sales_planning:payout-list"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        html = response.content.decode()
        assert "增长" not in html and "年度奖金" not in html and "调整" not in html, name


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "²", str(MAX_ID + 1), "9" * 40, ""])
def test_bad_query_parameters_are_never_a_server_error(client, org, world, value):
    client.force_login(org.region_mgr)
    for name, key in [("sales_planning:quota-list", "period"), ("sales_planning:quota-dashboard", "period"),
                      ("sales_planning:quota-dashboard", "unit"), ("sales_planning:incentive-evaluation", "plan"),
                      ("sales_planning:payout-list", "plan"), ("sales_planning:payout-list", "period"),
                      ("sales_planning:payout-list", "status"), ("sales_planning:payout-list", "page"),
                      ("sales_planning:territory-plan-new", "territory"), ("sales_planning:incentive-new", "period")]:
        assert client.get(reverse(name), {key: value}).status_code in (200, 404), (name, key)


def test_huge_ids_in_the_path_are_404(client, org, world):
    client.force_login(org.admin)
    huge = 10**30
    for name, args in [("sales_planning:quota-detail", [huge]), ("sales_planning:territory-detail", [huge]),
                       ("sales_planning:territory-plan-detail", [huge]), ("sales_planning:redeploy-detail", [huge]),
                       ("sales_planning:incentive-detail", [huge]),
                        ("sales_planning:quota-allocate", [world["period"].pk, huge]),
                       ("sales_planning:quota-allocate-top", [huge])]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("sales_planning:payout-action", args=[huge, "approve"])).status_code == 404


def test_the_dashboard_shows_me_when_i_choose_me(client, org, world):
    """A manager who picks "Me" sees their own quotas, not their unit's (the unit is the default)."""
    client.force_login(org.region_mgr)
    url = reverse("sales_planning:quota-dashboard")
    assert client.get(url, {"period": world["period"].pk}).context["unit"] == org.region
    response = client.get(url, {"period": world["period"].pk, "unit": "me"})
    assert response.status_code == 200 and response.context["unit"] is None


@pytest.mark.parametrize("reason", [["调整"], {"x": 1}, None])
def test_api_reason_that_is_not_text_is_a_400_and_changes_nothing(api_as, org, world, reason):
    period, plan, incentive = world["period"], world["plan"], world["incentive"]
    plan = services.territory_plan_submit(plan=plan, by=org.region_mgr)
    calls = [
        (org.div_head, reverse("v1:territory-plan-return", args=[plan.pk])),
        (org.region_mgr, reverse("v1:incentive-plan-revise", args=[incentive.pk])),
        (org.region_mgr, reverse("v1:quota-return"), {"period": period.pk, "org_unit": org.region.pk}),
    ]
    for user, url, *ref in calls:
        response = api_as(user).post(url, {**(ref[0] if ref else {}), "reason": reason}, format="json")
        assert response.status_code == 400, (url, response.content)
        assert "reason" in response.json(), url
    plan.refresh_from_db()
    assert plan.status == "submitted"
    assert type(incentive).objects.filter(family=incentive.family).count() == 1


def _grow(org, count: int, start: int) -> None:
    """`count` more re-deployments, territory plans and notifications, each by or for other people."""
    from sales_planning.models import Redeployment, TerritoryPlan
    from teams.models import Notification

    people = [org.am1, org.am2, org.am3]
    for index in range(start, start + count):
        who, to = people[index % 3], people[(index + 1) % 3]
        record = Redeployment.objects.create(by=org.team_mgr, from_user=who, to_user=to, reason=f"r{index}",
                                             customer_count=1, opportunity_count=1)
        customer = customer_for(to)
        record.customers.set([customer])
        record.opportunities.set([opportunity(to, "100", date(2026, 9, 1), outcome="open", customer=customer)])
        TerritoryPlan.objects.create(org_unit=org.team, year=2030 + index, drafted_by=org.team_mgr)
        Notification.objects.create(recipient=org.region_mgr, kind="info", message=f"m{index}", url="/")


def _queries(client, api, urls, django_assert_max_num_queries) -> list[int]:
    counts = []
    for url in urls:
        with django_assert_max_num_queries(40) as captured:
            assert (api if url.startswith("/api/") else client).get(url).status_code == 200, url
        counts.append(len(captured.captured_queries))
    return counts


def test_lists_cost_the_same_queries_at_two_sizes(client, api_as, org, world, django_assert_max_num_queries):
    urls = [reverse("sales_planning:redeploy-list"), reverse("sales_planning:territory-plan-list"),
            reverse("teams:notifications"),
            reverse("v1:redeployment-list"), reverse("v1:territory-plan-list"), reverse("v1:territory-list"),
            reverse("v1:territory-account-list"), reverse("sales_planning:payout-list")]
    client.force_login(org.region_mgr)
    api = api_as(org.region_mgr)
    _grow(org, 2, 0)
    small = _queries(client, api, urls, django_assert_max_num_queries)
    _grow(org, 12, 2)
    large = _queries(client, api, urls, django_assert_max_num_queries)
    assert large == small, dict(zip(urls, zip(small, large, strict=True), strict=True))


@pytest.mark.parametrize("next_url", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "/\\/x"])
def test_payout_action_never_redirects_off_site(client, org, world, next_url):
    client.force_login(org.div_head)
    url = reverse("sales_planning:payout-action", args=[world["bonus"].pk, "approve"])
    response = client.post(url, {"next": next_url})
    assert response.status_code == 302 and response.url == reverse("sales_planning:payout-list")


def test_payout_action_follows_a_local_next(client, org, world):
    client.force_login(org.div_head)
    next_url = reverse("sales_planning:payout-list") + f"?plan={world['incentive'].pk}"
    url = reverse("sales_planning:payout-action", args=[world["bonus"].pk, "approve"])
    response = client.post(url, {"next": next_url})
    assert response.url == next_url
    page = client.get(next_url).content.decode()
    assert f'<option value="{world["incentive"].pk}" selected>' in page  # the filter stays chosen


def test_api_outsider_gets_404_on_every_detail_and_action(api_as, org, world):
    api = api_as(org.outsider)
    for name, pk in [("quota", world["quota"].pk), ("territory-plan", world["plan"].pk),
                     ("territory-account", world["account"].pk), ("redeployment", world["record"].pk),
                     ("incentive-plan", world["incentive"].pk), ("bonus", world["bonus"].pk)]:
        assert api.get(reverse(f"v1:{name}-detail", args=[pk])).status_code == 404, name
        assert api_as(org.admin).get(reverse(f"v1:{name}-detail", args=[pk])).status_code == 200, name
        assert api_as(org.admin).get(reverse(f"v1:{name}-detail", args=[10**30])).status_code == 404, name
    for name, pk in [("territory-plan-submit", world["plan"].pk), ("incentive-plan-calculate", world["incentive"].pk),
                     ("incentive-plan-revise", world["incentive"].pk), ("quota-revisions", world["quota"].pk)]:
        method = api.get if name.endswith("revisions") else api.post
        assert method(reverse(f"v1:{name}", args=[pk]), {"reason": "x"}, format="json").status_code == 404, name
    ref = {"period": world["period"].pk, "org_unit": org.region.pk}
    assert api.get(reverse("v1:quota-allocation"), ref).status_code == 404
    assert api.post(reverse("v1:quota-submit"), ref, format="json").status_code == 404
    assert api.delete(reverse("v1:territory-account-detail", args=[world["account"].pk])).status_code == 404
    assert world["plan"].__class__.objects.get(pk=world["plan"].pk).status == "draft"
