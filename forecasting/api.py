"""REST API of sales forecasting: periods, records and their workflow, channel forecasts, the
production plan. Thin: every rule is in forecasting/services.py, every read in selectors.py."""

from __future__ import annotations

import csv
import io

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api import ModelSerializer
from crm.errors import DomainError
from crm.idempotency import IdempotentWrites
from forecasting import selectors, services
from forecasting.models import (
    Category,
    ChannelForecast,
    Forecast,
    ForecastLine,
    ForecastPeriod,
    ForecastStatus,
    Level,
    PeriodKind,
)
from teams.models import OrgUnit

MONEY = {"max_digits": 18, "decimal_places": 2}


# --- Periods -----------------------------------------------------------------------------------

class ForecastPeriodSerializer(ModelSerializer):
    deadline = serializers.SerializerMethodField(help_text="The period's final deadline (the last level's).")
    deadlines = serializers.SerializerMethodField(help_text="Submission deadline per level.")

    class Meta:
        model = ForecastPeriod
        fields = ["id", "name", "kind", "start", "end", "deadline", "deadlines", "status"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATE)
    def get_deadline(self, period):
        return selectors.period_deadline(period)

    @extend_schema_field(serializers.DictField(child=serializers.DateField()))
    def get_deadlines(self, period):
        return {deadline.level: deadline.due.isoformat() for deadline in period.deadlines.all()}


@extend_schema_field({"type": "string", "enum": list(PeriodKind.values)})
class PeriodKindField(serializers.ChoiceField):
    """The period kind on input, described inline (one named enum per field name in the schema)."""

    def __init__(self, **kwargs):
        super().__init__(choices=PeriodKind.choices, **kwargs)


class ForecastPeriodCreateSerializer(serializers.Serializer):
    kind = PeriodKindField(required=False, help_text="Defaults from the dates: a calendar month, quarter or year.")
    start = serializers.DateField()
    end = serializers.DateField(required=False, help_text="Defaults to the end of the kind's month, quarter or year.")
    name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    deadline = serializers.DateField(required=False, help_text="The last level's deadline; the levels below "
                                                               "submit two days apart before it.")
    deadlines = serializers.DictField(child=serializers.DateField(), required=False,
                                      help_text="Deadline per level: account_manager, team, region, division.")


class ForecastPeriodFilter(django_filters.FilterSet):
    contains = django_filters.DateFilter(method="filter_contains", label="Periods containing this day")

    class Meta:
        model = ForecastPeriod
        fields = ["kind", "status"]

    def filter_contains(self, queryset, name, value):
        return queryset.filter(start__lte=value, end__gte=value)


class ForecastPeriodViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                            viewsets.GenericViewSet):
    """Forecast periods (month, quarter or year) with a deadline per level. Administrators create them."""

    serializer_class = ForecastPeriodSerializer
    filterset_class = ForecastPeriodFilter
    ordering_fields = ["start", "end", "name"]
    search_fields = ["name"]

    def get_queryset(self):
        return selectors.period_list(viewer=self.request.user)

    @extend_schema(request=ForecastPeriodCreateSerializer, responses={201: ForecastPeriodSerializer})
    def create(self, request, *args, **kwargs):
        data = ForecastPeriodCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        period = services.period_create(by=request.user, **data.validated_data)
        period = self.get_queryset().get(pk=period.pk)
        return Response(ForecastPeriodSerializer(period).data, status=status.HTTP_201_CREATED)


# --- Records -----------------------------------------------------------------------------------

class ForecastLineSerializer(ModelSerializer):
    stage = serializers.CharField(source="stage_code", read_only=True)

    class Meta:
        model = ForecastLine
        fields = ["id", "opportunity", "opportunity_name", "customer_name", "stage", "expected_close_date",
                  "opportunity_amount", "amount", "category"]
        read_only_fields = fields


class ForecastCategoryTotalsSerializer(serializers.Serializer):
    commit = serializers.DecimalField(**MONEY)
    best_case = serializers.DecimalField(**MONEY)
    pipeline = serializers.DecimalField(**MONEY)


