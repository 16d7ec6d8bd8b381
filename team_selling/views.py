"""Pages of team selling on an opportunity: the "Team selling" tab of the opportunity page (its context is built
here, the opportunities app includes it) and the forms it links to: the team's plan, a strategy per key contact,
meetings and their outcome, the log of key interactions.

Views read input, call team_selling/services.py and show the result; a refusal becomes a message or a form
error. The opportunity comes through `visible_to`: anyone else gets a 404; people who see it but are not on its
team read only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Contact
from crm.errors import DomainError
from crm.form_tokens import one_time_form
from crm.forms import form_add_error
from crm.params import parse_id
from opportunities.models import Opportunity
from team_selling import selectors as selectors_selling
from team_selling import services as services_selling
from team_selling.forms import (
    ContactStrategyForm,
    KeyInteractionForm,
    MeetingOutcomeForm,
    TeamMeetingForm,
    TeamPlanForm,
)
from team_selling.models import ContactStrategy, KeyInteraction, TeamMeeting, TeamPlan

REFUSALS = (DomainError, PermissionDenied, ValidationError)


def selling_tab_context(request, opportunity) -> dict[str, Any]:
    """What the opportunity page's "Team selling" tab needs (a constant number of queries)."""
    data = selectors_selling.team_selling(viewer=request.user, opportunity=opportunity)
    if data["may_edit_selling"] and data["key_candidates"]:
        data["key_form"] = KeyInteractionForm(candidates=data["key_candidates"])
    return data


