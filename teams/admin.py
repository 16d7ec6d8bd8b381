"""Administration screens for people, org units, territories and assignment rules (with history)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from teams.models import (
    AssignmentRule,
    AssignmentStrategy,
    Bonus,
    ContactStrategy,
    IncentivePlan,
    IncentiveTier,
    KeyInteraction,
    OrgUnit,
    PeriodKind,
    Quota,
    QuotaAllocation,
    QuotaPeriod,
    QuotaRevision,
    Redeployment,
    TeamMeeting,
    TeamPlan,
    Territory,
    TerritoryAccount,
    TerritoryPlan,
    User,
)


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
    """The customer sources, from the accounts app (a higher layer), read at call time."""
    from django.apps import apps

    if not apps.is_installed("accounts"):
        return []
    from accounts.models import Source

    return list(Source.choices)


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


# --- Sales force planning: quota periods are configured here; quotas, plans, re-deployments and
# payouts change only through their workflows (the pages and the API), so here they are read-only.

class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QuotaPeriod)
class QuotaPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "year", "quarter", "start", "end"]
    list_filter = ["kind", "year"]
    fields = ["kind", "year", "quarter", "start", "end"]
    readonly_fields = ["start", "end"]

    def save_model(self, request, obj, form, change) -> None:
        from teams.services import quota_period_dates

        if obj.kind == PeriodKind.YEAR:
            obj.quarter = None
        obj.start, obj.end = quota_period_dates(kind=obj.kind, year=obj.year, quarter=obj.quarter)
        super().save_model(request, obj, form, change)


class QuotaRevisionInline(admin.TabularInline):
    model = QuotaRevision
    extra = 0
    can_delete = False
    fields = ["created_at", "version", "action", "amount", "previous_amount", "status", "by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Quota)
class QuotaAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "amount", "status", "version", "allocated_from", "set_by", "updated_at"]
    list_filter = ["status", "period", "org_unit__kind"]
    list_select_related = ["period", "org_unit", "user", "allocated_from", "set_by"]
    search_fields = ["org_unit__name", "user__username", "user__display_name"]
    inlines = [QuotaRevisionInline]


@admin.register(QuotaAllocation)
class QuotaAllocationAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "acknowledged_difference", "acknowledged_by", "acknowledged_at", "submitted_at"]
    list_select_related = ["period", "org_unit", "acknowledged_by"]


@admin.register(TerritoryAccount)
class TerritoryAccountAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["territory", "customer_id", "added_by", "added_at"]
    list_filter = ["territory"]
    list_select_related = ["territory", "added_by"]


@admin.register(TerritoryPlan)
class TerritoryPlanAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "year", "version", "status", "drafted_by", "reviewed_by", "updated_at"]
    list_filter = ["status", "year"]
    list_select_related = ["org_unit", "territory", "drafted_by", "reviewed_by"]


@admin.register(Redeployment)
class RedeploymentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "by", "from_user", "from_territory", "to_user", "to_territory", "customer_count",
                    "opportunity_count"]
    list_select_related = ["by", "from_user", "to_user", "from_territory", "to_territory"]


class IncentiveTierInline(admin.TabularInline):
    model = IncentiveTier
    extra = 0
    can_delete = False
    fields = ["threshold", "rate", "fixed_amount"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IncentivePlan)
class IncentivePlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "period", "org_unit", "status", "expected_cost", "approved_by"]
    list_filter = ["status", "period"]
    list_select_related = ["period", "org_unit", "approved_by"]
    search_fields = ["name"]
    inlines = [IncentiveTierInline]


@admin.register(Bonus)
class BonusAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["user", "plan", "attainment", "amount", "status", "approved_by", "paid_at"]
    list_filter = ["status", "plan__period"]
    list_select_related = ["user", "plan__period", "approved_by"]
    search_fields = ["user__username", "user__display_name"]


# --- Team selling (read only: the sales team writes on the opportunity's "Team selling" tab) ---------

class ContactStrategyInline(admin.TabularInline):
    model = ContactStrategy
    extra = 0
    can_delete = False
    fields = ["contact_id", "current_attitude", "target_attitude", "covered_by", "actions"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TeamPlan)
class TeamPlanAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["opportunity_id", "pricing_authority", "max_discount", "price_floor", "version", "updated_by",
                    "updated_at"]
    list_select_related = ["pricing_authority", "updated_by"]
    search_fields = ["opportunity_id"]
    inlines = [ContactStrategyInline]


@admin.register(TeamMeeting)
class TeamMeetingAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["opportunity_id", "activity_id", "meeting_type", "ends_at", "created_by", "created_at"]
    list_filter = ["meeting_type"]
    list_select_related = ["created_by"]


@admin.register(KeyInteraction)
class KeyInteractionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["opportunity_id", "activity_id", "significance", "marked_by", "marked_at"]
    list_select_related = ["marked_by"]
