"""A page of a lower app shows buttons that apps above it contribute (the opportunity page's "Tender record"
from bids, the customer page's "New opportunity" from opportunities): the lower app keeps a PageActions, the
higher apps register their buttons from their AppConfig.ready(), and the page shows those the reader may use.
Neither the lower app's code nor its templates name the higher app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Action:
    code: str  # also the button's data-testid
    order: int
    label: str
    icon: str  # a Bootstrap icon name, e.g. "bi-file-earmark-text"
    url: Callable[[Any], str]  # (the page's object) -> URL
    visible: Callable[[Any, Any], bool]  # (user, the page's object) -> shown to this person
    style: str = "outline-secondary"  # the Bootstrap button style


@dataclass(frozen=True)
class ShownAction:
    code: str
    label: str
    icon: str
    url: str
    style: str


class PageActions:
    """The buttons registered for one kind of page; registering a code again replaces it (ready() may run
    twice)."""

    def __init__(self) -> None:
        self._actions: dict[str, Action] = {}

    def register(self, code: str, order: int, label: str, icon: str, url: Callable[[Any], str],
                 visible: Callable[[Any, Any], bool], style: str = "outline-secondary") -> None:
        self._actions[code] = Action(code=code, order=order, label=label, icon=icon, url=url, visible=visible,
                                     style=style)

    def shown(self, user, obj) -> list[ShownAction]:
        """The buttons this person may use on this object's page, in order."""
        registered = sorted(self._actions.values(), key=lambda action: (action.order, action.code))
        return [ShownAction(code=action.code, label=str(action.label), icon=action.icon, url=action.url(obj),
                            style=action.style)
                for action in registered if action.visible(user, obj)]
