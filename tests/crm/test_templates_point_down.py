"""Templates follow the layers too. import-linter checks Python imports only; a template that names a
higher app's URL, includes one of its templates or loads its template tags depends on it just the same.
A lower page shows a higher app's part through a registry the higher app fills (opportunities/page_parts.py)
or loads it by `hx-get` from a URL it is given."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

# Lower rank first; an app may use its own templates and those of strictly lower ranks, so apps of the same
# rank (forecasting and bids, sales_planning and team_selling) may not use each other.
RANK = {
    "teams": 0,
    "accounts": 1,
    "opportunities": 2,
    "funnel": 3,
    "forecasting": 4,
    "bids": 4,
    "sales_planning": 5,
    "team_selling": 5,
}

# Known exceptions, each with the reason it is still there. (template relative to the project, the app it
# names) — remove a line when the template stops reaching up; a new violation fails the test.
ALLOWED: set[tuple[str, str]] = set()

URL = re.compile(r"""\{%\s*url\s+["']([\w-]+):""")
INCLUDE = re.compile(r"""\{%\s*(?:include|extends)\s+["']([\w-]+)/""")
LOAD = re.compile(r"""\{%\s*load\s+([^%]+?)\s*%\}""")


def _tag_libraries() -> dict[str, str]:
    """Template tag library name → the app that defines it."""
    root = Path(settings.BASE_DIR)
    return {module.stem: app for app in RANK for module in (root / app / "templatetags").glob("*.py")
            if module.stem != "__init__"}


def _apps_used(text: str, libraries: dict[str, str]) -> set[str]:
    used = set(URL.findall(text)) | set(INCLUDE.findall(text))
    for names in LOAD.findall(text):
        words = names.split()
        if "from" in words:  # {% load tag1 tag2 from library %}
            words = words[words.index("from") + 1:]
        used |= {libraries[word] for word in words if word in libraries}
    return used & RANK.keys()


def _violations() -> set[tuple[str, str]]:
    root = Path(settings.BASE_DIR)
    libraries = _tag_libraries()
    found = set()
    for app, rank in RANK.items():
        for template in sorted((root / app / "templates").rglob("*.html")):
            for used in _apps_used(template.read_text(encoding="utf-8"), libraries):
                if used != app and RANK[used] >= rank:
                    found.add((str(template.relative_to(root)), used))
    return found


def test_no_template_reaches_up_to_a_higher_app():
    unexpected = _violations() - ALLOWED
    assert not unexpected, "Templates that use an app above their own (use a registry or hx-get): " + ", ".join(
        f"{path} → {app}" for path, app in sorted(unexpected))


def test_the_allow_list_holds_no_fixed_exception():
    fixed = ALLOWED - _violations()
    assert not fixed, f"No longer needed, remove from ALLOWED: {sorted(fixed)}"


def test_the_scan_finds_each_kind_of_reference():
    libraries = _tag_libraries()
    assert _apps_used("{% url 'bids:bid-new' %}", libraries) == {"bids"}
    assert _apps_used('{% include "funnel/_stage_path.html" with x=1 %}', libraries) == {"funnel"}
    assert _apps_used("{% load i18n funnel_tags %}", libraries) == {"funnel"}
    assert _apps_used("{% load money from sales_tags %}", libraries) == {"sales_planning"}
    assert _apps_used('{% include "includes/field.html" %}{% url "login" %}', libraries) == set()
