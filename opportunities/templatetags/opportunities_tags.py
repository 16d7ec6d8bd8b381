"""Small template helpers of the opportunity pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from crm.escaping import esc
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
    """One row of the opportunity list (opportunity_list.html), written in Python: the stage and score badges and
    the registered columns' cells, the same HTML as the template loop it replaces (tests compare them), at a
    fraction of its cost (an include, a `{% url %}` and a dozen lookups per row were half the page's rendering).
    The link is `opportunity.detail_url` (crm.links.record_url, set by the view); every value is escaped
    (crm.escaping.esc)."""
    name, customer = esc(opportunity.name), esc(opportunity.customer.name)
    cells = "".join(f'<td class="text-end">{list_cell(column, opportunity)}</td>' for column in columns)
    return mark_safe(  # noqa: S308 - every value above and below is escaped
        f'<tr>\n'
        f'        <td class="text-truncate opp-col-name"><a href="{esc(opportunity.detail_url)}" class="fw-semibold"'
        f' title="{name}">{name}</a></td>\n'
        f'        <td class="text-truncate opp-col-customer" title="{customer}">{customer}</td>\n'
        f'        <td>{stage_badge(opportunity.stage)}</td>\n'
        f'        <td class="text-end opp-amount">{esc(money(opportunity.amount))}</td>\n'
        f'        <td>{ymd(opportunity.expected_close_date)}</td>\n'
        f'        <td>{esc(opportunity.primary_owner)}</td>\n'
        f'        <td class="text-center">{score_badge(opportunity)}</td>\n'
        f'        <td class="text-center">{confirmed_mark(opportunity.confirmed)}</td>\n'
        f'        {cells}\n'
        f'      </tr>')


@register.simple_tag
def customer_opportunity_row(opportunity) -> str:
    """One row of the customer page's list of its opportunities (_customer_opportunities.html), written in Python
    like opportunity_row: the same HTML as the template loop it replaces. The customer page loads no opportunities
    stylesheet: Bootstrap's badges only. The link is `opportunity.detail_url` (crm.links.record_url)."""
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<tr>\n'
        f'        <td><a href="{esc(opportunity.detail_url)}" class="fw-semibold">{esc(opportunity.name)}</a></td>\n'
        f'        <td>{stage_badge(opportunity.stage, open_css="text-bg-light border")}</td>\n'
        f'        <td class="text-end font-monospace">{esc(money(opportunity.amount))}</td>\n'
        f'        <td>{ymd(opportunity.expected_close_date)}</td>\n'
        f'        <td>{esc(opportunity.primary_owner)}</td>\n'
        f'      </tr>')


def ymd(day) -> str:
    """`{{ day|date:"Y-m-d" }}` of a date (a datetime in the current time zone first, as the filter does)."""
    if isinstance(day, datetime):
        day = template_localtime(day)
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


@register.simple_tag(name="stage_badge")
def stage_badge_tag(stage) -> str:
    """`{% stage_badge stage %}`: the stage as a badge, green when won and red when lost."""
    return mark_safe(stage_badge(stage))  # noqa: S308 - escaped by stage_badge


@register.simple_tag(name="score_badge")
def score_badge_tag(opportunity) -> str:
    """`{% score_badge opportunity %}`: the scorecard's score out of 20, starred when high value."""
    return mark_safe(score_badge(opportunity))  # noqa: S308 - escaped by score_badge


def stage_badge(stage, *, open_css: str = "opp-stage-badge") -> str:
    """The stage badge of the list rows and the opportunity page (the only place it is written): green when won,
    red when lost, `open_css` while open (pages without the opportunities stylesheet pass a Bootstrap class)."""
    css = {"won": "text-bg-success", "lost": "text-bg-danger"}.get(stage.outcome, open_css)
    return f'<span class="badge {css}">{esc(stage.code)} {esc(stage.name)}</span>'


def score_badge(opportunity) -> str:
    """The score badge of the list rows and the opportunity page (the only place it is written)."""
    score = opportunity.assessment_score
    if score is None:
        return (f'<span class="badge text-bg-light border text-muted" title="{esc(gettext("Not assessed yet"))}">—'
                f'</span>')
    if opportunity.high_value:
        return (f'<span class="badge text-bg-success" title="{esc(gettext("High value"))}" data-testid="score-badge">'
                f'{esc(score)}/20 <i class="bi bi-star-fill"></i></span>')
    return f'<span class="badge text-bg-secondary" data-testid="score-badge">{esc(score)}/20</span>'


def confirmed_mark(confirmed: bool) -> str:
    if confirmed:
        return f'<i class="bi bi-check-circle-fill text-success" title="{esc(gettext("Confirmed"))}"></i>'
    return '<span class="text-muted">—</span>'


@register.simple_tag
def form_field(field) -> str:
    """`{% form_field form.x %}`: what `{% include "includes/field.html" with field=form.x %}` writes (without its
    css and check_css options), in Python: the line form's five includes were half of the lines tab's rendering.
    The same HTML, character for character (a test compares them); every value is escaped (crm.escaping.esc)."""
    auto_id = field.auto_id
    errors = "".join(f'<div class="invalid-feedback d-block">{esc(error)}</div>' for error in field.errors)
    if field.is_hidden:
        return mark_safe(f"{esc(field)}{errors}\n")  # noqa: S308 - escaped
    if field.widget_type == "checkbox":
        control = (f'\n  <div class="form-check">{esc(field)} <label class="form-check-label"'
                   f' for="{esc(field.id_for_label)}">{esc(field.label)}</label></div>\n  ')
    else:
        required = ' <span class="text-danger" aria-hidden="true">*</span>' if field.field.required else ""
        control = (f'\n  <label class="form-label small mb-1" for="{esc(field.id_for_label)}">{esc(field.label)}'
                   f'{required}</label>\n  {esc(field)}\n  ')
    if errors:
        errors = f'<div id="{esc(auto_id)}_error">{errors}</div>' if auto_id else f"<div>{errors}</div>"
    help_text = ""
    if field.help_text:
        help_id = f' id="{esc(auto_id)}_helptext"' if auto_id else ""
        help_text = f'<div class="form-text"{help_id}>{esc(field.help_text)}</div>'
    return mark_safe(f'<div class="mb-2">\n  {control}\n  {errors}\n  {help_text}\n</div>\n')  # noqa: S308 - escaped
