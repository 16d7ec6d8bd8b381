"""Journey: an account manager creates a customer, sees the live duplicate warning, adds a contact."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Contact, Customer
from tests.factories import TEST_PASSWORD, CustomerFactory, ManagerFactory, OrgUnitFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("greeting")).to_be_visible()


def test_create_customer_with_live_duplicate_warning_then_add_contact(page, live_server):
    team = OrgUnitFactory(name="上海大客户一组")
    boss = ManagerFactory(username="liqiang", display_name="李强", org_unit=team)
    zhangwei = UserFactory(username="zhangwei", display_name="张伟", manager=boss, org_unit=team)
    CustomerFactory(name="上海浦华轨道交通设备有限公司", city="上海", province="上海", owner=zhangwei)

    sign_in(page, live_server, "zhangwei")
    page.locator(".app-sidebar a[href='/customers/']").click()
    expect(page.get_by_test_id("customer-table")).to_contain_text("上海浦华轨道交通设备有限公司")
    page.get_by_test_id("subnav-new").click()
    expect(page.get_by_test_id("duplicate-check")).to_contain_text("输入客户名称")

    # Typing a name close to an existing customer's brings the warning, before anything is saved.
    page.fill("#id_name", "上海浦华轨道科技有限公司")
    page.fill("#id_city", "上海")
    candidate = page.get_by_test_id("duplicate-candidate").first
    expect(candidate).to_contain_text("上海浦华轨道交通设备有限公司")
    expect(candidate).to_contain_text("名称相似")
    assert Customer.objects.count() == 1

    page.select_option("#id_source", "campaign")
    page.fill("#id_industry", "交通")
    page.get_by_test_id("intake-submit").click()
    expect(page.get_by_test_id("customer-name")).to_contain_text("上海浦华轨道科技有限公司")
    expect(page.locator(".alert-success")).to_contain_text("已创建客户")
    expect(page.get_by_test_id("customer-owner")).to_have_text("张伟")
    created = Customer.objects.get(name="上海浦华轨道科技有限公司")
    assert created.owner == zhangwei and created.source == "campaign"

    page.get_by_test_id("add-contact").click()
    page.fill("#id_name", "周杰")
    page.fill("#id_title", "总经理")
    page.select_option("#id_decision_role", "decision_maker")
    page.select_option("#id_attitude", "supporter")
    page.get_by_test_id("contact-save").click()
    expect(page).to_have_url(re.compile(r"tab=contacts"))
    expect(page.get_by_test_id("contact-table")).to_contain_text("周杰")
    assert Contact.objects.get(customer=created).title == "总经理"

    page.get_by_test_id("tab-org").click()
    expect(page.get_by_test_id("contact-tree")).to_contain_text("周杰")
    assert page.console_errors == []  # includes Content-Security-Policy violations
