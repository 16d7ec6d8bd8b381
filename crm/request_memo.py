"""What the parts of one page would each read again: kept for the rest of that request, and only that one.

The workbench's cards, a list page's filters and its rows each ask `visible_to(viewer)`, which first reads the
viewer's subtree and their sales-team memberships (two queries each time: a company head's workbench read them
eight times). During a GET or HEAD request, `remembered(key, read)` reads once and hands the same answer to the
next part that asks. Nothing outlives the request (a context variable the middleware sets and resets; no process
memory between requests), and any save or delete during the request forgets everything, so a request that
changes who sees what reads it again (a bulk `QuerySet.update()` sends no signal: GET views do not hand records
over, the services that do run on POST, where nothing is kept). Outside a request (tasks, shell, tests calling
selectors) nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("crm_request_memo", default=None)


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, once per GET or HEAD request for `key` (every time outside one)."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def remember(key: Hashable, value) -> None:
    """Keep `value`, read by a query that answered more than one question, as `remembered(key, ...)` would have
    read it, for the rest of this GET or HEAD request (nothing outside one; a value already kept stays)."""
    memo = _memo.get()
    if memo is not None:
        memo.setdefault(key, value)


def forget(*args, **kwargs) -> None:
    """Drop what this request kept (any write may change who sees what)."""
    memo = _memo.get()
    if memo:
        memo.clear()


post_save.connect(forget, dispatch_uid="crm.request_memo.post_save")
post_delete.connect(forget, dispatch_uid="crm.request_memo.post_delete")
m2m_changed.connect(forget, dispatch_uid="crm.request_memo.m2m_changed")


class RequestMemoMiddleware:
    """Gives each GET or HEAD request its own memo (see the module's docstring); other methods get none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
