"""Opportunity pages: list, new, detail with its tabs, edit, activities, action plans, my agenda.

Views parse the request and call a service or selector; refusals become a message on the page.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Customer
from crm.counting import TallyPaginator, list_tally, wants_exact
from crm.errors import DomainError, PermissionDenied, refusal_message
from crm.form_tokens import one_time_form
from crm.forms import QuickSelect, form_add_error
from crm.links import record_url
from crm.params import parse_id
from opportunities import page_parts, selectors, services
from opportunities.filters import OPPORTUNITY_ORDERING, OpportunityFilter, date_in_range
from opportunities.forms import (
    ActionPlanForm,
    ActivityDoneForm,
    ActivityForm,
    ChangeOwnerForm,
    LineForm,
    OpportunityEditForm,
    OpportunityForm,
    PlanStepForm,
    TeamMemberForm,
    customer_options,
)
from opportunities.models import ActionPlan, Activity, OpportunityLine, Stage, TeamRole
from teams.models import User

PAGE_SIZE = 25
TABS = ["lines", "team", "assessment", "activities", "history"]  # the page's own; apps above add theirs


def _detail_url(pk: int, tab: str = "lines") -> str:
    return f"{reverse('opportunities:opportunity-detail', args=[pk])}?tab={tab}"


# --- List ----------------------------------------------------------------------------------

@login_required
@require_GET
def opportunity_list(request):
    """Filters (stage, owner, customer, close date, high value, confirmed), sorting and pages, in a
    constant number of queries whatever the number of rows."""
    queryset = selectors.opportunity_list_rows(viewer=request.user)
    params = request.GET.copy()
    if "stage" not in params:
        params["stage"] = "open"  # the page starts with the open funnel; "all" shows the closed ones too
    columns = page_parts.list_columns()
    filterset = OpportunityFilter(params, queryset=queryset, request=request)
    filtered = filterset.qs if filterset.is_valid() else queryset.none()
    rows = filtered
    for column in columns:
        rows = column.annotate(rows)
    column_filters = []
    by_column = False
    for column in columns:
        if column.apply_filter is not None:
            value = column.filter_value(request.GET)
            if value:
                rows = column.apply_filter(rows, value)
                by_column = True
            column_filters.append({"column": column, "value": value})
    # Counted and summed in one query up to the exact-count limit; above it an estimate, exact on request. Without a
    # column's filter the count leaves out the columns' joins (the prediction's): the same rows, a lighter query.
    totals = list_tally(rows if by_column else filtered, amount_field="amount", exact=wants_exact(request))
    page = TallyPaginator(rows, PAGE_SIZE, tally=totals).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    detail_url = record_url("opportunities:opportunity-detail")  # one reverse() for the page, not one per row
    for opportunity in page.object_list:
        opportunity.detail_url = detail_url(opportunity.pk)
    # The owner filter's options: everyone below me (265 people for the company head), in one query of the name
    # columns (names, not model instances), written by QuickSelect rather than a template loop of 265 options.
    owner_select = QuickSelect(
        attrs={"class": "form-select form-select-sm", "id": "f-owner"},
        choices=[("", _("Everyone I can see")), *services.owner_names(request.user)],
    ).render("owner", params.get("owner") or "")
    sort_query = request.GET.copy()  # the sort links keep the filters, not the page or the old sort
    sort_query.pop("page", None)
    sort_query.pop("ordering", None)
    exact_query = request.GET.copy()
    exact_query["exact"] = "1"
    filter_customer = None
    customer_id = parse_id(request.GET.get("customer"))
    if customer_id is not None:
        filter_customer = Customer.objects.visible_to(request.user).filter(pk=customer_id).first()
    return render(request, "opportunities/opportunity_list.html", {
        "page": page,
        "totals": totals,
        "filterset": filterset,
        "stages": list(Stage.objects.filter(active=True).order_by("order", "id")),
        "owner_select": owner_select,
        "filter_customer": filter_customer,
        "params": params,
        "sort_query": sort_query.urlencode(),
        "exact_query": exact_query.urlencode(),
        "ordering": request.GET.get("ordering", ""),
        "sort_keys": OPPORTUNITY_ORDERING,
        "list_columns": columns,
        "column_filters": column_filters,
    })


# --- New and edit --------------------------------------------------------------------------

@login_required
@one_time_form
def opportunity_new(request):
    """A new opportunity, usually from a customer's page: ?customer=<id>."""
    customer = None
    customer_id = request.GET.get("customer", "")
    if customer_id:
        if parse_id(customer_id) is None:
            raise Http404
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=parse_id(customer_id))
    form = OpportunityForm(request.POST or None, viewer=request.user, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opportunity = services.opportunity_create(
                by=request.user, customer=customer or data["customer"], name=data["name"],
                expected_close_date=data["expected_close_date"], primary_owner=data["primary_owner"],
                stage=data["stage"], amount=data["amount"], description=data["description"], source=data["source"],
                competitors=data["competitors"],
            )
        except (DomainError, PermissionDenied, ValidationError) as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Opportunity created."))
            return HttpResponseRedirect(_detail_url(opportunity.pk))
    return render(request, "opportunities/opportunity_form.html", {"form": form, "customer": customer},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def customer_option_list(request):
    """HTMX: the <option>s of the customer select for a search."""
    customers = customer_options(viewer=request.user, query=request.GET.get("q", "").strip()[:100])
    return render(request, "opportunities/_customer_options.html", {"customers": customers})


@login_required
def opportunity_edit(request, pk: int):
    opportunity = selectors.opportunity_get(viewer=request.user, pk=pk)
    if not services.may_edit_opportunity(request.user, opportunity):
        messages.error(request, _("Only the primary owner, their superiors or an administrator can change this "
                                  "opportunity."))
        return HttpResponseRedirect(_detail_url(pk))
    form = OpportunityEditForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
        try:
            services.opportunity_update(opportunity=opportunity, by=request.user, data=data)
        except (DomainError, PermissionDenied, ValidationError) as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(_detail_url(pk))
    return render(request, "opportunities/opportunity_edit.html", {"form": form, "opportunity": opportunity},
                  status=400 if form.errors else 200)


# --- Detail --------------------------------------------------------------------------------

@login_required
@require_GET
def opportunity_detail(request, pk: int):
    """Header with the amount, owner and score and the parts apps above register (opportunities.page_parts:
    the stage path, the tender record button); tabs lines, team, assessment, activities, history. Each tab
    loads only what it shows."""
    opportunity = selectors.opportunity_page(viewer=request.user, pk=pk,
                                             select_related=page_parts.header_select_related())
    registered = {part.code: part for part in page_parts.tabs()}
    tab = request.GET.get("tab", "lines")
    if tab not in TABS and tab not in registered:
        tab = "lines"
    user = request.user
    may_edit = services.may_edit_opportunity(user, opportunity)
    context = {
        "opportunity": opportunity,
        "tab": tab,
        "tabs": [key_label for _order, key_label in sorted(
            [(10, ("lines", _("Lines"))), (20, ("team", _("Sales team"))), (40, ("assessment", _("Assessment"))),
             (50, ("activities", _("Activities"))), (60, ("history", _("History"))),
             *((part.order, (part.code, part.label)) for part in registered.values())],
            key=lambda item: item[0])],
        "may_edit": may_edit,
        "may_change_owner": services.may_change_owner(user, opportunity),
        "may_confirm": services.may_confirm(user, opportunity),
        # What apps above opportunities show here (the funnel's stage path, the tender record button).
        "header_parts": page_parts.header_parts(request, opportunity),
        "actions": page_parts.actions(user, opportunity),
    }
    if tab in registered:
        context["loaded_tab"] = {"url": registered[tab].url(opportunity), "label": registered[tab].label}
    elif tab == "lines":
        context["lines"] = selectors.lines_of(opportunity=opportunity)
        if may_edit:
            context["line_form"] = LineForm()
            context["products"] = list(context["line_form"].fields["product"].queryset)
    elif tab == "team":
        context["team"] = selectors.team_of(opportunity=opportunity)
        if may_edit:
            context["team_form"] = TeamMemberForm()
        if context["may_change_owner"]:
            context["owner_form"] = ChangeOwnerForm(viewer=user, opportunity=opportunity)
    elif tab == "assessment":
        latest = selectors.assessment_latest(opportunity=opportunity)
        history = selectors.assessment_history(opportunity=opportunity)
        context.update({
            "latest": latest,
            "groups": selectors.assessment_form_groups(questions=selectors.assessment_questions(), latest=latest),
            "history": history,
            "chart_labels": ",".join(timezone.localtime(a.created_at).strftime("%Y-%m-%d") for a in reversed(history)),
            "chart_scores": ",".join(str(a.score) for a in reversed(history)),
        })
    elif tab == "activities":
        context["activities"] = selectors.activities_of(opportunity=opportunity)
        context["plans"] = selectors.action_plans_of(opportunity=opportunity)
        if may_edit:
            context["plan_form"] = ActionPlanForm()
            context["step_form"] = PlanStepForm(opportunity=opportunity)
    else:
        context["timeline"] = selectors.opportunity_timeline(opportunity=opportunity)
    return render(request, "opportunities/opportunity_detail.html", context)


def _posted_to(request, pk: int, tab: str, action) -> HttpResponseRedirect:
    """Run one action posted from a tab; a refusal is shown as a message on the tab."""
    try:
        note = action()
    except (DomainError, PermissionDenied, ValidationError) as exc:
        messages.error(request, refusal_message(exc))
    else:
        if note:
            messages.success(request, note)
    return HttpResponseRedirect(_detail_url(pk, tab))


@login_required
@require_POST
def opportunity_confirm(request, pk: int):
    opportunity = selectors.opportunity_get(viewer=request.user, pk=pk)
    confirmed = request.POST.get("confirmed") == "1"

    def confirm():
        services.opportunity_set_confirmed(opportunity=opportunity, confirmed=confirmed, by=request.user)
        return _("Confirmed for the forecast.") if confirmed else _("Confirmation withdrawn.")

    return _posted_to(request, pk, request.POST.get("tab", "lines"), confirm)


@login_required
@require_POST
@one_time_form
def line_add(request, pk: int):
    opportunity = selectors.opportunity_get(viewer=request.user, pk=pk)
    form = LineForm(request.POST)

    def add():
        if not form.is_valid():
            raise DomainError(_form_text(form))
        services.line_add(opportunity=opportunity, by=request.user, data=_line_data(form))
        return _("Line added.")

    return _posted_to(request, pk, "lines", add)


@login_required
@require_POST
def line_edit(request, pk: int, line_id: int):
    opportunity = selectors.opportunity_get(viewer=request.user, pk=pk)
    line = get_object_or_404(OpportunityLine, pk=line_id, opportunity=opportunity)
    form = LineForm(request.POST, current_product=line.product)

    def edit():
        if not form.is_valid():
            raise DomainError(_form_text(form))
        services.line_update(line=line, by=request.user, data=_line_data(form))
        return _("Line saved.")

    return _posted_to(request, pk, "lines", edit)


@login_required
@require_POST
def line_delete(request, pk: int, line_id: int):
    opportunity = selectors.opportunity_get(viewer=request.user, pk=pk)
    line = get_object_or_404(OpportunityLine, pk=line_id, opportunity=opportunity)

    def remove():
        services.line_remove(line=line, by=request.user)
        return _("Line removed.")

    return _posted_to(request, pk, "lines", remove)


def _line_data(form: LineForm) -> dict:
    data = dict(form.cleaned_data)
    if data.get("discount") is None:
        data["discount"] = 0
    return data


def _form_text(form) -> str:
    return " ".join(f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
                    for name, errors in form.errors.items())


@login_required
@require_POST
@one_time_form
def team_add(request, pk: int):
    opportunity = selectors.opportunity_get(viewer=request.user, pk=pk)
    form = TeamMemberForm(request.POST)

    def add():
        if not form.is_valid():
            raise DomainError(_form_text(form))
        member = services.team_member_add(opportunity=opportunity, user=form.cleaned_data["user"],
                                          role=form.cleaned_data["role"], by=request.user)
        return _("%(person)s is on the sales team.") % {"person": member.user}

    return _posted_to(request, pk, "team", add)


@login_required
@require_POST
def team_remove(request, pk: int, user_id: int):
    opportunity = selectors.opportunity_get(viewer=request.user, pk=pk)
    person = get_object_or_404(User, pk=user_id)

    def remove():
        services.team_member_remove(opportunity=opportunity, user=person, by=request.user)
        return _("%(person)s left the sales team.") % {"person": person}

    return _posted_to(request, pk, "team", remove)


@login_required
@require_POST
def change_owner(request, pk: int):
    opportunity = selectors.opportunity_get(viewer=request.user, pk=pk)

    def change():
        new_owner = _user_posted(request, "new_owner")
        if new_owner is None:
            raise DomainError(_("Choose the new primary owner."), field="new_owner")
        services.opportunity_change_owner(
            opportunity=opportunity, new_owner=new_owner, by=request.user,
            reason=request.POST.get("reason", "")[:2000], expected_owner=_user_posted(request, "expected_owner"),
        )
        return _("%(person)s is now the primary owner.") % {"person": new_owner}

    return _posted_to(request, pk, "team", change)


def _user_posted(request, name: str) -> User | None:
    value = request.POST.get(name, "")
    value = parse_id(value)
    return User.objects.filter(pk=value).first() if value is not None else None


@login_required
@require_POST
def assess(request, pk: int):
    opportunity = selectors.opportunity_get(viewer=request.user, pk=pk)
    answers = {}
    for question in selectors.assessment_questions():
        value = request.POST.get(question.code)
        if value in ("yes", "no"):
            answers[question.code] = value == "yes"

    def save():
        assessment = services.opportunity_assess(opportunity=opportunity, answers=answers, by=request.user)
        if assessment.high_value:
            return _("Score %(score)d of 20: a high-value opportunity.") % {"score": assessment.score}
        return _("Score %(score)d of 20.") % {"score": assessment.score}

    return _posted_to(request, pk, "assessment", save)


# --- Activities and plans ------------------------------------------------------------------

@login_required
@one_time_form
def activity_new(request):
    """Log or plan an activity for an opportunity (?opportunity=) or a customer (?customer=)."""
    opportunity = customer = None
    source = request.POST if request.method == "POST" else request.GET
    if parse_id(source.get("opportunity")) is not None:
        opportunity = selectors.opportunity_get(viewer=request.user, pk=parse_id(source["opportunity"]))
        customer = opportunity.customer
    elif parse_id(source.get("customer")) is not None:
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=parse_id(source["customer"]))
    else:
        return HttpResponse(_("Open the opportunity or the customer first."), status=400)
    form = ActivityForm(request.POST or None, viewer=request.user, customer=customer, opportunity=opportunity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_create(
                by=request.user, kind=data["kind"], subject=data["subject"], due_at=data["due_at"],
                customer=customer, opportunity=opportunity, owner=data["owner"], participants=data["participants"],
                contacts=data["contacts"], location=data["location"], notes=data["notes"],
                done_at=timezone.now() if data["done"] else None, outcome=data["outcome"],
            )
        except (DomainError, PermissionDenied, ValidationError) as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Activity saved."))
            if opportunity is not None:
                return HttpResponseRedirect(_detail_url(opportunity.pk, "activities"))
            return HttpResponseRedirect(reverse("opportunities:agenda"))
    return render(request, "opportunities/activity_form.html", {
        "form": form, "opportunity": opportunity, "customer": customer, "activity": None,
    }, status=400 if form.errors else 200)


def _activity_for(request, activity_id: int) -> Activity:
    return get_object_or_404(selectors.activity_list(viewer=request.user), pk=activity_id)


def _back(activity: Activity) -> str:
    if activity.opportunity_id:
        return _detail_url(activity.opportunity_id, "activities")
    return reverse("opportunities:agenda")


@login_required
def activity_edit(request, activity_id: int):
    activity = _activity_for(request, activity_id)
    if not services.may_edit_activity(request.user, activity):
        messages.error(request, _("You cannot change this activity."))
        return HttpResponseRedirect(_back(activity))
    initial = {"kind": activity.kind, "subject": activity.subject, "due_at": timezone.localtime(activity.due_at),
               "owner": activity.owner_id, "participants": list(activity.participants.all()),
               "contacts": list(activity.contacts.all()), "location": activity.location, "notes": activity.notes,
               "done": activity.is_done, "outcome": activity.outcome}
    form = ActivityForm(request.POST or None, initial=initial, viewer=request.user, customer=activity.customer,
                        opportunity=activity.opportunity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done = data.pop("done")
        data["done_at"] = (activity.done_at or timezone.now()) if done else None
        try:
            services.activity_update(activity=activity, by=request.user, data=data)
        except (DomainError, PermissionDenied, ValidationError) as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Activity saved."))
            return HttpResponseRedirect(_back(activity))
    return render(request, "opportunities/activity_form.html", {
        "form": form, "opportunity": activity.opportunity, "customer": activity.customer, "activity": activity,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def activity_done(request, activity_id: int):
    activity = _activity_for(request, activity_id)
    form = ActivityDoneForm(request.POST)
    form.is_valid()
    try:
        services.activity_complete(activity=activity, by=request.user, outcome=form.cleaned_data.get("outcome", ""),
                                   done=request.POST.get("done", "1") == "1")
    except (DomainError, PermissionDenied, ValidationError) as exc:
        messages.error(request, refusal_message(exc))
    next_url = request.POST.get("next", "")
    # Only a path on this site: "/\\evil.example" passes a startswith("/") test but browsers go elsewhere.
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect(_back(activity))


@login_required
@require_POST
@one_time_form
def plan_add(request, pk: int):
    opportunity = selectors.opportunity_get(viewer=request.user, pk=pk)
    form = ActionPlanForm(request.POST)

    def add():
        if not form.is_valid():
            raise DomainError(_form_text(form))
        services.action_plan_create(opportunity=opportunity, name=form.cleaned_data["name"],
                                    goal=form.cleaned_data["goal"], by=request.user)
        return _("Action plan created.")

    return _posted_to(request, pk, "activities", add)


@login_required
@require_POST
@one_time_form
def plan_step_add(request, plan_id: int):
    plan = get_object_or_404(ActionPlan.objects.visible_to(request.user).select_related("opportunity"), pk=plan_id)
    form = PlanStepForm(request.POST, opportunity=plan.opportunity)

    def add():
        if not form.is_valid():
            raise DomainError(_form_text(form))
        services.action_plan_add_step(plan=plan, by=request.user, **form.cleaned_data)
        return _("Step added.")

    return _posted_to(request, plan.opportunity_id, "activities", add)


# --- Agenda --------------------------------------------------------------------------------

@login_required
@require_GET
def agenda(request):
    """My week: my activities (owner or taking part), or my team's; previous and next weeks."""
    try:
        start = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        start = timezone.localdate()
    if not date_in_range(start):
        start = timezone.localdate()  # near date.min/max the week's bounds would overflow
    scope = "team" if request.GET.get("scope") == "team" else "mine"
    people = services.owner_choices(request.user).order_by("username")
    person = None
    person_id = request.GET.get("person", "")
    if scope == "team" and parse_id(person_id) is not None:
        person = get_object_or_404(people, pk=parse_id(person_id))
    week = selectors.agenda(viewer=request.user, start=start, scope=scope, person=person)
    return render(request, "opportunities/agenda.html", {
        **week, "scope": scope, "person": person, "people": people if scope == "team" else [],
        "today": timezone.localdate(), "roles": TeamRole,
    })
