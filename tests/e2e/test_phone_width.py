"""Phones (issue 16, item 9): at 390 px wide the account manager's everyday pages never scroll sideways as a
whole; wide tables scroll inside themselves."""

import pytest

from tests.factories import (
    TEST_PASSWORD,
    ContactFactory,
    CustomerFactory,
    OpportunityFactory,
    UserFactory,
    ensure_default_config,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_everyday_pages_fit_a_phone(browser, live_server):
    ensure_default_config()
    manager = UserFactory(username="phone-am", display_name="张伟")
    customer = CustomerFactory(name="上海申江精密机械有限公司（浦东新区张江高科技园区分公司）", owner=manager)
    ContactFactory(customer=customer, name="王总工")
    opportunity = OpportunityFactory(name="数控加工中心扩产项目二期及配套自动化产线改造", customer=customer,
                                     primary_owner=manager)
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "phone-am")
        page.fill("#id_password", TEST_PASSWORD)
        page.get_by_test_id("login-submit").click()
        page.wait_for_url(f"{live_server.url}/")
        too_wide = {}
        for path in ["/", customer.get_absolute_url(), opportunity.get_absolute_url(),
                     f"/opportunities/activities/new/?opportunity={opportunity.pk}",
                     f"/funnel/opportunities/{opportunity.pk}/move/"]:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status < 400, path
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                too_wide[path] = widths
        assert not too_wide, too_wide
    finally:
        context.close()
