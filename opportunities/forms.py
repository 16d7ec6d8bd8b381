"""Forms of the opportunity pages: they parse input; the rules are in services.py."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Contact, Customer, Source
from crm.forms import (
    DateInput,
    DateTimeInput,
    ListedModelChoiceIterator,
    QuickNumberInput,
    QuickSelect,
    QuickTextInput,
    name_the_field_in_date_errors,
)
from crm.params import parse_id
from opportunities.models import ActivityKind, Opportunity, Product, Stage, TeamRole
from opportunities.services import owner_choices
from teams.models import User

# How many customers the "new opportunity" select shows before the person types a search.
CUSTOMER_OPTIONS = 50


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates render fields without extra markup."""

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
                continue
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        name_the_field_in_date_errors(self)




def customer_options(*, viewer: User, query: str = "", selected: Customer | None = None) -> list[Customer]:
    """The first customers (by name) matching the search, for the select of a new opportunity."""
    customers = Customer.objects.visible_to(viewer).only("id", "name", "city").order_by("name", "id")
    if query:
        customers = customers.filter(Q(name__icontains=query) | Q(city__icontains=query))
    options = list(customers[:CUSTOMER_OPTIONS])
    if selected is not None and selected not in options:
        options.insert(0, selected)
    return options


class OpportunityForm(BootstrapMixin, forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    name = forms.CharField(label=_("Opportunity name"), max_length=200)
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none())
    primary_owner = forms.ModelChoiceField(label=_("Primary owner"), queryset=User.objects.none())
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2, min_value=0, required=False,
                                help_text=_("Leave empty if you will add product lines: they make the amount."))
    expected_close_date = forms.DateField(label=_("Expected close date"), widget=DateInput())
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.MANUAL)
    competitors = forms.CharField(label=_("Competing brands"), required=False, max_length=1000,
                                  help_text=_("Separate the names with commas."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, viewer: User, customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(viewer)
        chosen = customer
        if chosen is None and (customer_id := parse_id(self.data.get("customer"))) is not None:
            chosen = Customer.objects.visible_to(viewer).filter(pk=customer_id).first()
        self.fields["customer"].widget.choices = [("", "---------")] + [
            (c.pk, f"{c.name}{' · ' + c.city if c.city else ''}")
            for c in ([chosen] if customer else customer_options(viewer=viewer, selected=chosen))
        ]
        if customer is not None:
            self.initial["customer"] = customer.pk
        self.fields["stage"].queryset = Stage.objects.open().filter(active=True).order_by("order")
        self.initial.setdefault("stage", Stage.objects.first_open())
        self.fields["primary_owner"].queryset = owner_choices(viewer).order_by("username")
        self.initial.setdefault("primary_owner", viewer.pk)
        self.initial.setdefault("expected_close_date", timezone.localdate() + timedelta(days=90))
        self._style()


class OpportunityEditForm(BootstrapMixin, forms.ModelForm):
    competitors = forms.CharField(label=_("Competing brands"), required=False, max_length=1000,
                                  help_text=_("Separate the names with commas."))

    class Meta:
        model = Opportunity
        fields = ["name", "amount", "expected_close_date", "source", "competitors", "description"]
        widgets = {"expected_close_date": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Opportunity name")
        self.initial["competitors"] = ", ".join(self.instance.competitors or [])
        if self.instance.pk and self.instance.lines.exists():
            self.fields["amount"].disabled = True
            self.fields["amount"].help_text = _("The sum of the product lines.")
        self._style()


class LineForm(BootstrapMixin, forms.Form):
    # On every opportunity page (the lines tab): the catalogue's options in one plain query, and every field
    # written in Python (QuickSelect, QuickTextInput, QuickNumberInput), not by a widget template.
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), widget=QuickSelect)
    product.iterator = ListedModelChoiceIterator
    configuration = forms.CharField(label=_("Configuration"), required=False, max_length=300, widget=QuickTextInput)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2, min_value=0, initial=1,
                                  widget=QuickNumberInput)
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=18, decimal_places=2, min_value=0,
                                    required=False, widget=QuickNumberInput(attrs={"placeholder": _("List price")}))
    discount = forms.DecimalField(label=_("Discount %"), max_digits=5, decimal_places=2, min_value=0, max_value=100,
                                  initial=0, required=False, widget=QuickNumberInput)

    def __init__(self, *args, current_product: Product | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        products = Product.objects.filter(active=True)
        if current_product is not None:
            products = Product.objects.filter(Q(active=True) | Q(pk=current_product.pk))
        self.fields["product"].queryset = products.order_by("code")
        self._style()


class TeamMemberForm(BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("Team member"),
                                  queryset=User.objects.filter(is_active=True).order_by("username"))
    role = forms.ChoiceField(label=_("Role"), choices=TeamRole.choices, initial=TeamRole.PRESALES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ChangeOwnerForm(BootstrapMixin, forms.Form):
    new_owner = forms.ModelChoiceField(label=_("New primary owner"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    expected_owner = forms.ModelChoiceField(queryset=User.objects.all(), widget=forms.HiddenInput, required=False)

    def __init__(self, *args, viewer: User, opportunity: Opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].queryset = owner_choices(viewer).exclude(pk=opportunity.primary_owner_id).order_by(
            "username")
        self.initial["expected_owner"] = opportunity.primary_owner_id
        self._style()


class ActivityForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimeInput())
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    participants = forms.ModelMultipleChoiceField(label=_("Colleagues"), queryset=User.objects.none(), required=False,
                                                  widget=forms.SelectMultiple(attrs={"size": 4}))
    contacts = forms.ModelMultipleChoiceField(label=_("Customer contacts"), queryset=Contact.objects.none(),
                                              required=False, widget=forms.CheckboxSelectMultiple)
    location = forms.CharField(label=_("Place"), required=False, max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    done = forms.BooleanField(label=_("Already done"), required=False)
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, viewer: User, customer: Customer, opportunity: Opportunity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        people = owner_choices(viewer)
        if opportunity is not None:
            people = User.objects.filter(Q(pk__in=people.values("pk"))
                                         | Q(opportunity_memberships__opportunity=opportunity)).distinct()
        self.fields["owner"].queryset = people.order_by("username")
        self.initial.setdefault("owner", viewer.pk)
        self.fields["participants"].queryset = people.filter(is_active=True).order_by("username")
        self.fields["contacts"].queryset = Contact.objects.filter(customer=customer).order_by("name")
        self.initial.setdefault("due_at", timezone.localtime().replace(minute=0, second=0, microsecond=0)
                                + timedelta(hours=1))
        self._style()


class ActivityDoneForm(BootstrapMixin, forms.Form):
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ActionPlanForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Plan"), max_length=200)
    goal = forms.CharField(label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class PlanStepForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none())
    due_at = forms.DateTimeField(label=_("Due"), widget=DateTimeInput())

    def __init__(self, *args, opportunity: Opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(opportunity_memberships__opportunity=opportunity)
        self._style()
