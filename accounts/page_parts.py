"""Buttons of the customer page that apps above accounts contribute (opportunities: the customer's
opportunities, a new opportunity, an activity). Accounts may not import those apps nor name their URLs in its
templates; each registers its buttons here from its AppConfig.ready() and the page shows what is registered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crm.page_parts import PageActions, ShownAction

_actions = PageActions()


def register_customer_action(code: str, order: int, label: str, icon: str, url: Callable[[Any], str],
                             visible: Callable[[Any, Any], bool], style: str = "outline-secondary") -> None:
    """Add (or, with the same code, replace) a button of the customer page's "Opportunities" tab, shown to whom
    `visible(user, customer)` allows; `code` is also its data-testid."""
    _actions.register(code, order, label, icon, url, visible, style)


def customer_actions(user, customer) -> list[ShownAction]:
    """The registered buttons this person may use on this customer's page, in order."""
    return _actions.shown(user, customer)
