"""Small template helpers of the opportunity pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def customer_url(customer) -> str:
    """The customer's page, or "" while the customers area has no detail page."""
    if customer is None:
        return ""
    try:
        return reverse("accounts:customer-detail", args=[customer.pk])
    except NoReverseMatch:
        return ""


@register.filter
def money(value) -> str:
    """1250000.5 -> 1,250,000.50 (grouped, two places; Decimal in, text out)."""
    if value in (None, ""):
        return "—"
    # Grouping by thousands whatever the UI language (Chinese finance pages do the same).
    return f"{Decimal(value).quantize(Decimal('0.01')):,}"


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


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
