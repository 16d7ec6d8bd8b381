"""REST API of opportunities: opportunities (with lines), assessment, change-owner, team,
activities, products. Thin: validate input, call a service or selector, serialize."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Contact, Customer, Source
from crm.api import FilterBackend, ModelSerializer, VisibleRelatedField, day_text, moment_text, money_text
from crm.idempotency import IdempotentWrites
from crm.params import parse_id
from opportunities import selectors, services
from opportunities.filters import ActivityFilter, OpportunityFilter
from opportunities.models import (
    Activity,
    ActivityKind,
    Opportunity,
    OpportunityLine,
    OpportunityTeamMember,
    Product,
    Stage,
    StageOutcome,
    TeamRole,
    in_english,
    weighted_amount,
)
from teams.models import User, person_name


def _viewer(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- Products ------------------------------------------------------------------------------

class ProductSerializer(ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "code", "name", "unit", "list_price", "description", "active"]


class ProductViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """What is sold. Everyone reads the catalogue; administrators change it."""

    serializer_class = ProductSerializer
    filterset_fields = ["active"]
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        return Product.objects.visible_to(self.request.user).order_by("code")

    def perform_create(self, serializer):
        serializer.instance = services.product_save(product=Product(), by=self.request.user,
                                                    data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.product_save(product=serializer.instance, by=self.request.user,
                                                    data=serializer.validated_data)


# --- Opportunities -------------------------------------------------------------------------

class OpportunityLineSerializer(ModelSerializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    product_code = serializers.CharField(source="product.code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True,
                                          min_value=0, help_text="Defaults to the product's list price.")
    discount = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, min_value=0, max_value=100,
                                        help_text="Percent, 0 to 100.")
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    class Meta:
        model = OpportunityLine
        fields = ["id", "product", "product_code", "product_name", "configuration", "quantity", "unit_price",
                  "discount", "amount"]
        read_only_fields = ["id", "amount"]


class StageCodeField(serializers.CharField):
    """A stage by its code ("05"); stage 08 also takes `outcome` (won / lost)."""

    def to_representation(self, value):
        return value.code if isinstance(value, Stage) else value


class OpportunitySerializer(ModelSerializer):
    customer = VisibleRelatedField(queryset=Customer.objects.none())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    stage = StageCodeField(required=False, max_length=8, help_text="Stage code, e.g. \"01\". Set on creation; "
                           "later moves go through the funnel.")
    outcome = serializers.ChoiceField(choices=StageOutcome.choices, required=False,
                                      help_text="open, won or lost; with stage 08 on creation.")
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    probability = serializers.IntegerField(source="stage.probability", read_only=True)
    primary_owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                                       help_text="Defaults to the caller; a superior may name "
                                                                 "someone in their team.")
    primary_owner_name = serializers.CharField(source="primary_owner.__str__", read_only=True)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, min_value=0,
                                      help_text="Derived from the lines when there are lines.")
    competitors = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    lines = OpportunityLineSerializer(many=True, required=False)
    weighted_amount = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id", "name", "customer", "customer_name", "description", "amount", "currency", "expected_close_date",
            "closed_on", "stage", "outcome", "stage_name", "probability", "weighted_amount", "primary_owner",
            "primary_owner_name", "confirmed", "assessment_score", "high_value", "source", "competitors", "lines",
            "created_at", "updated_at",
        ]
        read_only_fields = ["id", "currency", "closed_on", "assessment_score", "high_value", "created_at",
                            "updated_at"]

    def validate(self, attrs):
        if self.instance is not None:
            fixed = {
                "customer": _("The customer of an opportunity does not change."),
                "stage": _("Move the opportunity to another stage with POST …/move/."),
                "outcome": _("Move the opportunity to another stage with POST …/move/."),
                "primary_owner": _("Change the primary owner with POST …/change-owner/."),
            }
            errors = {name: [message] for name, message in fixed.items() if name in self.initial_data}
            if errors:
                raise serializers.ValidationError(errors)
            return attrs
        code = attrs.pop("stage", None)
        outcome = attrs.pop("outcome", None)
        if outcome and not code:
            raise serializers.ValidationError({"stage": [_("Name the stage that goes with the outcome.")]})
        if code:
            stages = list(Stage.objects.filter(code=code, active=True))
            if outcome:
                stages = [stage for stage in stages if stage.outcome == outcome]
            if not stages:
                raise serializers.ValidationError({"stage": [_("Unknown stage.")]})
            if len(stages) > 1:
                raise serializers.ValidationError({"outcome": [_("Stage %(code)s needs an outcome: won or lost.")
                                                               % {"code": code}]})
            attrs["stage_obj"] = stages[0]
        return attrs

    def create(self, validated_data):
        by = _viewer(self)
        confirmed = validated_data.pop("confirmed", False)
        validated_data.pop("stage", None)
        with transaction.atomic():
            opportunity = services.opportunity_create(
                by=by,
                customer=validated_data["customer"],
                name=validated_data["name"],
                expected_close_date=validated_data["expected_close_date"],
                primary_owner=validated_data.get("primary_owner"),
                stage=validated_data.get("stage_obj"),
                amount=validated_data.get("amount"),
                description=validated_data.get("description", ""),
                source=validated_data.get("source", Source.MANUAL),
                competitors=validated_data.get("competitors"),
                lines=validated_data.get("lines"),
            )
            if confirmed:
                services.opportunity_set_confirmed(opportunity=opportunity, confirmed=True, by=by)
        return selectors.opportunity_list_api(viewer=by).get(pk=opportunity.pk)

    def update(self, instance, validated_data):
        by = _viewer(self)
        lines = validated_data.pop("lines", None)
        confirmed = validated_data.pop("confirmed", None)
        with transaction.atomic():
            if lines is not None:
                services.opportunity_set_lines(opportunity=instance, by=by, lines=lines)
            if validated_data:
                services.opportunity_update(opportunity=instance, by=by, data=validated_data)
            if confirmed is not None:
                services.opportunity_set_confirmed(opportunity=instance, confirmed=confirmed, by=by)
        return selectors.opportunity_list_api(viewer=by).get(pk=instance.pk)


_QUANTITY_TEXT = serializers.DecimalField(max_digits=12, decimal_places=2)
_PERCENT_TEXT = serializers.DecimalField(max_digits=5, decimal_places=2)


def opportunity_rows_json(rows: list[dict]) -> list[dict]:
    """Opportunities as OpportunitySerializer writes them (the same fields, order and formats; tests compare the
    two), for the GETs of the list and of one opportunity, from the plain values of
    `selectors.opportunity_list_api_values` and one query for their lines: a serializer, or a model instance, per
    row cost more Python than the rest of the request."""
    lines = selectors.opportunity_lines_values([row["pk"] for row in rows])
    english = in_english()
    return [{
        "id": row["pk"],
        "name": row["name"],
        "customer": row["customer_id"],
        "customer_name": row["customer__name"],
        "description": row["description"],
        "amount": money_text(row["amount"]),
        "currency": row["currency"],
        "expected_close_date": day_text(row["expected_close_date"]),
        "closed_on": day_text(row["closed_on"]),
        "stage": row["stage__code"],
        "outcome": row["stage__outcome"],
        "stage_name": row["stage__name_en"] if english else row["stage__name_zh"],
        "probability": row["stage__probability"],
        "weighted_amount": money_text(weighted_amount(row["amount"], row["stage__probability"])),
        "primary_owner": row["primary_owner_id"],
        "primary_owner_name": person_name(row["primary_owner__display_name"], row["primary_owner__first_name"],
                                          row["primary_owner__last_name"], row["primary_owner__username"]),
        "confirmed": row["confirmed"],
        "assessment_score": row["assessment_score"],
        "high_value": row["high_value"],
        "source": row["source"],
        "competitors": [None if name is None else str(name) for name in row["competitors"]],
        "lines": [{
            "id": line["pk"],
            "product": line["product_id"],
            "product_code": line["product__code"],
            "product_name": line["product__name"],
            "configuration": line["configuration"],
            "quantity": _QUANTITY_TEXT.to_representation(line["quantity"]),
            "unit_price": money_text(line["unit_price"]),
            "discount": _PERCENT_TEXT.to_representation(line["discount"]),
            "amount": money_text(line["amount"]),
        } for line in lines[row["pk"]]],
        "created_at": moment_text(row["created_at"]),
        "updated_at": moment_text(row["updated_at"]),
    } for row in rows]


class AssessmentInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text='Every active question by code, yes (true) or no (false): {"q1": true, … "q20": false}.',
    )


class DimensionsSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField()
    competitiveness = serializers.IntegerField()
    winnability = serializers.IntegerField()
    worth = serializers.IntegerField()


class AssessmentHistorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.IntegerField()
    high_value = serializers.BooleanField()
    author = serializers.IntegerField(source="author_id", allow_null=True)
    created_at = serializers.DateTimeField()


class AssessmentQuestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    dimension = serializers.CharField()
    text = serializers.CharField()


class AssessmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    high_value = serializers.BooleanField(allow_null=True)
    threshold = serializers.IntegerField(allow_null=True)
    dimensions = DimensionsSerializer(allow_null=True)
    answers = serializers.DictField(child=serializers.BooleanField())
    author = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)
    questions = AssessmentQuestionSerializer(many=True, required=False)
    history = AssessmentHistorySerializer(many=True, required=False)


class ChangeOwnerSerializer(serializers.Serializer):
    primary_owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    expected_owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False,
        help_text="The primary owner the caller saw; if it changed meanwhile the request is refused (409).",
    )


class TeamMemberSerializer(ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    user_name = serializers.CharField(source="user.__str__", read_only=True)
    role = serializers.ChoiceField(choices=TeamRole.choices, default=TeamRole.SALES)

    class Meta:
        model = OpportunityTeamMember
        fields = ["user", "user_name", "role", "is_primary", "added_at"]
        read_only_fields = ["is_primary", "added_at"]


class OpportunityViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Opportunities the caller may see: their own and their subtree's, and those whose sales team
    they are on. Others do not exist here (404)."""

    serializer_class = OpportunitySerializer
    filter_backends = [FilterBackend, filters.SearchFilter]
    filterset_class = OpportunityFilter
    search_fields = ["name", "customer__name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Opportunity.objects.none()
        if self.action == "list":
            return selectors.opportunity_list_visible(viewer=self.request.user)
        if self.action == "retrieve":
            return selectors.opportunity_list_api_values(viewer=self.request.user)
        return selectors.opportunity_list_api(viewer=self.request.user)

    def list(self, request, *args, **kwargs):
        """The visible opportunities, filtered and paginated; each row as `OpportunitySerializer` writes it.
        The filters apply to the bare rows, which are counted as such; the page reads them as values."""
        filtered = self.filter_queryset(self.get_queryset())
        rows = selectors.opportunity_api_values(filtered)
        if self.paginator is None:
            return Response(opportunity_rows_json(list(rows)))
        page = self.paginator.paginate_queryset(rows, request, view=self, counted=filtered)
        return self.get_paginated_response(opportunity_rows_json(page))

    def retrieve(self, request, *args, **kwargs):
        """One visible opportunity (404 otherwise), written as a row of the list."""
        return Response(opportunity_rows_json([self.get_object()])[0])

    @extend_schema(request=AssessmentInputSerializer, responses=AssessmentOutputSerializer, methods=["POST"])
    @extend_schema(responses=AssessmentOutputSerializer, methods=["GET"])
    @action(detail=True, methods=["get", "post"])
    def assessment(self, request, pk=None):
        """The 20-question scorecard: GET the latest (with the questions and the score history), POST
        a new one. A score above the threshold (10) means high value."""
        opportunity = self.get_object()
        if request.method == "POST":
            data = AssessmentInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.opportunity_assess(opportunity=opportunity, answers=data.validated_data["answers"],
                                        by=request.user)
        latest = selectors.assessment_latest(opportunity=opportunity)
        body = selectors.assessment_as_dict(latest)
        body["questions"] = [{"code": q.code, "dimension": q.dimension, "text": q.text}
                             for q in selectors.assessment_questions()]
        body["history"] = selectors.assessment_history(opportunity=opportunity)
        output = AssessmentOutputSerializer(body).data
        return Response(output, status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK)

    @extend_schema(request=ChangeOwnerSerializer, responses=OpportunitySerializer)
    @action(detail=True, methods=["post"], url_path="change-owner")
    def change_owner(self, request, pk=None):
        """Hand the opportunity to another primary owner: only a superior of the current primary owner
        (or an administrator); anyone else gets 403."""
        opportunity = self.get_object()
        data = ChangeOwnerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.opportunity_change_owner(
            opportunity=opportunity, new_owner=data.validated_data["primary_owner"], by=request.user,
            reason=data.validated_data.get("reason", ""), expected_owner=data.validated_data.get("expected_owner"),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=opportunity.pk)).data)

    @extend_schema(responses=TeamMemberSerializer(many=True), methods=["GET"])
    @extend_schema(request=TeamMemberSerializer, responses={201: TeamMemberSerializer}, methods=["POST"])
    @extend_schema(parameters=[OpenApiParameter("user", OpenApiTypes.INT, description="The person to take off.",
                                                required=True)],
                   responses={204: None}, methods=["DELETE"])
    @action(detail=True, methods=["get", "post", "delete"])
    def team(self, request, pk=None):
        """The sales team. The primary owner and their superiors add (POST {"user", "role"}) and remove
        (DELETE ?user=ID or …/team/ID/) members."""
        opportunity = self.get_object()
        if request.method == "GET":
            return Response(TeamMemberSerializer(selectors.team_of(opportunity=opportunity), many=True).data)
        if request.method == "DELETE":
            posted = request.data.get("user") if hasattr(request.data, "get") else None
            return self._remove_member(request, opportunity, request.query_params.get("user") or posted)
        data = TeamMemberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.team_member_add(opportunity=opportunity, user=data.validated_data["user"],
                                          role=data.validated_data["role"], by=request.user)
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("user_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
                   request=None, responses={204: None}, operation_id="opportunities_team_member_destroy")
    @action(detail=True, methods=["delete"], url_path=r"team/(?P<user_id>\d+)")
    def team_member(self, request, pk=None, user_id=None):
        """Take a person off the sales team (not the primary owner)."""
        return self._remove_member(request, self.get_object(), user_id)

    def _remove_member(self, request, opportunity, user_id):
        if parse_id(user_id) is None:
            raise serializers.ValidationError({"user": [_("Name the person to take off the team.")]})
        user = get_object_or_404(User, pk=parse_id(user_id))
        services.team_member_remove(opportunity=opportunity, user=user, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Activities ----------------------------------------------------------------------------

@extend_schema_field({"type": "string", "enum": ActivityKind.values,
                      "description": "meeting, call, visit, seminar, demo, sample, proposal, interaction, task"})
class ActivityKindField(serializers.ChoiceField):
    """Described inline: the component name "Kind" is taken by the org units' kinds."""


class ActivitySerializer(ModelSerializer):
    kind = ActivityKindField(choices=ActivityKind.choices)
    customer = VisibleRelatedField(queryset=Customer.objects.none(), required=False,
                                   help_text="Defaults to the opportunity's customer.")
    opportunity = VisibleRelatedField(queryset=Opportunity.objects.none(), required=False, allow_null=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                               help_text="Defaults to the caller.")
    participants = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True,
                                                      required=False)
    contacts = VisibleRelatedField(queryset=Contact.objects.none(), many=True, required=False)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "kind", "subject", "customer", "customer_name", "opportunity", "owner", "owner_name",
                  "participants", "contacts", "location", "due_at", "done_at", "notes", "outcome", "plan",
                  "sequence", "created_at"]
        read_only_fields = ["id", "plan", "sequence", "created_at"]

    def validate(self, attrs):
        if self.instance is not None:
            errors = {name: [_("This cannot change; log a new activity instead.")]
                      for name in ("customer", "opportunity") if name in self.initial_data
                      and attrs.get(name) != getattr(self.instance, name)}
            if errors:
                raise serializers.ValidationError(errors)
            attrs.pop("customer", None)
            attrs.pop("opportunity", None)
        elif not attrs.get("customer") and not attrs.get("opportunity"):
            raise serializers.ValidationError({"customer": [_("Choose the customer or the opportunity.")]})
        return attrs

    def create(self, validated_data):
        activity = services.activity_create(by=_viewer(self), **validated_data)
        return activity

    def update(self, instance, validated_data):
        return services.activity_update(activity=instance, by=_viewer(self), data=validated_data)


class ActivityViewSet(IdempotentWrites, viewsets.ModelViewSet):
    """Meetings, calls, visits, seminars, demos, samples, proposals, interaction notes and tasks."""

    serializer_class = ActivitySerializer
    filter_backends = [FilterBackend, filters.SearchFilter]
    filterset_class = ActivityFilter
    search_fields = ["subject", "customer__name"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return selectors.activity_list(viewer=self.request.user).order_by("due_at", "id")

    def perform_destroy(self, instance):
        services.activity_delete(activity=instance, by=self.request.user)

