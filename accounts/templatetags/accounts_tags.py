"""Small template helpers of the customer pages."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def customer_row(customer) -> str:
    """One row of the customer list (customer_list.html), written in Python: the same HTML as the template loop it
    replaces, with _tier_badge.html's badge (tests compare them), at a fraction of its cost (the include, the
    `reverse()` of get_absolute_url and two dozen lookups per row were half the page's rendering). The link is
    `customer.detail_url` (crm.links.record_url, set by the view)."""
    place = f"{customer.province} · " if customer.province and customer.province != customer.city else ""
    if customer.owner_id:
        owner = format_html("{}", customer.owner)
    else:
        owner = format_html('<span class="badge text-bg-light border text-muted">{}</span>', gettext("Unassigned"))
    return format_html(
        '<tr>\n'
        '          <td><a href="{}" class="fw-semibold text-decoration-none">{}</a></td>\n'
        '          <td class="font-monospace small text-muted">{}</td>\n'
        '          <td>{}{}</td>\n'
        '          <td>{}</td>\n'
        '          <td>{}</td>\n'
        '          <td>{}</td>\n'
        '          <td class="small">{}</td>\n'
        '          <td class="text-end small text-muted text-nowrap">{}</td>\n'
        '        </tr>',
        customer.detail_url, customer.name,
        customer.credit_code or "—",
        place, customer.city or "—",
        customer.industry or "—",
        owner,
        tier_badge(customer),
        customer.get_source_display(),
        date_filter(template_localtime(customer.created_at), "Y-m-d"),
    )


def tier_badge(customer) -> str:
    """_tier_badge.html without show_origin."""
    return format_html('<span class="badge tier-badge tier-{}" data-testid="tier-badge">{}</span>',
                       customer.tier, customer.get_tier_display())
