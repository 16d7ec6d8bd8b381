"""The opportunity and activity filters, shared by the list page and the API (one definition)."""

from __future__ import annotations

from datetime import date, datetime, time

import django_filters
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from crm.params import IdFilter
from opportunities.models import Activity, ActivityKind, Opportunity, Stage, StageOutcome

# Dates a filter takes: far enough from date.min/date.max that a day added or a shift to UTC cannot overflow
# (9999-12-31 or 0001-01-01 would be a 500, not a refusal).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)
DATE_BOUNDS = [MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)]


def _moment_bounds():
    first = timezone.make_aware(datetime.combine(FIRST_DAY, time.min))
    last = timezone.make_aware(datetime.combine(LAST_DAY, time.max))
    return [MinValueValidator(first), MaxValueValidator(last)]


def date_in_range(day: date) -> bool:
    """Whether a day lies within the dates the pages and filters work with."""
    return FIRST_DAY <= day <= LAST_DAY


# ?ordering= value -> model field; "-" in front sorts descending.
OPPORTUNITY_ORDERING = {
    "name": "name",
    "customer": "customer__name",
    "amount": "amount",
    "expected_close_date": "expected_close_date",
    "stage": "stage__order",
    "assessment_score": "assessment_score",
    "primary_owner": "primary_owner__username",
    "created_at": "created_at",
    "updated_at": "updated_at",
}


def stage_ids(**conditions) -> list[int]:
    """The ids of the stages meeting the conditions, as a literal list for the opportunity query.

    Filtering on stage ids rather than joining the stage table keeps the planner's estimates
    right: the nine-row stage table never gets statistics from autovacuum, and a join on it made
    PostgreSQL sort every visible opportunity instead of walking an index (see BENCHMARKS.md).
    """
    return list(Stage.objects.filter(**conditions).values_list("pk", flat=True))


class StableOrderingFilter(django_filters.OrderingFilter):
    """Adds the id as the last sort key, so pages never repeat or skip rows that tie."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            last = "-id" if value[-1].startswith("-") else "id"
            qs = qs.order_by(*qs.query.order_by, last)
        return qs


class OpportunityFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Search"))
    stage = filters.CharFilter(method="filter_stage", label=_("Stage"),
                               help_text=_("Stage code, or several separated by commas (05,06); or open, won, "
                                           "lost, all"))
    outcome = filters.ChoiceFilter(method="filter_outcome", choices=StageOutcome.choices, label=_("Outcome"))
    owner = IdFilter(field_name="primary_owner", label=_("Primary owner"))
    customer = IdFilter(field_name="customer", label=_("Customer"))
    close_after = filters.DateFilter(field_name="expected_close_date", lookup_expr="gte", label=_("Closes from"))
    close_before = filters.DateFilter(field_name="expected_close_date", lookup_expr="lte", label=_("Closes until"))
    high_value = filters.BooleanFilter(label=_("High value"))
    confirmed = filters.BooleanFilter(label=_("Confirmed"))
    ordering = StableOrderingFilter(fields=[(field, key) for key, field in OPPORTUNITY_ORDERING.items()],
                                    label=_("Sort by"))

    class Meta:
        model = Opportunity
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(customer__name__icontains=value))

    def filter_stage(self, queryset, name, value):
        value = value.strip()
        if value in ("", "all"):
            return queryset
        if value in StageOutcome.values:
            return queryset.filter(stage_id__in=stage_ids(outcome=value))
        codes = [code.strip() for code in value.split(",") if code.strip()]
        return queryset.filter(stage_id__in=stage_ids(code__in=codes))

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(stage_id__in=stage_ids(outcome=value))


class ActivityFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ActivityKind.choices, label=_("Kind"))
    owner = IdFilter(field_name="owner", label=_("Owner"))
    customer = IdFilter(field_name="customer", label=_("Customer"))
    opportunity = IdFilter(field_name="opportunity", label=_("Opportunity"))
    done = filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True, label=_("Done"))
    due_after = filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="gte", label=_("Due from"),
                                          validators=_moment_bounds())
    due_before = filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lt", label=_("Due before"),
                                           validators=_moment_bounds())
    ordering = StableOrderingFilter(fields=[("due_at", "due_at"), ("created_at", "created_at"),
                                            ("subject", "subject")], label=_("Sort by"))

    class Meta:
        model = Activity
        fields = []
