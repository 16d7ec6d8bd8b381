"""Cards of a person's own settings page (`/me/`) that apps above teams contribute: the calendar subscription,
the chat accounts used for mentions. Teams may not import those apps, nor may its templates name their URLs or
templates; each higher app registers its card here from its AppConfig.ready(), and the page shows whatever is
registered. Registering again with the same code replaces the earlier card, so calling ready() twice changes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class SettingsCard:
    code: str
    order: int
    render: Callable[[Any], str]  # (request) -> HTML of the card


_cards: dict[str, SettingsCard] = {}


def register_settings_card(code: str, order: int, render: Callable[[Any], str]) -> None:
    """Add (or, with the same code, replace) a card of the settings page; `render(request)` returns its HTML
    (render_to_string is safe; a plain string is escaped)."""
    _cards[code] = SettingsCard(code=code, order=order, render=render)


def settings_cards(request) -> list[SafeString]:
    """The registered cards of the signed-in person's settings page, in order, as HTML."""
    cards = sorted(_cards.values(), key=lambda card: (card.order, card.code))
    return [conditional_escape(card.render(request)) for card in cards]
