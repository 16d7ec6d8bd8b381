"""Administration screens for customers: classification rules and tier thresholds are configured
here; customers, contacts and plans can be looked up and corrected, with their change history."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import (
    AccountPlan,
    ClassificationRule,
    Contact,
    Customer,
    CustomerIntake,
    CustomerMerge,
    EnrichmentProposal,
    PublicMailDomain,
    TierChange,
    TierThreshold,
)
from crm.admin import ReadOnlyAdmin
from teams.admin import CommaSeparatedListField


class ContactInline(admin.TabularInline):
    model = Contact
    fk_name = "customer"
    extra = 0
    fields = ["name", "title", "department", "decision_role", "attitude", "reports_to", "phone", "email"]
    autocomplete_fields = ["reports_to"]


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "province", "city", "industry", "owner", "tier", "tier_overridden",
                    "source", "created_at"]
    list_filter = ["tier", "tier_overridden", "source", "province"]
    list_select_related = ["owner"]
    search_fields = ["name", "credit_code", "phone"]
    autocomplete_fields = ["owner", "parent"]
    readonly_fields = ["tier_suggested", "tier_score", "created_by", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "customer", "title", "decision_role", "attitude"]
    list_filter = ["decision_role", "attitude"]
    list_select_related = ["customer"]
    search_fields = ["name", "customer__name", "phone", "email"]
    autocomplete_fields = ["customer", "reports_to"]


class ClassificationRuleForm(forms.ModelForm):
    values = CommaSeparatedListField(
        label=_("one of"), required=False, widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("For industry, province or source: the values that earn the points, separated by commas."))

    class Meta:
        model = ClassificationRule
        fields = ["name", "criterion", "threshold", "values", "points", "active"]


@admin.register(ClassificationRule)
class ClassificationRuleAdmin(SimpleHistoryAdmin):
    form = ClassificationRuleForm
    list_display = ["name", "criterion", "threshold", "values", "points", "active"]
    list_editable = ["points", "active"]
    list_filter = ["criterion", "active"]


@admin.register(TierThreshold)
class TierThresholdAdmin(SimpleHistoryAdmin):
    list_display = ["tier", "min_score"]
    list_editable = ["min_score"]


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdmin):
    list_display = ["customer", "old_tier", "new_tier", "score", "changed_by", "created_at"]
    list_select_related = ["customer", "changed_by"]
    search_fields = ["customer__name"]


@admin.register(CustomerMerge)
class CustomerMergeAdmin(ReadOnlyAdmin):
    list_display = ["merged_name", "survivor", "merged_by", "created_at"]
    list_select_related = ["survivor", "merged_by"]
    search_fields = ["merged_name", "survivor__name"]


@admin.register(CustomerIntake)
class CustomerIntakeAdmin(ReadOnlyAdmin):
    list_display = ["name", "source", "outcome", "status", "customer", "created_by", "created_at"]
    list_filter = ["source", "outcome", "status"]
    list_select_related = ["customer", "created_by"]
    search_fields = ["name"]


@admin.register(EnrichmentProposal)
class EnrichmentProposalAdmin(ReadOnlyAdmin):
    list_display = ["customer", "field", "current_value", "proposed_value", "source", "status", "created_at"]
    list_filter = ["status", "source", "field"]
    list_select_related = ["customer"]
    search_fields = ["customer__name"]


@admin.register(AccountPlan)
class AccountPlanAdmin(SimpleHistoryAdmin):
    list_display = ["customer", "year", "status", "author", "reviewed_by", "updated_at"]
    list_filter = ["status", "year"]
    list_select_related = ["customer", "author", "reviewed_by"]
    search_fields = ["customer__name"]
    autocomplete_fields = ["customer"]
    readonly_fields = ["author", "reviewed_by", "reviewed_at"]


@admin.register(PublicMailDomain)
class PublicMailDomainAdmin(admin.ModelAdmin):
    """Mail domains that are no evidence in duplicate matching (anyone's mailbox, placeholders)."""

    list_display = ["domain", "note"]
    search_fields = ["domain", "note"]
