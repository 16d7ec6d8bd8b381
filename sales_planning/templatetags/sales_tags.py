"""Template filters of the sales force planning pages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
def money(value) -> str:
    """1250000.5 -> 1,250,000.50: grouped by thousands whatever the UI language, two places, half up."""
    number = _decimal(value)
    return "—" if number is None else f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


@register.filter
def money0(value) -> str:
    """1250000.5 -> 1,250,001: whole units for dense tables and tiles."""
    number = _decimal(value)
    return "—" if number is None else f"{number.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"


@register.filter
def plain_number(value) -> str:
    """1.5000 -> 1.5, 2.0000 -> 2: a rate or multiplier without trailing zeros."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
