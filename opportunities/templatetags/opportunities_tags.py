"""Small template helpers of the opportunity pages."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def customer_url(customer) -> str:
    """The customer's page ("" for no customer)."""
    return "" if customer is None else reverse("accounts:customer-detail", args=[customer.pk])


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


@register.simple_tag
def list_cell(column, opportunity) -> str:
    """A registered list column's cell for one row (opportunities.page_parts.ListColumn): its HTML, escaped
    unless the column rendered it safely."""
    from django.utils.html import conditional_escape

    return conditional_escape(column.cell(opportunity))
