"""The status badge of a forecast record and the rows of the team forecast table (amounts through
crm.money.format_money, like the `money` filter of every page)."""


from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy

from crm.money import format_money

register = template.Library()


STATUS_BADGES = {
    "approved": ("approved", _lazy("Approved")),
    "submitted": ("submitted", _lazy("Submitted")),
    "returned": ("returned", _lazy("Returned")),
    "draft": ("draft", _lazy("Draft")),
}
MISSING_BADGE = ("missing", _lazy("Not submitted"))


@register.simple_tag
def status_badge(status) -> str:
    """A record's status as a badge (the same as forecasting/_status_badge.html, without the cost of
    an include per row on the long tables)."""
    css, label = STATUS_BADGES.get(str(status), MISSING_BADGE)
    return format_html('<span class="badge fc-status fc-status-{}">{}</span>', css, label)


@register.simple_tag(takes_context=True)
def team_rows(context, rows) -> str:
    """The rows of the team forecast table (forecasting/team_forecast.html), one per direct report.

    Built here rather than in the template: a manager of a large team has a row per report (120 at
    the large demo scale) and the template engine spent about half a millisecond on each.
    """
    period, next_url = context["period"], context.get("next_url", "")
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', str(context.get("csrf_token")))
    may_decide = period.is_open
    labels = {"passes": gettext("passes through"), "open": gettext("Open"), "approve": gettext("Approve"),
              "reason": gettext("Reason"), "reason_aria": gettext("Reason for returning"), "return": gettext("Return")}
    html = []
    for row in rows:
        figure = row["figure"]
        latest, pk, name = figure.latest, figure.person.id, figure.person.name
        if row["has_reports"]:
            who = format_html('<a href="?period={}&amp;person={}" class="fw-semibold" data-testid="fc-drill-{}">'
                              '<i class="bi bi-diagram-3"></i> {}</a>', period.pk, pk, pk, name)
        else:
            who = format_html('<span class="fw-semibold">{}</span>', name)
        if not figure.submits:
            who += format_html(' <span class="badge text-bg-light border small">{}</span>', labels["passes"])
        status = status_badge(figure.status)
        if latest is not None and latest.version > 1:
            status += format_html(' <span class="small text-muted">v{}</span>', latest.version)
        adjustment = row["adjustment"]
        if adjustment:
            adjusted = format_html('<span class="{}">{}</span>', "text-danger" if adjustment < 0 else "text-success",
                                   format_money(adjustment))
        else:
            adjusted = "—"
        submitted = (dateformat.format(timezone.localtime(latest.submitted_at), "m-d H:i")
                     if latest is not None and latest.submitted_at else "—")
        actions = ""
        if latest is not None:
            actions = format_html('<a class="btn btn-sm btn-link py-0" href="{}">{}</a>', row["detail_url"],
                                  labels["open"])
            if latest.status == "submitted" and may_decide:
                hidden = format_html('<input type="hidden" name="lock_version" value="{}">'
                                     '<input type="hidden" name="next" value="{}">', latest.lock_version, next_url)
                actions += format_html(
                    '<form method="post" action="{}" class="d-inline">{}{}<button class="btn btn-sm btn-success py-0" '
                    'type="submit" data-testid="fc-approve-{}">{}</button></form>',
                    row["approve_url"], csrf, hidden, pk, labels["approve"])
                actions += format_html(
                    '<form method="post" action="{}" class="d-inline-flex gap-1 fc-return-inline">{}{}'
                    '<input type="text" name="reason" required class="form-control form-control-sm" placeholder="{}" '
                    'aria-label="{}" data-testid="fc-return-reason-{}"><button class="btn btn-sm btn-outline-danger '
                    'py-0" type="submit" data-testid="fc-return-{}">{}</button></form>',
                    row["return_url"], csrf, hidden, labels["reason"], labels["reason_aria"], pk, pk, labels["return"])
        machine = ""
        if "machine" in row:
            machine = format_html('<td class="text-end" data-testid="fc-machine-{}">{}{}</td>', pk,
                                  format_money(row["machine"]), machine_gap(row["machine_gap"]))
        html.append(format_html(
            '<tr data-testid="fc-team-row-{}"><td>{}</td><td>{}</td><td class="text-end fw-semibold">{}</td>'
            '<td class="text-end">{}</td>{}<td class="text-end">{}</td><td class="small">{}</td>'
            '<td class="text-end text-nowrap">{}</td></tr>\n',
            pk, who, status, format_money(figure.amount), format_money(figure.pipeline), machine, adjusted, submitted,
            actions))
    return mark_safe("".join(html))  # noqa: S308 - every piece above went through format_html


@register.simple_tag
def machine_gap(gap) -> str:
    """The gap between a reported figure and the machine forecast (reported − machine), under the machine figure;
    highlighted when it is large (forecasting.selectors.GAP_FLAG)."""
    if not gap:
        return ""
    css = "fc-gap badge text-bg-warning" if gap["flagged"] else "fc-gap small text-muted"
    sign = "+" if gap["amount"] > 0 else ""
    return format_html('<div class="{}" title="{}">{} {}{}</div>', css, gettext("Reported − machine forecast"),
                       gettext("gap"), sign, format_money(gap["amount"]))
