"""Pages of the sales force planning (mission §6): quotas and their allocation, the attainment dashboard,
territories and territory plans, the re-deployment wizard, incentive plans, payouts and their evaluation.

Views read input, call a service (sales_planning/services.py) or a selector (sales_planning/selectors.py) and show the
result; a refusal becomes a message, never a server error. Every object comes through `visible_to`:
anything else is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Customer
from crm.errors import DomainError, refusal_message
from crm.form_tokens import one_time_form
from crm.params import parse_id, parse_ids
from opportunities.models import Opportunity
from sales_planning import selectors, services
from sales_planning.forms import (
    AcknowledgeForm,
    CommentForm,
    IncentivePlanForm,
    PeriodForm,
    ReasonForm,
    RedeployForm,
    TerritoryPlanForm,
    TerritoryPlanNewForm,
)
from sales_planning.models import (
    ApprovalStatus,
    Bonus,
    BonusStatus,
    IncentivePlan,
    Quota,
    QuotaPeriod,
    TerritoryAccount,
    TerritoryPlan,
)
from teams import selectors as team_selectors
from teams.models import OrgUnit, Role, Territory, User, managed_unit_ids

PAGE_SIZE = 50

# --- Shared pieces -------------------------------------------------------------------------


def _subnav(request, active: str) -> list[dict[str, Any]]:
    """The pill bar of the sales planning area."""
    items = [
        ("quotas", reverse("sales_planning:quota-list"), _("Quotas"), "bullseye"),
        ("dashboard", reverse("sales_planning:quota-dashboard"), _("Attainment"), "speedometer2"),
        ("territories", reverse("sales_planning:territory-list"), _("Territories"), "map"),
        ("plans", reverse("sales_planning:territory-plan-list"), _("Territory plans"), "journal-text"),
    ]
    if request.user.is_manager:
        items.append(("redeploy", reverse("sales_planning:redeploy"), _("Re-deploy"), "arrow-left-right"))
    items += [
        ("incentives", reverse("sales_planning:incentive-list"), _("Incentive plans"), "cash-coin"),
        ("payouts", reverse("sales_planning:payout-list"), _("Payouts"), "wallet2"),
        ("evaluation", reverse("sales_planning:incentive-evaluation"), _("Evaluation"), "bar-chart-line"),
    ]
    return [{"key": key, "url": url, "label": label, "icon": icon, "active": key == active}
            for key, url, label, icon in items]


def _render(request, template: str, context: dict[str, Any], *, section: str, status: int = 200) -> HttpResponse:
    return render(request, template, {**context, "subnav": _subnav(request, section)}, status=status)


def _attempt(request, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run a service call; on a refusal, show its message. Returns (succeeded, result)."""
    try:
        return True, action()
    except (DomainError, PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_message(error))
        return False, None


def _selected_period(request) -> QuotaPeriod | None:
    value = parse_id(request.GET.get("period"))
    if value is not None:
        period = QuotaPeriod.objects.filter(pk=value).first()
        if period is not None:
            return period
    return selectors.opening_period(viewer=request.user)


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- Quotas --------------------------------------------------------------------------------

@login_required
@require_GET
def quota_list(request):
    """The quotas of a period: mine, the allocations I make, those waiting for my approval, all I may see."""
    user = request.user
    period = _selected_period(request)
    context: dict[str, Any] = {"period": period, "period_form": PeriodForm(initial={"period": period})}
    if period is not None:
        page = _page(request, selectors.quota_list(viewer=user, filters={"period": period.pk}))
        selectors.quota_attach_attainment(page.object_list)
        units = OrgUnit.objects.filter(parent__isnull=True) if user.is_admin else OrgUnit.objects.filter(manager=user)
        waiting = selectors.quota_allocations_awaiting(viewer=user, period=period)
        waiting_units = OrgUnit.objects.filter(pk__in=waiting.values("allocated_from")).order_by("name")
        context.update({
            "page": page,
            "mine": next(iter(selectors.quota_attach_attainment(
                Quota.objects.filter(period=period, user=user).select_related("period"))), None),
            "my_units": list(units.order_by("name")),
            "top_waiting": user.is_admin and waiting.filter(allocated_from__isnull=True).exists(),
            "waiting_units": list(waiting_units),
        })
    return _render(request, "sales_planning/quota_list.html", context, section="quotas")


