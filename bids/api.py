"""REST API of key-account projects: tender records (`bids/`, with the outcome, submit, reopen and
comparison actions), partners (`partners/`, with the credit-rating action) and competing brands.
Thin: validate input, call a service or selector, serialize."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bids import selectors, services
from bids.filters import BidFilter, PartnerFilter
from bids.models import (
    MILESTONE_FIELDS,
    BidAgent,
    BidCompetitor,
    BidLine,
    BidOutcome,
    BidProject,
    BidScheme,
    BidStatus,
    CompetitorBrand,
    CreditRating,
    Impact,
    Partner,
    PartnerContact,
    PartnerCreditRating,
    PartnerKind,
    PartnerStatus,
    Relationship,
    SalesMethod,
    TenderType,
    ThreatLevel,
)
from crm.api import ID_RANGE, FilterBackend, ModelSerializer
from crm.errors import DomainError
from crm.idempotency import IdempotentWrites
from funnel.models import StageChange
from opportunities.models import Opportunity, Product


def _viewer(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _inline_enum(choices, description: str):
    """A choice field documented by a pattern instead of an enum component: names such as "status", "kind"
    or "outcome" are shared by other apps' enumerations, and the schema would otherwise give one of the
    choice sets a hashed name. The field refuses other values all the same (400 naming it)."""

    pattern = "^(" + "|".join(choices.values) + ")$"

    @extend_schema_field({"type": "string", "pattern": pattern, "description": f"One of: {description}."})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField


BidStatusField = _inline_enum(BidStatus, "preparing, submitted, won, lost, cancelled")
BidOutcomeField = _inline_enum(BidOutcome, "won, lost, cancelled")
PartnerKindField = _inline_enum(PartnerKind, "agent, channel")
PartnerStatusField = _inline_enum(PartnerStatus, "active, suspended")
CreditRatingField = _inline_enum(CreditRating, "excellent (A), good (B), fair (C), poor (D)")
ThreatLevelField = _inline_enum(ThreatLevel, "high, medium, low")


class OptionalChoiceField(serializers.ChoiceField):
    """A contract enumeration that may be unknown yet: null (or "") in, null out."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, allow_blank=True, required=False, **kwargs)

    def to_representation(self, value):
        return value or None

    def to_internal_value(self, data):
        return "" if data in (None, "") else super().to_internal_value(data)


# --- Partners -------------------------------------------------------------------------------------

class PartnerContactSerializer(ModelSerializer):
    class Meta:
        model = PartnerContact
        fields = ["id", "name", "title", "phone", "email"]
        read_only_fields = ["id"]


class PartnerSerializer(ModelSerializer):
    kind = PartnerKindField(choices=PartnerKind.choices, required=False)
    status = PartnerStatusField(choices=PartnerStatus.choices, required=False)
    credit_rating = serializers.SerializerMethodField(
        help_text="The latest credit standing (excellent, good, fair, poor) or null; record a new one with "
                  "POST …/credit-rating/.")
    contacts = PartnerContactSerializer(many=True, required=False)

    class Meta:
        model = Partner
        fields = ["id", "name", "credit_code", "kind", "region", "status", "credit_rating", "credit_rated_on",
                  "credit_source", "contacts", "notes", "created_at", "updated_at"]
        read_only_fields = ["id", "credit_rated_on", "credit_source", "created_at", "updated_at"]
        # Uniqueness is checked by the service (one message for pages and API).
        extra_kwargs = {"name": {"validators": []}, "credit_code": {"validators": []}}

    @extend_schema_field({"type": "string", "nullable": True, "pattern": "^(excellent|good|fair|poor)$"})
    def get_credit_rating(self, partner: Partner):
        return partner.credit_rating or None

    def create(self, validated_data):
        partner = services.partner_save(partner=Partner(), by=_viewer(self), data=validated_data)
        return selectors.partner_list_api(viewer=_viewer(self)).get(pk=partner.pk)

    def update(self, instance, validated_data):
        partner = services.partner_save(partner=instance, by=_viewer(self), data=validated_data)
        return selectors.partner_list_api(viewer=_viewer(self)).get(pk=partner.pk)


class CreditRatingSerializer(ModelSerializer):
    rating = CreditRatingField(choices=CreditRating.choices)
    recorded_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = PartnerCreditRating
        fields = ["id", "rating", "rated_on", "source", "note", "recorded_by", "created_at"]
        read_only_fields = ["id", "recorded_by", "created_at"]


class PartnerViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Agents and channel partners with their credit standing (资信情况). All sales staff read them; sales
    managers and administrators change them (others get 403)."""

    serializer_class = PartnerSerializer
    filter_backends = [FilterBackend, filters.SearchFilter]
    filterset_class = PartnerFilter
    search_fields = ["name", "credit_code"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Partner.objects.none()
        return selectors.partner_list_api(viewer=self.request.user).order_by("name", "id")

    @extend_schema(request=CreditRatingSerializer, responses={201: CreditRatingSerializer}, methods=["POST"])
    @extend_schema(responses=CreditRatingSerializer(many=True), methods=["GET"])
    @action(detail=True, methods=["get", "post"], url_path="credit-rating")
    def credit_rating(self, request, pk=None):
        """The credit standing's history (GET, newest first), or a new rating (POST {"rating", "rated_on",
        "source", "note"}); the partner then carries the latest by date."""
        partner = self.get_object()
        if request.method == "GET":
            return Response(CreditRatingSerializer(selectors.partner_ratings(partner=partner), many=True).data)
        data = CreditRatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.partner_rate_credit(partner=partner, by=request.user, **data.validated_data)
        return Response(CreditRatingSerializer(record).data, status=status.HTTP_201_CREATED)


class CompetitorBrandSerializer(ModelSerializer):
    threat_level = OptionalChoiceField(choices=ThreatLevel.choices)

    class Meta:
        model = CompetitorBrand
        fields = ["id", "name", "strengths", "weaknesses", "threat_level", "notes", "active", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"name": {"validators": []}}

    def create(self, validated_data):
        return services.competitor_brand_save(brand=CompetitorBrand(), by=_viewer(self), data=validated_data)

    def update(self, instance, validated_data):
        return services.competitor_brand_save(brand=instance, by=_viewer(self), data=validated_data)


class CompetitorBrandViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The managed list of competing brands (竞争品牌) and our assessment of each; sales managers and
    administrators change it."""

    serializer_class = CompetitorBrandSerializer
    filterset_fields = ["active"]
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CompetitorBrand.objects.none()
        return selectors.competitor_brand_list(viewer=self.request.user).order_by("name", "id")


# --- Tender records -------------------------------------------------------------------------------

class EvaluationSerializer(serializers.Serializer):
    price = serializers.IntegerField(min_value=0, max_value=100)
    service = serializers.IntegerField(min_value=0, max_value=100)
    technology = serializers.IntegerField(min_value=0, max_value=100)
    commercial = serializers.IntegerField(min_value=0, max_value=100)


class BidLineSerializer(ModelSerializer):
    configuration = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                          help_text="Defaults to the product's name when a product is given.")
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False, allow_null=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    target_price = serializers.DecimalField(max_digits=18, decimal_places=2,
                                            help_text="The customer's target unit price.")
    quote = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="Our unit quote.")
    gap = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True,
                                   help_text="Quote amount minus target amount.")
    gap_percent = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = BidLine
        fields = ["id", "configuration", "product", "quantity", "target_price", "quote", "target_amount",
                  "quote_amount", "gap", "gap_percent"]
        read_only_fields = ["id", "target_amount", "quote_amount"]


class BidAgentSerializer(ModelSerializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all())
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    credit_rating = serializers.SerializerMethodField()
    scheme = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   help_text="What this agent bids.")
    quote = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True,
                                     help_text="The agent's quote.")

    class Meta:
        model = BidAgent
        fields = ["partner", "partner_name", "credit_rating", "scheme", "quote"]

    @extend_schema_field({"type": "string", "nullable": True, "pattern": "^(excellent|good|fair|poor)$"})
    def get_credit_rating(self, row: BidAgent):
        return row.partner.credit_rating or None


class BidCompetitorSerializer(ModelSerializer):
    brand = serializers.CharField(max_length=100, help_text="The brand's name (a new name joins the list).")
    known_price = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)

    class Meta:
        model = BidCompetitor
        fields = ["brand", "known_price", "note"]

    def to_representation(self, row: BidCompetitor):
        return {"brand": row.brand.name, "known_price": None if row.known_price is None else f"{row.known_price:.2f}",
                "note": row.note}


