"""Tender pages: list, new (from an opportunity), detail with its lines, agents, competitors, outcome and
history, edit, bid comparison; partners with their credit standing; the list of competing brands.

Views parse the request and call a service or selector; refusals become a message on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bids import selectors, services
from bids.filters import BID_ORDERING, BidFilter, PartnerFilter
from bids.forms import (
    AgentForm,
    BidForm,
    BrandForm,
    CompetitorForm,
    ContactForm,
    LineForm,
    OutcomeForm,
    PartnerForm,
    RatingForm,
)
from bids.models import (
    BidAgent,
    BidLine,
    BidProject,
    BidScheme,
    BidStatus,
    CompetitorBrand,
    CreditRating,
    Impact,
    Partner,
    PartnerContact,
    PartnerKind,
    PartnerStatus,
    Relationship,
    SalesMethod,
    TenderType,
)
from crm.errors import DomainError, PermissionDenied, refusal_message
from crm.form_tokens import one_time_form
from crm.forms import form_add_error
from crm.params import parse_id
from opportunities.models import Opportunity

PAGE_SIZE = 25
REFUSALS = (DomainError, PermissionDenied, ValidationError)


def _form_text(form) -> str:
    return " ".join(f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
                    for name, errors in form.errors.items())


def _posted(request, url: str, action) -> HttpResponseRedirect:
    """Run one action posted from a page; a refusal is shown as a message there."""
    try:
        note = action()
    except REFUSALS as exc:
        messages.error(request, refusal_message(exc))
    else:
        if note:
            messages.success(request, note)
    return HttpResponseRedirect(url)


def _brand_names() -> list[str]:
    return list(CompetitorBrand.objects.filter(active=True).order_by("name").values_list("name", flat=True))


def _bid_for(request, pk: int) -> BidProject:
    return get_object_or_404(selectors.bid_list(viewer=request.user), pk=pk)


def _detail_url(pk: int, anchor: str = "") -> str:
    url = reverse("bids:bid-detail", args=[pk])
    return f"{url}#{anchor}" if anchor else url


# --- Tender list ------------------------------------------------------------------------------------

@login_required
@require_GET
def bid_list(request):
    """Filters (status, tender type, impact, relationship, sales method, key dates), sorting and pages, in a
    constant number of queries whatever the number of rows."""
    queryset = selectors.bid_list(viewer=request.user).prefetch_related(
        Prefetch("bid_agents", queryset=BidAgent.objects.select_related("partner")))
    filterset = BidFilter(request.GET, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    if not request.GET.get("ordering"):
        rows = rows.order_by("-created_at", "-id")
    totals = rows.order_by().aggregate(count=Count("id"), quote=Sum("quote_total"), target=Sum("target_total"))
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = totals["count"]  # already counted with the sums: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    for bid in page.object_list:
        bid.next_date = selectors.next_key_date(bid)
        bid.warning_list = selectors.bid_warnings(bid)
    sort_query = request.GET.copy()  # the sort links keep the filters, not the page or the old sort
    sort_query.pop("page", None)
    sort_query.pop("ordering", None)
    return render(request, "bids/bid_list.html", {
        "page": page,
        "totals": totals,
        "filterset": filterset,
        "params": request.GET,
        "sort_query": sort_query.urlencode(),
        "ordering": request.GET.get("ordering", ""),
        "sort_keys": BID_ORDERING,
        "statuses": BidStatus.choices,
        "tender_types": TenderType.choices,
        "impacts": Impact.choices,
        "relationships": Relationship.choices,
        "sales_methods": SalesMethod.choices,
    })


# --- New and edit -----------------------------------------------------------------------------------

@login_required
@one_time_form
def bid_new(request):
    """A new tender record, from an opportunity's page: new/?opportunity=<id>. Without one, a choice of the
    visible opportunities that have no tender record yet."""
    opportunity_id = request.GET.get("opportunity") or request.POST.get("opportunity") or ""
    if not opportunity_id:
        candidates = (Opportunity.objects.visible_to(request.user).filter(bid__isnull=True, stage__outcome="open")
                      .select_related("customer", "stage").order_by("expected_close_date", "id")[:200])
        return render(request, "bids/bid_pick_opportunity.html", {"candidates": candidates})
    if parse_id(opportunity_id) is None:
        raise Http404
    opportunity = get_object_or_404(Opportunity.objects.visible_to(request.user).select_related("customer"),
                                    pk=parse_id(opportunity_id))
    existing = BidProject.objects.filter(opportunity=opportunity).first()
    if existing is not None:
        messages.info(request, _("This opportunity already has a tender record."))
        return HttpResponseRedirect(_detail_url(existing.pk))
    if not services.may_edit_bid(request.user, opportunity):
        messages.error(request, _("Only the primary owner, their superiors, the presales and solution members of the "
                                  "sales team or an administrator can change this tender record."))
        return HttpResponseRedirect(opportunity.get_absolute_url())
    form = BidForm(request.POST or None, initial={"competitors": ", ".join(opportunity.competitors or [])})
    if request.method == "POST" and form.is_valid():
        try:
            bid = services.bid_create(opportunity=opportunity, by=request.user, data=form.service_data())
        except REFUSALS as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Tender record created. Add its lines, agents and competitors below."))
            return HttpResponseRedirect(_detail_url(bid.pk))
    return render(request, "bids/bid_form.html", {"form": form, "opportunity": opportunity, "bid": None,
                                                  "brand_names": _brand_names()},
                  status=400 if form.errors else 200)


@login_required
def bid_edit(request, pk: int):
    bid = get_object_or_404(selectors.bid_list_api(viewer=request.user), pk=pk)
    if not services.may_edit_bid(request.user, bid.opportunity):
        messages.error(request, _("Only the primary owner, their superiors, the presales and solution members of the "
                                  "sales team or an administrator can change this tender record."))
        return HttpResponseRedirect(_detail_url(pk))
    if bid.is_closed:
        messages.error(request, _("This tender is closed (%(status)s): it can no longer be changed.")
                       % {"status": bid.get_status_display()})
        return HttpResponseRedirect(_detail_url(pk))
    form = BidForm(request.POST or None, instance=bid)
    if request.method == "POST" and form.is_valid():
        try:
            services.bid_update(bid=bid, by=request.user, data=form.service_data())
        except REFUSALS as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(_detail_url(pk))
    return render(request, "bids/bid_form.html", {"form": form, "opportunity": bid.opportunity, "bid": bid,
                                                  "brand_names": _brand_names()},
                  status=400 if form.errors else 200)


# --- Detail -----------------------------------------------------------------------------------------

@login_required
@require_GET
def bid_detail(request, pk: int):
    """Everything a tender team reads, grouped: the tender, evaluation, customer and competition, key dates,
    lines with totals, agents with their credit standing, competitors, outcome and history."""
    bid = selectors.bid_get(viewer=request.user, pk=pk)
    user = request.user
    may_edit = services.may_edit_bid(user, bid.opportunity) and not bid.is_closed
    may_record = services.may_record_outcome(user, bid.opportunity)
    lines = selectors.lines_of(bid=bid)
    context = {
        "bid": bid,
        "opportunity": bid.opportunity,
        "lines": lines,
        "totals": selectors.line_totals(lines),
        "agents": selectors.agents_of(bid=bid),
        "competitors": selectors.competitors_of(bid=bid),
        "warnings": selectors.bid_warnings(bid),
        "key_dates": selectors.key_date_path(bid=bid),
        "timeline": selectors.bid_timeline(bid=bid),
        "missing": selectors.bid_completeness_problems(bid) if bid.status == BidStatus.PREPARING else [],
        "may_edit": may_edit,
        "may_record": may_record and not bid.is_closed,
        "may_reopen": may_record and bid.status == BidStatus.CANCELLED,
        "agent_scheme": bid.scheme != BidScheme.DIRECT,
    }
    if may_edit:
        context.update({"line_form": LineForm(prefix="line"), "agent_form": AgentForm(prefix="agent"),
                        "competitor_form": CompetitorForm(prefix="competitor"), "brand_names": _brand_names()})
    if context["may_record"]:
        context["outcome_form"] = OutcomeForm(prefix="outcome")
        context.setdefault("brand_names", _brand_names())
    return render(request, "bids/bid_detail.html", context)


@login_required
@require_GET
def bid_comparison(request, pk: int):
    """Our quote against the customer's target and the competitors' known prices: a bar chart and the table."""
    bid = selectors.bid_get(viewer=request.user, pk=pk)
    comparison = selectors.bid_comparison(bid=bid)
    return render(request, "bids/bid_comparison.html", {"bid": bid, "opportunity": bid.opportunity, **comparison})


# --- Actions posted from the detail page --------------------------------------------------------------

def _form_action(request, bid: BidProject, form, anchor: str, run, note: str) -> HttpResponseRedirect:
    def action():
        if not form.is_valid():
            raise DomainError(_form_text(form))
        run(form.cleaned_data)
        return note

    return _posted(request, _detail_url(bid.pk, anchor), action)


@login_required
@require_POST
@one_time_form
def line_add(request, pk: int):
    bid = _bid_for(request, pk)
    return _form_action(request, bid, LineForm(request.POST, prefix="line"), "lines",
                        lambda data: services.bid_line_add(bid=bid, by=request.user, data=data), _("Line added."))


@login_required
@require_POST
def line_delete(request, pk: int, line_id: int):
    bid = _bid_for(request, pk)
    line = get_object_or_404(BidLine, pk=line_id, bid=bid)
    return _posted(request, _detail_url(pk, "lines"),
                   lambda: services.bid_line_remove(line=line, by=request.user) or _("Line removed."))


@login_required
@require_POST
@one_time_form
def agent_add(request, pk: int):
    bid = _bid_for(request, pk)
    return _form_action(
        request, bid, AgentForm(request.POST, prefix="agent"), "agents",
        lambda data: services.bid_agent_set(bid=bid, by=request.user, partner=data["partner"], scheme=data["scheme"],
                                            quote=data["quote"]),
        _("Agent saved."))


@login_required
@require_POST
def agent_remove(request, pk: int, partner_id: int):
    bid = _bid_for(request, pk)
    partner = get_object_or_404(Partner, pk=partner_id)
    return _posted(request, _detail_url(pk, "agents"),
                   lambda: services.bid_agent_remove(bid=bid, by=request.user, partner=partner) or _("Agent removed."))


@login_required
@require_POST
@one_time_form
def competitor_add(request, pk: int):
    bid = _bid_for(request, pk)
    return _form_action(
        request, bid, CompetitorForm(request.POST, prefix="competitor"), "competitors",
        lambda data: services.bid_competitor_set(bid=bid, by=request.user, brand=data["brand"],
                                                 known_price=data["known_price"], note=data["note"]),
        _("Competitor saved."))


@login_required
@require_POST
def competitor_remove(request, pk: int, brand_id: int):
    bid = _bid_for(request, pk)
    brand = get_object_or_404(CompetitorBrand, pk=brand_id)
    return _posted(request, _detail_url(pk, "competitors"),
                   lambda: services.bid_competitor_remove(bid=bid, by=request.user, brand=brand)
                   or _("Competitor removed."))


@login_required
@require_POST
def bid_submit(request, pk: int):
    bid = _bid_for(request, pk)
    return _posted(request, _detail_url(pk),
                   lambda: services.bid_submit(bid=bid, by=request.user) and _("The tender is marked submitted."))


@login_required
@require_POST
def bid_outcome(request, pk: int):
    bid = _bid_for(request, pk)

    def run(data):
        services.bid_record_outcome(bid=bid, by=request.user, outcome=data["outcome"],
                                    winning_brand=data["winning_brand"], winning_price=data["winning_price"],
                                    reason=data["reason"])

    return _form_action(request, bid, OutcomeForm(request.POST, prefix="outcome"), "outcome", run,
                        _("Outcome recorded."))


@login_required
@require_POST
def bid_reopen(request, pk: int):
    bid = _bid_for(request, pk)
    return _posted(request, _detail_url(pk),
                   lambda: services.bid_reopen(bid=bid, by=request.user, reason=request.POST.get("reason", "")[:2000])
                   and _("The tender is open again."))


# --- Partners -----------------------------------------------------------------------------------------

@login_required
@require_GET
def partner_list(request):
    """All sales staff see the partners, with their latest credit standing."""
    # Counted over the tenders the viewer may see only: other teams' tenders are not even a number here.
    visible = BidProject.objects.visible_to(request.user).values("pk")
    queryset = selectors.partner_list(viewer=request.user).annotate(
        tender_count=Count("bid_agents", filter=Q(bid_agents__bid__in=visible)))
    filterset = PartnerFilter(request.GET, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    if not request.GET.get("ordering"):
        rows = rows.order_by("name", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bids/partner_list.html", {
        "page": page, "filterset": filterset, "params": request.GET,
        "kinds": PartnerKind.choices, "statuses": PartnerStatus.choices, "ratings": CreditRating.choices,
        "may_manage": services.may_manage_partners(request.user),
    })


@login_required
@require_GET
def partner_detail(request, pk: int):
    partner = selectors.partner_get(viewer=request.user, pk=pk)
    may_manage = services.may_manage_partners(request.user)
    context = {
        "partner": partner,
        "contacts": list(partner.contacts.all()),
        "ratings": selectors.partner_ratings(partner=partner),
        "tenders": selectors.partner_bids(partner=partner, viewer=request.user),
        "may_manage": may_manage,
    }
    if may_manage:
        context.update({"rating_form": RatingForm(prefix="rating"), "contact_form": ContactForm(prefix="contact")})
    return render(request, "bids/partner_detail.html", context)


@login_required
@one_time_form
def partner_new(request):
    return _partner_form(request, None)


@login_required
def partner_edit(request, pk: int):
    return _partner_form(request, selectors.partner_get(viewer=request.user, pk=pk))


def _partner_form(request, partner: Partner | None):
    if not services.may_manage_partners(request.user):
        messages.error(request, _("Only sales managers and administrators can change partners."))
        return HttpResponseRedirect(partner.get_absolute_url() if partner else reverse("bids:partner-list"))
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data if partner is None else {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            partner = services.partner_save(partner=partner or Partner(), by=request.user, data=data)
        except REFUSALS as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(partner.get_absolute_url())
    return render(request, "bids/partner_form.html", {"form": form, "partner": partner},
                  status=400 if form.errors else 200)


@login_required
@require_POST
@one_time_form
def partner_rate(request, pk: int):
    partner = selectors.partner_get(viewer=request.user, pk=pk)
    form = RatingForm(request.POST, prefix="rating")

    def rate():
        if not form.is_valid():
            raise DomainError(_form_text(form))
        services.partner_rate_credit(partner=partner, by=request.user, **form.cleaned_data)
        return _("Credit standing recorded.")

    return _posted(request, f"{partner.get_absolute_url()}#ratings", rate)


@login_required
@require_POST
@one_time_form
def partner_contact_add(request, pk: int):
    partner = selectors.partner_get(viewer=request.user, pk=pk)
    form = ContactForm(request.POST, prefix="contact")

    def add():
        if not form.is_valid():
            raise DomainError(_form_text(form))
        services.partner_contact_add(partner=partner, by=request.user, data=form.cleaned_data)
        return _("Contact added.")

    return _posted(request, f"{partner.get_absolute_url()}#contacts", add)


@login_required
@require_POST
def partner_contact_remove(request, pk: int, contact_id: int):
    partner = selectors.partner_get(viewer=request.user, pk=pk)
    contact = get_object_or_404(PartnerContact, pk=contact_id, partner=partner)
    return _posted(request, f"{partner.get_absolute_url()}#contacts",
                   lambda: services.partner_contact_remove(contact=contact, by=request.user) or _("Contact removed."))


# --- Competing brands ---------------------------------------------------------------------------------

@login_required
@require_GET
def competitor_list(request):
    """The managed list of competing brands with our assessment, and how often we met each."""
    visible = BidProject.objects.visible_to(request.user).values("pk")
    brands = list(selectors.competitor_brand_list(viewer=request.user)
                  .annotate(tender_count=Count("bid_competitors", filter=Q(bid_competitors__bid__in=visible)))
                  .order_by("-active", "name", "id"))
    return render(request, "bids/competitor_list.html", {
        "brands": brands, "may_manage": services.may_manage_partners(request.user),
    })


@login_required
@one_time_form
def competitor_new(request):
    return _brand_form(request, None)


@login_required
def competitor_edit(request, pk: int):
    return _brand_form(request, get_object_or_404(selectors.competitor_brand_list(viewer=request.user), pk=pk))


def _brand_form(request, brand: CompetitorBrand | None):
    if not services.may_manage_partners(request.user):
        messages.error(request, _("Only sales managers and administrators can change the competing brands."))
        return HttpResponseRedirect(reverse("bids:competitor-list"))
    form = BrandForm(request.POST or None, instance=brand)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data if brand is None else {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.competitor_brand_save(brand=brand or CompetitorBrand(), by=request.user, data=data)
        except REFUSALS as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("bids:competitor-list"))
    return render(request, "bids/competitor_form.html", {"form": form, "brand": brand},
                  status=400 if form.errors else 200)
