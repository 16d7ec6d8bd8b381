"""REST API of customers: customers, the uniqueness check, intake, contacts, reviews. Thin: every
rule is in accounts/services.py."""

from __future__ import annotations

from collections.abc import Mapping

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import selectors, services
from accounts.matching import Candidate
from accounts.models import (
    Contact,
    Customer,
    CustomerIntake,
    EnrichmentProposal,
    IntakeResolution,
    Source,
    Tier,
)
from crm.api import ID_RANGE, ModelSerializer
from crm.idempotency import IdempotentWrites
from crm.stored_text import render_all
from teams.models import User


def visible_customer_ids(user, ids) -> set[int]:
    return set(Customer.objects.visible_to(user).filter(pk__in=[i for i in ids if i]).values_list("pk", flat=True))


def candidates_for(user, candidates: list[Candidate], visible: set[int] | None = None) -> list[dict]:
    """Candidates as the caller may see them: another team's customer shows no id, only that it exists."""
    if visible is None:
        visible = visible_customer_ids(user, [c.customer_id for c in candidates])
    return [
        {"id": c.customer_id if c.customer_id in visible else None, "name": c.name, "score": c.score,
         "reasons": render_all(c.reasons), "visible": c.customer_id in visible}
        for c in candidates
    ]


def stored_candidates(intake: CustomerIntake) -> list[Candidate]:
    """An intake's candidates as kept in its JSON field."""
    return [Candidate(customer_id=c.get("id"), name=c.get("name", ""), score=c.get("score", 0),
                      reasons=c.get("reasons", [])) for c in intake.candidates]


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    visible = serializers.BooleanField()


class CustomerSerializer(ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), required=False,
                                               allow_null=True)
    parent = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    source = serializers.ChoiceField(choices=Source.choices, default=Source.MANUAL)

    class Meta:
        model = Customer
        fields = [
            "id", "name", "credit_code", "industry", "province", "city", "address", "phone", "email", "website",
            "employees", "annual_revenue", "parent", "owner", "tier", "tier_suggested", "tier_score",
            "tier_overridden", "source", "created_at", "updated_at",
        ]
        read_only_fields = ["tier", "tier_suggested", "tier_score", "tier_overridden", "created_at", "updated_at"]
        # The services validate (credit code, uniqueness); the model's own constraints would run first otherwise.
        validators: list = []
        extra_kwargs = {"credit_code": {"validators": []}}

    def validate_parent(self, parent):
        request = self.context["request"]
        if parent is not None and not Customer.objects.visible_to(request.user).filter(pk=parent.pk).exists():
            raise serializers.ValidationError(_not_found())
        return parent


def _not_found() -> str:
    from django.utils.translation import gettext

    return gettext("Not found.")


class CustomerFilter(django_filters.FilterSet):
    unassigned = django_filters.BooleanFilter(field_name="owner", lookup_expr="isnull")
    mine = django_filters.BooleanFilter(method="filter_mine", label="My customers (those I own)")
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Customer
        fields = ["tier", "source", "owner", "province", "city", "industry", "parent"]

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        mine = selectors.my_customers(viewer=self.request.user).values("pk")
        return queryset.filter(pk__in=mine) if value else queryset.exclude(pk__in=mine)


class CustomerViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Customer accounts visible to the caller. Creating refuses probable duplicates (409 with
    candidates); `intake/` runs the whole intake workflow instead."""

    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    search_fields = ["name", "credit_code", "phone"]
    ordering_fields = ["name", "created_at", "tier", "city", "province"]
    ordering = ["name"]

    def get_queryset(self):
        return Customer.objects.visible_to(self.request.user).select_related("owner", "parent")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        source, owner, parent = data.pop("source"), data.pop("owner", None), data.pop("parent", None)
        try:
            # One transaction: a refused group company must not leave the customer created without it.
            with transaction.atomic():
                customer = services.customer_create(data=data, source=source, by=request.user, owner=owner)
                if parent is not None:
                    customer = services.customer_update(customer=customer, data={}, by=request.user, parent=parent,
                                                        set_parent=True)
        except services.DuplicateCustomer as exc:
            return Response({"detail": exc.message, "candidates": candidates_for(request.user, exc.candidates)},
                            status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(customer).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        customer = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(customer, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("source", None)
        owner_given, owner = "owner" in data, data.pop("owner", None)
        parent_given, parent = "parent" in data, data.pop("parent", None)
        customer = services.customer_update(customer=customer, data=data, by=request.user, parent=parent,
                                            set_parent=parent_given)
        if owner_given and owner is not None and owner.pk != customer.owner_id:
            customer = services.customer_assign(customer=customer, owner=owner, by=request.user)
        return Response(self.get_serializer(customer).data)

    @extend_schema(request=CustomerSerializer,
                   responses=inline_serializer("CustomerCheck", {"candidates": CandidateSerializer(many=True)}))
    @action(detail=False, methods=["post"])
    def check(self, request):
        """The uniqueness check: candidates with score and reasons; writes nothing."""
        candidates = services.customer_check(data=_body(request))
        return Response({"candidates": candidates_for(request.user, candidates)})

    @extend_schema(
        request=CustomerSerializer,
        responses={
            201: inline_serializer("IntakeResult", {
                "outcome": serializers.ChoiceField(choices=["created", "matched", "review"]),
                "customer": serializers.IntegerField(allow_null=True),
                "intake": serializers.IntegerField(),
                "candidates": CandidateSerializer(many=True),
            }),
        },
    )
    @action(detail=False, methods=["post"])
    def intake(self, request):
        """Phases 1-3 in one call: keep the record, check uniqueness, link / review / create and assign."""
        body = _body(request)
        source = body.get("source") or Source.MANUAL
        owner = None
        if body.get("owner") not in (None, ""):
            owner = get_object_or_404(User, pk=_int_or_400(body.get("owner"), "owner"), is_active=True)
        result = services.customer_intake(source=source, data=body, by=request.user, owner=owner)
        visible_customer = (
            result.customer.pk if result.customer is not None
            and Customer.objects.visible_to(request.user).filter(pk=result.customer.pk).exists() else None
        )
        return Response(
            {"outcome": result.outcome, "customer": visible_customer, "intake": result.intake.pk,
             "candidates": candidates_for(request.user, result.candidates)},
            status=status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK,
        )

    @extend_schema(
        request=inline_serializer("TierOverride", {"tier": serializers.ChoiceField(choices=Tier.choices),
                                                   "reason": serializers.CharField()}),
        responses=CustomerSerializer,
    )
    @action(detail=True, methods=["post"])
    def tier(self, request, pk=None):
        """Set the tier by hand with a reason (owner or superior); the rules stop changing it."""
        customer = self.get_object()
        body = _body(request)
        customer = services.customer_override_tier(
            customer=customer, tier=str(body.get("tier", "")), reason=str(body.get("reason", "")), by=request.user,
        )
        return Response(self.get_serializer(customer).data)

    @extend_schema(
        request=inline_serializer("CustomerMergeRequest", {"merged": serializers.IntegerField(**ID_RANGE),
                                                           "reason": serializers.CharField(required=False)}),
        responses=CustomerSerializer,
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Fold another customer (`merged`) into this one; everything pointing at it moves here."""
        survivor = self.get_object()
        body = _body(request)
        merged = get_object_or_404(self.get_queryset(), pk=_int_or_400(body.get("merged"), "merged"))
        services.customer_merge(survivor=survivor, merged=merged, by=request.user, reason=str(body.get("reason", "")))
        survivor.refresh_from_db()
        return Response(self.get_serializer(survivor).data)


def _body(request) -> dict:
    """The request's fields; a JSON body that is not an object (a list, a string) is a 400, not a 500."""
    if not isinstance(request.data, Mapping):
        raise serializers.ValidationError({"non_field_errors": [
            gettext("Invalid data. Expected a dictionary, but got {datatype}.").format(
                datatype=type(request.data).__name__)]})
    return request.data