class AgentIdsField(serializers.ListField):
    child = serializers.IntegerField(**ID_RANGE)

    def get_attribute(self, instance):
        return [row.partner_id for row in instance.bid_agents.all()]


class CompetitorNamesField(serializers.ListField):
    child = serializers.CharField(max_length=100)

    def get_attribute(self, instance):
        return [row.brand.name for row in instance.bid_competitors.all()]


class BidProjectSerializer(ModelSerializer):
    opportunity = serializers.PrimaryKeyRelatedField(queryset=Opportunity.objects.none())
    opportunity_name = serializers.CharField(source="opportunity.name", read_only=True)
    customer = serializers.IntegerField(source="opportunity.customer_id", read_only=True)
    customer_name = serializers.CharField(source="opportunity.customer.name", read_only=True)
    primary_owner = serializers.IntegerField(source="opportunity.primary_owner_id", read_only=True)
    stage = serializers.CharField(source="opportunity.stage.code", read_only=True)
    sales_method = serializers.ChoiceField(choices=SalesMethod.choices, required=False)
    tender_type = OptionalChoiceField(choices=TenderType.choices)
    scheme = serializers.ChoiceField(choices=BidScheme.choices, required=False)
    impact = OptionalChoiceField(choices=Impact.choices)
    relationship = serializers.ChoiceField(choices=Relationship.choices, required=False)
    evaluation = EvaluationSerializer(required=False, allow_null=True,
                                      help_text="Weights of the evaluation principles, summing to 100; null while "
                                                "unknown.")
    agents = AgentIdsField(required=False, help_text="Partner ids of the participating agents.")
    agent_details = BidAgentSerializer(source="bid_agents", many=True, required=False,
                                       help_text="Each agent with its scheme and quote (overrides `agents`).")
    competitors = CompetitorNamesField(required=False, help_text="Names of the competing brands.")
    competitor_details = BidCompetitorSerializer(source="bid_competitors", many=True, required=False,
                                                 help_text="Each competing brand with its known price (overrides "
                                                           "`competitors`).")
    lines = BidLineSerializer(many=True, required=False)
    status = BidStatusField(choices=BidStatus.choices, read_only=True)
    gap = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True,
                                   help_text="Our quote total minus the customer's target total.")
    gap_percent = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True, allow_null=True)
    warnings = serializers.SerializerMethodField(help_text="Agents with a poor credit standing, or suspended.")

    class Meta:
        model = BidProject
        fields = [
            "id", "opportunity", "opportunity_name", "customer", "customer_name", "primary_owner", "stage",
            "sales_method", "tender_type", "lots", "single_quote", "agents", "agent_details", "scheme",
            "delivery_date", "delivery_place", "evaluation", "impact", "competitors", "competitor_details",
            "background", "relationship", "lines", "target_total", "quote_total", "gap", "gap_percent",
            *MILESTONE_FIELDS.values(), "status", "submitted_at", "winning_brand", "winning_price", "outcome_reason",
            "outcome_at", "warnings", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "target_total", "quote_total", "submitted_at", "winning_brand", "winning_price",
                            "outcome_reason", "outcome_at", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        viewer = _viewer(self)
        # Only a write resolves the opportunity (reading the viewer's scope costs queries of its own).
        if kwargs.get("data") is not None and viewer is not None and viewer.is_authenticated:
            self.fields["opportunity"].queryset = Opportunity.objects.visible_to(viewer)

    def get_warnings(self, bid: BidProject) -> list[str]:
        return selectors.bid_warnings(bid)

    def validate_evaluation(self, value):
        try:
            return services.evaluation_weights(None if value is None else dict(value))
        except DomainError as exc:
            raise serializers.ValidationError(exc.message) from exc

    def validate(self, attrs):
        if self.instance is not None and "opportunity" in attrs and attrs["opportunity"] != self.instance.opportunity:
            raise serializers.ValidationError({"opportunity": [_("The opportunity of a tender record does not "
                                                                 "change.")]})
        details = attrs.get("bid_agents")
        if (details is not None and attrs.get("agents") is not None
                and [row["partner"].pk for row in details] != list(attrs["agents"])):
            raise serializers.ValidationError({"agents": [_("`agents` and `agent_details` name different "
                                                            "partners.")]})
        return attrs

    def _service_data(self, validated_data) -> dict:
        data = dict(validated_data)
        data.pop("opportunity", None)
        details = data.pop("bid_agents", None)
        if details is not None:
            data["agents"] = [dict(row) for row in details]
        competitor_details = data.pop("bid_competitors", None)
        if competitor_details is not None:
            data["competitors"] = [dict(row) for row in competitor_details]
        if "lines" in data:
            data["lines"] = [dict(row) for row in data["lines"]]
        return data

    def create(self, validated_data):
        by = _viewer(self)
        bid = services.bid_create(opportunity=validated_data["opportunity"], by=by,
                                  data=self._service_data(validated_data))
        return selectors.bid_list_api(viewer=by).get(pk=bid.pk)

    def update(self, instance, validated_data):
        by = _viewer(self)
        bid = services.bid_update(bid=instance, by=by, data=self._service_data(validated_data))
        return selectors.bid_list_api(viewer=by).get(pk=bid.pk)


class BidOutcomeSerializer(serializers.Serializer):
    outcome = BidOutcomeField(choices=BidOutcome.choices)
    winning_brand = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                          help_text="Required when lost: the brand that won.")
    winning_price = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True,
                                             min_value=0)
    # A lost tender's reason becomes the opportunity's loss reason: bounded like that column.
    reason = serializers.CharField(required=False, allow_blank=True,
                                   max_length=StageChange._meta.get_field("loss_reason").max_length)


