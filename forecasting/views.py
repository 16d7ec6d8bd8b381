"""Forecast pages: my forecast (grid, confirm, amounts, categories, submit), team forecast with
drill-down, one record with its trail and workflow actions, the records list, the division view
(own vs channel, channel import) and the production plan with its CSV export.

Views read input, call a service and show what it says; a refusal becomes a message, never a
server error. Every record a page touches comes from `visible_to(request.user)`: else a 404.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from crm.errors import DomainError, refusal_message
from crm.form_tokens import one_time_form
from crm.params import parse_id
from forecasting import selectors, services
from forecasting.forms import ChannelImportForm, DecisionForm, ReviseForm
from forecasting.models import (
    Category,
    Forecast,
    ForecastPeriod,
    ForecastStatus,
)
from teams.models import User

# --- Shared pieces -------------------------------------------------------------------------------

PERIOD_CHOICES = 24  # periods offered in the selector, newest first
PLACEHOLDER_ID = 987654321  # stands for a record's id in a URL reversed once for many rows


def _subnav(request, active: str, period: ForecastPeriod | None) -> list[dict[str, Any]]:
    query = f"?period={period.pk}" if period is not None else ""
    items = [("mine", reverse("forecasting:my-forecast"), _("My forecast"), "person-check")]
    if request.user.is_manager:
        items.append(("team", reverse("forecasting:team-forecast"), _("Team forecast"), "people"))
    if request.user.is_admin or selectors.divisions_for(viewer=request.user).exists():
        items.append(("division", reverse("forecasting:division"), _("Division view"), "building"))
        items.append(("plan", reverse("forecasting:production-plan"), _("Production plan"), "box-seam"))
    items.append(("records", reverse("forecasting:records"), _("Records and history"), "clock-history"))
    return [{"key": key, "url": url + query, "label": label, "icon": icon, "active": key == active}
            for key, url, label, icon in items]


def _period_choices(request) -> list[ForecastPeriod]:
    """The periods of the page's selector, loaded once per request (`_period` picks from them)."""
    if not hasattr(request, "_forecast_periods"):
        request._forecast_periods = list(selectors.period_choices(viewer=request.user)[:PERIOD_CHOICES])
    return request._forecast_periods


def _render(request, template: str, context: dict[str, Any], *, section: str, status: int = 200) -> HttpResponse:
    period = context.get("period")
    context = {
        **context,
        "subnav": _subnav(request, section, period),
        "periods": _period_choices(request),
        "section": section,
    }
    return render(request, template, context, status=status)


