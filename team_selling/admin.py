"""Administration of team selling: read only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crm.admin import ReadOnlyAdmin
from team_selling.models import ContactStrategy, KeyInteraction, TeamMeeting, TeamPlan

# --- Team selling (read only: the sales team writes on the opportunity's "Team selling" tab) ---------
# Searching goes through the foreign keys' own fields: an exact opportunity id ("=opportunity__id") or a part of
# its name; a bare "opportunity_id" would be searched with icontains, which an id column does not support.


class ContactStrategyInline(admin.TabularInline):
    model = ContactStrategy
    extra = 0
    can_delete = False
    fields = ["contact", "current_attitude", "target_attitude", "covered_by", "actions"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contact", "covered_by")


@admin.register(TeamPlan)
class TeamPlanAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["opportunity", "pricing_authority", "max_discount", "price_floor", "version", "updated_by",
                    "updated_at"]
    list_select_related = ["opportunity", "pricing_authority", "updated_by"]
    search_fields = ["=opportunity__id", "opportunity__name"]
    inlines = [ContactStrategyInline]


@admin.register(TeamMeeting)
class TeamMeetingAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["opportunity", "activity", "meeting_type", "ends_at", "created_by", "created_at"]
    list_filter = ["meeting_type"]
    list_select_related = ["opportunity", "activity", "created_by"]
    search_fields = ["=opportunity__id", "opportunity__name", "activity__subject"]


@admin.register(KeyInteraction)
class KeyInteractionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["opportunity", "activity", "significance", "marked_by", "marked_at"]
    list_select_related = ["opportunity", "activity", "marked_by"]
    search_fields = ["=opportunity__id", "opportunity__name", "activity__subject", "significance"]
