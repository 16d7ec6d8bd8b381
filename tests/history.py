"""Read a history list (templates/includes/history.html) back from a page: its entries, each with its title,
its starting values and its changes as people read them."""

import html as html_lib
import re

ENTRY = re.compile(r'<li class="history-entry history-(?P<kind>[\w-]+)[^"]*">(?P<body>.*?)\n  </li>', re.S)
TITLE = re.compile(r'<span class="fw-semibold">(.*?)</span>', re.S)
VALUE = re.compile(r'<li class="list-inline-item"><span class="text-muted">(.*?):</span> (.*?)</li>', re.S)
CHANGE = re.compile(r'<li><span class="text-muted">(.*?):</span> <del class="text-muted">(.*?)</del> → '
                    r'<strong>(.*?)</strong></li>', re.S)


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def history_rows(page: str) -> list[dict]:
    """[{"kind", "title", "values": [(label, value)], "changes": [(label, old, new)]}], newest first."""
    rows = []
    for match in ENTRY.finditer(page):
        body = match["body"]
        rows.append({
            "kind": match["kind"],
            "title": _text(TITLE.search(body)[1]),
            "values": [tuple(_text(part) for part in found) for found in VALUE.findall(body)],
            "changes": [tuple(_text(part) for part in found) for found in CHANGE.findall(body)],
        })
    return rows
