"""Every page each demo persona can reach, read in English, shows no Chinese but the data people entered (issue 16).

The demo company is seeded once; each persona starts at the workbench and follows the links and HTMX parts of
every page (one page per URL shape: /customers/12/ and /customers/13/ are one page), in English. A run of Chinese
characters on a page must come from the data people entered: it has to appear in some stored name, note or
address. Text the application writes (labels, notifications, history notes, match reasons, import reports,
the Chinese name of a stage) is not counted as data, so it is caught when it stays Chinese. It uses Django's
test client rather than Chromium to keep CI time low (the phone-width journeys are browser tests)."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models

from teams.models import User

pytestmark = pytest.mark.django_db

HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
PERSONAS = ["admin", "wangjianguo", "zhaomin", "chenjing", "liqiang", "zhangwei"]
PAGES_PER_PERSONA = 60
# Columns that hold text the application wrote, not data people entered.
APPLICATION_TEXT = {"history_change_reason", "message", "report", "candidates", "change_reason"}
SKIPPED_PATHS = ("/logout", "/admin/", "/api/", "/static/", "/i18n/", "/language")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style", "textarea", "option"):
            self._hidden += 1  # scripts; a form's current values and choices are data
        for name, value in attrs:
            if name in ("href", "hx-get") and value:
                self.links.append(value)
            if name in ("title", "placeholder", "aria-label") and value:
                self.text.append(value)

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style", "textarea", "option") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data) -> None:
        if not self._hidden:
            self.text.append(data)


def entered_data() -> str:
    """Every text people entered (names, notes, addresses...), joined: a Chinese run found in it is data."""
    values = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields
                 if isinstance(f, models.CharField | models.TextField | models.JSONField)
                 and f.name not in APPLICATION_TEXT and not f.name.endswith("_zh")]
        if names and not model.__name__.startswith("Historical"):
            for row in model._default_manager.values_list(*names):
                values.extend(str(value) for value in row if value)
    return "\n".join(values)


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client, known: dict[str, list[str]], start: str = "/") -> dict[str, list[str]]:
    """The Chinese runs of each page reached from `start` (one page per URL shape). `known` holds the links of
    the pages another persona already read: those are not read again (CI time), only followed."""
    seen, found, queue = set(), {}, deque([start])
    while queue and len(seen) < PAGES_PER_PERSONA:
        url = queue.popleft()
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        if shape(url) in known:
            queue.extend(known[shape(url)])
            continue
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        found[url] = HAN_RUN.findall(" ".join(page.text))
        links = known[shape(url)] = []
        for link in page.links:
            link = urldefrag(link)[0]
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PATHS):
                continue
            if "export" in parts.path or parts.path.endswith((".csv", ".xlsx")):
                continue
            links.append(link)
            queue.append(link)
    return found


def test_every_page_of_every_persona_reads_in_english(client):
    call_command("seed_demo", verbosity=0)
    data = entered_data() + "".join(str(name) for _code, name in settings.LANGUAGES)  # each in its own language
    problems, known = {}, {}
    for username in PERSONAS:
        user = User.objects.get(username=username)
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_login(user)
        for url, runs in crawl(client, known).items():
            foreign = sorted({run for run in runs if run not in data})
            if foreign:
                problems[f"{username} {url}"] = foreign[:8]
        client.logout()
    print("\n".join(f"{page}: {runs}" for page, runs in problems.items()))
    assert problems == {}
