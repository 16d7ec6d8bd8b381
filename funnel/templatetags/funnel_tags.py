"""Template helpers of the funnel: the stage panel of an opportunity page and the health badges."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from crm.escaping import esc
from crm.money import format_money
from funnel import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def funnel_stage_panel(context, opportunity) -> dict:
    """`{% funnel_stage_panel opportunity as panel %}`: what funnel/_stage_path.html shows (see
    funnel.selectors.stage_panel), for the signed-in person."""
    request = context.get("request")
    viewer = getattr(request, "user", None) or context.get("user")
    return selectors.stage_panel(opportunity=opportunity, viewer=viewer)


@register.inclusion_tag("funnel/_stage_path.html", takes_context=True)
def funnel_stage_path(context, opportunity):
    """`{% funnel_stage_path opportunity %}`: the clickable stage path with the stage's checklist and days in
    stage, the same as including funnel/_stage_path.html with `opportunity`."""
    return {"opportunity": opportunity, "request": context.get("request"), "user": context.get("user"),
            "csrf_token": context.get("csrf_token"), "LANGUAGE_CODE": context.get("LANGUAGE_CODE")}


@register.filter
def health_label(status: str) -> str:
    return str(selectors.Health.LABELS.get(status, status))


@register.filter
def measure_value(row, measure: str):
    return row.current(measure)


@register.filter
def measure_expected(row, measure: str):
    return row.expected.value(measure)


@register.filter
def measure_status(row, measure: str) -> str:
    return row.status(measure)


@register.filter
def measure_percent(row, measure: str):
    return row.percent(measure)


@register.filter
def measure_source(row, measure: str) -> str:
    return row.expected.source(measure)


def health_badge_html(status: str) -> str:
    """The health badge (funnel/_health_badge.html, ending with its newline), every value escaped."""
    return (f'<span class="badge fn-health fn-health-{esc(status)}" data-status="{esc(status)}">'
            f'{esc(health_label(status))}</span>\n')


@register.simple_tag
def funnel_health_row(row, measure: str) -> str:
    """One stage of the funnel page's table (funnel.html), written in Python: the HTML of the template loop body
    it replaces with its health badge include, character for character (tests compare them), without a template
    lookup, filter call and include per cell. Every value is escaped (crm.escaping.esc) and numbers are localized
    as the template showed them."""
    stage, figure = row.stage, row.figure
    stuck = ""
    if row.stuck:
        stuck = (f' <span class="badge fn-stuck-badge" title="{esc(gettext("Stuck opportunities"))}">'
                 f'<i class="bi bi-hourglass-bottom"></i> {esc(localize(row.stuck))}</span>')
    expected = row.expected.value(measure)
    if expected is None:
        expected_html = "—"
    elif measure == "amount":
        expected_html = esc(format_money(expected, currency=True))
    else:
        expected_html = esc(floatformat(expected, "-2"))
    if row.expected.source(measure) == "manual":
        expected_html += (f' <i class="bi bi-pencil-square text-muted" title="{esc(gettext("Manual baseline"))}">'
                          f'</i>')
    percent = row.percent(measure)
    code = esc(stage.code)
    return mark_safe(  # noqa: S308 - every value is escaped
        f'\n                <tr data-testid="funnel-row-{code}">\n'
        f'                  <td><span class="fw-semibold">{code}</span> {esc(stage.name)} '
        f'<span class="text-muted small">{esc(localize(stage.probability))}%</span>{stuck}</td>\n'
        f'                  <td class="text-end">{esc(localize(figure.count))}</td>\n'
        f'                  <td class="text-end text-nowrap">{esc(format_money(figure.amount, currency=True))}</td>\n'
        f'                  <td class="text-end text-nowrap">{esc(format_money(row.weighted, currency=True))}</td>\n'
        f'                  <td class="text-end text-nowrap">{expected_html}</td>\n'
        f'                  <td class="text-end text-nowrap">{"—" if percent is None else f"{esc(localize(percent))}%"}'
        f'</td>\n'
        f'                  <td>{health_badge_html(row.status(measure))}</td>\n'
        f'                </tr>\n'
        f'              ')
