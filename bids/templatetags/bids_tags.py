"""Small template helpers of the tender pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def signed_percent(value) -> str:
    if value in (None, ""):
        return "—"
    value = Decimal(value).quantize(Decimal("0.01"))
    return f"+{value}%" if value > 0 else f"{value}%"


@register.filter
def gap_class(value) -> str:
    """Above the customer's target is a risk (red), at or below it is fine (green)."""
    if value in (None, ""):
        return ""
    return "bid-gap-over" if Decimal(value) > 0 else "bid-gap-under"


@register.simple_tag
def sort_link(sort_query: str, key: str, current: str) -> str:
    """The list's URL sorted by `key`, flipping the direction when it is already sorted by it."""
    target = f"-{key}" if current == key else key
    return f"?{sort_query}&ordering={target}" if sort_query else f"?ordering={target}"


@register.filter
def sort_state(current: str, key: str) -> str:
    if current == key:
        return "asc"
    if current == f"-{key}":
        return "desc"
    return ""
