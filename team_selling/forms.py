"""Forms of the opportunity's "Team selling" tab: they read input only; the rules are in team_selling/services.py."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Contact
from crm.forms import DateTimeInput, bootstrap_small
from crm.params import MAX_ID
from team_selling.models import Attitude, MeetingType, TeamPlan
from team_selling.services import meeting_attendee_pool
from teams.models import User


def team_and_above(opportunity):
    """People who may cover a contact or decide prices: the sales team and the managers above the primary
    owner (one query when evaluated)."""
    team = opportunity.team.values("user_id")
    return (User.objects.filter(is_active=True)
            .filter(Q(pk=opportunity.primary_owner_id) | Q(pk__in=team)
                    | Q(pk__in=opportunity.primary_owner.superiors().values("pk")))
            .select_related("org_unit").order_by("username"))


def attendee_choices(opportunity, viewer: User):
    """Our possible attendees (the service's rule): the team, the managers above the primary owner, and the
    viewer's own people."""
    return meeting_attendee_pool(opportunity, viewer).order_by("username")


def _contacts(opportunity, viewer: User):
    return (Contact.objects.visible_to(viewer)
            .filter(customer_id=opportunity.customer_id).order_by("name"))


class TeamPlanForm(forms.Form):
    cooperation_strategy = forms.CharField(
        label=_("Cooperation strategy"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who in the team does what: relationships, presales, solution, service, partners."))
    competitive_assessment = forms.CharField(
        label=_("Competitive assessment"), required=False, max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who competes, their strengths and weaknesses, how we win against them."))
    needs_analysis = forms.CharField(
        label=_("Needs analysis"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The customer's business needs, pains, decision criteria and timing."))
    solution = forms.CharField(
        label=_("Solution and configuration"), required=False, max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The solution we propose and the product configuration."))
    pricing_authority = forms.ModelChoiceField(
        label=_("Decides prices"), queryset=User.objects.none(), required=False,
        help_text=_("Someone on the sales team or a manager above the primary owner."))
    max_discount = forms.DecimalField(label=_("Largest discount (%)"), max_digits=5, decimal_places=2, min_value=0,
                                      max_value=100, required=False,
                                      help_text=_("Off the list price, that person may grant without asking."))
    price_floor = forms.DecimalField(label=_("Price floor"), max_digits=18, decimal_places=2, min_value=0,
                                     required=False, help_text=_("The lowest total price we accept for the deal."))
    pricing_notes = forms.CharField(label=_("Pricing notes"), required=False, max_length=10000,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pricing_authority"].queryset = team_and_above(opportunity)
        bootstrap_small(self)

    @staticmethod
    def initial_for(plan: TeamPlan | None) -> dict:
        if plan is None:
            return {"version": 0}  # the writer saw no plan: one written meanwhile is a conflict
        return {"cooperation_strategy": plan.cooperation_strategy,
                "competitive_assessment": plan.competitive_assessment, "needs_analysis": plan.needs_analysis,
                "solution": plan.solution, "pricing_authority": plan.pricing_authority_id,
                "max_discount": plan.max_discount, "price_floor": plan.price_floor,
                "pricing_notes": plan.pricing_notes, "version": plan.version}


class ContactStrategyForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=None,
                                     error_messages={"invalid_choice": _("Choose a contact of this opportunity's "
                                                                         "customer.")})
    current_attitude = forms.ChoiceField(label=_("Relationship now"), choices=Attitude.choices,
                                         initial=Attitude.UNKNOWN)
    target_attitude = forms.ChoiceField(label=_("Target relationship"), choices=Attitude.choices,
                                        initial=Attitude.SUPPORTER)
    covered_by = forms.ModelChoiceField(label=_("Covered by"), queryset=User.objects.none(), required=False,
                                        help_text=_("Who in our team owns the relationship with this contact."))
    actions = forms.CharField(label=_("Planned actions"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("What we will do to reach the target, and by when."))

    def __init__(self, *args, opportunity, viewer: User, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = _contacts(opportunity, viewer)
        self.fields["contact"].label_from_instance = lambda c: f"{c.name} · {c.title}" if c.title else c.name
        self.fields["covered_by"].queryset = team_and_above(opportunity)
        if editing:
            del self.fields["contact"]
        bootstrap_small(self)


class TeamMeetingForm(forms.Form):
    meeting_type = forms.ChoiceField(label=_("Type"), choices=MeetingType.choices, initial=MeetingType.MEETING)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput(), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    attendees = forms.ModelMultipleChoiceField(label=_("Our attendees"), queryset=User.objects.none(),
                                               required=False,
                                               help_text=_("You organise it; choose who else of ours attends."))
    contacts = forms.ModelMultipleChoiceField(label=_("Their contacts"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    agenda = forms.CharField(label=_("Agenda"), required=False, max_length=10000,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, opportunity, viewer: User, organiser: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The organiser attends anyway: the list offers the others.
        self.fields["attendees"].queryset = attendee_choices(opportunity, viewer).exclude(
            pk=(organiser or viewer).pk)
        self.fields["attendees"].widget.attrs["size"] = 6
        self.fields["contacts"].queryset = _contacts(opportunity, viewer)
        self.fields["contacts"].widget.attrs["class"] = "form-check-input"
        self.initial.setdefault("starts_at", (timezone.localtime() + timezone.timedelta(days=1)).replace(
            hour=10, minute=0, second=0, microsecond=0))
        bootstrap_small(self)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The meeting ends after it starts."))
        return data


class MeetingOutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What was agreed, what we learned, the next steps."))
    key = forms.BooleanField(label=_("Put it in the log of key interactions"), required=False)
    significance = forms.CharField(label=_("Why it matters"), max_length=10000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text=_("Empty: the outcome is used."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_small(self)


class KeyInteractionForm(forms.Form):
    # A list to choose from, but any id is passed on: the service says why an activity cannot be marked (marked
    # meanwhile, not of this opportunity, not taken place) instead of a bare "Select a valid choice".
    activity = forms.IntegerField(label=_("Activity"), min_value=1, max_value=MAX_ID, widget=forms.Select)
    significance = forms.CharField(label=_("Why it matters"), max_length=10000,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].widget.choices = [
            (a.pk, f"{timezone.localtime(a.done_at):%Y-%m-%d} · {a.get_kind_display()} · {a.subject}")
            for a in candidates]
        bootstrap_small(self)
