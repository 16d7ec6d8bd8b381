"""Administration screens for people, org units, territories and assignment rules (with history)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from teams.models import ASSIGNMENT_SOURCES, AssignmentRule, AssignmentStrategy, OrgUnit, Territory, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "display_name", "role", "org_unit", "manager", "is_active"]
    list_filter = ["role", "is_active", "org_unit__kind", "org_unit"]
    list_select_related = ["org_unit", "manager"]
    search_fields = ["username", "display_name", "email"]
    autocomplete_fields = ["manager", "org_unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("display_name", "first_name", "last_name", "email", "language")}),
        (_("Sales organisation"), {"fields": ("role", "org_unit", "manager")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Sales organisation"), {"fields": ("display_name", "role", "org_unit", "manager")}),
    )


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "manager"]
    list_filter = ["kind"]
    list_select_related = ["parent", "manager"]
    search_fields = ["name"]
    autocomplete_fields = ["parent", "manager"]


# --- Territories and assignment rules (the "assignment rules" configuration page) -----------


class CommaSeparatedListField(forms.CharField):
    """A list stored as JSON, typed as "上海, 江苏" (Chinese commas and 、 work too)."""

    SEPARATORS = ("，", "、", ";", "；", "\n")

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        text = super().to_python(value) or ""
        for separator in self.SEPARATORS:
            text = text.replace(separator, ",")
        items = []
        for item in text.split(","):
            item = " ".join(item.split())
            if item and item not in items:
                items.append(item)
        return items


def _list_field(label, help_text=""):
    return CommaSeparatedListField(
        label=label, required=False, help_text=help_text,
        widget=forms.TextInput(attrs={"size": 60}),
    )


class TerritoryForm(forms.ModelForm):
    provinces = _list_field(_("provinces"), _("Separate several with commas, e.g. 上海, 江苏."))
    cities = _list_field(_("cities"), _("Separate several with commas."))
    industries = _list_field(_("industries"), _("Separate several with commas."))

    class Meta:
        model = Territory
        fields = ["name", "org_unit", "provinces", "cities", "industries", "members", "active"]


@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    form = TerritoryForm
    list_display = ["name", "org_unit", "provinces_text", "industries_text", "member_count", "active"]
    list_filter = ["active"]
    list_select_related = ["org_unit"]
    search_fields = ["name"]
    autocomplete_fields = ["org_unit"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("provinces"))
    def provinces_text(self, territory):
        return ", ".join(territory.provinces) or "—"

    @admin.display(description=_("industries"))
    def industries_text(self, territory):
        return ", ".join(territory.industries) or "—"

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, territory):
        return territory.member_total


def _source_choices():
    """The customer sources (registered by the accounts app at start-up)."""
    return list(ASSIGNMENT_SOURCES)


class AssignmentRuleForm(forms.ModelForm):
    provinces = _list_field(_("provinces"), _("Empty: any province. Separate several with commas."))
    cities = _list_field(_("cities"), _("Empty: any city. Separate several with commas."))
    industries = _list_field(_("industries"), _("Empty: any industry. Separate several with commas."))
    sources = _list_field(_("sources"))

    class Meta:
        model = AssignmentRule
        fields = ["name", "order", "active", "provinces", "cities", "industries", "sources", "min_employees",
                  "max_employees", "min_annual_revenue", "max_annual_revenue", "strategy", "user", "org_unit",
                  "territory"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _source_choices()
        if choices and "sources" in self.fields:
            self.fields["sources"].help_text = _("Empty: any source. Codes: %(codes)s.") % {
                "codes": ", ".join(f"{code} ({label})" for code, label in choices)}

    def clean_sources(self):
        sources = self.cleaned_data.get("sources") or []
        known = {code for code, _label in _source_choices()}
        labels = {str(label): code for code, label in _source_choices()}
        result = []
        for item in sources:
            code = item if item in known else labels.get(item)
            if known and code is None:
                raise ValidationError(_("Unknown source: %(source)s.") % {"source": item})
            result.append(code or item)
        return result


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(SimpleHistoryAdmin):
    """The ordered list of assignment rules: the first active rule that matches a new customer wins."""

    form = AssignmentRuleForm
    list_display = ["order", "name", "active", "conditions", "strategy", "target"]
    list_display_links = ["name"]
    list_editable = ["order", "active"]
    list_filter = ["active", "strategy"]
    list_select_related = ["user", "org_unit", "territory"]
    search_fields = ["name"]
    ordering = ["order", "id"]
    autocomplete_fields = ["user", "org_unit", "territory"]
    fieldsets = (
        (None, {"fields": ("name", "order", "active")}),
        (_("When the new customer matches"), {"fields": (
            "provinces", "cities", "industries", "sources", ("min_employees", "max_employees"),
            ("min_annual_revenue", "max_annual_revenue"))}),
        (_("Give it to"), {"fields": ("strategy", "user", "org_unit", "territory")}),
    )

    @admin.display(description=_("conditions"))
    def conditions(self, rule):
        parts = [", ".join(values) for values in (rule.provinces, rule.cities, rule.industries, rule.sources)
                 if values]
        if rule.min_employees is not None or rule.max_employees is not None:
            parts.append(f"{_('employees')} {rule.min_employees or 0}–{rule.max_employees or '∞'}")
        if rule.min_annual_revenue is not None or rule.max_annual_revenue is not None:
            parts.append(f"{_('annual revenue')} {rule.min_annual_revenue or 0}–{rule.max_annual_revenue or '∞'}")
        return " · ".join(parts) or _("any customer")

    @admin.display(description=_("gives to"))
    def target(self, rule):
        if rule.strategy == AssignmentStrategy.USER:
            return rule.user or "—"
        return rule.territory or rule.org_unit or "—"