def _int_or_400(value, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise serializers.ValidationError({field: [_not_found()]}) from None


class ContactSerializer(ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "customer", "name", "title", "department", "decision_role", "reports_to", "phone", "email",
                  "attitude", "notes", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_customer(self, customer):
        if not Customer.objects.visible_to(self.context["request"].user).filter(pk=customer.pk).exists():
            raise serializers.ValidationError(_not_found())
        return customer


class ContactViewSet(IdempotentWrites, viewsets.ModelViewSet):
    """People at customers; visible with their customer."""

    serializer_class = ContactSerializer
    filterset_fields = ["customer", "decision_role", "attitude", "reports_to"]
    search_fields = ["name", "title", "department", "phone", "email"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return Contact.objects.visible_to(self.request.user).select_related("customer")

    def perform_create(self, serializer):
        contact = Contact(**serializer.validated_data)
        serializer.instance = services.contact_save(contact=contact, by=self.request.user)

    def perform_update(self, serializer):
        contact = serializer.instance
        for key, value in serializer.validated_data.items():
            setattr(contact, key, value)
        serializer.instance = services.contact_save(contact=contact, by=self.request.user)

    def perform_destroy(self, instance):
        services.contact_delete(contact=instance, by=self.request.user)


class IntakeSerializer(ModelSerializer):
    # Shown like the uniqueness check's: another team's customer without its id (the view passes the
    # visible ids of a whole page in the context, so a list costs one query for them).
    candidates = serializers.SerializerMethodField()

    class Meta:
        model = CustomerIntake
        fields = ["id", "source", "name", "raw_data", "outcome", "status", "customer", "candidates", "batch",
                  "row_number", "created_by", "created_at", "resolution", "resolved_by", "resolved_at"]
        read_only_fields = fields

    @extend_schema_field(CandidateSerializer(many=True))
    def get_candidates(self, intake: CustomerIntake) -> list[dict]:
        candidates = stored_candidates(intake)
        visible = self.context.get("visible_customer_ids")
        return candidates_for(self.context["request"].user, candidates, visible)


class IntakeViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Intake records; `?status=pending_review` is the review queue."""

    serializer_class = IntakeSerializer
    filterset_fields = ["status", "outcome", "source", "batch"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return CustomerIntake.objects.visible_to(self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self.visible_customer_ids = visible_customer_ids(
                self.request.user, [c.get("id") for intake in page for c in intake.candidates])
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "visible_customer_ids"):
            context["visible_customer_ids"] = self.visible_customer_ids
        return context

    @extend_schema(
        request=inline_serializer("IntakeResolve", {
            "resolution": serializers.ChoiceField(choices=IntakeResolution.choices),
            "customer": serializers.IntegerField(required=False, **ID_RANGE)}),
        responses=IntakeSerializer,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        intake = self.get_object()
        body = _body(request)
        customer = None
        if body.get("customer") not in (None, ""):
            customer = get_object_or_404(Customer.objects.visible_to(request.user),
                                         pk=_int_or_400(body.get("customer"), "customer"))
        intake = services.intake_resolve(intake=intake, resolution=str(body.get("resolution", "")),
                                         by=request.user, customer=customer)
        return Response(self.get_serializer(intake).data)


class ProposalSerializer(ModelSerializer):
    class Meta:
        model = EnrichmentProposal
        fields = ["id", "customer", "field", "current_value", "proposed_value", "source", "intake", "status",
                  "created_at", "decided_by", "decided_at"]
        read_only_fields = fields


class ProposalViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """New values waiting for the owner's decision (`?status=pending`)."""

    serializer_class = ProposalSerializer
    filterset_fields = ["status", "customer", "field"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return EnrichmentProposal.objects.visible_to(self.request.user)

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        proposal = services.enrichment_decide(proposal=self.get_object(), accept=True, by=request.user)
        return Response(self.get_serializer(proposal).data)

    @extend_schema(request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        proposal = services.enrichment_decide(proposal=self.get_object(), accept=False, by=request.user)
        return Response(self.get_serializer(proposal).data)

