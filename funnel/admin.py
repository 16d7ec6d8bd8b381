"""Administration of the funnel: stages (probabilities, tasks, entry requirements, stuck limits), the
look-back settings, baselines, and read-only stage history, ticked checklist tasks and snapshots."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from funnel import services
from funnel.models import Baseline, FunnelSettings, FunnelSnapshot, SnapshotRun, StageChange, StageTaskDone
from opportunities.models import Stage
from opportunities.stage_requirements import requirement_choices


class StageForm(forms.ModelForm):
    requirements = forms.MultipleChoiceField(
        label=_("entry requirements"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Checked when an opportunity moves forward into this stage."),
    )

    class Meta:
        model = Stage
        fields = ["code", "name_zh", "name_en", "order", "probability", "outcome", "active", "tasks_zh", "tasks_en",
                  "checklist_zh", "checklist_en", "requirements", "stuck_after_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirements"].choices = requirement_choices()


@admin.register(Stage)
class StageAdmin(SimpleHistoryAdmin):
    form = StageForm
    list_display = ["code", "name_zh", "name_en", "order", "probability", "outcome", "stuck_after_days",
                    "requirements", "active"]
    list_editable = ["order", "probability", "active"]
    list_filter = ["outcome", "active"]
    search_fields = ["code", "name_zh", "name_en"]
    ordering = ["order", "id"]
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        # A stage in use is deactivated, never deleted: opportunities and history point to it.
        if obj is not None and services.stage_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Deactivate the selected stages (nobody can move into them)"))
    def deactivate(self, request, queryset):
        for stage in queryset.filter(active=True):
            stage.active = False
            stage._history_user = request.user
            stage.save(update_fields=["active"])
        messages.success(request, _("Deactivated."))


@admin.register(FunnelSettings)
class FunnelSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "lookback", "lookback_quarters", "lookback_days", "good_from_percent",
                    "excellent_above_percent"]

    def has_add_permission(self, request):
        return not FunnelSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Baseline)
class BaselineAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "user", "org_unit", "stage", "source", "expected_count", "expected_amount",
                    "sample_days", "computed_at", "set_by"]
    list_filter = ["source", "stage"]
    search_fields = ["user__username", "user__display_name", "org_unit__name"]
    raw_id_fields = ["user", "org_unit", "set_by"]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["opportunity", "from_code", "to_code", "to_outcome", "direction", "changed_by", "changed_at"]
    list_filter = ["direction", "to_outcome", "to_code"]
    search_fields = ["opportunity__name", "loss_reason", "competitor"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FunnelSnapshot)
class FunnelSnapshotAdmin(admin.ModelAdmin):
    list_display = ["date", "user", "org_unit", "stage", "count", "amount", "weighted_amount", "expected_count",
                    "expected_amount"]
    list_filter = ["stage"]
    date_hierarchy = "date"
    raw_id_fields = ["user", "org_unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SnapshotRun)
class SnapshotRunAdmin(admin.ModelAdmin):
    list_display = ["date", "started_at", "finished_at", "rows"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StageTaskDone)
class StageTaskDoneAdmin(SimpleHistoryAdmin):
    """Read-only: tasks are ticked on the opportunity page, where the permission rule applies."""

    list_display = ["opportunity", "stage", "position", "task", "done_by", "done_at"]
    list_filter = ["stage"]
    search_fields = ["opportunity__name", "task"]
    date_hierarchy = "done_at"
    raw_id_fields = ["opportunity", "done_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
