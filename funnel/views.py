"""Funnel pages: the funnel of a person or unit with its health and trend, manual baselines, and the
move of an opportunity from its page (one click on the stage path)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.errors import DomainError, PermissionDenied, refusal_message
from funnel import selectors, services
from funnel.models import BaselineSource, FunnelSettings
from funnel.selectors import Health, Measure
from opportunities.models import Stage, StageOutcome
from opportunities.selectors import opportunity_get

STUCK_LIST_SIZE = 20  # the oldest ones on the funnel page; the full list is paginated on its own page
STUCK_PAGE_SIZE = 50
STATUS_ORDER = [Health.EXCELLENT, Health.GOOD, Health.WARNING, Health.NO_BASELINE]


def _measure(request) -> str:
    measure = request.GET.get("measure")
    return measure if measure in Measure.VALUES else Measure.COUNT


def _holder(request) -> selectors.Holder:
    return selectors.holder_get(viewer=request.user, user_id=request.GET.get("user"),
                                org_unit_id=request.GET.get("org_unit"))


@login_required
@require_GET
def funnel_page(request):
    """The funnel of me or of a person or unit in my subtree: per stage count, amount, weighted amount and
    health (by count or by amount), the funnel and trend charts, the oldest stuck opportunities, and the
    drill-down. A large unit's figures come from the day's snapshot (said so, with a link to live figures)."""
    holder = _holder(request)
    measure = _measure(request)
    settings, snapshot_as_of = selectors.settings_and_snapshot_time()
    live = request.GET.get("live") == "1"
    reading = selectors.funnel_reading(holder=holder, settings=settings, live=live)
    rows = reading.rows
    totals = {
        "count": sum(row.figure.count for row in rows),
        "amount": sum((row.figure.amount for row in rows), Decimal("0.00")),
        "weighted": sum((row.weighted for row in rows), Decimal("0.00")),
        "stuck": sum(row.stuck for row in rows),
    }
    stuck = selectors.stuck_oldest(viewer=request.user, holder=holder, limit=STUCK_LIST_SIZE,
                                   counted=totals["stuck"] if reading.live else None)
    statuses = [row.status(measure) for row in rows]
    chart = {
        "measure": measure,
        "names": [f"{row.stage.code} {row.stage.name}" for row in rows],
        "values": [str(row.current(measure)) for row in rows],
        "counts": [row.figure.count for row in rows],
        "amounts": [str(row.figure.amount) for row in rows],
        "statuses": statuses,
        "status_labels": {key: str(label) for key, label in Health.LABELS.items()},
        "percents": [None if row.percent(measure) is None else str(row.percent(measure)) for row in rows],
    }
    trend = selectors.health_trend(holder=holder)
    may_set = services.baseline_may_set(by=request.user, user=holder.user, org_unit=holder.org_unit)
    context = {
        "holder": holder,
        "measure": measure,
        "reading": reading,
        "live_requested": live,
        "rows": rows,
        "totals": totals,
        "stuck": stuck,
        # The full list when the page shows only the oldest (or, from a snapshot, when any may be missing).
        "stuck_all": len(stuck) == STUCK_LIST_SIZE or (not reading.live and totals["stuck"] > len(stuck)),
        "stuck_more": max(0, totals["stuck"] - len(stuck)) if reading.live else 0,
        "chart": chart,
        "trend": {**trend, "measure": measure, "good": str(settings.good_from_percent),
                  "excellent": str(settings.excellent_above_percent),
                  "band_labels": {key: str(Health.LABELS[key]) for key in (Health.WARNING, Health.GOOD,
                                                                           Health.EXCELLENT)},
                  "no_baseline_label": str(_("No baseline for this stage in the period"))},
        "has_trend": bool(trend["dates"]),
        "snapshot_as_of": snapshot_as_of,
        "now": timezone.now(),
        "drill": selectors.drill_down(viewer=request.user, holder=holder),
        "closed": selectors.closed_recently(holder=holder, reading=reading),
        "settings": settings,
        "may_set_baselines": may_set,
        "warning_count": statuses.count(Health.WARNING),
        "legend": [(key, Health.LABELS[key]) for key in STATUS_ORDER],
    }
    return render(request, "funnel/funnel.html", context)


@login_required
@require_GET
def stuck_page(request):
    """Every stuck opportunity of me or of a person or unit in my subtree, oldest first, page by page."""
    holder = _holder(request)
    queryset = selectors.stuck_opportunities(viewer=request.user, holder=holder)
    page = Paginator(queryset, STUCK_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_days(page.object_list)
    return render(request, "funnel/stuck.html", {"holder": holder, "page": page, "stuck": page.object_list})


# --- Manual baselines ----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def baselines_page(request):
    """Manual expected values per stage for a person or unit: an administrator, or a manager above (nobody
    for themselves); an empty row falls back to history."""
    holder = _holder(request)
    if not services.baseline_may_set(by=request.user, user=holder.user, org_unit=holder.org_unit):
        raise PermissionDenied(_("Baselines are set by an administrator or a manager above; nobody sets their own."))
    baselines = selectors.holder_baselines(holder=holder)
    manual = {b.stage_id: b for b in baselines if b.source == BaselineSource.MANUAL}
    history = {b.stage_id: b for b in baselines if b.source == BaselineSource.HISTORY}
    stages = selectors.funnel_stages(holding=set(manual) | set(history))
    errors: dict[int, str] = {}
    if request.method == "POST":
        try:
            with transaction.atomic():
                for stage in stages:
                    count = request.POST.get(f"count-{stage.pk}", "").strip()
                    amount = request.POST.get(f"amount-{stage.pk}", "").strip()
                    if not count and not amount:
                        if stage.pk in manual:
                            services.baseline_clear_manual(baseline=manual[stage.pk], by=request.user)
                        continue
                    try:
                        services.baseline_set_manual(by=request.user, stage=stage, user=holder.user,
                                                     org_unit=holder.org_unit, expected_count=count or None,
                                                     expected_amount=amount or None)
                    except DomainError as exc:
                        errors[stage.pk] = exc.message
                if errors:
                    raise DomainError(_("Correct the marked rows."))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Baselines saved."))
            return HttpResponseRedirect(f"{request.path}?{holder.query}")
    rows = []
    for stage in stages:
        row = {"stage": stage, "manual": manual.get(stage.pk), "history": history.get(stage.pk),
               "error": errors.get(stage.pk)}
        if request.method == "POST":
            row["count"] = request.POST.get(f"count-{stage.pk}", "")
            row["amount"] = request.POST.get(f"amount-{stage.pk}", "")
        else:
            row["count"] = manual[stage.pk].expected_count if stage.pk in manual else ""
            row["amount"] = manual[stage.pk].expected_amount if stage.pk in manual else ""
            row["count"] = "" if row["count"] is None else row["count"]
            row["amount"] = "" if row["amount"] is None else row["amount"]
        rows.append(row)
    return render(request, "funnel/baselines.html", {"holder": holder, "rows": rows,
                                                     "settings": FunnelSettings.load()},
                  status=400 if errors else 200)


# --- Moving an opportunity from its page -----------------------------------------------------------

def _back(request, opportunity) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return opportunity.get_absolute_url()


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_move(request, pk: int):
    """POST from the stage path (one click; 08-lost with its reason): move, then back to the opportunity's
    page, or the refreshed stage panel for an HTMX request. GET shows the move as a form of its own."""
    opportunity = opportunity_get(viewer=request.user, pk=pk)
    htmx = request.headers.get("HX-Request") == "true"
    values = {
        "stage": (request.POST.get("stage") if request.method == "POST" else request.GET.get("stage")) or "",
        "outcome": (request.POST.get("outcome") if request.method == "POST" else request.GET.get("outcome")) or "",
        "loss_reason": request.POST.get("loss_reason", ""),
        "competitor": request.POST.get("competitor", ""),
        "note": request.POST.get("note", ""),
        "skip_open_tasks": request.POST.get("skip_open_tasks") == "1",
    }
    if request.method == "POST" and request.POST.get("choice"):
        values["stage"], _sep, values["outcome"] = request.POST["choice"].partition("|")
    error, status, confirm = None, 200, None
    if request.method == "POST":
        try:
            moved = services.opportunity_move(
                opportunity=opportunity, stage_code=values["stage"], outcome=values["outcome"] or None,
                by=request.user, loss_reason=values["loss_reason"], competitor=values["competitor"],
                note=values["note"], skip_open_tasks=values["skip_open_tasks"],
            )
        except services.OpenTasksToConfirm as exc:
            # A question, not a refusal: the move page asks, with the list and a "move anyway" box.
            confirm = exc
            if htmx:
                return render(request, "funnel/_stage_path.html", {"opportunity": opportunity, "move_confirm": exc,
                                                                    "move_values": values})
        except (DomainError, PermissionDenied, ValidationError) as exc:
            error = refusal_message(exc)
            status = 403 if isinstance(exc, PermissionDenied) else 400
            if htmx:
                return render(request, "funnel/_stage_path.html", {"opportunity": opportunity, "move_error": error},
                              status=status)
            if request.POST.get("form") != "page":
                messages.error(request, error)
                return HttpResponseRedirect(_back(request, opportunity))
        else:
            change = getattr(moved, "last_stage_change", None)
            note = change.summary() if change else _("The opportunity is already in this stage.")
            if htmx:
                response = render(request, "funnel/_stage_path.html", {"opportunity": moved, "move_note": note})
                response["HX-Trigger"] = "funnelMoved"
                return response
            messages.success(request, note)
            return HttpResponseRedirect(_back(request, opportunity))
    stages = list(Stage.objects.filter(active=True).order_by("order", "id"))
    return render(request, "funnel/move.html", {
        "opportunity": opportunity, "stages": stages, "values": values, "error": error,
        "lost": values["outcome"] == StageOutcome.LOST, "next": _back(request, opportunity), "confirm": confirm,
    }, status=status)


@login_required
@require_POST
def stage_task_toggle(request, pk: int):
    """Tick off or untick a task of the opportunity's stage checklist (`position`, `done` = 1 or 0): the
    refreshed checklist for an HTMX request, else back to the opportunity's page."""
    opportunity = opportunity_get(viewer=request.user, pk=pk)
    htmx = request.headers.get("HX-Request") == "true"
    error, status = None, 200
    try:
        services.stage_task_set(opportunity=opportunity, position=request.POST.get("position"),
                                done=request.POST.get("done") == "1", by=request.user)
    except (DomainError, PermissionDenied) as exc:
        error = refusal_message(exc)
        status = 403 if isinstance(exc, PermissionDenied) else 400
    if htmx:
        opportunity.refresh_from_db()
        panel = selectors.stage_panel(opportunity=opportunity, viewer=request.user)
        return render(request, "funnel/_stage_checklist.html",
                      {"opportunity": opportunity, "panel": panel, "task_error": error}, status=status)
    if error:
        messages.error(request, error)
    return HttpResponseRedirect(_back(request, opportunity))
