"""Links to many records of one kind on a page, without a `reverse()` per record.

A list page links each of its 25 rows to the row's page: `{% url %}` or `get_absolute_url` resolved the URL
pattern again for every row (about 45 `reverse()` calls a page). `record_url(viewname)` reverses once, with a
marker id, and fills each id into the same place: the same URLs, character for character.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_MARKER = 987654321987


def record_url(viewname: str) -> Callable[[int], str]:
    """`pk -> reverse(viewname, args=[pk])` for a URL pattern whose one argument is an integer id."""
    head, marker, tail = reverse(viewname, args=[_MARKER]).partition(str(_MARKER))
    if not marker or str(_MARKER) in tail:  # not where it can be filled in: resolve each one
        return lambda pk: reverse(viewname, args=[pk])
    return lambda pk: f"{head}{int(pk)}{tail}"
