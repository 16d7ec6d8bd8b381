"""Administration of the funnel's configuration and records: the stages (opportunities.Stage, whose moves
and history the funnel keeps; saved through funnel.services.stage_save like the API), the look-back settings,
baselines, and read-only stage history, ticked checklist tasks and snapshots."""

from contextlib import contextmanager

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crm.errors import DomainError, PermissionDenied
from crm.forms import form_add_error
from funnel import services
from funnel.models import (
    Baseline,
    ClosedSnapshot,
    FunnelSettings,
    FunnelSnapshot,
    SnapshotRun,
    StageChange,
    StageTaskDone,
)
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
                  "checklist_zh", "checklist_en", "tasks_required", "requirements", "stuck_after_days"]

    # A refusal of funnel.services.stage_save, shown on the form when the admin renders it again.
    refusal: Exception | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirements"].choices = requirement_choices()

    def clean(self):
        cleaned_data = super().clean()
        if self.refusal is not None:
            form_add_error(self, self.refusal)
        return cleaned_data


class _Refused(Exception):
    """stage_save or stage_delete refused an admin's change; the admin's transaction is rolled back."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error
        self.message = error.message if isinstance(error, DomainError) else str(error)


@contextmanager
def _refusals():
    """A refusal of the stage services leaves the admin's view as _Refused, which the views below show."""
    try:
        yield
    except (DomainError, PermissionDenied) as error:
        raise _Refused(error) from error


def _is_admin(request) -> bool:
    return bool(getattr(request.user, "is_admin", False))


@admin.register(Stage)
class StageAdmin(SimpleHistoryAdmin):
    """Every save and delete goes through the stage services, so the admin obeys the same rules as the API (a
    stage holding opportunities keeps its outcome: moving them is the funnel's job, with its history)."""

    form = StageForm
    list_display = ["code", "name_zh", "name_en", "order", "probability", "outcome", "stuck_after_days",
                    "entry_requirements", "active"]
    list_editable = ["order", "probability", "active"]
    list_filter = ["outcome", "active"]
    search_fields = ["code", "name_zh", "name_en"]
    ordering = ["order", "id"]
    actions = ["deactivate"]

    # The services let administrators (role) configure stages; other staff may at most look.
    def has_add_permission(self, request):
        return _is_admin(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return _is_admin(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A stage in use is deactivated, never deleted: opportunities and history point to it.
        if obj is not None and services.stage_in_use(obj):
            return False
        return _is_admin(request) and super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_stage_refusal", None)
        return type(form.__name__, (form,), {"refusal": refusal}) if refusal is not None else form

    def save_model(self, request, obj, form, change):
        names = form.changed_data if change else list(form.cleaned_data)
        data = {name: form.cleaned_data[name] for name in names if name in services.STAGE_FIELDS}
        with _refusals():
            obj.pk = services.stage_save(stage=obj, by=request.user, data=data).pk

    def delete_model(self, request, obj):
        with _refusals():
            services.stage_delete(stage=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for stage in queryset:
            self.delete_model(request, stage)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # Rolled back; the same POST again, now with the service's refusal on the form (see get_form).
            request._stage_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The list's editable columns, the deactivate and the delete actions save through the services too.
        try:
            return super().changelist_view(request, extra_context)
        except _Refused as refused:
            messages.error(request, refused.message)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except _Refused as refused:
            messages.error(request, refused.message)
            return HttpResponseRedirect(request.get_full_path())

    @admin.display(description=_("entry requirements"))
    def entry_requirements(self, stage: Stage) -> str:
        """The requirements by their labels in the reader's language, not the stored codes."""
        labels = dict(requirement_choices())
        return ", ".join(labels.get(code, code) for code in stage.requirements or []) or "-"

    @admin.action(description=_("Deactivate the selected stages (nobody can move into them)"))
    @transaction.atomic
    def deactivate(self, request, queryset):
        for stage in queryset.filter(active=True):
            with _refusals():
                services.stage_save(stage=stage, by=request.user, data={"active": False})
        messages.success(request, _("Deactivated."))


@admin.register(FunnelSettings)
class FunnelSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "lookback", "lookback_quarters", "lookback_days", "min_expected_count",
                    "good_from_percent", "excellent_above_percent"]

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


@admin.register(ClosedSnapshot)
class ClosedSnapshotAdmin(admin.ModelAdmin):
    list_display = ["date", "org_unit", "days", "outcome", "count", "amount"]
    list_filter = ["outcome"]
    date_hierarchy = "date"
    raw_id_fields = ["org_unit"]

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