def line_data(row: tuple) -> dict:
    """One line as ForecastLineSerializer gives it, from a row of `selectors.forecast_line_rows`
    (thousands per page of records: built directly, not field by field)."""
    pk, _forecast, opportunity, name, customer, stage, close, opportunity_amount, amount, category = row
    return {"id": pk, "opportunity": opportunity, "opportunity_name": name, "customer_name": customer,
            "stage": stage, "expected_close_date": close.isoformat(),
            "opportunity_amount": f"{opportunity_amount:.2f}", "amount": f"{amount:.2f}", "category": category}


class ForecastSerializer(ModelSerializer):
    lines = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    machine_amount = serializers.SerializerMethodField(
        help_text="The machine forecast of the owner and everyone below them for the period, as of now: the sum over "
                  "their open opportunities expected to close in it of amount × predicted win probability, plus the "
                  "deals won in it in full (null without the insights app).")

    class Meta:
        model = Forecast
        fields = ["id", "period", "owner", "owner_name", "org_unit", "level", "status", "version", "lock_version",
                  "amount", "subordinate_total", "pipeline_total", "own_total", "machine_amount", "categories",
                  "revised", "lines", "submitted_at", "decided_at", "decided_by", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(allow_null=True, **MONEY))
    def get_machine_amount(self, forecast):
        """From the figures the view loaded for the page (`context["machine"]`), else this record's own."""
        machine = self.context.get("machine")
        if machine is None or forecast.pk not in machine:
            machine = selectors.machine_for_records([forecast])
        if machine is None or forecast.pk not in machine:
            return None
        return f"{machine[forecast.pk]:.2f}"

    @extend_schema_field(ForecastLineSerializer(many=True))
    def get_lines(self, forecast):
        """The lines the view loaded for the page (`context["lines"]`), else this record's own."""
        rows = self.context.get("lines")
        if rows is None:
            rows = selectors.forecast_line_rows([forecast.pk])
        return [line_data(row) for row in rows.get(forecast.pk, ())]

    @extend_schema_field(ForecastCategoryTotalsSerializer)
    def get_categories(self, forecast):
        return {key: f"{value:.2f}" for key, value in forecast.category_totals().items()}


class ForecastCategoryAmountsSerializer(serializers.Serializer):
    commit = serializers.DecimalField(required=False, min_value=0, **MONEY)
    best_case = serializers.DecimalField(required=False, min_value=0, **MONEY)
    pipeline = serializers.DecimalField(required=False, min_value=0, **MONEY)