def _allocation_unit(request, period_pk: int, unit_pk: int | None) -> tuple[QuotaPeriod, OrgUnit | None]:
    period = get_object_or_404(QuotaPeriod, pk=period_pk)
    unit = get_object_or_404(OrgUnit.objects.select_related("parent", "manager"), pk=unit_pk) if unit_pk else None
    if not selectors.quota_allocation_visible(viewer=request.user, unit=unit):
        raise Http404(_("No such allocation."))
    return period, unit


def _allocation_url(period: QuotaPeriod, unit: OrgUnit | None) -> str:
    if unit is None:
        return reverse("sales_planning:quota-allocate-top", args=[period.pk])
    return reverse("sales_planning:quota-allocate", args=[period.pk, unit.pk])


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def quota_allocate(request, period_pk: int, unit_pk: int | None = None):
    """Allocate a unit's quota to its child units and people, beside what each achieved in past years."""
    period, unit = _allocation_unit(request, period_pk, unit_pk)
    if request.method == "POST":
        data = selectors.quota_allocation(viewer=request.user, period=period, unit=unit)
        reason = request.POST.get("reason", "")
        changed = failed = 0
        for line in data["lines"]:
            if not line["may_set"]:
                continue
            holder = line["holder"]
            key = f"amount-{'u' if line['is_unit'] else 'p'}{holder.pk}"
            raw = (request.POST.get(key) or "").strip()
            if raw == "" or (line["quota"] is not None and _same_amount(raw, line["quota"].amount)):
                continue
            ok, _quota = _attempt(request, lambda holder=holder, line=line, raw=raw: services.quota_set(
                period=period, amount=raw, by=request.user, reason=reason,
                **({"org_unit": holder} if line["is_unit"] else {"user": holder})))
            changed += ok
            failed += not ok
        if changed:
            messages.success(request, _("%(count)s quotas saved.") % {"count": changed})
        elif not failed:
            messages.info(request, _("Nothing changed."))
        return redirect(_allocation_url(period, unit))
    data = selectors.quota_allocation(viewer=request.user, period=period, unit=unit)
    return _render(request, "sales_planning/quota_allocate.html", {
        **data, "ack_form": AcknowledgeForm(), "return_form": ReasonForm(),
        "periods": selectors.quota_periods(),
        "parent_url": (_allocation_url(period, unit.parent) if unit is not None and unit.parent_id
                       and selectors.quota_allocation_visible(viewer=request.user, unit=unit.parent) else None),
    }, section="quotas")


def _same_amount(raw: str, amount: Decimal) -> bool:
    try:
        return Decimal(raw.replace(",", "")) == amount
    except ArithmeticError:
        return False


@login_required
@require_POST
def quota_allocation_action(request, period_pk: int, action: str, unit_pk: int | None = None):
    """Acknowledge the difference, submit, approve or return an allocation."""
    period, unit = _allocation_unit(request, period_pk, unit_pk)
    if action == "acknowledge":
        form = AcknowledgeForm(request.POST)
        form.is_valid()
        ok, _result = _attempt(request, lambda: services.quota_allocation_acknowledge(
            period=period, unit=unit, by=request.user, note=form.cleaned_data.get("note", "")))
        success = _("The difference is acknowledged.")
    elif action == "submit":
        ok, _result = _attempt(request, lambda: services.quota_allocation_submit(period=period, unit=unit,
                                                                                 by=request.user))
        success = _("The allocation is submitted for approval.")
    elif action == "approve":
        ok, _result = _attempt(request, lambda: services.quota_allocation_approve(period=period, unit=unit,
                                                                                  by=request.user))
        success = _("The allocation is approved.")
    elif action == "return":
        ok, _result = _attempt(request, lambda: services.quota_allocation_return(
            period=period, unit=unit, by=request.user, reason=request.POST.get("reason", "")))
        success = _("The allocation is returned for rework.")
    else:
        raise Http404
    if ok:
        messages.success(request, success)
    return redirect(_allocation_url(period, unit))


