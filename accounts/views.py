"""Customer pages: list and export, detail with its tabs, intake form with live duplicate check,
review queue, unassigned queue, enrichment reviews, merge.

Views read input, call a service (accounts/services.py) and show what it says: a DomainError,
PermissionDenied or ValidationError becomes a message or form errors, never a server error.
Every customer a page touches comes from `visible_to(request.user)`: anything else is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import (
    PAGE_SIZES,
    AccountPlanForm,
    AssignForm,
    ContactForm,
    CustomerEditForm,
    CustomerFilterForm,
    CustomerIntakeForm,
    MergeForm,
    PlanReviewForm,
    TierOverrideForm,
)
from accounts.matching import PROBABLE_SCORE, REASON_LABELS, SURE_SCORE
from accounts.models import (
    AccountPlan,
    Contact,
    Customer,
    CustomerIntake,
    EnrichmentProposal,
    ImportBatch,
    IntakeOutcome,
    IntakeResolution,
    PlanStatus,
)
from accounts.page_parts import customer_actions, customer_parts
from crm.counting import TallyPaginator, list_tally, wants_exact
from crm.errors import DomainError, refusal_message
from crm.form_tokens import one_time_form
from crm.forms import form_add_error
from crm.links import record_url
from crm.params import parse_id, parse_ids

# --- Shared pieces -------------------------------------------------------------------------

def _subnav(request, active: str) -> list[dict[str, Any]]:
    """The customer area's pill bar."""
    items = [
        ("list", reverse("accounts:customer-list"), _("My customers"), "building"),
        ("new", reverse("accounts:customer-new"), _("New customer"), "plus-circle"),
        ("review", reverse("accounts:review-queue"), _("Review queue"), "intersect"),
    ]
    if request.user.is_manager:
        items.append(("unassigned", reverse("accounts:unassigned"), _("Unassigned"), "person-dash"))
    items.append(("enrichment", reverse("accounts:enrichment-reviews"), _("Enrichment reviews"), "pencil-square"))
    items.append(("imports", reverse("accounts:import-list"), _("Imports"), "upload"))
    return [{"key": key, "url": url, "label": label, "icon": icon, "active": key == active}
            for key, url, label, icon in items]


def _render(request, template: str, context: dict[str, Any], *, section: str, status: int = 200) -> HttpResponse:
    context = {**context, "subnav": _subnav(request, section)}
    return render(request, template, context, status=status)


