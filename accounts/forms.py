"""Forms of the customer pages: they read input; the rules stay in accounts/services.py."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountPlan, Contact, Customer, Source, Tier
from accounts.selectors import assignable_people, visible_people
from accounts.services import CUSTOMER_FIELDS
from crm.forms import QuickSelect

PAGE_SIZES = [25, 50, 100, 200]


class BootstrapMixin:
    """Bootstrap classes on every widget, and `is-invalid` on the ones with an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Give each field without a class its Bootstrap class (call again after adding fields)."""
        for field in self.fields.values():
            widget = field.widget
            if widget.attrs.get("class"):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = css

    def add_error(self, field, error):
        super().add_error(field, error)
        names = [field] if field else []
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            names = list(error.error_dict)
        for name in names:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs.get("class", ""):
                self.fields[name].widget.attrs["class"] += " is-invalid"


def _customer_field(name: str) -> forms.Field:
    """The form field of a customer attribute: label and type from the model, nothing required but
    the name (the intake service says what is wrong, in the same words for the page and the API)."""
    formfield = Customer._meta.get_field(name).formfield()
    formfield.required = name == "name"
    if name == "credit_code":
        formfield.max_length = None  # pasted codes may carry spaces; the service normalises them
        formfield.widget.attrs.pop("maxlength", None)
        formfield.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
    return formfield


class CustomerFieldsForm(BootstrapMixin, forms.Form):
    """The fields intake accepts (accounts.services.CUSTOMER_FIELDS)."""

    @classmethod
    def customer_fields(cls) -> dict[str, forms.Field]:
        return {name: _customer_field(name) for name in CUSTOMER_FIELDS}

    def customer_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in CUSTOMER_FIELDS}


class CustomerIntakeForm(CustomerFieldsForm):
    """A new customer by hand: source, the customer fields, and (for managers) the owner."""

    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.MANUAL)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(self.customer_fields())
        self.fields["name"].widget.attrs["autofocus"] = True
        if user.is_manager:
            self.fields["owner"] = forms.ModelChoiceField(
                label=_("Owner"), queryset=assignable_people(viewer=user), required=False,
                empty_label=_("By the assignment rules"),
            )
        self.order_fields(["source", *CUSTOMER_FIELDS, "owner"])
        self.style_fields()
        # The fields matching looks at re-run the live duplicate check as they change.
        for name in ("name", "credit_code", "city", "phone", "email", "website"):
            self.fields[name].widget.attrs["class"] += " js-dup-check"


class CustomerEditForm(CustomerFieldsForm):
    """Edit a customer's fields and its group company (picked by search; "keep" leaves it as is)."""

    parent = forms.CharField(required=False, initial="keep")

    def __init__(self, *args, viewer, customer: Customer, **kwargs):
        kwargs.setdefault("initial", {name: getattr(customer, name) for name in CUSTOMER_FIELDS})
        super().__init__(*args, **kwargs)
        self.fields.update(self.customer_fields())
        self.viewer, self.customer = viewer, customer
        self.order_fields([*CUSTOMER_FIELDS, "parent"])
        self.style_fields()

    def clean_parent(self):
        value = (self.cleaned_data.get("parent") or "keep").strip()
        if value == "keep":
            return "keep"
        if value in ("", "none"):
            return None
        try:
            return Customer.objects.visible_to(self.viewer).get(pk=int(value))
        except (ValueError, Customer.DoesNotExist) as exc:
            raise ValidationError(_("Choose a group company from the search results.")) from exc


class CustomerFilterForm(BootstrapMixin, forms.Form):
    """The list's search, filters, sort and page size (GET). Its selects are QuickSelects: the same HTML, written
    without a template per option (the owners are every visible person)."""

    scope = forms.ChoiceField(label=_("Show"), required=False, widget=QuickSelect, choices=[
        ("mine", _("My customers")), ("all", _("All customers I can see"))])
    q = forms.CharField(label=_("Search"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False, widget=QuickSelect,
                             choices=[("", _("All tiers")), *Tier.choices])
    source = forms.ChoiceField(label=_("Source"), required=False, widget=QuickSelect,
                               choices=[("", _("All sources")), *Source.choices])
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=None, empty_label=_("All owners"),
                                   widget=QuickSelect)
    province = forms.ChoiceField(label=_("Province"), required=False, widget=QuickSelect)
    industry = forms.ChoiceField(label=_("Industry"), required=False, widget=QuickSelect)
    unassigned = forms.BooleanField(label=_("Unassigned only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=QuickSelect, choices=[
        ("name", _("Name A-Z")), ("-name", _("Name Z-A")), ("-created", _("Newest first")),
        ("created", _("Oldest first")), ("tier", _("Tier, key first")), ("-tier", _("Tier, low first")),
        ("city", _("Province and city")), ("owner", _("Owner")),
    ])
    per_page = forms.TypedChoiceField(label=_("Per page"), required=False, coerce=int, empty_value=PAGE_SIZES[0],
                                      widget=QuickSelect,
                                      choices=[(size, size) for size in PAGE_SIZES])

    def __init__(self, *args, viewer, choices: dict[str, list], **kwargs):
        super().__init__(*args, **kwargs)
        people = visible_people(viewer=viewer)
        owner = self.fields["owner"]
        owner.queryset = people  # what a chosen owner is checked against
        # The options in one plain query of the columns a name needs (ModelChoiceField would read every visible
        # person with their unit through a server-side cursor: three round trips and 265 full rows for a head),
        # as names, not model instances.
        owner.choices = [("", owner.empty_label), *people.select_related(None).names()]
        self.fields["province"].choices = [("", _("All provinces")), *[(p, p) for p in choices["provinces"]]]
        self.fields["industry"].choices = [("", _("All industries")), *[(i, i) for i in choices["industries"]]]
        if not viewer.is_manager:
            del self.fields["unassigned"]

    def filters(self) -> dict:
        """The cleaned filters; a bad value is ignored rather than shown as an error on a list."""
        if not self.is_valid():
            return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return dict(self.cleaned_data)


class ContactForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "department", "decision_role", "reports_to", "attitude", "phone", "email", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        bosses = Contact.objects.filter(customer=customer).order_by("name")
        if self.instance.pk:
            bosses = bosses.exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = bosses
        self.fields["reports_to"].empty_label = _("Nobody (top of the organisation)")


class AccountPlanForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AccountPlan
        fields = ["year", "goals", "needs_assessment", "competitive_assessment", "strategy", "coverage_plan",
                  "activity_plan"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields if name != "year"}

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        if self.instance.pk:
            self.fields["year"].disabled = True


class PlanReviewForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TierOverrideForm(BootstrapMixin, forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    # The reason is required by the service (one rule for the page and the API), not here.
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class MergeForm(BootstrapMixin, forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(BootstrapMixin, forms.Form):
    owner = forms.ModelChoiceField(label=_("Give to"), queryset=None, empty_label=_("Choose a person…"))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable_people(viewer=viewer)
        self.fields["owner"].label_from_instance = _person_with_count


def _person_with_count(person) -> str:
    unit = f" · {person.org_unit}" if person.org_unit_id else ""
    return f"{person}{unit} ({person.customer_count})"
