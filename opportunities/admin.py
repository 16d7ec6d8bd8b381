"""Administration: the product catalogue, the assessment questions and threshold, and (read
mostly) opportunities with their lines, team and owner changes."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opportunities.models import (
    ActionPlan,
    Activity,
    Assessment,
    AssessmentAnswer,
    AssessmentQuestion,
    AssessmentSettings,
    Opportunity,
    OpportunityLine,
    OpportunityTeamMember,
    OwnerChange,
    Product,
)


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "unit", "list_price", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]


@admin.register(AssessmentQuestion)
class AssessmentQuestionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "dimension", "text_zh", "text_en", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["dimension", "active"]
    search_fields = ["code", "text_zh", "text_en"]


@admin.register(AssessmentSettings)
class AssessmentSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "threshold"]

    def has_add_permission(self, request):
        # One row holds the settings (seeded by a migration).
        return not AssessmentSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class OpportunityLineInline(admin.TabularInline):
    model = OpportunityLine
    extra = 0
    autocomplete_fields = ["product"]
    readonly_fields = ["amount"]


class TeamInline(admin.TabularInline):
    model = OpportunityTeamMember
    extra = 0
    fields = ["user", "role", "is_primary", "added_by", "added_at"]
    readonly_fields = ["is_primary", "added_by", "added_at"]
    autocomplete_fields = ["user"]


class OwnerChangeInline(admin.TabularInline):
    model = OwnerChange
    extra = 0
    can_delete = False
    fields = ["created_at", "old_owner", "new_owner", "changed_by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Opportunity)
class OpportunityAdmin(SimpleHistoryAdmin):
    """Owners change on the team tab and stages through the funnel (their services keep the rules
    and the records); here administrators correct names, dates and descriptions."""

    list_display = ["name", "customer", "stage", "amount", "expected_close_date", "primary_owner", "confirmed",
                    "assessment_score", "high_value"]
    list_filter = ["stage", "confirmed", "high_value", "source"]
    list_select_related = ["customer", "stage", "primary_owner"]
    search_fields = ["name", "customer__name"]
    readonly_fields = ["primary_owner", "stage", "amount", "assessment_score", "high_value", "confirmed",
                       "confirmed_at", "created_by", "created_at", "updated_at"]
    raw_id_fields = ["customer"]
    inlines = [OpportunityLineInline, TeamInline, OwnerChangeInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # created in the app, where the owner and team rules apply


class AnswerInline(admin.TabularInline):
    model = AssessmentAnswer
    extra = 0
    can_delete = False
    fields = ["code", "dimension", "text_zh", "answer"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["opportunity", "score", "high_value", "author", "created_at"]
    list_select_related = ["opportunity", "author"]
    readonly_fields = ["opportunity", "author", "score", "threshold", "high_value", "opportunity_score",
                       "competitiveness_score", "winnability_score", "worth_score", "created_at"]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "customer", "opportunity", "owner", "due_at", "done_at"]
    list_filter = ["kind"]
    list_select_related = ["customer", "opportunity", "owner"]
    search_fields = ["subject", "customer__name"]
    raw_id_fields = ["customer", "opportunity", "plan", "contacts"]
    autocomplete_fields = ["owner", "participants"]
    date_hierarchy = "due_at"


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "opportunity", "created_by", "created_at"]
    raw_id_fields = ["opportunity"]