@require_GET
def selling_tab(request, pk: int):
    """The opportunity page's "Team selling" tab, loaded into it by hx-get (opportunities sits below this app);
    asked for without htmx (no JavaScript, or back from the sign-in), the same tab as a page of its own."""
    htmx = bool(request.headers.get("HX-Request"))
    if not request.user.is_authenticated:
        if htmx:
            return _htmx_sign_in(request, pk)
        return redirect_to_login(request.get_full_path())
    opportunity = _opportunity(request, pk)
    template = "team_selling/_selling_tab.html" if htmx else "team_selling/selling_page.html"
    response = render(request, template, {"opportunity": opportunity, **selling_tab_context(request, opportunity)})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _htmx_sign_in(request, pk: int) -> HttpResponse:
    """An expired session asking for the tab by htmx: the whole browser goes to the sign-in (htmx would follow a
    redirect and put the sign-in page into the tab), and back to the page it was on, or the opportunity's tab."""
    back = _tab_url(pk)
    current = request.headers.get("HX-Current-URL", "")
    if current and url_has_allowed_host_and_scheme(current, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        parts = urlsplit(current)
        back = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    response = HttpResponse(status=204)
    response["HX-Redirect"] = redirect_to_login(back).url
    return response


def _opportunity(request, pk: int):
    return get_object_or_404(Opportunity.objects.visible_to(request.user)
                             .select_related("customer", "primary_owner", "stage"), pk=pk)


def _tab_url(pk: int, anchor: str = "") -> str:
    url = f"{reverse('opportunities:opportunity-detail', args=[pk])}?tab=selling"
    return f"{url}#{anchor}" if anchor else url


def _readers_back(request, opportunity) -> HttpResponseRedirect | None:
    """People who see the opportunity but are not on its team read the tab; its forms send them back."""
    if services_selling.selling_may_edit(user=request.user, opportunity=opportunity):
        return None
    messages.error(request, _("Only the opportunity's sales team and the managers above its primary owner plan "
                              "its team selling."))
    return HttpResponseRedirect(_tab_url(opportunity.pk))


def _form_page(request, opportunity, form, *, title: str, submit: str, testid: str, extra: dict | None = None):
    return render(request, "team_selling/selling_form.html", {
        "opportunity": opportunity, "form": form, "title": title, "submit": submit, "testid": testid,
        **(extra or {}),
    }, status=400 if form.errors else 200)


# --- The team's plan ---------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    opportunity = _opportunity(request, pk)
    if (back := _readers_back(request, opportunity)) is not None:
        return back
    plan = TeamPlan.objects.filter(opportunity_id=opportunity.pk).first()
    form = TeamPlanForm(request.POST or None, initial=TeamPlanForm.initial_for(plan), opportunity=opportunity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # The version the form was made for: 0 when there was no plan yet, so a plan someone else wrote
        # meanwhile is a conflict rather than overwritten.
        version = data.pop("version")
        try:
            services_selling.team_plan_save(opportunity=opportunity, by=request.user, data=data,
                                            expected_version=version)
        except REFUSALS as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("The team plan is saved."))
            return HttpResponseRedirect(_tab_url(opportunity.pk, "team-plan"))
    return _form_page(request, opportunity, form, title=_("Team plan"), submit=_("Save the plan"),
                      testid="team-plan-form")


# --- Contact strategies ------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def contact_new(request, pk: int):
    opportunity = _opportunity(request, pk)
    if (back := _readers_back(request, opportunity)) is not None:
        return back
    initial = {}
    if (contact_id := parse_id(request.GET.get("contact"))) is not None:
        # Start from what the customer's page says about the contact's attitude.
        contact = (Contact.objects.visible_to(request.user)
                   .filter(pk=contact_id, customer_id=opportunity.customer_id).first())
        if contact is not None:
            initial = {"contact": contact.pk, "current_attitude": getattr(contact, "attitude", None) or "unknown"}
    form = ContactStrategyForm(request.POST or None, initial=initial, opportunity=opportunity, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        contact = data.pop("contact")
        try:
            services_selling.contact_strategy_save(opportunity=opportunity, by=request.user, contact_id=contact.pk,
                                                   data=data)
        except REFUSALS as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("The relationship strategy for %(contact)s is saved.") % {"contact": contact})
            return HttpResponseRedirect(_tab_url(opportunity.pk, "contacts"))
    return _form_page(request, opportunity, form, title=_("Relationship strategy for a key contact"),
                      submit=_("Save"), testid="contact-strategy-form")


def _strategy(opportunity, strategy_pk: int) -> ContactStrategy:
    return get_object_or_404(ContactStrategy.objects.select_related("plan"), pk=strategy_pk,
                             plan__opportunity_id=opportunity.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk: int, strategy_pk: int):
    opportunity = _opportunity(request, pk)
    strategy = _strategy(opportunity, strategy_pk)
    if (back := _readers_back(request, opportunity)) is not None:
        return back
    # A manager above the owner may not see a contact of a customer of another branch.
    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=strategy.contact_id)
    initial = {"current_attitude": strategy.current_attitude, "target_attitude": strategy.target_attitude,
               "covered_by": strategy.covered_by_id, "actions": strategy.actions}
    form = ContactStrategyForm(request.POST or None, initial=initial, opportunity=opportunity, viewer=request.user,
                               editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services_selling.contact_strategy_update(strategy=strategy, by=request.user, data=form.cleaned_data)
        except REFUSALS as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("The relationship strategy for %(contact)s is saved.") % {"contact": contact})
            return HttpResponseRedirect(_tab_url(opportunity.pk, "contacts"))
    return _form_page(request, opportunity, form, title=_("Relationship strategy for %(contact)s")
                      % {"contact": contact}, submit=_("Save"), testid="contact-strategy-form")


@login_required
@require_POST
def contact_remove(request, pk: int, strategy_pk: int):
    opportunity = _opportunity(request, pk)
    strategy = _strategy(opportunity, strategy_pk)
    try:
        services_selling.contact_strategy_remove(strategy=strategy, by=request.user)
    except REFUSALS as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    else:
        messages.success(request, _("The contact is off the relationship plan."))
    return HttpResponseRedirect(_tab_url(opportunity.pk, "contacts"))


# --- Meetings ----------------------------------------------------------------------------------