@login_required
@require_GET
def quota_detail(request, pk: int):
    """One quota with its attainment and every revision and workflow step."""
    quota = get_object_or_404(selectors.quota_list(viewer=request.user), pk=pk)
    selectors.quota_attach_attainment([quota])
    allocation_url = None
    if selectors.quota_allocation_visible(viewer=request.user, unit=quota.allocated_from):
        allocation_url = _allocation_url(quota.period, quota.allocated_from)
    return _render(request, "sales_planning/quota_detail.html", {
        "quota": quota, "revisions": quota.revisions.select_related("by").order_by("-created_at", "-pk"),
        "forecast": selectors.forecast_for(period=quota.period, user=quota.user, org_unit=quota.org_unit),
        "allocation_url": allocation_url,
    }, section="quotas")


@login_required
@require_GET
def quota_dashboard(request):
    """Attainment of my unit (or of me) and of each of its children: quota, won, forecast, bars and gauge."""
    user = request.user
    period = _selected_period(request)
    units = OrgUnit.objects.order_by("name")
    units = units if user.is_admin else units.filter(pk__in=managed_unit_ids(user))
    unit = None
    raw_unit = (request.GET.get("unit") or "").strip()
    value = parse_id(raw_unit)
    if value is not None:
        unit = units.filter(pk=value).first()
        if unit is None:
            raise Http404(_("No such unit."))
    elif raw_unit != "me":  # "me" is the personal view; anything else falls back to my top unit
        tops = selectors.managed_top_units(viewer=user)
        unit = tops[0] if tops else None
    data = selectors.attainment_dashboard(viewer=user, period=period, unit=unit) if period else None
    if data is not None:
        data["chart"]["names"] = {"quota": _("Quota"), "won": _("Won"), "forecast": _("Forecast")}
    my_quotas = []
    if unit is None:
        my_quotas = selectors.quota_attach_attainment(
            Quota.objects.filter(user=user).select_related("period").order_by("-period__year", "period__quarter"))
    return _render(request, "sales_planning/quota_dashboard.html", {
        "period": period, "data": data, "unit": unit, "units": list(units), "my_quotas": my_quotas,
        "periods": selectors.quota_periods(),
    }, section="dashboard")


# --- Territories and their plans ------------------------------------------------------------

@login_required
@require_GET
def territory_list(request):
    territories = team_selectors.territory_list(viewer=request.user)
    return _render(request, "sales_planning/territory_list.html", {"page": _page(request, territories)},
                   section="territories")


@login_required
@require_GET
def territory_detail(request, pk: int):
    """A territory: its scope, members, named accounts (those I may see) and its plans by year."""
    territory = get_object_or_404(Territory.objects.visible_to(request.user).select_related("org_unit"), pk=pk)
    may_manage = services.territory_may_manage(user=request.user, territory=territory)
    query = (request.GET.get("q") or "").strip()
    results = []
    if may_manage and query:
        named = territory.named_accounts.values("customer_id")
        results = list(Customer.objects.visible_to(request.user).filter(name__icontains=query)
                       .exclude(pk__in=named).select_related("owner").order_by("name")[:20])
    accounts = selectors.territory_named_accounts(viewer=request.user, territory=territory)
    account_rows = dict(territory.named_accounts.values_list("customer_id", "pk"))
    for customer in accounts["customers"]:
        customer.territory_account_pk = account_rows.get(customer.pk)
    return _render(request, "sales_planning/territory_detail.html", {
        "territory": territory, "members": territory.members.select_related("org_unit").order_by("username"),
        "accounts": accounts, "may_manage": may_manage, "query": query,
        "results": results, "plans": selectors.territory_plans(viewer=request.user, territory=territory),
        "may_draft": territory.org_unit_id is not None and services.territory_plan_may_draft(
            user=request.user, org_unit=territory.org_unit),
    }, section="territories")


@login_required
@require_POST
@one_time_form
def territory_account_add(request, pk: int):
    territory = get_object_or_404(Territory.objects.visible_to(request.user), pk=pk)
    value = parse_id(request.POST.get("customer"))
    if value is None:
        messages.error(request, _("Choose a customer."))
    else:
        ok, _account = _attempt(request, lambda: services.territory_account_add(
            territory=territory, customer_id=int(value), by=request.user))
        if ok:
            messages.success(request, _("The customer is now a named account of this territory."))
    return redirect("sales_planning:territory-detail", pk=territory.pk)


