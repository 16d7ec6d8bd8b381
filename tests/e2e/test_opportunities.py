"""Journey: an account manager opens an opportunity from a customer, prices it, assesses it,
builds the sales team, plans a visit and confirms it; their manager hands it over."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    TEST_PASSWORD,
    ContactFactory,
    CustomerFactory,
    ManagerFactory,
    OrgUnitFactory,
    ProductFactory,
    UserFactory,
    ensure_default_config,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/?next=/opportunities/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/opportunities/$"))


def sign_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_opportunity_from_customer_to_handover(page, live_server):
    from opportunities.models import Opportunity

    ensure_default_config()
    team = OrgUnitFactory(name="上海大客户一组")
    boss = ManagerFactory(username="liqiang", display_name="李强", org_unit=team)
    UserFactory(username="zhangwei", display_name="张伟", manager=boss, org_unit=team)
    colleague = UserFactory(username="wangfang", display_name="王芳", manager=boss, org_unit=team)
    customer = CustomerFactory(name="上海申江精密机械有限公司", owner=boss.direct_reports.get(username="zhangwei"))
    ContactFactory(customer=customer, name="王总工")
    ProductFactory(code="HY-MES-PRO", name="华远 MES 制造执行系统", unit="套")

    sign_in(page, live_server, "zhangwei")
    # The customer page links here with ?customer=<id>.
    page.goto(f"{live_server.url}/opportunities/new/?customer={customer.pk}")
    expect(page.get_by_test_id("fixed-customer")).to_have_text("上海申江精密机械有限公司")
    page.fill("#id_name", "数字化车间改造")
    page.fill("#id_expected_close_date", (timezone.localdate() + timedelta(days=60)).isoformat())
    page.fill("#id_competitors", "西门子, 罗克韦尔")
    page.get_by_test_id("save-opportunity").click()
    expect(page.get_by_test_id("opportunity-name")).to_have_text("数字化车间改造")
    expect(page.get_by_test_id("primary-owner")).to_have_text("张伟")
    expect(page.get_by_test_id("stage-path").locator("[aria-current=step]")).to_contain_text("01")

    # Lines make the amount.
    page.select_option("#id_product", label="HY-MES-PRO 华远 MES 制造执行系统")
    page.fill("#id_quantity", "2")
    page.fill("#id_unit_price", "480000")
    page.fill("#id_discount", "5")
    page.get_by_test_id("add-line").click()
    expect(page.get_by_test_id("lines-total")).to_have_text("¥912,000.00")
    expect(page.get_by_test_id("opportunity-amount")).to_contain_text("912,000.00")

    # The scorecard: 11 yes is a high-value opportunity.
    page.get_by_test_id("tab-assessment").click()
    for number in range(1, 21):
        page.click(f"label[for=q{number}-{'yes' if number <= 11 else 'no'}]")
    expect(page.locator("[data-assessment-count]")).to_have_text("11")
    page.get_by_test_id("save-assessment").click()
    expect(page.get_by_test_id("latest-score")).to_have_text("11")
    expect(page.get_by_test_id("high-value-badge")).to_be_visible()

    # The sales team.
    page.get_by_test_id("tab-team").click()
    page.select_option("#id_user", label="王芳")
    page.select_option("#id_role", "presales")
    page.get_by_test_id("add-member").click()
    expect(page.get_by_test_id("team-table")).to_contain_text("王芳")
    expect(page.get_by_test_id("owner-form")).to_have_count(0)  # the owner cannot hand it over

    # A visit with the team member and the customer's chief engineer, on the agenda.
    page.get_by_test_id("log-activity").click()
    page.select_option("#id_kind", "visit")
    page.fill("#id_subject", "拜访王总工")
    page.fill("#id_due_at", f"{timezone.localdate().isoformat()}T23:00")
    page.select_option("#id_participants", label="王芳")
    page.get_by_label("王总工").check()
    page.get_by_test_id("save-activity").click()
    expect(page.get_by_test_id("activities-table")).to_contain_text("拜访王总工")
    page.goto(f"{live_server.url}/opportunities/agenda/")
    expect(page.get_by_test_id("agenda-week")).to_contain_text("拜访王总工")

    # Confirm it for the forecast.
    opportunity = Opportunity.objects.get(name="数字化车间改造")
    page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("confirmed-badge")).to_be_visible()

    # The list finds it with the high-value filter.
    page.goto(f"{live_server.url}/opportunities/?high_value=true")
    expect(page.get_by_test_id("opportunity-table")).to_contain_text("数字化车间改造")
    sign_out(page)

    # The manager hands it over to the colleague.
    sign_in(page, live_server, "liqiang")
    page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/?tab=team")
    page.select_option("#id_new_owner", label="王芳")
    page.fill("#id_reason", "张伟调往杭州")
    page.get_by_test_id("change-owner").click()
    expect(page.get_by_test_id("primary-owner")).to_have_text("王芳")
    expect(page.get_by_test_id("team-table").get_by_test_id("primary-badge")).to_have_count(1)
    page.get_by_test_id("tab-history").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("张伟调往杭州")
    assert colleague.pk == Opportunity.objects.get(pk=opportunity.pk).primary_owner_id
    assert page.console_errors == []  # includes Content-Security-Policy violations


def test_outsider_cannot_open_it_and_english_works(page, live_server):
    from tests.factories import OpportunityFactory

    ensure_default_config()
    owner = UserFactory(username="zhangwei", display_name="张伟", language="en")
    UserFactory(username="stranger", manager=ManagerFactory(username="elsewhere"))
    opportunity = OpportunityFactory(primary_owner=owner, name="园区网络改造")

    sign_in(page, live_server, "stranger")
    response = page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/opportunities/")
    expect(page.get_by_test_id("opportunity-count")).to_contain_text("0")
    sign_out(page)

    sign_in(page, live_server, "zhangwei")
    page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/?tab=assessment")
    expect(page.locator(".opp-dimension").first).to_contain_text("Is there an opportunity?")
    expect(page.get_by_test_id("tab-team")).to_have_text("Sales team")
    assert page.console_errors == [] or all("404" in error for error in page.console_errors)
