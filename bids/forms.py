"""Forms of the tender and partner pages: they parse input; the rules are in services.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bids.models import (
    MILESTONE_FIELDS,
    BidOutcome,
    BidProject,
    BidScheme,
    CompetitorBrand,
    CreditRating,
    Impact,
    Partner,
    PartnerKind,
    PartnerStatus,
    Relationship,
    SalesMethod,
    TenderType,
    ThreatLevel,
)
from crm.forms import DateInput, DateTimeInput, name_the_field_in_date_errors
from opportunities.models import Product
from opportunities.services import clean_competitors

BLANK = [("", "—")]


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates render fields without extra markup."""

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
                widget.attrs["class"] = "form-check-input"
                continue
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        name_the_field_in_date_errors(self)




EVALUATION_FIELDS = ["eval_price", "eval_service", "eval_technology", "eval_commercial"]


class BidForm(BootstrapMixin, forms.Form):
    """Every item of the tender record but its lines, agents and competitor prices (edited on the page)."""

    sales_method = forms.ChoiceField(label=_("Sales method"), choices=SalesMethod.choices, initial=SalesMethod.TENDER)
    tender_type = forms.ChoiceField(label=_("Tender type"), choices=BLANK + TenderType.choices, required=False)
    lots = forms.BooleanField(label=_("Split into lots"), required=False)
    single_quote = forms.BooleanField(label=_("Single quote only"), required=False)
    scheme = forms.ChoiceField(label=_("Bid scheme"), choices=BidScheme.choices, initial=BidScheme.DIRECT)
    delivery_date = forms.DateField(label=_("Delivery date"), required=False, widget=DateInput())
    delivery_place = forms.CharField(label=_("Delivery place"), required=False, max_length=200)
    eval_price = forms.IntegerField(label=_("Price"), required=False, min_value=0, max_value=100)
    eval_service = forms.IntegerField(label=_("Service"), required=False, min_value=0, max_value=100)
    eval_technology = forms.IntegerField(label=_("Technology"), required=False, min_value=0, max_value=100)
    eval_commercial = forms.IntegerField(label=_("Commercial terms"), required=False, min_value=0, max_value=100)
    impact = forms.ChoiceField(label=_("Impact on the customer's region"), choices=BLANK + Impact.choices,
                               required=False)
    relationship = forms.ChoiceField(label=_("Customer relationship degree"), choices=Relationship.choices,
                                     initial=Relationship.UNKNOWN)
    background = forms.CharField(label=_("Project background"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    competitors = forms.CharField(label=_("Competing brands"), required=False, max_length=1000,
                                  help_text=_("Separate the names with commas; known prices are entered on the "
                                              "tender page."))
    registration_at = forms.DateTimeField(label=_("Registration deadline"), required=False, widget=DateTimeInput())
    clarification_at = forms.DateTimeField(label=_("Clarification"), required=False, widget=DateTimeInput())
    submission_at = forms.DateTimeField(label=_("Bid submission deadline"), required=False, widget=DateTimeInput())
    opening_at = forms.DateTimeField(label=_("Bid opening"), required=False, widget=DateTimeInput())
    award_at = forms.DateTimeField(label=_("Award announcement"), required=False, widget=DateTimeInput())

    def __init__(self, *args, instance: BidProject | None = None, brand_names: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            for name in ["sales_method", "tender_type", "lots", "single_quote", "scheme", "delivery_date",
                         "delivery_place", "impact", "relationship", "background", *EVALUATION_FIELDS,
                         *MILESTONE_FIELDS.values()]:
                value = getattr(instance, name)
                if name in MILESTONE_FIELDS.values() and value is not None:
                    value = timezone.localtime(value)
                self.initial[name] = value
            self.initial["competitors"] = ", ".join(row.brand.name for row in instance.bid_competitors.all())
        self.fields["competitors"].widget.attrs["list"] = "brand-names"
        self.brand_names = brand_names or []
        self._style()

    def service_data(self) -> dict:
        """The service's input; on edit only what changed (competitor names keep their known prices)."""
        data = self.cleaned_data
        values = {name: data[name] for name in ["sales_method", "tender_type", "lots", "single_quote", "scheme",
                                                "delivery_date", "delivery_place", "impact", "relationship",
                                                "background", *MILESTONE_FIELDS.values()]}
        weights = [data.get(name) for name in EVALUATION_FIELDS]
        if all(weight is None for weight in weights):
            values["evaluation"] = None
        else:
            values["evaluation"] = {key: data.get(f"eval_{key}") for key in ("price", "service", "technology",
                                                                              "commercial")}
        values["competitors"] = clean_competitors(data["competitors"])
        if self.instance is None:
            return values
        changed = set(self.changed_data)
        if changed & set(EVALUATION_FIELDS):
            changed.add("evaluation")
        return {name: value for name, value in values.items() if name in changed}

    @property
    def evaluation_fields(self):
        return [self[name] for name in EVALUATION_FIELDS]

    @property
    def date_fields(self):
        return [self[name] for name in MILESTONE_FIELDS.values()]


class LineForm(BootstrapMixin, forms.Form):
    configuration = forms.CharField(label=_("Configuration"), required=False, max_length=300)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2, min_value=0, initial=1)
    target_price = forms.DecimalField(label=_("Customer's target price"), max_digits=18, decimal_places=2,
                                      min_value=0, help_text=_("Per unit."))
    quote = forms.DecimalField(label=_("Our quote"), max_digits=18, decimal_places=2, min_value=0,
                               help_text=_("Per unit."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(active=True).order_by("code")
        self._style()


class AgentForm(BootstrapMixin, forms.Form):
    partner = forms.ModelChoiceField(label=_("Agent"), queryset=Partner.objects.none())
    scheme = forms.CharField(label=_("Agent's scheme"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    quote = forms.DecimalField(label=_("Agent's quote"), max_digits=18, decimal_places=2, min_value=0,
                               required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(status=PartnerStatus.ACTIVE).order_by("name")
        self.fields["partner"].label_from_instance = lambda partner: (
            f"{partner.name} · {partner.get_credit_rating_display() or _('not rated')}")
        self._style()


class CompetitorForm(BootstrapMixin, forms.Form):
    brand = forms.CharField(label=_("Competing brand"), max_length=100)
    known_price = forms.DecimalField(label=_("Known total price"), max_digits=18, decimal_places=2, min_value=0,
                                     required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].widget.attrs["list"] = "brand-names"
        self._style()


class OutcomeForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=BidOutcome.choices)
    winning_brand = forms.CharField(label=_("Winning brand"), required=False, max_length=100,
                                    help_text=_("When lost: the brand that won."))
    winning_price = forms.DecimalField(label=_("Winning price"), max_digits=18, decimal_places=2, min_value=0,
                                       required=False)
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Why we won or lost; for a loss it becomes the loss reason."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["winning_brand"].widget.attrs["list"] = "brand-names"
        self._style()


class PartnerForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("company", "Name"), max_length=200)
    credit_code = forms.CharField(label=_("Unified social credit code"), required=False, max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices, initial=PartnerKind.AGENT)
    region = forms.CharField(label=_("Region"), required=False, max_length=60)
    status = forms.ChoiceField(label=_("Status"), choices=PartnerStatus.choices, initial=PartnerStatus.ACTIVE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, instance: Partner | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None:
            for name in self.fields:
                self.initial[name] = getattr(instance, name)
        self._style()


class ContactForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(label=_("Title"), required=False, max_length=100)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class RatingForm(BootstrapMixin, forms.Form):
    rating = forms.ChoiceField(label=_("Credit standing"), choices=CreditRating.choices)
    rated_on = forms.DateField(label=_("Rated on"), widget=DateInput())
    source = forms.CharField(label=_("Source"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("Agency report, bank reference, our own "
                                                                            "review…")}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("rated_on", timezone.localdate())
        self._style()


class BrandForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("company", "Name"), max_length=100)
    threat_level = forms.ChoiceField(label=_("Threat level"), choices=BLANK + ThreatLevel.choices, required=False)
    strengths = forms.CharField(label=_("Strengths"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    weaknesses = forms.CharField(label=_("Weaknesses"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, instance: CompetitorBrand | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None:
            for name in self.fields:
                self.initial[name] = getattr(instance, name)
        self._style()
