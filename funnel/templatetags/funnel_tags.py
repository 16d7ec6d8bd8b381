"""Template helpers of the funnel: the stage panel of an opportunity page and the health badges."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.template.defaulttags import CsrfTokenNode
from django.utils.formats import date_format, localize
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
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


def _value(value) -> str:
    """`{{ value }}` of a string or a number, as the template writes it (localized, escaped)."""
    return esc(value) if isinstance(value, str) else esc(localize(value))


@register.simple_tag(takes_context=True)
def stage_path_steps(context, panel: dict, move_url: str) -> str:
    """`{% stage_path_steps panel move_url %}`: the open stages of funnel/_stage_path.html's path, each a
    one-click move (a form) or, for the current stage and whoever may not move, a plain block. Written in Python:
    the template loop (a form, a CSRF token, the page's path and a dozen lookups per stage) was half the path's
    rendering. The same HTML as that loop, which tests keep as the reference; every value is escaped
    (crm.escaping.esc)."""
    steps = panel["path"]
    if not steps:
        return ""
    may_move = panel["may_move"]
    url = esc(move_url)
    csrf_input = next_path = lock = ""
    if may_move:
        csrf_input = CsrfTokenNode().render(context)
        request = context.get("request")
        next_path = esc(request.get_full_path()) if request is not None else ""
        lock = f' <i class="bi bi-lock-fill" aria-label="{esc(gettext("Entry requirement not met"))}"></i>'
    html = []
    for step in steps:
        stage, state, blocked = step.stage, step.state, step.blocked
        code, name, tasks, probability = esc(stage.code), esc(stage.name), esc(stage.tasks), _value(stage.probability)
        blocked_css = " fn-path-blocked" if blocked else ""
        current = ' aria-current="step"' if state == "current" else ""
        html.append(f'\n    <li class="fn-path-step fn-path-{esc(state)}{blocked_css}"{current}>\n      ')
        if may_move and state != "current":
            messages = "".join(f" · {esc(message)}" for message in blocked)
            lock_if_blocked = lock if blocked else ""
            html.append(
                f'\n      <form method="post" action="{url}">{csrf_input}\n'
                f'        <input type="hidden" name="stage" value="{code}">\n'
                f'        <input type="hidden" name="next" value="{next_path}">\n'
                f'        <button type="submit" class="fn-path-btn" title="{tasks}{messages}"'
                f' data-testid="move-{code}">\n'
                f'          <span class="fn-path-code">{code}{lock_if_blocked}</span>\n'
                f'          <span class="fn-path-name">{name}</span>\n'
                f'          <span class="fn-path-prob">{probability}%</span>\n'
                f'        </button>\n'
                f'      </form>\n      ')
        else:
            html.append(
                f'\n      <div class="fn-path-btn" title="{tasks}">\n'
                f'        <span class="fn-path-code">{code}</span>\n'
                f'        <span class="fn-path-name">{name}</span>\n'
                f'        <span class="fn-path-prob">{probability}%</span>\n'
                f'      </div>\n      ')
        html.append("\n    </li>\n    ")
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def stage_checklist_items(context, panel: dict, task_url: str, opportunity_pk) -> str:
    """`{% stage_checklist_items panel task_url opportunity.pk %}`: the tasks of funnel/_stage_checklist.html,
    each a tick box (a form, for whoever may tick) with who ticked it and when. Written in Python like
    stage_path_steps: the same HTML as the template loop it replaces, which tests keep as the reference; every
    value is escaped (crm.escaping.esc)."""
    items = panel["checklist"]
    if not items:
        return ""
    may_tick = panel["may_tick"]
    url, target = esc(task_url), esc(opportunity_pk)
    csrf_input = CsrfTokenNode().render(context) if may_tick else ""
    html = []
    for item in items:
        done, position, text = item.done, esc(item.position), esc(item.text)
        icon = "bi-check-square-fill text-success" if done else "bi-square"
        done_css = " fn-task-done" if done else ""
        html.append(f'\n    <li class="fn-task{done_css}" data-testid="task-{position}">\n      ')
        if may_tick:
            title = esc(gettext("Mark as not done") if done else gettext("Mark as done"))
            html.append(
                f'\n      <form method="post" action="{url}" hx-post="{url}" hx-target="#fn-checklist-{target}"'
                f' hx-swap="outerHTML" class="d-inline">{csrf_input}\n'
                f'        <input type="hidden" name="position" value="{position}"><input type="hidden" name="done"'
                f' value="{"0" if done else "1"}">\n'
                f'        <button type="submit" class="btn btn-link btn-sm p-0 text-reset text-start'
                f' text-decoration-none fn-task-btn" aria-pressed="{"true" if done else "false"}" title="{title}"'
                f' data-testid="task-toggle-{position}">\n'
                f'          <i class="bi {icon}" aria-hidden="true"></i> <span class="fn-task-text">{text}</span>'
                f'</button>\n'
                f'      </form>\n      ')
        else:
            html.append(f'<i class="bi {icon}" aria-hidden="true"></i> <span class="fn-task-text">{text}</span>')
            if done:
                html.append(f' <span class="visually-hidden">{esc(gettext("done"))}</span>')
        html.append("\n      ")
        if done:
            who = esc(done.done_by or gettext("system"))
            done_at = template_localtime(done.done_at)
            when = esc(date_format(done_at, "Y-m-d H:i"))
            title = gettext("done by %(who)s on %(when)s") % {"who": who, "when": when}
            html.append(f'<span class="text-muted small text-nowrap fn-task-who" title="{title}"'
                        f' data-testid="task-done-by-{position}">· {who} {esc(date_format(done_at, "m-d"))}</span>')
        html.append("\n    </li>\n    ")
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped
