"""Administration of sales force planning: quota periods are configured here; the rest is read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from crm.admin import ReadOnlyAdmin
from sales_planning.models import (
    Bonus,
    IncentivePlan,
    IncentiveTier,
    PeriodKind,
    Quota,
    QuotaAllocation,
    QuotaPeriod,
    QuotaRevision,
    Redeployment,
    TerritoryAccount,
    TerritoryPlan,
)

# --- Sales force planning: quota periods are configured here; quotas, plans, re-deployments and
# payouts change only through their workflows (the pages and the API), so here they are read-only.

@admin.register(QuotaPeriod)
class QuotaPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "year", "quarter", "start", "end"]
    list_filter = ["kind", "year"]
    fields = ["kind", "year", "quarter", "start", "end"]
    readonly_fields = ["start", "end"]

    def save_model(self, request, obj, form, change) -> None:
        from sales_planning.services import quota_period_dates

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
    list_display = ["territory", "customer", "added_by", "added_at"]
    list_filter = ["territory"]
    list_select_related = ["territory", "customer", "added_by"]
    search_fields = ["customer__name", "territory__name"]


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


