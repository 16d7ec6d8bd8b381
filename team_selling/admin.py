"""Administration of team selling: read only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crm.admin import ReadOnlyAdmin
from team_selling.models import ContactStrategy, KeyInteraction, TeamMeeting, TeamPlan

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
