"""REST API of sales force planning: quota periods, quotas, territory plans, named accounts,
re-deployments, incentive plans and bonuses. Thin: the rules are in sales_planning/services.py."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.models import Customer
from crm.api import ID_RANGE, ModelSerializer, enum_field, money_field, validated
from crm.idempotency import IdempotentWrites
from crm.params import IdFilter
from sales_planning import selectors, services
from sales_planning.models import (
    ApprovalStatus,
    Bonus,
    BonusStatus,
    IncentivePlan,
    IncentiveStatus,
    IncentiveTier,
    PeriodKind,
    Quota,
    QuotaAction,
    QuotaPeriod,
    QuotaRevision,
    Redeployment,
    TerritoryAccount,
    TerritoryPlan,
)
from teams.models import OrgUnit, Role, Territory, User

# =========================================================================================
# Sales force planning: quota periods, quotas and their allocation, territory plans, named
# accounts, re-deployments, incentive plans and bonuses. Thin: the rules are in sales_planning/services.py.
# =========================================================================================

class AllocationRefSerializer(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(queryset=QuotaPeriod.objects.all())
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), allow_null=True,
                                                  help_text="The allocating (parent) unit; null for the top level.")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ReasonTextSerializer(serializers.Serializer):
    """The reason as text (a list or an object is a 400, not a 500); whether it may be blank is the service's rule."""

    reason = serializers.CharField(required=False, allow_blank=True, default="")


def _reason(request) -> str:
    return validated(ReasonTextSerializer, request)["reason"]


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class QuotaPeriodSerializer(ModelSerializer):
    kind = enum_field(PeriodKind)
    name = serializers.SerializerMethodField()

    class Meta:
        model = QuotaPeriod
        fields = ["id", "name", "kind", "year", "quarter", "start", "end"]
        read_only_fields = ["start", "end"]

    def get_name(self, period: QuotaPeriod) -> str:
        return str(period)


class QuotaPeriodViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    """Quota periods: calendar years and quarters. Administrators add them."""

    serializer_class = QuotaPeriodSerializer
    filterset_fields = ["kind", "year"]
    ordering_fields = ["start", "year"]

    def get_queryset(self):
        return QuotaPeriod.objects.visible_to(self.request.user).order_by("-year", "quarter")

    def perform_create(self, serializer):
        if not self.request.user.is_admin:
            raise PermissionDenied(_("Only an administrator adds quota periods."))
        data = serializer.validated_data
        serializer.instance = services.quota_period_for(kind=data["kind"], year=data["year"],
                                                        quarter=data.get("quarter"))


class QuotaSerializer(ModelSerializer):
    status = enum_field(ApprovalStatus, read_only=True)
    attainment = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True, allow_null=True,
                                          help_text="Won amount as a percentage of the quota (null without quota).")
    won_amount = money_field(read_only=True, help_text="Won in the period: primary owner only, no double counting.")

    class Meta:
        model = Quota
        fields = ["id", "period", "user", "org_unit", "allocated_from", "amount", "status", "attainment",
                  "won_amount", "version", "set_by", "reason", "submitted_at", "reviewed_by", "reviewed_at",
                  "return_reason", "updated_at"]
        read_only_fields = fields


class QuotaCreateSerializer(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(queryset=QuotaPeriod.objects.all())
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    amount = money_field()
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if (attrs.get("user") is None) == (attrs.get("org_unit") is None):
            raise serializers.ValidationError({"org_unit": [_("Choose an org unit or a person.")]})
        return attrs


class QuotaUpdateSerializer(serializers.Serializer):
    amount = money_field()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, help_text="The version you saw; a stale one gives 409.")


class QuotaRevisionSerializer(ModelSerializer):
    action = enum_field(QuotaAction)
    status = enum_field(ApprovalStatus)

    class Meta:
        model = QuotaRevision
        fields = ["id", "version", "action", "amount", "previous_amount", "status", "reason", "by", "created_at"]
        read_only_fields = fields


class AllocationLineSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField(allow_null=True)
    user = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    quota = serializers.IntegerField(allow_null=True)
    amount = money_field(allow_null=True)
    status = serializers.CharField(allow_null=True)
    history = serializers.ListField(child=serializers.DictField())


class AllocationSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    org_unit = serializers.IntegerField(allow_null=True)
    parent_amount = money_field(allow_null=True)
    total = money_field()
    difference = money_field()
    acknowledged = serializers.BooleanField()
    lines = AllocationLineSerializer(many=True)