@login_required
@require_POST
def territory_account_remove(request, pk: int, account_pk: int):
    territory = get_object_or_404(Territory.objects.visible_to(request.user), pk=pk)
    account = get_object_or_404(TerritoryAccount.objects.select_related("territory"), pk=account_pk,
                                territory=territory)
    ok, _result = _attempt(request, lambda: services.territory_account_remove(account=account, by=request.user))
    if ok:
        messages.success(request, _("The named account is removed."))
    return redirect("sales_planning:territory-detail", pk=territory.pk)


@login_required
@require_GET
def territory_plan_list(request):
    user = request.user
    units = OrgUnit.objects.all() if user.is_admin else OrgUnit.objects.filter(manager=user)
    return _render(request, "sales_planning/territory_plan_list.html", {
        "groups": selectors.territory_plans(viewer=user), "may_draft": units.exists(),
    }, section="plans")


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def territory_plan_new(request):
    user = request.user
    units = (OrgUnit.objects.all() if user.is_admin else OrgUnit.objects.filter(manager=user)).order_by("name")
    if not units.exists():
        raise Http404(_("You manage no unit."))
    initial = {}
    if (territory_id := parse_id(request.GET.get("territory"))) is not None:
        territory = Territory.objects.visible_to(user).filter(pk=territory_id).first()
        if territory is not None:
            initial = {"territory": territory.pk, "org_unit": territory.org_unit_id}
    form = TerritoryPlanNewForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, plan = _attempt(request, lambda: services.territory_plan_create(
            org_unit=data["org_unit"], territory=data["territory"], year=data["year"], by=user,
            goals=data["goals"], coverage=data["coverage"], principles=data["principles"]))
        if ok:
            messages.success(request, _("The territory plan is drafted."))
            return redirect(plan.get_absolute_url())
    return _render(request, "sales_planning/territory_plan_new.html", {"form": form}, section="plans")


@login_required
@require_GET
def territory_plan_detail(request, pk: int):
    """One version of a territory plan, the form while it is an editable draft, and all its versions."""
    plan = get_object_or_404(TerritoryPlan.objects.visible_to(request.user)
                             .select_related("org_unit__parent", "territory", "drafted_by", "reviewed_by"), pk=pk)
    versions = list(plan.siblings().select_related("drafted_by", "reviewed_by").order_by("-version"))
    latest = versions[0].pk == plan.pk if versions else True
    may_draft = services.territory_plan_may_draft(user=request.user, org_unit=plan.org_unit)
    editable = latest and may_draft and plan.status == ApprovalStatus.DRAFT
    return _render(request, "sales_planning/territory_plan_detail.html", {
        "plan": plan, "versions": versions, "latest": latest, "editable": editable,
        "may_revise": latest and may_draft and plan.status in (ApprovalStatus.APPROVED, ApprovalStatus.RETURNED),
        "may_review": plan.status == ApprovalStatus.SUBMITTED and services.territory_plan_may_review(
            user=request.user, plan=plan),
        "form": TerritoryPlanForm(initial={"goals": plan.goals, "coverage": plan.coverage,
                                           "principles": plan.principles}) if editable else None,
        "reason_form": ReasonForm(), "comment_form": CommentForm(),
    }, section="plans")


@login_required
@require_POST
def territory_plan_action(request, pk: int, action: str):
    plan = get_object_or_404(TerritoryPlan.objects.visible_to(request.user), pk=pk)
    by = request.user
    actions = {
        "save": (lambda: services.territory_plan_update(
            plan=plan, by=by, goals=request.POST.get("goals", ""), coverage=request.POST.get("coverage", ""),
            principles=request.POST.get("principles", "")), _("The draft is saved.")),
        "submit": (lambda: services.territory_plan_submit(plan=plan, by=by), _("The plan is submitted for approval.")),
        "approve": (lambda: services.territory_plan_approve(plan=plan, by=by, comment=request.POST.get("comment", "")),
                    _("The plan is approved.")),
        "return": (lambda: services.territory_plan_return(plan=plan, by=by, reason=request.POST.get("reason", "")),
                   _("The plan is returned for rework.")),
        "revise": (lambda: services.territory_plan_revise(plan=plan, by=by, reason=request.POST.get("reason", "")),
                   _("A new version is drafted.")),
    }
    if action not in actions:
        raise Http404
    call, success = actions[action]
    ok, result = _attempt(request, call)
    if ok:
        messages.success(request, success)
        return redirect(result.get_absolute_url())
    return redirect(plan.get_absolute_url())