class ForecastCreateSerializer(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(queryset=ForecastPeriod.objects.all())


class ForecastLockSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(required=False, min_value=1,
                                            help_text="The lock_version you read; a stale one is a 409.")


class ForecastReviseSerializer(ForecastLockSerializer):
    amount = serializers.DecimalField(required=False, allow_null=True, min_value=0, **MONEY)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    categories = ForecastCategoryAmountsSerializer(required=False, help_text="Optional split; a missing category is 0.")


class ForecastReasonSerializer(ForecastLockSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ForecastLineChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    opportunity = serializers.IntegerField(required=False)
    amount = serializers.DecimalField(required=False, min_value=0, **MONEY)
    category = serializers.ChoiceField(choices=Category.choices, required=False)


class ForecastLinesSerializer(ForecastLockSerializer):
    lines = ForecastLineChangeSerializer(many=True)


class ForecastEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    forecast = serializers.IntegerField(source="forecast_id")
    version = serializers.IntegerField(source="forecast.version")
    kind = serializers.CharField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    actor_name = serializers.CharField(source="actor.__str__", allow_null=True, default=None)
    at = serializers.DateTimeField()
    reason = serializers.CharField()
    amount_before = serializers.DecimalField(allow_null=True, **MONEY)
    amount_after = serializers.DecimalField(allow_null=True, **MONEY)


class ForecastFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ForecastStatus.choices)
    level = django_filters.ChoiceFilter(choices=Level.choices)

    class Meta:
        model = Forecast
        fields = ["period", "owner", "status", "level", "version"]


class ForecastViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """Forecast records visible to the caller (their own and their subtree's).

    `POST` makes the caller's next version for a period. Workflow: `submit/`, `revise/`
    (`amount`, `reason`), `return/` (`reason`), `approve/`; status draft -> submitted -> approved
    | returned. Writes may carry `lock_version`: a stale one is a 409.
    """

    serializer_class = ForecastSerializer
    filterset_class = ForecastFilter
    ordering_fields = ["submitted_at", "amount", "version", "created_at"]

    def get_queryset(self):
        return selectors.forecast_list(viewer=self.request.user)

    def _fresh(self, forecast: Forecast) -> dict:
        return ForecastSerializer(self.get_queryset().get(pk=forecast.pk)).data

    def list(self, request, *args, **kwargs):
        """A page of records with every record's lines, read in one query for the whole page."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        records = page if page is not None else list(queryset)
        context = {**self.get_serializer_context(), "lines": selectors.forecast_line_rows(r.pk for r in records),
                   "machine": selectors.machine_for_records(records)}
        data = ForecastSerializer(records, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=ForecastCreateSerializer, responses={201: ForecastSerializer})
    def create(self, request, *args, **kwargs):
        data = ForecastCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        forecast = services.forecast_create(period=data.validated_data["period"], by=request.user)
        return Response(self._fresh(forecast), status=status.HTTP_201_CREATED)

    @extend_schema(request=ForecastLockSerializer, responses=ForecastSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the draft to the superior (owner only; twice is a 409)."""
        data = ForecastLockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        forecast = services.forecast_submit(forecast=self.get_object(), by=request.user,
                                            lock_version=data.validated_data.get("lock_version"))
        return Response(self._fresh(forecast))

    @extend_schema(request=ForecastReviseSerializer, responses=ForecastSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """Set the draft's amount (optionally per category) with a mandatory reason (owner only)."""
        data = ForecastReviseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        forecast = services.forecast_revise(
            forecast=self.get_object(), by=request.user, amount=values.get("amount"), reason=values.get("reason"),
            categories=dict(values["categories"]) if values.get("categories") else None,
            lock_version=values.get("lock_version"),
        )
        return Response(self._fresh(forecast))

    @extend_schema(request=ForecastReasonSerializer, responses=ForecastSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_record(self, request, pk=None):
        """Send a submitted record back to its owner with a reason (a superior of the owner only)."""
        data = ForecastReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        forecast = services.forecast_return(forecast=self.get_object(), by=request.user,
                                            reason=data.validated_data.get("reason", ""),
                                            lock_version=data.validated_data.get("lock_version"))
        return Response(self._fresh(forecast))

    @extend_schema(request=ForecastReasonSerializer, responses=ForecastSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a submitted record (a superior of the owner only, never the owner)."""
        data = ForecastReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        forecast = services.forecast_approve(forecast=self.get_object(), by=request.user,
                                             reason=data.validated_data.get("reason", ""),
                                             lock_version=data.validated_data.get("lock_version"))
        return Response(self._fresh(forecast))

    @extend_schema(request=ForecastLinesSerializer, responses=ForecastSerializer)
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        """Set the draft's line amounts and categories (owner only)."""
        data = ForecastLinesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        forecast = services.forecast_set_lines(forecast=self.get_object(), by=request.user,
                                               lines=data.validated_data["lines"],
                                               lock_version=data.validated_data.get("lock_version"))
        return Response(self._fresh(forecast))

    @extend_schema(responses=ForecastEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def trail(self, request, pk=None):
        """Who created, revised, submitted, returned or approved each version of this person's record."""
        return Response(ForecastEventSerializer(selectors.forecast_trail(forecast=self.get_object()), many=True).data)


# --- Channel forecasts -------------------------------------------------------------------------

class ChannelForecastSerializer(ModelSerializer):
    partner = serializers.CharField(source="partner_name", max_length=200)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    amount = serializers.DecimalField(min_value=0, **MONEY)

    class Meta:
        model = ChannelForecast
        fields = ["id", "period", "org_unit", "partner", "partner_code", "product", "quantity", "amount",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []  # the service says what is wrong (a clash is a 409)


class ChannelImportSerializer(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(queryset=ForecastPeriod.objects.all())
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    file = serializers.FileField(help_text="CSV or Excel: partner, partner_code, product (code), quantity, amount.")


class ChannelForecastViewSet(IdempotentWrites, viewsets.ModelViewSet):
    """Channel partners' forecasts per business division, period and product; `import/` takes a file."""

    serializer_class = ChannelForecastSerializer
    filterset_fields = ["period", "org_unit", "product", "partner_code"]
    search_fields = ["partner_name", "partner_code"]
    ordering_fields = ["amount", "partner_name", "created_at"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return selectors.channel_forecast_list(viewer=self.request.user)

    def _save(self, serializer, instance=None):
        values = serializer.validated_data
        return services.channel_forecast_save(
            period=values["period"], org_unit=values["org_unit"], partner_name=values["partner_name"],
            partner_code=values.get("partner_code", ""), product=values["product"], quantity=values["quantity"],
            amount=values["amount"], by=self.request.user, instance=instance,
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = self._save(serializer)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        current = self.get_serializer(instance).data
        merged = self.get_serializer(data={**current, **request.data})
        merged.is_valid(raise_exception=True)
        row = self._save(merged, instance=instance)
        return Response(self.get_serializer(row).data)

    def destroy(self, request, *args, **kwargs):
        services.channel_forecast_delete(channel_forecast=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request={"multipart/form-data": ChannelImportSerializer},
        responses=inline_serializer("ChannelImportResult", {"created": serializers.IntegerField(),
                                                            "updated": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import",
            parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        """Import a CSV or Excel file of partners' forecasts for one division and period (all or nothing)."""
        data = ChannelImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        result = services.channel_forecast_import(
            period=data.validated_data["period"], org_unit=data.validated_data["org_unit"],
            name=upload.name or "", content=upload.read(), by=request.user,
        )
        return Response({"created": result.created, "updated": result.updated})


# --- Production plan ---------------------------------------------------------------------------

PLAN_COLUMNS = ["product", "product_code", "product_name", "month", "quantity", "amount"]


class CSVRenderer(BaseRenderer):
    """`?format=csv`: the rows as a spreadsheet-friendly CSV (UTF-8 with BOM for Excel)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        if isinstance(data, dict):  # an error body
            for key, value in data.items():
                writer.writerow([key, value])
            return buffer.getvalue().encode("utf-8")
        writer.writerow(PLAN_COLUMNS)
        for row in data or []:
            writer.writerow([row.get(column, "") for column in PLAN_COLUMNS])
        return buffer.getvalue().encode("utf-8")


class ProductionPlanRowSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    product_code = serializers.CharField()
    product_name = serializers.CharField()
    month = serializers.CharField(help_text="YYYY-MM: the month of the opportunity's expected close date.")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(**MONEY)


class ProductionPlanView(APIView):
    """The approved forecast by product and month for a period (for materials planning).

    Rows come from the lines of every person's latest approved record the caller may see; a
    line's product quantities and amounts are pro-rated by its forecast amount over the
    opportunity's amount. `?format=csv` gives the same rows as CSV.
    """

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("period", int, required=True),
                    OpenApiParameter("format", str, enum=["json", "csv"], required=False)],
        responses=ProductionPlanRowSerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        raw = request.query_params.get("period")
        try:
            period_id = int(raw)
        except (TypeError, ValueError) as exc:
            raise DomainError(_("Choose a forecast period."), field="period") from exc
        period = get_object_or_404(ForecastPeriod.objects.visible_to(request.user), pk=period_id)
        rows = selectors.production_plan(viewer=request.user, period=period)
        data = ProductionPlanRowSerializer(rows, many=True).data
        response = Response(data)
        if getattr(request, "accepted_renderer", None) is not None and request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = f'attachment; filename="production-plan-{period.pk}.csv"'
        return response



