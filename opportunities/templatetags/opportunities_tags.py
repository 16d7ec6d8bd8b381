"""Small template helpers of the opportunity pages."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from crm.money_filters import money

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


@register.simple_tag
def opportunity_row(opportunity, columns) -> str:
    """One row of the opportunity list (opportunity_list.html), written in Python: the stage and score badges of
    _stage_badge.html and _score_badge.html and the registered columns' cells, the same HTML as the template loop
    it replaces (tests compare them), at a fraction of its cost (an include, a `{% url %}` and a dozen lookups per
    row were half the page's rendering). The link is `opportunity.detail_url` (crm.links.record_url, set by the
    view)."""
    return format_html(
        '<tr>\n'
        '        <td class="text-truncate opp-col-name"><a href="{}" class="fw-semibold" title="{}">{}</a></td>\n'
        '        <td class="text-truncate opp-col-customer" title="{}">{}</td>\n'
        '        <td>{}</td>\n'
        '        <td class="text-end opp-amount">{}</td>\n'
        '        <td>{}</td>\n'
        '        <td>{}</td>\n'
        '        <td class="text-center">{}</td>\n'
        '        <td class="text-center">{}</td>\n'
        '        {}\n'
        '      </tr>',
        opportunity.detail_url, opportunity.name, opportunity.name,
        opportunity.customer.name, opportunity.customer.name,
        stage_badge(opportunity.stage),
        money(opportunity.amount),
        date_filter(template_localtime(opportunity.expected_close_date), "Y-m-d"),
        opportunity.primary_owner,
        score_badge(opportunity),
        confirmed_mark(opportunity.confirmed),
        mark_safe("".join(f'<td class="text-end">{list_cell(column, opportunity)}</td>'  # noqa: S308 - escaped
                          for column in columns)),
    )


@register.simple_tag
def customer_opportunity_row(opportunity) -> str:
    """One row of the customer page's list of its opportunities (_customer_opportunities.html), written in Python
    like opportunity_row: the same HTML as the template loop it replaces. The customer page loads no opportunities
    stylesheet: Bootstrap's badges only. The link is `opportunity.detail_url` (crm.links.record_url)."""
    stage = opportunity.stage
    css = {"won": "text-bg-success", "lost": "text-bg-danger"}.get(stage.outcome, "text-bg-light border")
    return format_html(
        '<tr>\n'
        '        <td><a href="{}" class="fw-semibold">{}</a></td>\n'
        '        <td><span class="badge {}">{} {}</span></td>\n'
        '        <td class="text-end font-monospace">{}</td>\n'
        '        <td>{}</td>\n'
        '        <td>{}</td>\n'
        '      </tr>',
        opportunity.detail_url, opportunity.name,
        css, stage.code, stage.name,
        money(opportunity.amount),
        date_filter(template_localtime(opportunity.expected_close_date), "Y-m-d"),
        opportunity.primary_owner,
    )


def stage_badge(stage) -> str:
    """_stage_badge.html."""
    css = {"won": "text-bg-success", "lost": "text-bg-danger"}.get(stage.outcome, "opp-stage-badge")
    return format_html('<span class="badge {}">{} {}</span>', css, stage.code, stage.name)


def score_badge(opportunity) -> str:
    """_score_badge.html."""
    score = opportunity.assessment_score
    if score is None:
        return format_html('<span class="badge text-bg-light border text-muted" title="{}">—</span>',
                           gettext("Not assessed yet"))
    if opportunity.high_value:
        return format_html('<span class="badge text-bg-success" title="{}" data-testid="score-badge">{}/20 '
                           '<i class="bi bi-star-fill"></i></span>', gettext("High value"), score)
    return format_html('<span class="badge text-bg-secondary" data-testid="score-badge">{}/20</span>', score)


def confirmed_mark(confirmed: bool) -> str:
    if confirmed:
        return format_html('<i class="bi bi-check-circle-fill text-success" title="{}"></i>', gettext("Confirmed"))
    return mark_safe('<span class="text-muted">—</span>')
