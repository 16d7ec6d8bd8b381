"""Administration of the forecast rules: periods with their deadlines, rules, stage categories; the
records, channel forecasts and roll-ups are shown read-mostly for support."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from forecasting.models import (
    ChannelForecast,
    Forecast,
    ForecastDeadline,
    ForecastEvent,
    ForecastLine,
    ForecastPeriod,
    ForecastRollup,
    ForecastRule,
    StageCategory,
)


class DeadlineInline(admin.TabularInline):
    model = ForecastDeadline
    extra = 0


@admin.register(ForecastPeriod)
class ForecastPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "start", "end", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    inlines = [DeadlineInline]


@admin.register(ForecastRule)
class ForecastRuleAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "confirmed_only", "levels", "reminder_days"]
    filter_horizontal = ["stages"]


@admin.register(StageCategory)
class StageCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["stage", "category"]
    list_editable = ["category"]


class LineInline(admin.TabularInline):
    model = ForecastLine
    extra = 0
    can_delete = False
    readonly_fields = ["opportunity", "opportunity_name", "customer_name", "stage_code", "expected_close_date",
                       "opportunity_amount", "amount", "category"]


class EventInline(admin.TabularInline):
    model = ForecastEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "at", "reason", "amount_before", "amount_after"]


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    """Records change only through the workflow (services): the admin shows them."""

    list_display = ["owner", "period", "version", "status", "amount", "subordinate_total", "pipeline_total",
                    "submitted_at"]
    list_filter = ["status", "period"]
    search_fields = ["owner__username", "owner__display_name"]
    inlines = [LineInline, EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ChannelForecast)
class ChannelForecastAdmin(SimpleHistoryAdmin):
    list_display = ["period", "org_unit", "partner_name", "partner_code", "product", "quantity", "amount"]
    list_filter = ["period", "org_unit"]
    search_fields = ["partner_name", "partner_code"]


@admin.register(ForecastRollup)
class ForecastRollupAdmin(admin.ModelAdmin):
    list_display = ["period", "user", "org_unit", "submitted_amount", "pipeline_amount", "opportunity_count",
                    "people_count", "submitted_count", "computed_at"]
    list_filter = ["period"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