def _attempt(request, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run a service call; on a refusal, show its message. Returns (succeeded, result)."""
    try:
        return True, action()
    except (DomainError, PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_message(error))
        return False, None


def _customer_or_404(request, pk: int) -> Customer:
    try:
        return selectors.customer_get(viewer=request.user, pk=pk)
    except Customer.DoesNotExist as exc:
        raise Http404(_("No such customer.")) from exc


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


def _label_fields(proposals):
    """Give each proposal the words for its field ("phone" -> "电话")."""
    for proposal in proposals:
        try:
            proposal.field_label = Customer._meta.get_field(proposal.field).verbose_name
        except FieldDoesNotExist:  # a field removed since: show its code name
            proposal.field_label = proposal.field
    return proposals


def _display(name: str, value: Any) -> str:
    """A customer field as the detail page shows it; numbers grouped by thousands."""
    if value is None or value == "":
        return ""
    if name == "employees":
        return f"{value:,}"
    if name == "annual_revenue":
        return f"¥{value:,.2f}"
    return str(value)


def _tab_url(customer: Customer, tab: str) -> str:
    return f"{customer.get_absolute_url()}?tab={tab}"


# --- My customers: list and export ---------------------------------------------------------

def _filtered_customers(request):
    data = request.GET.copy()
    if not any(data.get(name) for name in ("scope", "owner", "unassigned")):
        data["scope"] = selectors.default_customer_scope(request.user)
    form = CustomerFilterForm(data, viewer=request.user, choices=selectors.customer_filter_choices(viewer=request.user))
    filters = form.filters()
    return form, filters, selectors.customer_list(viewer=request.user, filters=filters)


@login_required
@require_GET
def customer_list(request):
    """The customers visible to me: search, filters, sort, pagination; a constant number of queries."""
    form, filters, customers = _filtered_customers(request)
    per_page = filters.get("per_page") or PAGE_SIZES[0]
    # Counted up to the exact-count limit, an estimate above it (crm.counting); exact on request.
    tally = list_tally(customers, exact=wants_exact(request))
    page = TallyPaginator(customers.only(*selectors.CUSTOMER_ROW_FIELDS), per_page, tally=tally).get_page(
        request.GET.get("page"))
    page.object_list = list(page.object_list)
    detail_url = record_url("accounts:customer-detail")  # one reverse() for the page, not one per row
    for customer in page.object_list:
        customer.detail_url = detail_url(customer.pk)
    return _render(request, "accounts/customer_list.html", {
        "form": form, "page": page, "sort": filters.get("sort") or selectors.DEFAULT_SORT,
        "filtered": any(filters.get(name) for name in ("q", "tier", "source", "owner", "province", "industry",
                                                       "unassigned")),
    }, section="list")


@login_required
@require_GET
def customer_export(request, fmt: str):
    """The visible, filtered list as CSV or Excel (every page, not just the one on screen); a long list is
    exported by a background job, and the answer is its page."""
    from accounts import exports

    query = request.GET.urlencode()
    _form, _filters, customers = exports.customer_export_queryset(viewer=request.user, query=query)
    if customers.count() > exports.EXPORT_INLINE_ROWS:
        job = exports.customer_export_start(by=request.user, query=query, fmt=fmt)
        messages.info(request, _("The list is long: the file is written in the background; download it here "
                                 "when it is ready."))
        return redirect(job.get_absolute_url())
    name, content = exports.customer_export_file(viewer=request.user, query=query, fmt=fmt)
    content_type = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                    else "text/csv; charset=utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- One customer --------------------------------------------------------------------------

TABS = ["overview", "contacts", "org", "opportunities", "plans", "proposals", "intakes", "history"]


def _detail_context(request, customer: Customer, tab: str) -> dict[str, Any]:
    user = request.user
    can_edit = services.customer_may_edit(user=user, customer=customer)
    counts = selectors.customer_counts(customer=customer)
    context: dict[str, Any] = {
        "customer": customer,
        "tab": tab,
        "can_edit": can_edit,
        "relatives": selectors.customer_relatives(viewer=user, customer=customer,
                                                  subsidiaries_total=counts.pop("subsidiaries")),
        "counts": counts,
    }
    if tab == "opportunities":
        context["actions"] = customer_actions(user, customer)
        context["parts"] = customer_parts(request, customer)
    if tab == "overview":
        # Only http(s) links: a stored "javascript:..." must not become a clickable link.
        website = customer.website.strip()
        context["website_url"] = website if website.lower().startswith(("http://", "https://")) else (
            f"https://{website.lstrip('/')}" if website else "")
        context["tier_form"] = TierOverrideForm(initial={"tier": customer.tier})
        context["fields"] = [
            {"name": name, "label": Customer._meta.get_field(name).verbose_name,
             "display": _display(name, getattr(customer, name))}
            for name in ("credit_code", "industry", "province", "city", "address", "phone", "email", "website",
                         "employees", "annual_revenue")
        ]
    elif tab == "contacts":
        context["contacts"] = selectors.customer_contacts(customer=customer)
    elif tab == "org":
        context["tree"] = selectors.contact_tree(selectors.customer_contacts(customer=customer))
    elif tab == "plans":
        plans = selectors.customer_plans(customer=customer)
        context["plans"] = [{
            "plan": plan,
            "can_review": plan.status == PlanStatus.SUBMITTED
            and services.account_plan_may_review(user=user, plan=plan),
        } for plan in plans]
        context["review_form"] = PlanReviewForm()
        context["this_year"] = timezone.localdate().year
    elif tab == "proposals":
        context["proposals"] = _label_fields(selectors.customer_pending_proposals(customer=customer))
    elif tab == "intakes":
        context["intakes"] = selectors.customer_intakes(customer=customer)
    elif tab == "history":
        context["history"] = selectors.customer_history(customer=customer)
    return context


@login_required
@require_GET
def customer_detail(request, pk: int):
    customer = _customer_or_404(request, pk)
    tab = request.GET.get("tab") or "overview"
    if tab not in TABS:
        tab = "overview"
    return _render(request, "accounts/customer_detail.html", _detail_context(request, customer, tab), section="")


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, pk: int):
    """Edit the fields and the group company; customer_update keeps the credit code unique."""
    customer = _customer_or_404(request, pk)
    form = CustomerEditForm(request.POST or None, viewer=request.user, customer=customer)
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        try:
            services.customer_update(
                customer=customer, data=form.customer_data(), by=request.user,
                parent=None if parent == "keep" else parent, set_parent=parent != "keep",
            )
        except (DomainError, PermissionDenied, ValidationError) as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Customer saved."))
            return redirect(customer)
    context = _detail_context(request, customer, "overview") | {"form": form, "editing": True}
    return _render(request, "accounts/customer_edit.html", context, section="")


@login_required
@require_POST
def customer_tier(request, pk: int):
    """Set the tier by hand (a reason is required by the service) or hand it back to the rules."""
    customer = _customer_or_404(request, pk)
    if request.POST.get("action") == "reset":
        ok, _result = _attempt(request, lambda: services.customer_clear_tier_override(customer=customer,
                                                                                      by=request.user))
        if ok:
            messages.success(request, _("The tier follows the classification rules again."))
        return redirect(customer)
    form = TierOverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a tier."))
        return redirect(customer)
    ok, _result = _attempt(request, lambda: services.customer_override_tier(
        customer=customer, tier=form.cleaned_data["tier"], reason=form.cleaned_data["reason"], by=request.user))
    if ok:
        messages.success(request, _("Tier set by hand."))
    return redirect(customer)


# --- Contacts ------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def contact_edit(request, pk: int, contact_pk: int | None = None):
    """Add or edit a contact; contact_save keeps the reporting line inside the customer, without cycles."""
    customer = _customer_or_404(request, pk)
    contact = get_object_or_404(Contact, pk=contact_pk, customer=customer) if contact_pk else None
    form = ContactForm(request.POST or None, instance=contact, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_save(contact=form.save(commit=False), by=request.user)
        except (DomainError, PermissionDenied, ValidationError) as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Contact saved."))
            return redirect(_tab_url(customer, request.POST.get("tab") or "contacts"))
    context = _detail_context(request, customer, "contacts") | {"form": form, "contact": contact}
    return _render(request, "accounts/contact_form.html", context, section="")


# --- Account plans -------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def plan_edit(request, pk: int, plan_pk: int | None = None):
    customer = _customer_or_404(request, pk)
    plan = get_object_or_404(AccountPlan, pk=plan_pk, customer=customer) if plan_pk else None
    initial = {} if plan else {"year": timezone.localdate().year}
    form = AccountPlanForm(request.POST or None, instance=plan, customer=customer, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_plan_save(plan=form.save(commit=False), by=request.user)
        except (DomainError, PermissionDenied, ValidationError) as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Account plan saved."))
            return redirect(_tab_url(customer, "plans"))
    context = _detail_context(request, customer, "plans") | {"form": form, "plan": plan}
    return _render(request, "accounts/plan_form.html", context, section="")


@login_required
@require_POST
def plan_action(request, pk: int, plan_pk: int):
    """Submit a plan for review, or (a superior) approve or return it."""
    customer = _customer_or_404(request, pk)
    plan = get_object_or_404(AccountPlan, pk=plan_pk, customer=customer)
    action = request.POST.get("action")
    if action == "submit":
        ok, _result = _attempt(request, lambda: services.account_plan_submit(plan=plan, by=request.user))
        done = _("Account plan submitted for review.")
    elif action in ("approve", "return"):
        form = PlanReviewForm(request.POST)
        form.is_valid()
        ok, _result = _attempt(request, lambda: services.account_plan_review(
            plan=plan, approve=action == "approve", comment=form.cleaned_data.get("comment", ""), by=request.user))
        done = _("Account plan approved.") if action == "approve" else _("Account plan returned with comments.")
    else:
        ok, done = False, ""
        messages.error(request, _("Unknown action."))
    if ok:
        messages.success(request, done)
    return redirect(_tab_url(customer, "plans"))


# --- Enrichment proposals ------------------------------------------------------------------

@login_required
@require_GET
def enrichment_reviews(request):
    """New values that conflict with what a visible customer holds, waiting for accept or reject."""
    page = Paginator(selectors.enrichment_reviews(viewer=request.user), 50).get_page(request.GET.get("page"))
    _label_fields(page.object_list)
    return _render(request, "accounts/enrichment_reviews.html", {"page": page}, section="enrichment")


@login_required
@require_POST
def proposal_decide(request, proposal_pk: int):
    proposal = get_object_or_404(EnrichmentProposal.objects.visible_to(request.user), pk=proposal_pk)
    accept = request.POST.get("decision") == "accept"
    ok, _result = _attempt(request, lambda: services.enrichment_decide(proposal=proposal, accept=accept,
                                                                       by=request.user))
    if ok:
        messages.success(request, _("New value accepted.") if accept else _("New value rejected."))
    return HttpResponseRedirect(_next_url(request, reverse("accounts:enrichment-reviews")))


# --- New customer (intake) with the live duplicate check -----------------------------------

# Below this score a candidate is noise on the intake form (matching keeps it for the record).
SHOWN_SCORE = 30


def _score_level(score: int | None) -> str:
    """What intake does with a candidate of this score: link it, send it to review, or neither."""
    score = score or 0
    return "sure" if score >= SURE_SCORE else "probable" if score >= PROBABLE_SCORE else "weak"


def _candidate_rows(request, candidates) -> list[dict[str, Any]]:
    """Candidates as the person may see them: another team's customer is shown without its name."""
    ids = [candidate["id"] if isinstance(candidate, dict) else candidate.customer_id for candidate in candidates]
    visible = {c.pk: c for c in Customer.objects.visible_to(request.user).filter(pk__in=ids).select_related("owner")}
    rows = []
    for candidate in candidates:
        data = candidate if isinstance(candidate, dict) else {
            "id": candidate.customer_id, "name": candidate.name, "score": candidate.score,
            "reasons": candidate.reasons}
        customer = visible.get(data["id"])
        # Like the API: another team's customer is named (so nobody creates it twice) but not linked.
        rows.append({"customer": customer, "name": data["name"], "score": data["score"], "reasons": data["reasons"],
                     "level": _score_level(data["score"])})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def customer_new(request):
    """One customer by hand: intake checks uniqueness, then creates, links or sends it to review."""
    form = CustomerIntakeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.customer_intake(
                source=form.cleaned_data["source"], data=form.customer_data(), by=request.user,
                owner=form.cleaned_data.get("owner"),
            )
        except (DomainError, PermissionDenied, ValidationError) as error:
            form_add_error(form, error)
        else:
            return _after_intake(request, result)
    return _render(request, "accounts/customer_new.html", {"form": form}, section="new")


def _after_intake(request, result) -> HttpResponse:
    customer = result.customer
    visible = customer is not None and Customer.objects.visible_to(request.user).filter(pk=customer.pk).exists()
    if result.outcome == IntakeOutcome.REVIEW:
        messages.warning(request, _("%(name)s looks like an existing customer: it waits in the review queue.")
                         % {"name": result.intake.name})
        return redirect("accounts:review-queue")
    if result.outcome == IntakeOutcome.MATCHED:
        if visible:
            messages.info(request, _("%(name)s already exists: the new information was added to it.")
                          % {"name": customer.name})
            return redirect(customer)
        messages.info(request, _("This customer already exists and belongs to another team; its owner has been "
                                 "told about the new information."))
        return redirect("accounts:customer-list")
    if visible:
        if customer.owner_id and customer.owner_id != request.user.pk:
            messages.success(request, _("Customer %(name)s created and assigned to %(owner)s.")
                             % {"name": customer.name, "owner": customer.owner})
        elif customer.owner_id is None:
            messages.success(request, _("Customer %(name)s created; no assignment rule matched, so it waits in "
                                        "the unassigned queue.") % {"name": customer.name})
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
        return redirect(customer)
    messages.success(request, _("Customer %(name)s created and assigned to %(owner)s by the assignment rules.")
                     % {"name": customer.name, "owner": customer.owner or "—"})
    return redirect("accounts:customer-list")


@login_required
@require_POST
def customer_check(request):
    """HTMX: the duplicate candidates of what is typed so far (writes nothing)."""
    data = {name: request.POST.get(name, "") for name in services.CUSTOMER_FIELDS}
    exclude = request.POST.get("exclude", "")
    exclude_id = parse_id(exclude)
    context: dict[str, Any] = {"rows": [], "problems": [], "typed": bool(data["name"].strip())}
    if context["typed"]:
        try:
            candidates = services.customer_check(data=data, exclude_id=exclude_id)
        except ValidationError as error:
            # Half-typed fields (an e-mail without its domain) are left out of the check; a wrong
            # credit code is worth saying at once.
            bad = error.message_dict
            context["problems"] = bad.get("credit_code", [])
            candidates = [] if "name" in bad else services.customer_check(
                data={k: v for k, v in data.items() if k not in bad}, exclude_id=exclude_id)
        context["rows"] = _candidate_rows(request, [c for c in candidates if c.score >= SHOWN_SCORE])
    return render(request, "accounts/_check_results.html", context)


# --- Review queue --------------------------------------------------------------------------

REVIEW_FIELDS = ["name", "credit_code", "province", "city", "address", "phone", "email", "website", "industry",
                 "employees", "annual_revenue"]


@login_required
@require_GET
def review_queue(request):
    """Probable matches waiting for a person: the incoming record side by side with its candidates."""
    batch_id, reason = parse_id(request.GET.get("batch")), request.GET.get("reason", "")
    queue = selectors.review_queue(viewer=request.user, batch_id=batch_id, reason=reason)
    if (intake_id := parse_id(request.GET.get("intake"))) is not None:  # one item, e.g. from an import's report
        queue = queue.filter(pk=intake_id)
    page = Paginator(queue, 10).get_page(request.GET.get("page"))
    intakes = list(page.object_list)
    visible = selectors.review_candidates(viewer=request.user, intakes=intakes)
    labels = {name: Customer._meta.get_field(name).verbose_name for name in REVIEW_FIELDS}
    items = []
    for intake in intakes:
        columns, others = [], []
        for candidate in intake.candidates:
            customer = visible.get(candidate.get("id"))
            if customer is None:
                others.append(candidate)
            elif len(columns) < 3:
                columns.append({"customer": customer, "score": candidate.get("score"),
                                "reasons": candidate.get("reasons", []), "level": _score_level(candidate.get("score"))})
        rows = []
        for name in REVIEW_FIELDS:
            incoming = intake.raw_data.get(name)
            incoming = "" if incoming is None else str(incoming)
            values = []
            for column in columns:
                value = _display(name, getattr(column["customer"], name))
                values.append({"value": value, "differs": bool(incoming and value and
                                                                 incoming.strip().lower() != value.strip().lower())})
            rows.append({"label": labels[name], "incoming": incoming, "values": values})
        items.append({"intake": intake, "columns": columns, "rows": rows, "others": others})
    filters = {"imports": selectors.review_imports(viewer=request.user), "batch_id": batch_id, "reason": reason,
               "reasons": sorted(REASON_LABELS.items(), key=lambda item: str(item[1]))}
    return _render(request, "accounts/review_queue.html", {"page": page, "items": items, **filters},
                   section="review")


@login_required
@require_POST
def review_create_weak(request):
    """Create, as new customers, the chosen import's records waiting for review on weak evidence only."""
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=parse_id(request.POST.get("batch")))
    try:
        created = services.review_create_weak(batch=batch, by=request.user)
    except (DomainError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, ngettext(
            "%(count)d customer created from the import's records that only looked alike.",
            "%(count)d customers created from the import's records that only looked alike.", created)
            % {"count": created})
    return redirect(f"{reverse('accounts:review-queue')}?batch={batch.pk}")


