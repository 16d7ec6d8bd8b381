"""Administration: partners with their contacts and credit standing history, the list of competing
brands, and (read mostly: the pages and services hold the rules) tender records."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bids.models import (
    BidAgent,
    BidCompetitor,
    BidLine,
    BidProject,
    CompetitorBrand,
    Partner,
    PartnerContact,
    PartnerCreditRating,
)


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


class PartnerCreditRatingInline(admin.TabularInline):
    """The standing's history is kept as recorded: ratings are added on the partner's page."""

    model = PartnerCreditRating
    extra = 0
    fields = ["rated_on", "rating", "source", "note", "recorded_by", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "region", "credit_rating", "credit_rated_on", "status"]
    list_filter = ["kind", "status", "credit_rating"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["credit_rating", "credit_rated_on", "credit_source", "created_by", "created_at", "updated_at"]
    inlines = [PartnerContactInline, PartnerCreditRatingInline]


@admin.register(CompetitorBrand)
class CompetitorBrandAdmin(SimpleHistoryAdmin):
    list_display = ["name", "threat_level", "active"]
    list_filter = ["threat_level", "active"]
    search_fields = ["name"]


class BidLineInline(admin.TabularInline):
    """Lines are priced on the tender page, which keeps the record's totals in step."""

    model = BidLine
    extra = 0
    fields = ["position", "configuration", "product", "quantity", "target_price", "quote", "target_amount",
              "quote_amount"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class BidAgentInline(admin.TabularInline):
    model = BidAgent
    extra = 0
    raw_id_fields = ["partner"]


class BidCompetitorInline(admin.TabularInline):
    model = BidCompetitor
    extra = 0
    raw_id_fields = ["brand"]


@admin.register(BidProject)
class BidProjectAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "sales_method", "tender_type", "status", "submission_at", "quote_total"]
    list_filter = ["status", "sales_method", "tender_type", "impact", "relationship"]
    search_fields = ["opportunity__name", "opportunity__customer__name"]
    raw_id_fields = ["opportunity"]
    readonly_fields = ["status", "target_total", "quote_total", "submitted_at", "winning_brand", "winning_price",
                       "outcome_reason", "outcome_at", "outcome_by", "created_by", "created_at", "updated_at"]
    inlines = [BidLineInline, BidAgentInline, BidCompetitorInline]