# --- Re-deployment -----------------------------------------------------------------------------

def _ids(values: list[str]) -> list[int]:
    return parse_ids(values)


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def redeploy(request):
    """The re-deployment wizard: choose from and to, see exactly what will move, confirm with a reason."""
    source = request.POST if request.method == "POST" else (request.GET if "to_user" in request.GET else None)
    form = RedeployForm(source, viewer=request.user)
    preview = None
    selection = _ids(source.getlist("selection")) if source is not None and "narrow" in source else None
    if source is not None and form.is_valid():
        data = form.cleaned_data
        selection_kwargs = {
            "from_user": data["from_user"], "to_user": data["to_user"], "from_territory": data["from_territory"],
            "to_territory": data["to_territory"], "include_opportunities": data["include_opportunities"],
            "selection": selection,
        }
        if request.method == "POST":
            ok, job = _attempt(request, lambda: services.redeploy_start(
                by=request.user, reason=request.POST.get("reason", ""),
                customer_ids=_ids(request.POST.getlist("customer_ids")),
                opportunity_ids=_ids(request.POST.getlist("opportunity_ids")), **selection_kwargs))
            if ok:
                messages.success(request, _("The re-deployment runs in the background; this page shows when it "
                                            "is done."))
                return redirect(job.get_absolute_url())
        _ok, preview = _attempt(request, lambda: selectors.redeploy_preview(by=request.user, **selection_kwargs))
    return _render(request, "sales_planning/redeploy_form.html", {
        "form": form, "preview": preview, "selection": selection, "reason": request.POST.get("reason", ""),
        "has_team": request.user.is_admin or request.user.direct_reports.exists(),
    }, section="redeploy")


@login_required
@require_GET
def redeploy_list(request):
    return _render(request, "sales_planning/redeploy_list.html",
                   {"page": _page(request, selectors.redeployment_list(viewer=request.user))}, section="redeploy")


@login_required
@require_GET
def redeploy_detail(request, pk: int):
    record = get_object_or_404(selectors.redeployment_list(viewer=request.user), pk=pk)
    customers = list(Customer.objects.visible_to(request.user).filter(redeployments=record)
                     .select_related("owner").order_by("name"))
    opportunities = list(Opportunity.objects.visible_to(request.user).filter(redeployments=record)
                         .select_related("customer", "primary_owner", "stage").order_by("customer__name"))
    # Of what moved: what the viewer sees, what exists but is hidden from them, and what was deleted since.
    still_customers, still_opportunities = record.customers.count(), record.opportunities.count()
    return _render(request, "sales_planning/redeploy_detail.html", {
        "record": record, "customers": customers, "opportunities": opportunities,
        "hidden_customers": still_customers - len(customers),
        "hidden_opportunities": still_opportunities - len(opportunities),
        "gone_customers": max(record.customer_count - still_customers, 0),
        "gone_opportunities": max(record.opportunity_count - still_opportunities, 0),
    }, section="redeploy")


# --- Incentive plans ---------------------------------------------------------------------------

def _plan_units(user: User):
    units = OrgUnit.objects.order_by("name")
    return units if user.is_admin else units.filter(pk__in=managed_unit_ids(user))


def _plan_people(user: User):
    people = User.objects.filter(is_active=True).order_by("username")
    return people if user.is_admin else people.filter(pk__in=user.subordinate_ids(include_self=True))


@login_required
@require_GET
def incentive_list(request):
    plans = selectors.incentive_plan_list(viewer=request.user)
    return _render(request, "sales_planning/incentive_list.html", {
        "page": _page(request, plans), "may_create": _plan_units(request.user).exists(),
    }, section="incentives")


