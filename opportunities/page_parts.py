"""Parts of the opportunity page that apps above opportunities contribute: the funnel's stage path in the
header, the bids' "Tender record" button, team selling's tab. Opportunities may not import those apps, nor may
its templates name their URLs, templates or tags; each higher app registers its part here from its AppConfig.ready()
(like accounts.models.register_customer_access), and the page shows whatever is registered.

Registering again with the same code replaces the earlier part, so calling ready() twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from crm.page_parts import PageActions, ShownAction


@dataclass(frozen=True)
class HeaderPart:
    code: str
    order: int
    render: Callable[[Any, Any], str]  # (request, opportunity) -> HTML


@dataclass(frozen=True)
class Tab:
    code: str
    order: int  # the page's own tabs are 10 (lines), 20 (team), 40 (assessment), 50 (activities), 60 (history)
    label: str
    url: Callable[[Any], str]  # (opportunity) -> the URL that answers the tab's content


_header_parts: dict[str, HeaderPart] = {}
_actions = PageActions()
_tabs: dict[str, Tab] = {}


def register_header_part(code: str, order: int, render: Callable[[Any, Any], str]) -> None:
    """Add (or, with the same code, replace) a block of the page header below the buttons; `render(request,
    opportunity)` returns its HTML (render_to_string is safe; a plain string is escaped)."""
    _header_parts[code] = HeaderPart(code=code, order=order, render=render)


def register_action(code: str, order: int, label: str, icon: str, url: Callable[[Any], str],
                    visible: Callable[[Any, Any], bool]) -> None:
    """Add (or, with the same code, replace) a button of the page header, shown to whom `visible(user,
    opportunity)` allows; `code` is also its data-testid."""
    _actions.register(code, order, label, icon, url, visible)


def header_parts(request, opportunity) -> list[SafeString]:
    """The registered header blocks of this opportunity's page, in order, as HTML."""
    parts = sorted(_header_parts.values(), key=lambda part: (part.order, part.code))
    return [conditional_escape(part.render(request, opportunity)) for part in parts]


def actions(user, opportunity) -> list[ShownAction]:
    """The registered buttons this person may see on this opportunity's page, in order."""
    return _actions.shown(user, opportunity)


def register_tab(code: str, order: int, label: str, url: Callable[[Any], str]) -> None:
    """Add (or, with the same code, replace) a tab of the page; its content is loaded by hx-get from
    `url(opportunity)`, which answers 404 to whoever may not see the opportunity."""
    _tabs[code] = Tab(code=code, order=order, label=label, url=url)


def tabs() -> list[Tab]:
    """The registered tabs, in order."""
    return sorted(_tabs.values(), key=lambda tab: (tab.order, tab.code))