class QuotaFilter(django_filters.FilterSet):
    class Meta:
        model = Quota
        fields = ["period", "status", "user", "org_unit", "allocated_from"]


class QuotaViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sales quotas per period, for a person or an org unit. Set by the manager of the unit above (a person's
    by a superior or their unit's manager); nobody sets their own (403). The allocation of a unit's quota to
    its children is submitted, approved or returned as a whole: `submit/`, `approve/`, `return/`,
    `acknowledge/` take `{"period", "org_unit"}` (the parent unit; null for the top level)."""

    serializer_class = QuotaSerializer
    filterset_class = QuotaFilter
    ordering_fields = ["amount", "updated_at"]

    def get_queryset(self):
        return selectors.quota_list(viewer=self.request.user, with_names=False)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.quota_attach_attainment(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        quota = self.get_object()
        selectors.quota_attach_attainment([quota])
        return Response(self.get_serializer(quota).data)

    def _out(self, quota: Quota, status_code: int = 200) -> Response:
        quota = selectors.quota_list(viewer=self.request.user, with_names=False).filter(pk=quota.pk).first() or quota
        selectors.quota_attach_attainment([quota])
        return Response(QuotaSerializer(quota).data, status=status_code)

    @extend_schema(request=QuotaCreateSerializer, responses={201: QuotaSerializer})
    def create(self, request):
        data = validated(QuotaCreateSerializer, request)
        quota = services.quota_set(period=data["period"], amount=data["amount"], by=request.user,
                                   org_unit=data.get("org_unit"), user=data.get("user"), reason=data["reason"])
        return self._out(quota, 201)

    @extend_schema(request=QuotaUpdateSerializer, responses=QuotaSerializer)
    def partial_update(self, request, pk=None):
        quota = self.get_object()
        data = validated(QuotaUpdateSerializer, request)
        quota = services.quota_set(period=quota.period, amount=data["amount"], by=request.user,
                                   org_unit=quota.org_unit, user=quota.user, reason=data["reason"],
                                   expected_version=data.get("version"))
        return self._out(quota)

    @extend_schema(responses=QuotaRevisionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def revisions(self, request, pk=None):
        quota = self.get_object()
        return Response(QuotaRevisionSerializer(quota.revisions.order_by("-created_at", "-pk"), many=True).data)

    def _allocation(self, request, source) -> tuple[QuotaPeriod, OrgUnit | None]:
        data = validated(AllocationRefSerializer, request, data=source)
        if not selectors.quota_allocation_visible(viewer=request.user, unit=data["org_unit"]):
            raise NotFound()
        return data["period"], data["org_unit"]

    def _outcome(self, quotas: list[Quota]) -> Response:
        return Response({"count": len(quotas), "ids": [q.pk for q in quotas]})

    @extend_schema(parameters=[AllocationRefSerializer], responses=AllocationSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def allocation(self, request):
        """The allocation of a unit's quota: each child line with its quota and achieved history."""
        period, unit = self._allocation(request, request.query_params)
        data = selectors.quota_allocation(viewer=request.user, period=period, unit=unit)
        lines = [{
            "org_unit": line["holder"].pk if line["is_unit"] else None,
            "user": None if line["is_unit"] else line["holder"].pk, "name": str(line["holder"]),
            "quota": line["quota"].pk if line["quota"] else None,
            "amount": line["quota"].amount if line["quota"] else None,
            "status": line["quota"].status if line["quota"] else None,
            "history": [{"year": h["year"], "won": str(h["won"])} for h in line["history"]],
        } for line in data["lines"]]
        return Response(AllocationSerializer({
            "period": period.pk, "org_unit": unit.pk if unit else None,
            "parent_amount": data["parent"].amount if data["parent"] else None, "total": data["total"],
            "difference": data["difference"], "acknowledged": data["acknowledged"], "lines": lines,
        }).data)

    @extend_schema(request=AllocationRefSerializer, responses=OutcomeSerializer)
    @action(detail=False, methods=["post"])
    def submit(self, request):
        period, unit = self._allocation(request, request.data)
        return self._outcome(services.quota_allocation_submit(period=period, unit=unit, by=request.user))

    @extend_schema(request=AllocationRefSerializer, responses=OutcomeSerializer)
    @action(detail=False, methods=["post"])
    def approve(self, request):
        period, unit = self._allocation(request, request.data)
        return self._outcome(services.quota_allocation_approve(period=period, unit=unit, by=request.user))

    @extend_schema(request=inline_serializer("QuotaAllocationReturn", {
        "period": serializers.IntegerField(**ID_RANGE),
        "org_unit": serializers.IntegerField(allow_null=True, **ID_RANGE),
        "reason": serializers.CharField()}), responses=OutcomeSerializer)
    @action(detail=False, methods=["post"], url_path="return", url_name="return")
    def return_(self, request):
        period, unit = self._allocation(request, request.data)
        return self._outcome(services.quota_allocation_return(period=period, unit=unit, by=request.user,
                                                              reason=_reason(request)))

    @extend_schema(request=inline_serializer("QuotaAllocationAcknowledge", {
        "period": serializers.IntegerField(**ID_RANGE), "org_unit": serializers.IntegerField(**ID_RANGE),
        "note": serializers.CharField(required=False)}),
        responses=inline_serializer("QuotaAcknowledgement", {
            "difference": money_field(), "acknowledged_by": serializers.IntegerField(),
            "acknowledged_at": serializers.DateTimeField()}))
    @action(detail=False, methods=["post"])
    def acknowledge(self, request):
        period, unit = self._allocation(request, request.data)
        if unit is None:
            raise ValidationError({"org_unit": [_("Choose the allocating unit.")]})
        allocation = services.quota_allocation_acknowledge(period=period, unit=unit, by=request.user,
                                                           note=str(request.data.get("note", "")))
        return Response({"difference": str(allocation.acknowledged_difference),
                         "acknowledged_by": allocation.acknowledged_by_id,
                         "acknowledged_at": allocation.acknowledged_at})


# --- Territory plans and named accounts -----------------------------------------------------

class TerritoryPlanSerializer(ModelSerializer):
    status = enum_field(ApprovalStatus, read_only=True)

    class Meta:
        model = TerritoryPlan
        fields = ["id", "org_unit", "territory", "year", "version", "goals", "coverage", "principles", "status",
                  "revision_reason", "drafted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_comment",
                  "created_at", "updated_at"]
        read_only_fields = ["version", "status", "revision_reason", "drafted_by", "submitted_at", "reviewed_by",
                            "reviewed_at", "review_comment", "created_at", "updated_at"]
        validators: list = []
        extra_kwargs = {"org_unit": {"required": False, "allow_null": True}}


class TerritoryPlanUpdateSerializer(serializers.Serializer):
    goals = serializers.CharField(required=False, allow_blank=True)
    coverage = serializers.CharField(required=False, allow_blank=True)
    principles = serializers.CharField(required=False, allow_blank=True)


class TerritoryPlanViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Yearly territory plans, one row per version: drafted by the unit's manager, approved by the manager
    above; `revise/` makes a new version, older versions are read-only."""

    serializer_class = TerritoryPlanSerializer
    filterset_fields = ["org_unit", "territory", "year", "status"]
    ordering_fields = ["year", "version", "updated_at"]

    def get_queryset(self):
        return (TerritoryPlan.objects.visible_to(self.request.user)
                .select_related("org_unit", "territory").order_by("-year", "org_unit__name", "-version"))

    def _out(self, plan, status_code=200):
        return Response(TerritoryPlanSerializer(plan).data, status=status_code)

    @extend_schema(request=TerritoryPlanSerializer, responses={201: TerritoryPlanSerializer})
    def create(self, request):
        data = validated(TerritoryPlanSerializer, request)
        plan = services.territory_plan_create(
            org_unit=data.get("org_unit"), territory=data.get("territory"), year=data["year"], by=request.user,
            goals=data.get("goals", ""), coverage=data.get("coverage", ""), principles=data.get("principles", ""))
        return self._out(plan, 201)

    @extend_schema(request=TerritoryPlanUpdateSerializer, responses=TerritoryPlanSerializer)
    def partial_update(self, request, pk=None):
        plan = self.get_object()
        data = validated(TerritoryPlanUpdateSerializer, request)
        plan = services.territory_plan_update(
            plan=plan, by=request.user, goals=data.get("goals", plan.goals),
            coverage=data.get("coverage", plan.coverage), principles=data.get("principles", plan.principles))
        return self._out(plan)

    @extend_schema(request=None, responses=TerritoryPlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._out(services.territory_plan_submit(plan=self.get_object(), by=request.user))

    @extend_schema(request=CommentSerializer, responses=TerritoryPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = validated(CommentSerializer, request)
        return self._out(services.territory_plan_approve(plan=self.get_object(), by=request.user,
                                                         comment=data["comment"]))

    @extend_schema(request=ReasonSerializer, responses=TerritoryPlanSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        plan = self.get_object()
        return self._out(services.territory_plan_return(plan=plan, by=request.user,
                                                        reason=_reason(request)))

    @extend_schema(request=ReasonSerializer, responses={201: TerritoryPlanSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        plan = self.get_object()
        return self._out(services.territory_plan_revise(plan=plan, by=request.user,
                                                        reason=_reason(request)), 201)


class TerritoryAccountSerializer(ModelSerializer):
    customer = serializers.IntegerField(source="customer_id")

    class Meta:
        model = TerritoryAccount
        fields = ["id", "territory", "customer", "added_by", "added_at"]
        read_only_fields = ["added_by", "added_at"]
        validators: list = []


class TerritoryAccountViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Named accounts of territories (a customer belongs to one territory at most); only those whose
    customer the caller can see are listed."""

    serializer_class = TerritoryAccountSerializer
    filterset_fields = ["territory"]

    def get_queryset(self):
        return (TerritoryAccount.objects.filter(territory__in=Territory.objects.visible_to(self.request.user),
                                                customer__in=Customer.objects.visible_to(self.request.user))
                .select_related("territory").order_by("territory__name", "customer_id"))

    @extend_schema(request=TerritoryAccountSerializer, responses={201: TerritoryAccountSerializer})
    def create(self, request):
        data = validated(TerritoryAccountSerializer, request)
        account = services.territory_account_add(territory=data["territory"], customer_id=data["customer_id"],
                                                 by=request.user)
        return Response(TerritoryAccountSerializer(account).data, status=201)

    def perform_destroy(self, instance):
        services.territory_account_remove(account=instance, by=self.request.user)


# --- Re-deployment ----------------------------------------------------------------------------

class RedeploymentInputSerializer(serializers.Serializer):
    from_user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    to_user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    from_territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all(), required=False,
                                                        allow_null=True)
    to_territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all(), required=False,
                                                      allow_null=True)
    include_opportunities = serializers.BooleanField(default=False)
    selection = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True,
                                      help_text="Only these customers (default: all that match).")


