"""Journey: sign in, see the workbench, switch language, sign out."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, ManagerFactory, OrgUnitFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_language_sign_out(page, live_server):
    team = OrgUnitFactory(name="上海大客户一组")
    boss = ManagerFactory(username="liqiang", display_name="李强", org_unit=team)
    UserFactory(username="zhangwei", display_name="张伟", manager=boss, org_unit=team)

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_test_id("login-submit")).to_have_text("登录")

    page.fill("#id_username", "zhangwei")
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("greeting")).to_contain_text("张伟")
    expect(page.locator(".app-sidebar")).to_contain_text("工作台")
    expect(page.locator("body")).to_contain_text("李强")  # the reporting line

    page.get_by_role("button", name="English").click()
    expect(page.get_by_test_id("greeting")).to_contain_text("Hello, 张伟")
    expect(page.locator(".app-sidebar")).to_contain_text("Workbench")

    page.get_by_role("link", name="Organisation").click()
    expect(page.locator("h1")).to_have_text("Sales organisation")
    expect(page.locator(".org-tree")).to_contain_text("上海大客户一组")

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_test_id("login-submit")).to_have_text("Sign in")  # the cookie keeps English
    assert page.console_errors == []  # includes Content-Security-Policy violations


def test_wrong_password_stays_on_login_with_message(page, live_server):
    UserFactory(username="zhangwei")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "zhangwei")
    page.fill("#id_password", "wrong-password")
    page.get_by_test_id("login-submit").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_api_docs_render_offline_without_policy_errors(page, live_server):
    UserFactory(username="zhangwei")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "zhangwei")
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.goto(f"{live_server.url}/api/docs/")
    # Swagger UI draws the first tags at once and the rest as they scroll into view.
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/activities/", timeout=30_000)
    expect(page.locator(".swagger-ui")).to_contain_text("assignment-rules")
    assert page.console_errors == []