class BidReopenSerializer(serializers.Serializer):
    # Kept only as the note of the tender's history record: bounded like that column.
    reason = serializers.CharField(required=False, allow_blank=True,
                                   max_length=BidProject.history.model._meta.get_field(
                                       "history_change_reason").max_length)


class ComparisonBarSerializer(serializers.Serializer):
    label = serializers.CharField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    kind = serializers.CharField(help_text="target, ours, competitor or agent")
    gap = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    gap_percent = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)


class ComparisonSerializer(serializers.Serializer):
    target_total = serializers.DecimalField(max_digits=18, decimal_places=2)
    quote_total = serializers.DecimalField(max_digits=18, decimal_places=2)
    gap = serializers.DecimalField(max_digits=18, decimal_places=2)
    gap_percent = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    bars = ComparisonBarSerializer(many=True)
    lines = BidLineSerializer(many=True)


class BidProjectViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Key-account project (tender) records. A record is visible exactly when its opportunity is; others
    do not exist here (404). The tender team edits it; the outcome moves the opportunity through the funnel."""

    serializer_class = BidProjectSerializer
    filter_backends = [FilterBackend, filters.SearchFilter]
    filterset_class = BidFilter
    search_fields = ["opportunity__name", "opportunity__customer__name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BidProject.objects.none()
        return selectors.bid_list_api(viewer=self.request.user).order_by("-created_at", "-id")

    def _reply(self, bid: BidProject, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=bid.pk)).data, status=code)

    @extend_schema(request=BidOutcomeSerializer, responses=BidProjectSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record the tender's outcome: won moves the opportunity to stage 06, lost (with the winning brand) to
        08-lost through the funnel; cancelled leaves the stage. Only the primary owner, their superiors or an
        administrator (403 otherwise); a closed tender answers 409."""
        bid = self.get_object()
        data = BidOutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._reply(services.bid_record_outcome(bid=bid, by=request.user, **data.validated_data))

    @extend_schema(request=None, responses=BidProjectSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Mark a complete tender in preparation as submitted (409 when it is not in preparation)."""
        return self._reply(services.bid_submit(bid=self.get_object(), by=request.user))

    @extend_schema(request=BidReopenSerializer, responses=BidProjectSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen a cancelled tender for the re-issued tender."""
        bid = self.get_object()
        data = BidReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._reply(services.bid_reopen(bid=bid, by=request.user, **data.validated_data))

    @extend_schema(responses=ComparisonSerializer)
    @action(detail=True, methods=["get"])
    def comparison(self, request, pk=None):
        """Our quote against the customer's target and the competitors' known prices, in totals and by line."""
        comparison = selectors.bid_comparison(bid=self.get_object())
        totals = comparison["totals"]
        return Response(ComparisonSerializer({
            "target_total": totals.target, "quote_total": totals.quote, "gap": totals.gap,
            "gap_percent": totals.gap_percent, "bars": comparison["bars"], "lines": comparison["lines"],
        }).data)