def _attempt(request, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run a service call; on a refusal, show its message. Returns (succeeded, result)."""
    try:
        return True, action()
    except (DomainError, PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_message(error))
        return False, None


def _period(request) -> ForecastPeriod | None:
    """The period asked for (`?period=`), else the current one; taken from the selector's periods
    when it is among them, so the page loads it once."""
    raw = request.GET.get("period") or request.POST.get("period")
    if not raw:
        return selectors.current_period(viewer=request.user)
    try:
        pk = int(raw)
    except ValueError as exc:
        raise Http404(_("No such forecast period.")) from exc
    if request.method == "GET":
        for period in _period_choices(request):
            if period.pk == pk:
                return period
    try:
        return ForecastPeriod.objects.visible_to(request.user).get(pk=pk)
    except ForecastPeriod.DoesNotExist as exc:
        raise Http404(_("No such forecast period.")) from exc


def _record_or_404(request, pk: int) -> Forecast:
    try:
        return selectors.forecast_get(viewer=request.user, pk=pk)
    except Forecast.DoesNotExist as exc:
        raise Http404(_("No such forecast record.")) from exc


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


def _no_period(request, section: str) -> HttpResponse:
    return _render(request, "forecasting/no_period.html", {"period": None}, section=section)


# --- My forecast ---------------------------------------------------------------------------------

@login_required
@require_GET
def my_forecast(request):
    """The period's opportunities I own as primary owner: confirm, amount, category, totals, submit."""
    period = _period(request)
    if period is None:
        return _no_period(request, "mine")
    context = selectors.my_forecast(viewer=request.user, period=period, periods=_period_choices(request))
    context["categories"] = Category.choices
    return _render(request, "forecasting/my_forecast.html", context, section="mine")


@login_required
@require_POST
@one_time_form
def forecast_create(request):
    """Make my next version for the period (lines from my confirmed opportunities)."""
    period = _period(request)
    if period is None:
        raise Http404(_("No such forecast period."))
    ok, forecast = _attempt(request, lambda: services.forecast_create(period=period, by=request.user))
    if ok:
        messages.success(request, _("Forecast record version %(version)d created.") % {"version": forecast.version})
    return redirect(_next_url(request, reverse("forecasting:my-forecast") + f"?period={period.pk}"))


@login_required
@require_POST
def opportunity_confirm(request, pk: int):
    """Confirm or withdraw one of my opportunities (the opportunities area's rule: primary owner only)."""
    from opportunities.models import Opportunity

    opportunity = get_object_or_404(Opportunity.objects.visible_to(request.user), pk=pk)
    confirmed = request.POST.get("confirmed") in ("1", "true", "on")
    _attempt(request, lambda: services.opportunity_confirm(opportunity=opportunity, confirmed=confirmed,
                                                           by=request.user))
    return redirect(_next_url(request, reverse("forecasting:my-forecast")))


@login_required
@require_POST
def lines_update(request, pk: int):
    """Save the draft's line amounts and categories from the grid."""
    forecast = _record_or_404(request, pk)
    changes = _posted_lines(forecast, request.POST) or []
    ok, _result = _attempt(request, lambda: services.forecast_set_lines(
        forecast=forecast, by=request.user, lines=changes, lock_version=request.POST.get("lock_version")))
    if ok:
        messages.success(request, _("Lines saved."))
    return redirect(_next_url(request, forecast.get_absolute_url()))


def _posted_lines(forecast: Forecast, post) -> list[dict[str, Any]] | None:
    """The grid's line amounts and categories as posted (`amount-<id>`, `category-<id>`); None when the
    form carried none (a submit from the record page)."""
    changes = []
    for line in forecast.lines.all():
        change: dict[str, Any] = {"id": line.pk}
        if f"amount-{line.pk}" in post:
            change["amount"] = post.get(f"amount-{line.pk}")
        if f"category-{line.pk}" in post:
            change["category"] = post.get(f"category-{line.pk}")
        if len(change) > 1:
            changes.append(change)
    return changes or None


# --- One record ----------------------------------------------------------------------------------

@login_required
@require_GET
def forecast_detail(request, pk: int):
    """One record: figures, lines, every version and the trail; the actions the viewer may take."""
    forecast = _record_or_404(request, pk)
    user = request.user
    is_owner = forecast.owner_id == user.pk
    may_decide = services.forecast_may_decide(forecast=forecast, by=user)
    return _render(request, "forecasting/forecast_detail.html", {
        "forecast": forecast,
        "period": forecast.period,
        "lines": list(forecast.lines.all()),
        "versions": selectors.forecast_versions(forecast=forecast),
        "trail": selectors.forecast_trail(forecast=forecast),
        "is_owner": is_owner,
        "may_decide": may_decide and forecast.status == ForecastStatus.SUBMITTED,
        "revise_form": ReviseForm(initial={"amount": forecast.amount}),
        "decision_form": DecisionForm(),
        "categories": Category.choices,
    }, section="records")


ACTIONS = {
    # From "my forecast" the submit button sends the grid: the amounts on the screen are submitted.
    "submit": lambda forecast, by, post: services.forecast_submit(
        forecast=forecast, by=by, lock_version=post.get("lock_version"), lines=_posted_lines(forecast, post)),
    "approve": lambda forecast, by, post: services.forecast_approve(
        forecast=forecast, by=by, reason=post.get("reason", ""), lock_version=post.get("lock_version")),
    "return": lambda forecast, by, post: services.forecast_return(
        forecast=forecast, by=by, reason=post.get("reason", ""), lock_version=post.get("lock_version")),
    "revise": lambda forecast, by, post: services.forecast_revise(
        forecast=forecast, by=by, amount=post.get("amount"), reason=post.get("reason", ""),
        categories={key: post.get(key) for key in ("commit", "best_case", "pipeline") if post.get(key)} or None,
        lock_version=post.get("lock_version")),
}

# Lazy: this dict is built at import time, before any request's language is active.
DONE = {
    "submit": gettext_lazy("Forecast submitted."),
    "approve": gettext_lazy("Forecast approved."),
    "return": gettext_lazy("Forecast returned."),
    "revise": gettext_lazy("Forecast revised."),
}


@login_required
@require_POST
def forecast_action(request, pk: int, action: str):
    """Submit, revise, approve or return a record: each is one service call."""
    if action not in ACTIONS:
        raise Http404
    forecast = _record_or_404(request, pk)
    ok, _result = _attempt(request, lambda: ACTIONS[action](forecast, request.user, request.POST))
    if ok:
        messages.success(request, str(DONE[action]))
    return redirect(_next_url(request, forecast.get_absolute_url()))


@login_required
@require_GET
def records(request):
    """Every record visible to me for the period, every version, with its status (the history)."""
    period = _period(request)
    if period is None:
        return _no_period(request, "records")
    status = request.GET.get("status") or ""
    rows = (Forecast.objects.visible_to(request.user).filter(period=period)
            .select_related("owner", "org_unit", "decided_by").order_by("owner__username", "-version"))
    if status in ForecastStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return _render(request, "forecasting/records.html", {
        "period": period, "page": page, "status": status, "statuses": ForecastStatus.choices,
    }, section="records")


# --- Team forecast -------------------------------------------------------------------------------

@login_required
@require_GET
def team_forecast(request):
    """One row per direct subordinate of me (or of anyone in my subtree, to drill down)."""
    period = _period(request)
    if period is None:
        return _no_period(request, "team")
    try:
        person = selectors.subtree_person(viewer=request.user, pk=request.GET.get("person") or None)
    except (User.DoesNotExist, ValueError) as exc:
        raise Http404(_("No such person in your team.")) from exc
    context = selectors.team_forecast(viewer=request.user, period=period, person=person,
                                      periods=_period_choices(request))
    # A manager's table has a row per report (120 in a large team): the links of each row are
    # filled in here from one reversed pattern, not by a {% url %} per row.
    detail = _record_url("forecasting:forecast-detail")
    approve = _record_url("forecasting:forecast-action", "approve")
    send_back = _record_url("forecasting:forecast-action", "return")
    for row in context["rows"]:
        latest = row["figure"].latest
        if latest is not None:
            row.update(detail_url=detail(latest.pk), approve_url=approve(latest.pk), return_url=send_back(latest.pk))
    context["next_url"] = request.get_full_path()
    return _render(request, "forecasting/team_forecast.html", context, section="team")


@login_required
@require_POST
def rollup_run(request):
    """An administrator rolls a period up by hand: the roll-up runs as a job, the answer is its page."""
    period = _period(request)
    if period is None:
        raise Http404(_("No such forecast period."))
    try:
        job = services.forecast_rollup_start(period=period, by=request.user)
    except (DomainError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
        return redirect(f"{reverse('forecasting:team-forecast')}?period={period.pk}")
    messages.success(request, _("The roll-up runs in the background."))
    return redirect(job.get_absolute_url())


def _record_url(name: str, *rest: str) -> Callable[[int], str]:
    """The URL of a record for any id, from one `reverse` (the id is the first argument)."""
    pattern = reverse(name, args=[PLACEHOLDER_ID, *rest])
    head, tail = pattern.split(str(PLACEHOLDER_ID), 1)
    return lambda pk: f"{head}{pk}{tail}"


# --- Division view and production plan -----------------------------------------------------------

@login_required
@require_GET
def division(request):
    """Own forecast vs the channel partners' for a division, by product, with the difference. Without a period
    asked for, it opens on the current period that has the division's figures (selectors.division_period)."""
    divisions = list(selectors.divisions_for(viewer=request.user))
    if not divisions:
        raise Http404(_("You head no business division."))
    chosen = divisions[0]
    if request.GET.get("unit"):
        chosen = next((unit for unit in divisions if str(unit.pk) == request.GET.get("unit")), None)
        if chosen is None:
            raise Http404(_("No such business division."))
    if request.GET.get("period"):
        period = _period(request)
    else:
        period = selectors.division_period(viewer=request.user, division=chosen)
    if period is None:
        return _no_period(request, "division")
    context = selectors.division_view(viewer=request.user, period=period, division=chosen)
    context.update({
        "period": period, "divisions": divisions,
        "may_import": services.channel_may_edit(user=request.user, org_unit=chosen),
        "import_form": ChannelImportForm(),
    })
    return _render(request, "forecasting/division.html", context, section="division")


@login_required
@require_POST
@one_time_form
def channel_import(request):
    """Import a CSV or Excel file of partners' forecasts into the division's period."""
    period = _period(request)
    if period is None:
        raise Http404(_("No such forecast period."))
    # A malformed id is "no such division" (404), not a database error.
    unit = get_object_or_404(selectors.divisions_for(viewer=request.user), pk=parse_id(request.POST.get("unit")) or 0)
    form = ChannelImportForm(request.POST, request.FILES)
    back = reverse("forecasting:division") + f"?period={period.pk}&unit={unit.pk}"
    if not form.is_valid():
        messages.error(request, _("Choose a CSV or Excel file."))
        return redirect(back)
    upload = form.cleaned_data["file"]
    ok, result = _attempt(request, lambda: services.channel_forecast_import(
        period=period, org_unit=unit, name=upload.name, content=upload.read(), by=request.user))
    if ok:
        messages.success(request, _("Channel forecasts imported: %(created)d new, %(updated)d updated.")
                         % {"created": result.created, "updated": result.updated})
    return redirect(back)


@login_required
@require_GET
def production_plan(request):
    """The approved forecast by product and month; `?format=csv` downloads it."""
    period = _period(request)
    if period is None:
        return _no_period(request, "plan")
    rows = selectors.production_plan(viewer=request.user, period=period)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="production-plan-{period.pk}.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 (Chinese) only with the byte-order mark
        writer = csv.writer(response)
        writer.writerow(["product", "product_code", "product_name", "month", "quantity", "amount"])
        for row in rows:
            writer.writerow([row["product"], row["product_code"], row["product_name"], row["month"],
                             row["quantity"], row["amount"]])
        return response
    months = sorted({row["month"] for row in rows})
    products: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = products.setdefault(row["product"], {"code": row["product_code"], "name": row["product_name"],
                                                     "cells": {}, "quantity": 0, "amount": 0})
        entry["cells"][row["month"]] = row
        entry["quantity"] += row["quantity"]
        entry["amount"] += row["amount"]
    table = [
        {**entry, "months": [entry["cells"].get(month) for month in months]}
        for entry in sorted(products.values(), key=lambda e: e["code"])
    ]
    return _render(request, "forecasting/production_plan.html", {
        "period": period, "rows": rows, "months": months, "table": table,
        "total_amount": sum((row["amount"] for row in rows), 0),
    }, section="plan")