def _plan_form_data(form: IncentivePlanForm) -> dict:
    data = form.cleaned_data
    return {"name": data["name"], "cap": data["cap"], "accelerator": data["accelerator"],
            "eligible_roles": data["eligible_roles"], "eligible_units": [u.pk for u in data["eligible_units"]],
            "eligible_users": [u.pk for u in data["eligible_users"]]}


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def incentive_new(request):
    units = _plan_units(request.user)
    if not units.exists():
        raise Http404(_("You manage no unit."))
    initial = {"eligible_roles": [Role.ACCOUNT_MANAGER], "accelerator": Decimal("1.00"),
               "period": getattr(_selected_period(request), "pk", None)}
    form = IncentivePlanForm(request.POST or None, units=units, people=_plan_people(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _plan_form_data(form)
        ok, plan = _attempt(request, lambda: services.incentive_plan_create(
            by=request.user, period=form.cleaned_data["period"], org_unit=form.cleaned_data["org_unit"],
            tiers=form.tiers(), **data))
        if ok:
            messages.success(request, _("The incentive plan is drafted."))
            return redirect(plan.get_absolute_url())
    return _render(request, "sales_planning/incentive_form.html", {"form": form, "plan": None}, section="incentives")


def _visible_plan(request, pk: int) -> IncentivePlan:
    return get_object_or_404(IncentivePlan.objects.visible_to(request.user)
                             .select_related("period", "org_unit", "created_by", "approved_by", "previous"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def incentive_edit(request, pk: int):
    plan = _visible_plan(request, pk)
    units = _plan_units(request.user)
    form = IncentivePlanForm(request.POST or None, units=units, people=_plan_people(request.user), editing=True,
                             initial=IncentivePlanForm.initial_for(plan))
    if request.method == "POST" and form.is_valid():
        ok, _plan = _attempt(request, lambda: services.incentive_plan_update(
            plan=plan, by=request.user, data=_plan_form_data(form), tiers=form.tiers()))
        if ok:
            messages.success(request, _("The draft is saved."))
            return redirect(plan.get_absolute_url())
    return _render(request, "sales_planning/incentive_form.html", {"form": form, "plan": plan}, section="incentives")


@login_required
@require_GET
def incentive_detail(request, pk: int):
    """A plan version: rule, eligibility, expected cost and its payouts; the actions the viewer may take."""
    plan = _visible_plan(request, pk)
    user = request.user
    may_manage = services.incentive_plan_may_manage(user=user, plan_unit=plan.org_unit)
    may_approve = services.incentive_plan_may_approve(user=user, plan=plan)
    versions = list(IncentivePlan.objects.visible_to(user).filter(family=plan.family).order_by("-version"))
    latest = not IncentivePlan.objects.filter(family=plan.family, version__gt=plan.version).exists()
    payouts = list(selectors.bonus_list(viewer=user, filters={"plan": plan.pk}))
    return _render(request, "sales_planning/incentive_detail.html", {
        "plan": plan, "tiers": list(plan.tiers.all()), "versions": versions, "latest": latest,
        "eligible_units": list(plan.eligible_units.all()), "eligible_users": list(plan.eligible_users.all()),
        "eligible_count": selectors.incentive_plan_eligible_people(plan=plan).count() if may_manage or may_approve
        else None,
        "roles": [Role(role).label for role in plan.eligible_roles if role in Role.values],
        "may_manage": may_manage, "may_approve": may_approve, "payouts": payouts,
        "payout_total": sum((b.amount for b in payouts), Decimal("0.00")),
        "reason_form": ReasonForm(), "comment_form": CommentForm(),
        "period_ended": plan.period.end < timezone.localdate(),
    }, section="incentives")


@login_required
@require_POST
def incentive_action(request, pk: int, action: str):
    plan = _visible_plan(request, pk)
    by = request.user
    actions = {
        "cost": (lambda: services.incentive_plan_compute_expected_cost(plan=plan, by=by),
                 _("The expected cost is computed.")),
        "submit": (lambda: services.incentive_plan_submit(plan=plan, by=by), _("The plan is submitted for approval.")),
        "approve": (lambda: services.incentive_plan_approve(plan=plan, by=by, comment=request.POST.get("comment", "")),
                    _("The plan is approved.")),
        "return": (lambda: services.incentive_plan_return(plan=plan, by=by, reason=request.POST.get("reason", "")),
                   _("The plan is returned to draft.")),
        "publish": (lambda: services.incentive_plan_publish(plan=plan, by=by),
                    _("The plan is published; the people it covers are notified.")),
        "revise": (lambda: services.incentive_plan_revise(plan=plan, by=by, reason=request.POST.get("reason", "")),
                   _("A new version is drafted.")),
        "calculate": (lambda: services.incentive_payouts_start(plan=plan, by=by), None),
    }
    if action not in actions:
        raise Http404
    call, success = actions[action]
    ok, result = _attempt(request, call)
    if ok:
        if action == "calculate":
            messages.success(request, _("The payouts are being calculated in the background."))
            return redirect(result.get_absolute_url())
        messages.success(request, success)
        if isinstance(result, IncentivePlan):
            return redirect(result.get_absolute_url())
    return redirect(plan.get_absolute_url())


@login_required
@require_GET
def payout_list(request):
    """Payouts I may see, filtered by plan version, period and status; approve and pay where allowed."""
    # A filter that is not a valid id or status is ignored, never passed to the database (no 500 on "?plan=abc").
    filters: dict[str, Any] = {key: value for key in ("plan", "period")
                               if (value := parse_id(request.GET.get(key))) is not None}
    if request.GET.get("status") in BonusStatus.values:
        filters["status"] = request.GET["status"]
    bonuses = selectors.bonus_list(viewer=request.user, filters=filters)
    page = _page(request, bonuses)
    approvable: dict[int, bool] = {}
    for bonus in page.object_list:
        if bonus.plan_id not in approvable:
            approvable[bonus.plan_id] = services.incentive_plan_may_approve(user=request.user, plan=bonus.plan)
        bonus.may_approve = (approvable[bonus.plan_id] and bonus.user_id != request.user.pk
                             and bonus.status == BonusStatus.CALCULATED)
        bonus.may_pay = (request.user.is_admin and bonus.user_id != request.user.pk
                         and bonus.status == BonusStatus.APPROVED)
    plans = selectors.incentive_plan_list(viewer=request.user).filter(
        pk__in=Bonus.objects.visible_to(request.user).values("plan"))
    return _render(request, "sales_planning/incentive_payouts.html", {
        "page": page, "plans": plans, "statuses": BonusStatus.choices, "filters": filters,
        "periods": QuotaPeriod.objects.filter(incentive_plans__isnull=False).distinct().order_by("-year", "quarter"),
    }, section="payouts")


@login_required
@require_POST
def payout_action(request, pk: int, action: str):
    bonus = get_object_or_404(Bonus.objects.visible_to(request.user), pk=pk)
    if action == "approve":
        ok, _result = _attempt(request, lambda: services.bonus_approve(bonus=bonus, by=request.user))
        success = _("The payout is approved.")
    elif action == "pay":
        ok, _result = _attempt(request, lambda: services.bonus_mark_paid(bonus=bonus, by=request.user))
        success = _("The payout is recorded as paid.")
    else:
        raise Http404
    if ok:
        messages.success(request, success)
    next_url = request.POST.get("next", "")
    # Only a path on this site: "/\evil.example" passes a startswith("/") test but browsers follow it off-site.
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("sales_planning:payout-list")


@login_required
@require_GET
def incentive_evaluation(request):
    """Cost against plan per plan version, and the distribution of payouts."""
    plan = None
    if (plan_id := parse_id(request.GET.get("plan"))) is not None:
        plan = get_object_or_404(IncentivePlan.objects.visible_to(request.user), pk=plan_id)
    data = selectors.incentive_evaluation(viewer=request.user, plan=plan)
    data["chart"]["names"] = {"expected": _("Expected cost"), "calculated": _("Calculated payouts"),
                              "amount": _("Bonus"), "people": _("People")}
    return _render(request, "sales_planning/incentive_evaluation.html", {
        **data, "plan": plan, "plans": selectors.incentive_plan_list(viewer=request.user),
    }, section="evaluation")
