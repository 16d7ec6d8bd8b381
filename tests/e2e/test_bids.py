"""Journey: from an opportunity in the tender stage, create its tender record, add a line and a competitor
with a known price, see the bid comparison chart; then a poor-credit agent shows its warning."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bids.models import BidProject
from tests.factories import (
    TEST_PASSWORD,
    ManagerFactory,
    OpportunityFactory,
    OrgUnitFactory,
    PartnerFactory,
    UserFactory,
    stage,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("greeting")).to_be_visible()


def test_create_a_tender_add_a_line_and_compare(page, live_server):
    team = OrgUnitFactory(name="上海大客户一组")
    boss = ManagerFactory(username="liqiang", display_name="李强", org_unit=team)
    zhangwei = UserFactory(username="zhangwei", display_name="张伟", manager=boss, org_unit=team)
    opportunity = OpportunityFactory(primary_owner=zhangwei, name="华远数据中心扩容", stage=stage("05"))
    submission = timezone.localtime() + timedelta(days=6)

    sign_in(page, live_server, "zhangwei")
    page.goto(f"{live_server.url}/bids/new/?opportunity={opportunity.pk}")
    expect(page.get_by_test_id("bid-opportunity")).to_have_text("华远数据中心扩容")
    page.select_option("#id_tender_type", "negotiated")
    page.select_option("#id_impact", "very_high")
    page.select_option("#id_relationship", "over_60")
    page.fill("#id_eval_price", "40")
    page.fill("#id_eval_service", "20")
    page.fill("#id_eval_technology", "30")
    page.fill("#id_eval_commercial", "10")
    page.fill("#id_competitors", "华为")
    page.fill("#id_submission_at", submission.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("save-bid").click()

    expect(page.get_by_test_id("bid-title")).to_have_text("华远数据中心扩容")
    expect(page.get_by_test_id("bid-status").first).to_have_text("准备中")
    expect(page.get_by_test_id("evaluation")).to_contain_text("40%")
    expect(page.get_by_test_id("bid-missing")).to_be_visible()  # no line yet

    page.fill("#id_line-configuration", "双路 CPU / 512G 内存")
    page.fill("#id_line-quantity", "4")
    page.fill("#id_line-target_price", "80000")
    page.fill("#id_line-quote", "86000")
    page.get_by_test_id("add-line").click()
    expect(page.get_by_test_id("line-totals")).to_contain_text("344,000.00")
    expect(page.get_by_test_id("gap")).to_contain_text("+¥24,000.00 (+7.50%)")
    expect(page.get_by_test_id("bid-missing")).to_have_count(0)

    page.fill("#id_competitor-brand", "华为")
    page.fill("#id_competitor-known_price", "330000")
    page.get_by_test_id("add-competitor").click()
    expect(page.get_by_test_id("bid-competitors")).to_contain_text("330,000.00")

    page.get_by_test_id("open-comparison").click()
    expect(page.get_by_test_id("cmp-quote")).to_have_text("¥344,000.00")
    expect(page.get_by_test_id("cmp-target")).to_have_text("¥320,000.00")
    chart = page.get_by_test_id("comparison-chart")
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart.locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("comparison-table")).to_contain_text("华为")

    bid = BidProject.objects.get(opportunity=opportunity)
    assert bid.quote_total == Decimal("344000.00")
    assert bid.agenda_entries.count() == 1  # the submission deadline is on the agenda
    assert page.console_errors == []  # includes Content-Security-Policy violations


def test_a_poor_credit_agent_shows_a_warning_in_english(page, live_server):
    from bids import services

    team = OrgUnitFactory(name="上海大客户一组")
    boss = ManagerFactory(username="liqiang", display_name="李强", org_unit=team)
    zhangwei = UserFactory(username="zhangwei", display_name="张伟", manager=boss, org_unit=team, language="en")
    opportunity = OpportunityFactory(primary_owner=zhangwei, name="园区网络改造", stage=stage("05"))
    partner = PartnerFactory(name="天津海河数码有限公司")
    services.partner_rate_credit(partner=partner, by=boss, rating="poor", rated_on=timezone.localdate(),
                                 source="法院执行信息公开网")
    bid = services.bid_create(opportunity=opportunity, by=zhangwei, data={"scheme": "one_agent_one_scheme"})

    sign_in(page, live_server, "zhangwei")
    page.goto(f"{live_server.url}/bids/{bid.pk}/")
    page.select_option("#id_agent-partner", str(partner.pk))
    page.fill("#id_agent-scheme", "方案 A:本地化交付")
    page.fill("#id_agent-quote", "300000")
    page.get_by_test_id("add-agent").click()
    expect(page.get_by_test_id("bid-warnings")).to_contain_text("poor credit standing")
    expect(page.get_by_test_id("bid-agents")).to_contain_text("D · Poor")
    assert page.console_errors == []
