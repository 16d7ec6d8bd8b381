"""The tender and partner filters, shared by the list pages and the API (one definition)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from bids.models import (
    MILESTONE_FIELDS,
    BidProject,
    BidScheme,
    BidStatus,
    CreditRating,
    Impact,
    Partner,
    PartnerKind,
    PartnerStatus,
    Relationship,
    SalesMethod,
    TenderType,
)
from crm.params import IdFilter
from opportunities.filters import DATE_BOUNDS

# ?ordering= value -> model field; "-" in front sorts descending.
BID_ORDERING = {
    "opportunity": "opportunity__name",
    "customer": "opportunity__customer__name",
    "status": "status",
    "submission_at": "submission_at",
    "opening_at": "opening_at",
    "quote_total": "quote_total",
    "target_total": "target_total",
    "created_at": "created_at",
    "updated_at": "updated_at",
}


class StableOrderingFilter(django_filters.OrderingFilter):
    """Adds the id as the last sort key, so pages never repeat or skip rows that tie."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            last = "-id" if value[-1].startswith("-") else "id"
            qs = qs.order_by(*qs.query.order_by, last)
        return qs


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class BidFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Search"))
    status = filters.ChoiceFilter(choices=BidStatus.choices, label=_("Status"))
    sales_method = filters.ChoiceFilter(choices=SalesMethod.choices, label=_("Sales method"))
    tender_type = filters.ChoiceFilter(choices=TenderType.choices, label=_("Tender type"))
    scheme = filters.ChoiceFilter(choices=BidScheme.choices, label=_("Bid scheme"))
    impact = filters.ChoiceFilter(choices=Impact.choices, label=_("Impact"))
    relationship = filters.ChoiceFilter(choices=Relationship.choices, label=_("Customer relationship degree"))
    opportunity = IdFilter(field_name="opportunity", label=_("Opportunity"))
    customer = IdFilter(field_name="opportunity__customer", label=_("Customer"))
    owner = IdFilter(field_name="opportunity__primary_owner", label=_("Primary owner"))
    partner = IdFilter(field_name="bid_agents__partner", distinct=True, label=_("Agent"))
    date_from = filters.DateFilter(method="filter_date_from", label=_("Key dates from"), validators=DATE_BOUNDS,
                                   help_text=_("Tenders with a key date on or after this day."))
    date_to = filters.DateFilter(method="filter_date_to", label=_("Key dates until"), validators=DATE_BOUNDS,
                                 help_text=_("Tenders with a key date on or before this day."))
    ordering = StableOrderingFilter(fields=[(field, key) for key, field in BID_ORDERING.items()], label=_("Sort by"))

    class Meta:
        model = BidProject
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(opportunity__name__icontains=value) | Q(opportunity__customer__name__icontains=value))

    def _key_dates_in(self, queryset, after=None, before=None):
        # With both bounds, one key date must fall inside the range (not one after and another before).
        condition = Q()
        for field in MILESTONE_FIELDS.values():
            bounds = {}
            if after is not None:
                bounds[f"{field}__gte"] = after
            if before is not None:
                bounds[f"{field}__lt"] = before
            condition |= Q(**bounds)
        return queryset.filter(condition)

    def filter_date_from(self, queryset, name, value):
        before = self.form.cleaned_data.get("date_to")
        return self._key_dates_in(queryset, _day_start(value),
                                  _day_start(before + timedelta(days=1)) if before else None)

    def filter_date_to(self, queryset, name, value):
        if self.form.cleaned_data.get("date_from"):
            return queryset  # done together with date_from
        return self._key_dates_in(queryset, None, _day_start(value + timedelta(days=1)))


class PartnerFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Search"))
    kind = filters.ChoiceFilter(choices=PartnerKind.choices, label=_("Kind"))
    status = filters.ChoiceFilter(choices=PartnerStatus.choices, label=_("Status"))
    credit_rating = filters.ChoiceFilter(choices=CreditRating.choices, label=_("Credit standing"))
    region = filters.CharFilter(field_name="region", lookup_expr="icontains", label=_("Region"))
    ordering = StableOrderingFilter(fields=[("name", "name"), ("region", "region"),
                                            ("credit_rated_on", "credit_rated_on")], label=_("Sort by"))

    class Meta:
        model = Partner
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value))
