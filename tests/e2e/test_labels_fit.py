"""Tables and labels (issue 16, item 3), measured in Chromium at a laptop's width, in Chinese and in English: a
column header that is one word (every Chinese header; "Stage", "Amount") stays on one line rather than breaking
inside the word (项目影/响, 阶/段), the stage path shows each stage's whole name (not "Contacts and ne…"), and the
tender list's filters are not cut off."""

import pytest

from tests.factories import TEST_PASSWORD, BidProjectFactory, CustomerFactory, OpportunityFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Each visible header cell whose text has no space but whose text runs over more than one line.
BROKEN_HEADERS = """() => [...document.querySelectorAll('thead th')].filter(th => th.offsetParent !== null).map(th => {
  const range = document.createRange(); range.selectNodeContents(th);
  const lines = new Set([...range.getClientRects()].filter(r => r.width > 1).map(r => Math.round(r.top)));
  return [th.innerText.trim(), lines.size];
}).filter(([text, lines]) => text && !/\\s/.test(text) && lines > 1).map(([text]) => text)"""
CUT_OFF = """(selector) => [...document.querySelectorAll(selector)].filter(el => el.offsetParent !== null)
  .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.innerText || el.name || el.outerHTML.slice(0, 80))"""

FITTING = ".fn-path-name, form[method=get] input:not([type=hidden]), form[method=get] select"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_headers_stage_names_and_filters_fit(browser, live_server, language):
    manager = UserFactory(username=f"labels-{language}", display_name="张伟", language=language)
    customer = CustomerFactory(name="上海申江精密机械有限公司", owner=manager)
    opportunity = OpportunityFactory(name="数控加工中心扩产项目", customer=customer, primary_owner=manager)
    BidProjectFactory(opportunity=OpportunityFactory(customer=customer, primary_owner=manager))
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", manager.username)
        page.fill("#id_password", TEST_PASSWORD)
        page.get_by_test_id("login-submit").click()
        page.wait_for_url(f"{live_server.url}/")
        broken, cut = {}, {}
        for path in ["/opportunities/", "/customers/", "/bids/", "/forecasts/", opportunity.get_absolute_url()]:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status < 400, path
            if headers := page.evaluate(BROKEN_HEADERS):
                broken[path] = headers
            if names := page.evaluate(CUT_OFF, FITTING):
                cut[path] = names
        assert not broken, broken
        assert not cut, cut
    finally:
        context.close()
