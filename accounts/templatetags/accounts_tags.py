"""Small template helpers of the customer pages."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext

from accounts.models import Customer
from crm.escaping import esc

register = template.Library()


@register.simple_tag
def customer_row(customer) -> str:
    """One row of the customer list (customer_list.html), written in Python: the same HTML as the template loop it
    replaces, with the tier badge (tests compare them), at a fraction of its cost (the include, the
    `reverse()` of get_absolute_url and two dozen lookups per row were half the page's rendering). The link is
    `customer.detail_url` (crm.links.record_url, set by the view); every value is escaped (crm.escaping.esc)."""
    tiers, sources = _choice_labels(get_language())
    place = f"{esc(customer.province)} · " if customer.province and customer.province != customer.city else ""
    if customer.owner_id:
        owner = esc(customer.owner)
    else:
        owner = f'<span class="badge text-bg-light border text-muted">{esc(gettext("Unassigned"))}</span>'
    created = template_localtime(customer.created_at)
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<tr>\n'
        f'          <td><a href="{esc(customer.detail_url)}" class="fw-semibold text-decoration-none">'
        f'{esc(customer.name)}</a></td>\n'
        f'          <td class="font-monospace small text-muted">{esc(customer.credit_code or "—")}</td>\n'
        f'          <td>{place}{esc(customer.city or "—")}</td>\n'
        f'          <td>{esc(customer.industry or "—")}</td>\n'
        f'          <td>{owner}</td>\n'
        f'          <td>{tier_badge_html(customer.tier, tiers)}</td>\n'
        f'          <td class="small">{esc(sources.get(customer.source, customer.source))}</td>\n'
        f'          <td class="text-end small text-muted text-nowrap">'
        f'{created.year:04d}-{created.month:02d}-{created.day:02d}</td>\n'
        f'        </tr>')


@register.simple_tag
def tier_badge(customer) -> str:
    """`{% tier_badge customer %}`: the customer's tier as a badge (its colour from the tier's CSS class)."""
    return mark_safe(tier_badge_html(customer.tier, _choice_labels(get_language())[0]))  # noqa: S308 - escaped


def tier_badge_html(tier: str, labels: dict[str, str]) -> str:
    """The tier badge of the customer list's rows and of the customer pages (the only place it is written)."""
    return (f'<span class="badge tier-badge tier-{esc(tier)}" data-testid="tier-badge">'
            f'{esc(labels.get(tier, tier))}</span>')


@lru_cache(maxsize=8)
def _choice_labels(language: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """What get_tier_display() and get_source_display() say for each value, in `language` (the current one when
    called): read once per language, not once per row (each call hashed and translated every choice)."""
    return ({value: str(label) for value, label in Customer._meta.get_field("tier").flatchoices},
            {value: str(label) for value, label in Customer._meta.get_field("source").flatchoices})
