"""Issue 16's check in a real browser: the account manager and the team manager read, in Chromium and in English,
every page they reach from the workbench (links and the parts pages load by HTMX, after they have loaded), and
find no Chinese but the data people entered. The same rule as tests/crm/test_english_pages.py, which reads every
persona's pages through Django's test client; this one sees what scripts and HTMX put on the screen."""

from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from teams.management.commands.seed_demo import DEMO_PASSWORD
from teams.models import User
from tests.crm.test_english_pages import HAN_RUN, SKIPPED_PATHS, entered_data, shape

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PERSONAS = ["zhangwei", "liqiang"]
PAGES_PER_PERSONA = 35
# What the screen shows: the body's text, the hints people hover or read aloud; never a form's current values.
SCREEN_TEXT = """() => [document.body.innerText,
  ...[...document.querySelectorAll('[title], [placeholder], [aria-label]')].flatMap(el =>
     ['title', 'placeholder', 'aria-label'].map(name => el.getAttribute(name) || ''))].join(' ')"""
LINKS = """() => [...document.querySelectorAll('a[href], [hx-get]')].map(el =>
  el.getAttribute('hx-get') || el.getAttribute('href'))"""


def test_everyday_pages_read_in_english_in_chromium(browser, live_server):
    call_command("seed_demo", verbosity=0)
    data = entered_data() + "".join(str(name) for _code, name in settings.LANGUAGES)
    problems, read = {}, set()
    for username in PERSONAS:
        User.objects.filter(username=username).update(language="en")
        context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEMO_PASSWORD)
            page.locator("[data-testid=login-submit]").click()
            page.wait_for_url(f"{live_server.url}/")
            queue, seen = ["/"], set()
            while queue and len(seen) < PAGES_PER_PERSONA:
                url = queue.pop(0)
                if shape(url) in seen or shape(url) in read:
                    continue
                seen.add(shape(url))
                response = page.goto(f"{live_server.url}{url}")
                if response is None or response.status != 200 or "html" not in response.headers.get("content-type", ""):
                    continue
                # The parts HTMX loads as the page starts are on the screen (it marks an element while it loads).
                page.wait_for_function("() => !document.querySelector('.htmx-request')")
                read.add(shape(url))
                foreign = sorted({run for run in HAN_RUN.findall(page.evaluate(SCREEN_TEXT)) if run not in data})
                if foreign:
                    problems[f"{username} {url}"] = foreign[:8]
                for link in page.evaluate(LINKS):
                    link = urldefrag(link)[0]
                    parts = urlsplit(link)
                    if (parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PATHS)
                            or "export" in parts.path or parts.path.endswith((".csv", ".xlsx", ".ics"))):
                        continue
                    queue.append(link)
        finally:
            context.close()
    print("\n".join(f"{page}: {runs}" for page, runs in problems.items()))
    assert len(read) > 30  # the crawl reached the pages, not just the workbench
    assert problems == {}
