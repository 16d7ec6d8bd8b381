"""Forms of the sales force planning pages: they read input only; the rules are in sales_planning/services.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.forms import bootstrap_small
from sales_planning import selectors as quota_selectors
from sales_planning.models import QuotaPeriod
from teams.models import OrgUnit, Role, Territory, User

TIER_ROWS = 6


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_small(self)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_small(self)


class PeriodForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Period"), queryset=QuotaPeriod.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = quota_selectors.quota_periods()
        bootstrap_small(self)


# --- Territory plans -----------------------------------------------------------------------

class TerritoryPlanForm(forms.Form):
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Revenue and coverage targets for the year, key accounts to win."))
    coverage = forms.CharField(label=_("Coverage"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("Which provinces, cities, industries and named accounts, and by whom."))
    principles = forms.CharField(label=_("Assignment principles"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("How new customers in the territory are assigned."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_small(self)


class TerritoryPlanNewForm(TerritoryPlanForm):
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none())
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.none(), required=False,
                                       empty_label=_("The whole unit"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    field_order = ["org_unit", "territory", "year", "goals", "coverage", "principles"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units
        self.fields["territory"].queryset = Territory.objects.filter(org_unit__in=units, active=True)
        self.fields["year"].initial = timezone.localdate().year
        bootstrap_small(self)


# --- Re-deployment -----------------------------------------------------------------------

class RedeployForm(forms.Form):
    MODE_PERSON, MODE_TERRITORY = "person", "territory"
    mode = forms.ChoiceField(label=_("Move"), choices=[
        (MODE_PERSON, _("The customers of one person")),
        (MODE_TERRITORY, _("The named accounts of a territory")),
    ], initial=MODE_PERSON, widget=forms.RadioSelect)
    from_user = forms.ModelChoiceField(label=_("From (person)"), queryset=User.objects.none(), required=False)
    from_territory = forms.ModelChoiceField(label=_("From territory"), queryset=Territory.objects.none(),
                                            required=False)
    to_territory = forms.ModelChoiceField(label=_("To territory"), queryset=Territory.objects.none(),
                                          required=False)
    to_user = forms.ModelChoiceField(label=_("To (person)"), queryset=User.objects.none())
    include_opportunities = forms.BooleanField(
        label=_("Also move their open opportunities (where the customer's owner is the primary owner)"),
        required=False)

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).select_related("org_unit").order_by("org_unit__name", "username")
        if not viewer.is_admin:
            self.fields["from_user"].queryset = people.filter(pk__in=viewer.subordinate_ids())
            self.fields["to_user"].queryset = people.filter(pk__in=viewer.subordinate_ids(include_self=True))
        else:
            self.fields["from_user"].queryset = people
            self.fields["to_user"].queryset = people
        territories = Territory.objects.filter(active=True).order_by("name")
        self.fields["from_territory"].queryset = territories
        self.fields["to_territory"].queryset = territories
        for name in ("from_user", "to_user"):
            self.fields[name].label_from_instance = lambda user: (
                f"{user} · {user.org_unit}" if user.org_unit_id else str(user))
        bootstrap_small(self)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.MODE_TERRITORY:
            if not (data.get("from_territory") and data.get("to_territory")):
                self.add_error("to_territory", _("Choose both territories."))
            data["from_user"] = None
        else:
            if not data.get("from_user"):
                self.add_error("from_user", _("Choose whose customers move."))
            data["from_territory"] = data["to_territory"] = None
        return data


# --- Quotas --------------------------------------------------------------------------------

class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Why the difference is accepted"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_small(self)


# --- Incentive plans -------------------------------------------------------------------------

class IncentivePlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    period = forms.ModelChoiceField(label=_("Period"), queryset=QuotaPeriod.objects.none())
    org_unit = forms.ModelChoiceField(label=_("Belongs to"), queryset=OrgUnit.objects.none(),
                                      help_text=_("Its business division approves the plan."))
    eligible_units = forms.ModelMultipleChoiceField(
        label=_("Eligible units"), queryset=OrgUnit.objects.none(), required=False,
        help_text=_("Everyone in these units and below; none chosen: the unit the plan belongs to."))
    eligible_roles = forms.MultipleChoiceField(label=_("Eligible roles"), choices=[
        (Role.ACCOUNT_MANAGER, Role.ACCOUNT_MANAGER.label), (Role.MANAGER, Role.MANAGER.label),
    ], required=False, widget=forms.CheckboxSelectMultiple, help_text=_("None chosen: every role."))
    eligible_users = forms.ModelMultipleChoiceField(label=_("Also these people"), queryset=User.objects.none(),
                                                    required=False)
    cap = forms.DecimalField(label=_("Cap per person"), max_digits=18, decimal_places=2, min_value=0, required=False)
    accelerator = forms.DecimalField(label=_("Accelerator above 100%"), max_digits=6, decimal_places=2,
                                     min_value=1, max_value=10, initial="1.00",
                                     help_text=_("Multiplies the rate on the won amount above the quota."))

    def __init__(self, *args, units, people, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = quota_selectors.quota_periods()
        self.fields["org_unit"].queryset = units
        self.fields["eligible_units"].queryset = units
        self.fields["eligible_users"].queryset = people
        self.fields["eligible_units"].widget.attrs["size"] = 6
        self.fields["eligible_users"].widget.attrs["size"] = 6
        if editing:
            # The period and the owning unit are fixed once the plan exists.
            del self.fields["period"]
            del self.fields["org_unit"]
        for index in range(TIER_ROWS):
            self.fields[f"tier_{index}_threshold"] = forms.DecimalField(
                label=_("From attainment (%)"), max_digits=9, decimal_places=2, min_value=0, required=False)
            self.fields[f"tier_{index}_rate"] = forms.DecimalField(
                label=_("Rate on won amount (%)"), max_digits=7, decimal_places=4, min_value=0, required=False)
            self.fields[f"tier_{index}_fixed"] = forms.DecimalField(
                label=_("Or a fixed amount"), max_digits=18, decimal_places=2, min_value=0, required=False)
        bootstrap_small(self)

    def tier_rows(self) -> list[dict]:
        return [{"threshold": self[f"tier_{i}_threshold"], "rate": self[f"tier_{i}_rate"],
                 "fixed": self[f"tier_{i}_fixed"]} for i in range(TIER_ROWS)]

    def tiers(self) -> list[dict]:
        rows = []
        for index in range(TIER_ROWS):
            threshold = self.cleaned_data.get(f"tier_{index}_threshold")
            rate = self.cleaned_data.get(f"tier_{index}_rate")
            fixed = self.cleaned_data.get(f"tier_{index}_fixed")
            if threshold is None and rate is None and fixed is None:
                continue
            rows.append({"threshold": threshold, "rate": rate, "fixed_amount": fixed})
        return rows

    @staticmethod
    def initial_for(plan) -> dict:
        initial = {
            "name": plan.name, "period": plan.period_id, "org_unit": plan.org_unit_id,
            "eligible_units": list(plan.eligible_units.values_list("pk", flat=True)),
            "eligible_roles": list(plan.eligible_roles),
            "eligible_users": list(plan.eligible_users.values_list("pk", flat=True)),
            "cap": plan.cap, "accelerator": plan.accelerator,
        }
        for index, tier in enumerate(plan.tiers.all()[:TIER_ROWS]):
            initial[f"tier_{index}_threshold"] = tier.threshold
            initial[f"tier_{index}_rate"] = tier.rate
            initial[f"tier_{index}_fixed"] = tier.fixed_amount
        return initial
