"""Template helpers of the funnel: the stage panel of an opportunity page and the health badges."""

from __future__ import annotations

from django import template

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
