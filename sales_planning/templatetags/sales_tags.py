"""Template filters of the sales force planning pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def plain_number(value) -> str:
    """1.5000 -> 1.5, 2.0000 -> 2: a rate or multiplier without trailing zeros."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
