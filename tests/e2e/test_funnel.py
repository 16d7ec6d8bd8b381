"""Journey: a team manager opens the funnel, sees the chart and the health per stage, switches to amounts,
drills down to an account manager, and a stage is closed as lost from the move page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from funnel.models import StageChange
from funnel.services import baseline_set_manual, funnel_snapshot_take
from opportunities.models import Opportunity
from tests.factories import (
    TEST_PASSWORD,
    ManagerFactory,
    OpportunityFactory,
    OrgUnitFactory,
    UserFactory,
    ensure_funnel_config,
    stage,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("greeting")).to_be_visible()


def company():
    ensure_funnel_config()
    team = OrgUnitFactory(name="上海大客户一组")
    boss = ManagerFactory(username="liqiang", display_name="李强", org_unit=team)
    team.manager = boss
    team.save(update_fields=["manager"])
    zhangwei = UserFactory(username="zhangwei", display_name="张伟", manager=boss, org_unit=team)
    for code, amount in (("01", "300000"), ("01", "200000"), ("02", "800000"), ("03", "1200000")):
        OpportunityFactory(primary_owner=zhangwei, stage=stage(code), amount=Decimal(amount),
                           name=f"商机{code}-{amount}")
    baseline_set_manual(by=boss, stage=stage("03"), user=zhangwei, expected_count="4")  # 1 of 4: warning
    baseline_set_manual(by=boss, stage=stage("01"), user=zhangwei, expected_count="2")  # 2 of 2: good
    today = timezone.localdate()
    for back in (3, 2, 1, 0):
        funnel_snapshot_take(day=today - timedelta(days=back))
    return boss, zhangwei


def test_manager_sees_funnel_health_and_drills_down(page, live_server):
    _boss, zhangwei = company()
    sign_in(page, live_server, "liqiang")
    page.locator(".app-sidebar a[href='/funnel/']").click()
    expect(page.get_by_test_id("funnel-holder")).to_contain_text("上海大客户一组")
    expect(page.get_by_test_id("funnel-chart")).to_have_attribute("data-rendered", "true")
    expect(page.get_by_test_id("funnel-total-count")).to_have_text("4")
    expect(page.get_by_test_id("funnel-row-02")).to_contain_text("800,000.00")

    page.get_by_test_id("measure-amount").click()
    expect(page).to_have_url(re.compile(r"measure=amount"))
    expect(page.get_by_test_id("funnel-chart")).to_have_attribute("data-rendered", "true")

    page.get_by_test_id(f"drill-person-{zhangwei.pk}").click()
    expect(page.get_by_test_id("funnel-holder")).to_contain_text("张伟")
    expect(page.get_by_test_id("funnel-path")).to_contain_text("李强")
    page.get_by_test_id("measure-count").click()
    expect(page.get_by_test_id("funnel-row-03")).to_contain_text("预警")
    expect(page.get_by_test_id("funnel-row-01")).to_contain_text("良好")
    expect(page.get_by_test_id("funnel-row-05")).to_contain_text("无基准")
    expect(page.get_by_test_id("trend-chart")).to_have_attribute("data-rendered", "true")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_test_id("funnel-row-03")).to_contain_text("Warning")
    assert page.console_errors == []  # includes Content-Security-Policy violations


def test_owner_closes_an_opportunity_as_lost_with_a_reason(page, live_server):
    _boss, zhangwei = company()
    opportunity = Opportunity.objects.filter(primary_owner=zhangwei, stage__code="02").get()
    sign_in(page, live_server, "zhangwei")
    page.goto(f"{live_server.url}/funnel/opportunities/{opportunity.pk}/move/?stage=08&outcome=lost")
    page.get_by_test_id("move-submit").click()
    expect(page.get_by_test_id("move-error")).to_contain_text("丢单原因")
    expect(page.get_by_role("radio", name=re.compile("丢单"))).to_be_checked()  # kept from the first try
    page.get_by_test_id("loss-reason-input").fill("价格高于竞争对手")
    page.get_by_test_id("move-submit").click()
    expect(page).to_have_url(re.compile(rf"/opportunities/{opportunity.pk}/"))
    change = StageChange.objects.get(opportunity=opportunity)
    assert (change.to_outcome, change.loss_reason) == ("lost", "价格高于竞争对手")
    # The refused first try answers 400 (the browser logs it); nothing else may go wrong.
    assert [error for error in page.console_errors if "400 (Bad Request)" not in error] == []