@login_required
@require_POST
def intake_resolve(request, intake_pk: int):
    intake = get_object_or_404(CustomerIntake.objects.visible_to(request.user), pk=intake_pk)
    resolution = request.POST.get("resolution", "")
    customer = None
    if resolution in (IntakeResolution.LINKED, IntakeResolution.MERGED):
        customer = Customer.objects.visible_to(request.user).filter(pk=parse_id(request.POST.get("customer"))).first()
    ok, resolved = _attempt(request, lambda: services.intake_resolve(intake=intake, resolution=resolution,
                                                                     by=request.user, customer=customer))
    if ok:
        done = {
            IntakeResolution.LINKED: _("Linked to %(name)s."),
            IntakeResolution.MERGED: _("Merged into %(name)s."),
            IntakeResolution.CREATED: _("Created as the new customer %(name)s."),
        }[resolution]
        messages.success(request, done % {"name": resolved.customer})
    return redirect("accounts:review-queue")


# --- Unassigned queue ----------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def unassigned_queue(request):
    """Customers no rule could place; a manager or administrator gives them to someone."""
    if not request.user.is_manager:
        return _render(request, "accounts/forbidden.html",
                       {"message": _("Only managers and administrators assign customers.")},
                       section="", status=403)
    form = AssignForm(request.POST or None, viewer=request.user)
    if request.method == "POST":
        ids = parse_ids(request.POST.getlist("customers"))
        chosen = list(selectors.unassigned_queue(viewer=request.user).filter(pk__in=ids))
        if not chosen:
            messages.error(request, _("Select at least one customer."))
        elif form.is_valid():
            owner = form.cleaned_data["owner"]
            assigned = 0
            for customer in chosen:
                ok, _result = _attempt(request, lambda customer=customer: services.customer_assign(
                    customer=customer, owner=owner, by=request.user))
                assigned += ok
            if assigned:
                messages.success(request, _("%(count)d customer(s) given to %(owner)s.")
                                 % {"count": assigned, "owner": owner})
            return redirect("accounts:unassigned")
        else:
            messages.error(request, _("Choose the person to give the customers to."))
    page = Paginator(selectors.unassigned_queue(viewer=request.user).select_related("created_by"), 50).get_page(
        request.GET.get("page"))
    return _render(request, "accounts/unassigned_queue.html", {"page": page, "form": form}, section="unassigned")


