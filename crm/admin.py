"""Base pieces of the administration screens shared by the business areas."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through their workflows (pages and API): shown, never edited here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Job outbox: operators see what waits, runs and failed ------------------------------------------

from crm.models import Job  # noqa: E402


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["task", "state", "attempts", "created_at", "started_at", "finished_at"]
    list_filter = ["state", "task"]
    search_fields = ["task", "last_error"]
    date_hierarchy = "created_at"
