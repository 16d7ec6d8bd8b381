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
    select_related: tuple[str, ...] = ()  # what the page's one query of the opportunity also reads for this part


@dataclass(frozen=True)
class Tab:
    code: str
    order: int  # the page's own tabs are 10 (lines), 20 (team), 40 (assessment), 50 (activities), 60 (history)
    label: str
    url: Callable[[Any], str]  # (opportunity) -> the URL that answers the tab's content


_header_parts: dict[str, HeaderPart] = {}
_actions = PageActions()
_tabs: dict[str, Tab] = {}


def register_header_part(code: str, order: int, render: Callable[[Any, Any], str], *,
                         select_related: tuple[str, ...] = ()) -> None:
    """Add (or, with the same code, replace) a block of the page header below the buttons; `render(request,
    opportunity)` returns its HTML (render_to_string is safe; a plain string is escaped). `select_related`: a
    one-to-one relation of the opportunity that the part reads (the funnel's stage entry), joined to the page's
    one query of the opportunity instead of read by a query of its own."""
    _header_parts[code] = HeaderPart(code=code, order=order, render=render, select_related=tuple(select_related))


def register_action(code: str, order: int, label: str, icon: str, url: Callable[[Any], str],
                    visible: Callable[[Any, Any], bool]) -> None:
    """Add (or, with the same code, replace) a button of the page header, shown to whom `visible(user,
    opportunity)` allows; `code` is also its data-testid."""
    _actions.register(code, order, label, icon, url, visible)


def header_parts(request, opportunity) -> list[SafeString]:
    """The registered header blocks of this opportunity's page, in order, as HTML."""
    parts = sorted(_header_parts.values(), key=lambda part: (part.order, part.code))
    return [conditional_escape(part.render(request, opportunity)) for part in parts]


def header_select_related() -> tuple[str, ...]:
    """The relations the registered header blocks ask the page's query of the opportunity to join."""
    return tuple(dict.fromkeys(name for part in _header_parts.values() for name in part.select_related))


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


# --- Columns of the opportunity list ---------------------------------------------------------------

@dataclass(frozen=True)
class ListColumn:
    """A column (and optionally a filter) of the opportunity list that a higher app adds. `annotate(queryset)`
    adds what the cell shows to the list's one query (a join or an annotation, never a query per row);
    `cell(opportunity)` renders it; `apply_filter(queryset, value)` keeps the rows of one of `filter_choices`
    ((value, label) pairs), asked for by ?<code>=value."""

    code: str
    order: int
    label: str
    annotate: Callable[[Any], Any]
    cell: Callable[[Any], str]
    filter_label: str = ""
    filter_choices: tuple = ()
    apply_filter: Callable[[Any, str], Any] | None = None

    def filter_value(self, params) -> str:
        """The filter value asked for, if it is one of the choices (anything else is no filter)."""
        value = params.get(self.code, "")
        return value if self.apply_filter and value in {str(choice) for choice, _label in self.filter_choices} else ""


_list_columns: dict[str, ListColumn] = {}


def register_list_column(column: ListColumn) -> None:
    """Add (or, with the same code, replace) a column of the opportunity list."""
    _list_columns[column.code] = column


def list_columns() -> list[ListColumn]:
    return sorted(_list_columns.values(), key=lambda column: (column.order, column.code))