# --- Merge ---------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def customer_merge(request, pk: int):
    """Merge another visible customer into this one: pick it by search, compare, confirm."""
    customer = _customer_or_404(request, pk)
    form = MergeForm(request.POST or None, initial={"other": request.GET.get("other")})
    other = None
    other_id = request.POST.get("other") or request.GET.get("other")
    other_id = parse_id(other_id)
    if other_id is not None and other_id != customer.pk:
        other = Customer.objects.visible_to(request.user).select_related("owner", "parent").filter(
            pk=other_id).first()
        if other is None:
            raise Http404(_("No such customer."))
    if request.method == "POST" and other is not None and form.is_valid():
        ok, record = _attempt(request, lambda: services.customer_merge(
            survivor=customer, merged=other, by=request.user, reason=form.cleaned_data["reason"]))
        if ok:
            messages.success(request, _("%(merged)s was merged into %(survivor)s.")
                             % {"merged": record.merged_name, "survivor": customer.name})
            return redirect(_tab_url(customer, "history"))
    compare = []
    if other is not None:
        for name in REVIEW_FIELDS:
            compare.append({"label": Customer._meta.get_field(name).verbose_name,
                            "mine": _display(name, getattr(customer, name)),
                            "other": _display(name, getattr(other, name))})
    context = _detail_context(request, customer, "overview") | {
        "form": form, "other": other, "compare": compare,
        "other_counts": {"contacts": other.contacts.count(), "plans": other.plans.count(),
                         "intakes": other.intakes.count()} if other else None,
    }
    return _render(request, "accounts/customer_merge.html", context, section="")


@login_required
@require_GET
def customer_pick(request):
    """HTMX: visible customers matching a search, for the merge and group-company pickers."""
    exclude = request.GET.get("exclude")
    mode = request.GET.get("mode") if request.GET.get("mode") in ("merge", "parent") else "merge"
    results = selectors.customer_pick(viewer=request.user, query=request.GET.get("q", ""),
                                      exclude_id=parse_id(exclude))
    return render(request, "accounts/_pick_results.html", {
        "results": results, "mode": mode, "exclude": exclude, "query": request.GET.get("q", "")})
