"""`esc(value)`: Django's `conditional_escape`, for HTML written in Python many times a page.

A list page writes its 25 rows in Python (opportunities_tags.opportunity_row, accounts_tags.customer_row), about
twenty escaped values a row. `conditional_escape` calls `escape`, which Django wraps to accept lazy text: the wrapper
cost more than the escaping (half of a row's time). `esc` gives the same result, character for character: text with
`__html__` (SafeString, a rendered cell) as it is, lazy text translated first, anything else `html.escape(str(...))`,
which is what Django's `escape` does.
"""

from __future__ import annotations

import html

from django.utils.functional import Promise


def esc(value) -> str:
    if isinstance(value, Promise):
        value = str(value)
    as_html = getattr(value, "__html__", None)
    if as_html is not None:
        return as_html()
    return html.escape(str(value))
