"""Buttons and parts of the customer page that apps above accounts contribute (opportunities: the list of the
customer's opportunities, a new opportunity, an activity). Accounts may not import those apps nor name their URLs in its
templates; each registers its buttons here from its AppConfig.ready() and the page shows what is registered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from crm.page_parts import PageActions, ShownAction

_actions = PageActions()
_parts: dict[str, tuple[int, Callable[[Any, Any], str]]] = {}


def register_customer_action(code: str, order: int, label: str, icon: str, url: Callable[[Any], str],
                             visible: Callable[[Any, Any], bool], style: str = "outline-secondary") -> None:
    """Add (or, with the same code, replace) a button of the customer page's "Opportunities" tab, shown to whom
    `visible(user, customer)` allows; `code` is also its data-testid."""
    _actions.register(code, order, label, icon, url, visible, style)


def customer_actions(user, customer) -> list[ShownAction]:
    """The registered buttons this person may use on this customer's page, in order."""
    return _actions.shown(user, customer)


def register_customer_part(code: str, order: int, render: Callable[[Any, Any], str]) -> None:
    """Add (or, with the same code, replace) a block of the customer page's "Opportunities" tab below its buttons;
    `render(request, customer)` returns its HTML (render_to_string is safe; a plain string is escaped)."""
    _parts[code] = (order, render)


def customer_parts(request, customer) -> list[SafeString]:
    """The registered blocks of this customer's "Opportunities" tab, in order, as HTML."""
    ordered = sorted(_parts.items(), key=lambda item: (item[1][0], item[0]))
    return [conditional_escape(render(request, customer)) for _code, (_order, render) in ordered]