class RedeploymentExecuteSerializer(RedeploymentInputSerializer):
    reason = serializers.CharField()
    customer_ids = serializers.ListField(child=serializers.IntegerField(), help_text="As returned by preview/.")
    opportunity_ids = serializers.ListField(child=serializers.IntegerField(), help_text="As returned by preview/.")


class RedeploymentPreviewSerializer(serializers.Serializer):
    customer_ids = serializers.ListField(child=serializers.IntegerField())
    opportunity_ids = serializers.ListField(child=serializers.IntegerField())
    customer_count = serializers.IntegerField()
    opportunity_count = serializers.IntegerField()
    opportunity_amount = money_field()
    customers = serializers.ListField(child=serializers.DictField())
    opportunities = serializers.ListField(child=serializers.DictField())


class RedeploymentSerializer(ModelSerializer):
    customer_ids = serializers.SerializerMethodField(
        help_text="The customers moved that still exist and the reader may see, by id.")
    opportunity_ids = serializers.SerializerMethodField(
        help_text="The opportunities moved that still exist and the reader may see, by id.")

    @staticmethod
    def get_customer_ids(record) -> list[int]:
        return [customer.pk for customer in record.visible_customers]

    @staticmethod
    def get_opportunity_ids(record) -> list[int]:
        return [opportunity.pk for opportunity in record.visible_opportunities]

    class Meta:
        model = Redeployment
        fields = ["id", "by", "created_at", "from_user", "to_user", "from_territory", "to_territory",
                  "include_opportunities", "reason", "customer_ids", "opportunity_ids", "customer_count",
                  "opportunity_count"]
        read_only_fields = fields


class RedeploymentViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Re-deploy the sales force: `preview/` says exactly which customers and open opportunities would move;
    POST with the previewed ids moves exactly those (409 if the set changed meanwhile)."""

    serializer_class = RedeploymentSerializer
    filterset_fields = ["from_user", "to_user", "by"]

    def get_queryset(self):
        return selectors.redeployment_list(viewer=self.request.user, with_moved=True)

    @staticmethod
    def _selection(data: dict) -> dict:
        return {key: data.get(key) for key in ("from_user", "to_user", "from_territory", "to_territory",
                                               "include_opportunities", "selection")}

    @extend_schema(request=RedeploymentInputSerializer, responses=RedeploymentPreviewSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request):
        data = validated(RedeploymentInputSerializer, request)
        preview = selectors.redeploy_preview(by=request.user, **self._selection(data))
        return Response(RedeploymentPreviewSerializer({
            **preview,
            "customers": [{"id": c.pk, "name": c.name, "owner": c.owner_id} for c in preview["customers"]],
            "opportunities": [{"id": o.pk, "name": o.name, "customer": o.customer_id, "amount": str(o.amount),
                               "primary_owner": o.primary_owner_id} for o in preview["opportunities"]],
        }).data)

    @extend_schema(request=RedeploymentExecuteSerializer, responses={201: RedeploymentSerializer})
    def create(self, request):
        data = validated(RedeploymentExecuteSerializer, request)
        record = services.redeploy_execute(by=request.user, reason=data["reason"], customer_ids=data["customer_ids"],
                                           opportunity_ids=data["opportunity_ids"], **self._selection(data))
        return Response(RedeploymentSerializer(self.get_queryset().get(pk=record.pk)).data, status=201)


# --- Bonus incentives ---------------------------------------------------------------------------

class IncentiveTierSerializer(ModelSerializer):
    rate = serializers.DecimalField(max_digits=7, decimal_places=4, required=False, allow_null=True)
    fixed_amount = money_field(required=False, allow_null=True)

    class Meta:
        model = IncentiveTier
        fields = ["threshold", "rate", "fixed_amount"]


class IncentivePlanSerializer(ModelSerializer):
    status = enum_field(IncentiveStatus, read_only=True)
    tiers = IncentiveTierSerializer(many=True)
    eligible_roles = serializers.ListField(child=enum_field(Role), required=False)
    eligible_units = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), many=True, required=False)
    eligible_users = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    accelerator = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)

    class Meta:
        model = IncentivePlan
        fields = ["id", "family", "version", "previous", "name", "period", "org_unit", "eligible_units",
                  "eligible_roles", "eligible_users", "cap", "accelerator", "tiers", "status", "change_reason",
                  "expected_cost", "expected_cost_at", "created_by", "submitted_at", "approved_by", "approved_at",
                  "published_at", "review_comment", "created_at", "updated_at"]
        read_only_fields = ["family", "version", "previous", "status", "change_reason", "expected_cost",
                            "expected_cost_at", "created_by", "submitted_at", "approved_by", "approved_at",
                            "published_at", "review_comment", "created_at", "updated_at"]


class IncentivePlanUpdateSerializer(IncentivePlanSerializer):
    class Meta(IncentivePlanSerializer.Meta):
        read_only_fields = [*IncentivePlanSerializer.Meta.read_only_fields, "period", "org_unit"]


class ExpectedCostSerializer(serializers.Serializer):
    total = money_field()
    without_quota = serializers.IntegerField()
    people = serializers.ListField(child=serializers.DictField())


class PayoutRunSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    kept = serializers.IntegerField()
    without_quota = serializers.IntegerField()


def _plan_data(data: dict) -> dict:
    out = {key: data[key] for key in ("name", "cap", "accelerator", "eligible_roles") if key in data}
    for key in ("eligible_units", "eligible_users"):
        if key in data:
            out[key] = [item.pk for item in data[key]]
    return out


def _tier_data(tiers: list[dict]) -> list[dict]:
    return [{"threshold": t.get("threshold"), "rate": t.get("rate"), "fixed_amount": t.get("fixed_amount")}
            for t in tiers]


class IncentivePlanViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bonus plans, one row per version: draft → submitted (expected cost computed) → approved by the business
    division → published to the people covered. A change to an approved or published plan is `revise/`: a new
    version; payouts already calculated keep their version."""

    serializer_class = IncentivePlanSerializer
    filterset_fields = ["period", "org_unit", "status", "family"]
    search_fields = ["name"]
    ordering_fields = ["name", "version", "updated_at"]

    def get_queryset(self):
        return (IncentivePlan.objects.visible_to(self.request.user).select_related("period", "org_unit")
                .prefetch_related("tiers", "eligible_units", "eligible_users")
                .order_by("-period__year", "name", "-version"))

    def _out(self, plan, status_code=200):
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(IncentivePlanSerializer(plan).data, status=status_code)

    @extend_schema(request=IncentivePlanSerializer, responses={201: IncentivePlanSerializer})
    def create(self, request):
        data = validated(IncentivePlanSerializer, request)
        plan = services.incentive_plan_create(by=request.user, name=data["name"], period=data["period"],
                                              org_unit=data["org_unit"], tiers=_tier_data(data["tiers"]),
                                              **{k: v for k, v in _plan_data(data).items() if k != "name"})
        return self._out(plan, 201)

    @extend_schema(request=IncentivePlanUpdateSerializer, responses=IncentivePlanSerializer)
    def partial_update(self, request, pk=None):
        plan = self.get_object()
        serializer = IncentivePlanUpdateSerializer(data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = services.incentive_plan_update(plan=plan, by=request.user, data=_plan_data(data),
                                              tiers=_tier_data(data["tiers"]) if "tiers" in data else None)
        return self._out(plan)

    @extend_schema(request=None, responses=ExpectedCostSerializer)
    @action(detail=True, methods=["get"], url_path="expected-cost")
    def expected_cost(self, request, pk=None):
        """The expected cost now: each eligible person's bonus at their forecast (or quota)."""
        cost = selectors.incentive_plan_expected_cost(plan=self.get_object())
        people = [{**row, **{k: (str(row[k]) if row[k] is not None else None)
                             for k in ("quota", "expected_won", "attainment", "amount")}} for row in cost["people"]]
        return Response(ExpectedCostSerializer({**cost, "people": people}).data)

    @extend_schema(request=None, responses=IncentivePlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._out(services.incentive_plan_submit(plan=self.get_object(), by=request.user))

    @extend_schema(request=CommentSerializer, responses=IncentivePlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = validated(CommentSerializer, request)
        return self._out(services.incentive_plan_approve(plan=self.get_object(), by=request.user,
                                                         comment=data["comment"]))

    @extend_schema(request=ReasonSerializer, responses=IncentivePlanSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        plan = self.get_object()
        return self._out(services.incentive_plan_return(plan=plan, by=request.user,
                                                        reason=_reason(request)))

    @extend_schema(request=None, responses=IncentivePlanSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._out(services.incentive_plan_publish(plan=self.get_object(), by=request.user))

    @extend_schema(request=ReasonSerializer, responses={201: IncentivePlanSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        plan = self.get_object()
        return self._out(services.incentive_plan_revise(plan=plan, by=request.user,
                                                        reason=_reason(request)), 201)

    @extend_schema(request=None, responses=PayoutRunSerializer)
    @action(detail=True, methods=["post"])
    def calculate(self, request, pk=None):
        """Calculate the payouts now (the period must have ended); safe to repeat."""
        return Response(services.incentive_payouts_calculate(plan=self.get_object(), by=request.user))


class BonusSerializer(ModelSerializer):
    status = enum_field(BonusStatus, read_only=True)
    plan_version = serializers.IntegerField(source="plan.version", read_only=True)
    period = serializers.IntegerField(source="plan.period_id", read_only=True)

    class Meta:
        model = Bonus
        fields = ["id", "plan", "plan_version", "period", "user", "quota_amount", "won_amount", "attainment",
                  "tier_threshold", "amount", "status", "calculated_at", "approved_by", "approved_at", "paid_by",
                  "paid_at"]
        read_only_fields = fields


class BonusFilter(django_filters.FilterSet):
    period = IdFilter(field_name="plan__period")

    class Meta:
        model = Bonus
        fields = ["plan", "user", "status", "period"]


class BonusViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Payouts: one per person and plan version, calculated after the period ends, then approved and paid."""

    serializer_class = BonusSerializer
    filterset_class = BonusFilter
    ordering_fields = ["amount", "attainment"]

    def get_queryset(self):
        return selectors.bonus_list(viewer=self.request.user)

    @extend_schema(request=None, responses=BonusSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        bonus = services.bonus_approve(bonus=self.get_object(), by=request.user)
        return Response(BonusSerializer(self.get_queryset().get(pk=bonus.pk)).data)

    @extend_schema(request=None, responses=BonusSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        bonus = services.bonus_mark_paid(bonus=self.get_object(), by=request.user)
        return Response(BonusSerializer(self.get_queryset().get(pk=bonus.pk)).data)