def _meeting(opportunity, meeting_pk: int) -> TeamMeeting:
    return get_object_or_404(TeamMeeting.objects.select_related("activity__owner"), pk=meeting_pk,
                             opportunity_id=opportunity.pk)


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def meeting_new(request, pk: int):
    opportunity = _opportunity(request, pk)
    if (back := _readers_back(request, opportunity)) is not None:
        return back
    form = TeamMeetingForm(request.POST or None, opportunity=opportunity, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services_selling.team_meeting_schedule(opportunity=opportunity, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("The meeting is on the schedule and on its attendees' agenda."))
            return HttpResponseRedirect(_tab_url(opportunity.pk, "meetings"))
    return _form_page(request, opportunity, form, title=_("Schedule a meeting or seminar"),
                      submit=_("Schedule"), testid="meeting-form")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int, meeting_pk: int):
    opportunity = _opportunity(request, pk)
    meeting = _meeting(opportunity, meeting_pk)
    if (back := _readers_back(request, opportunity)) is not None:
        return back
    activity = meeting.activity
    initial = {"meeting_type": meeting.meeting_type, "subject": activity.subject,
               "starts_at": timezone.localtime(activity.due_at),
               "ends_at": timezone.localtime(meeting.ends_at) if meeting.ends_at else None,
               "place": activity.location, "attendees": list(activity.participants.all()),
               "contacts": list(activity.contacts.all()), "agenda": meeting.agenda}
    form = TeamMeetingForm(request.POST or None, initial=initial, opportunity=opportunity, viewer=request.user,
                           organiser=activity.owner)
    if request.method == "POST" and form.is_valid():
        try:
            services_selling.team_meeting_update(meeting=meeting, by=request.user, data=form.cleaned_data)
        except REFUSALS as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return HttpResponseRedirect(_tab_url(opportunity.pk, "meetings"))
    return _form_page(request, opportunity, form, title=_("Change the meeting"), submit=_("Save"),
                      testid="meeting-form")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_outcome(request, pk: int, meeting_pk: int):
    opportunity = _opportunity(request, pk)
    meeting = _meeting(opportunity, meeting_pk)
    if (back := _readers_back(request, opportunity)) is not None:
        return back
    form = MeetingOutcomeForm(request.POST or None, initial={"outcome": meeting.activity.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            services_selling.team_meeting_record_outcome(meeting=meeting, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("The outcome is recorded."))
            return HttpResponseRedirect(_tab_url(opportunity.pk, "meetings"))
    return _form_page(request, opportunity, form, title=_("Outcome of %(meeting)s") % {"meeting": meeting.activity},
                      submit=_("Record the outcome"), testid="outcome-form", extra={"meeting": meeting})


@login_required
@require_POST
def meeting_cancel(request, pk: int, meeting_pk: int):
    opportunity = _opportunity(request, pk)
    meeting = _meeting(opportunity, meeting_pk)
    try:
        services_selling.team_meeting_cancel(meeting=meeting, by=request.user)
    except REFUSALS as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    else:
        messages.success(request, _("The meeting is called off."))
    return HttpResponseRedirect(_tab_url(opportunity.pk, "meetings"))


# --- Log of key interactions -------------------------------------------------------------------

@login_required
@require_POST
@one_time_form
def key_add(request, pk: int):
    opportunity = _opportunity(request, pk)
    form = KeyInteractionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(_tab_url(opportunity.pk, "key-interactions"))
    try:
        # The form offered activities not in the log yet: one marked meanwhile is a conflict, not a new reason.
        services_selling.key_interaction_mark(opportunity=opportunity, by=request.user,
                                              activity_id=form.cleaned_data["activity"],
                                              significance=form.cleaned_data["significance"], new_only=True)
    except REFUSALS as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    else:
        messages.success(request, _("The interaction is in the log of key interactions."))
    return HttpResponseRedirect(_tab_url(opportunity.pk, "key-interactions"))


@login_required
@require_POST
def key_remove(request, pk: int, interaction_pk: int):
    opportunity = _opportunity(request, pk)
    interaction = get_object_or_404(KeyInteraction, pk=interaction_pk, opportunity_id=opportunity.pk)
    try:
        services_selling.key_interaction_unmark(interaction=interaction, by=request.user)
    except REFUSALS as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    else:
        messages.success(request, _("The interaction is out of the log."))
    return HttpResponseRedirect(_tab_url(opportunity.pk, "key-interactions"))
