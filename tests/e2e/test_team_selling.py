"""Journey: the primary owner opens the opportunity's "Team selling" tab, writes the team plan, sets the
relationship strategy of a key contact and schedules a technical exchange (no Content-Security-Policy errors)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, ContactFactory, ManagerFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_owner_plans_team_selling(page, live_server):
    boss = ManagerFactory(username="liqiang", display_name="李强")
    owner = UserFactory(username="zhangwei", display_name="张伟", manager=boss)
    opportunity = OpportunityFactory(primary_owner=owner, name="数据中心扩容")
    contact = ContactFactory(customer=opportunity.customer, name="周杰", title="总经理")

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "zhangwei")
    page.fill("#id_password", TEST_PASSWORD)
    page.press("#id_password", "Enter")
    page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/?tab=selling")
    page.click("[data-testid=edit-team-plan]")
    page.fill("#id_cooperation_strategy", "张伟负责关系,售前负责演示")
    page.select_option("#id_pricing_authority", str(boss.pk))
    page.fill("#id_max_discount", "8")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=plan-cooperation]")).to_contain_text("售前负责演示")
    expect(page.locator("[data-testid=pricing-authority]")).to_contain_text("8.00%")

    page.click("[data-testid=add-contact-strategy]")
    page.select_option("#id_contact", str(contact.pk))
    page.select_option("#id_current_attitude", "skeptic")
    page.select_option("#id_target_attitude", "champion")
    page.fill("#id_actions", "安排样板工厂参观")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=strategy-row]")).to_contain_text("周杰")

    page.click("[data-testid=schedule-meeting]")
    page.select_option("#id_meeting_type", "technical_exchange")
    page.fill("#id_subject", "技术交流会")
    start = timezone.localtime() + timedelta(days=2)
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.check(f"input[name=contacts][value='{contact.pk}']")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=meeting-upcoming]")).to_contain_text("技术交流会")
    assert page.console_errors == []


def test_the_tab_goes_to_its_anchor_and_says_so_when_it_cannot_load(page, live_server):
    owner = UserFactory(username="zhangwei", display_name="张伟", manager=ManagerFactory(username="liqiang"))
    opportunity = OpportunityFactory(primary_owner=owner, name="数据中心扩容")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "zhangwei")
    page.fill("#id_password", TEST_PASSWORD)
    page.press("#id_password", "Enter")
    page.set_viewport_size({"width": 390, "height": 700})
    # The address names an anchor inside the tab, which arrives after the page: the page goes there.
    page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/?tab=selling#key-interactions")
    anchor = page.locator("#key-interactions")
    expect(anchor).to_be_visible()
    expect(anchor).to_be_in_viewport()
    # The tab's URL failing: a message with a retry instead of "Loading…" for ever.
    page.route(f"**/teams/selling/{opportunity.pk}/", lambda route: route.fulfill(status=500, body="boom"))
    page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/?tab=selling")
    expect(page.locator("[data-testid=load-error]")).to_be_visible()
    expect(page.locator("[data-testid=load-error] a")).to_have_attribute("href", page.url)
