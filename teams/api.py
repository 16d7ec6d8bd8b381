"""REST API of the sales organisation: users (read), users/me, org units (read), auth token,
territories and assignment rules."""

from __future__ import annotations

import django_filters
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from crm.api import ModelSerializer, enum_field, money_field, validated
from crm.idempotency import IdempotentWrites
from crm.params import IdFilter
from teams import selectors, services
from teams.models import AssignmentRule, AssignmentStrategy, OrgUnit, Territory, User


class UserSerializer(ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name", "manager", "role", "org_unit", "email", "is_active"]
        read_only_fields = fields


class OrgUnitSerializer(ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "parent", "manager", "member_count"]
        read_only_fields = fields


class UserFilter(django_filters.FilterSet):
    class Meta:
        model = User
        fields = ["role", "org_unit", "manager", "is_active"]


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """People of the sales organisation. `me/` is the caller."""

    serializer_class = UserSerializer
    filterset_class = UserFilter
    search_fields = ["username", "display_name", "email"]
    ordering_fields = ["username", "display_name", "role"]

    def get_queryset(self):
        return selectors.user_list(viewer=self.request.user)

    @extend_schema(responses=UserSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request):
        return Response(UserSerializer(request.user).data)


class OrgUnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The sales hierarchy: company > business division > region > team."""

    serializer_class = OrgUnitSerializer
    filterset_fields = ["kind", "parent", "manager"]
    search_fields = ["name"]
    ordering_fields = ["name", "kind"]

    def get_queryset(self):
        return selectors.org_unit_list(viewer=self.request.user)


class TokenThrottle(AnonRateThrottle):
    scope = "token"


def _plain_username(value) -> bool:
    """Whether a sign-in name may be looked up at all: a string the user name column could hold. Anything else
    (a NUL byte, which PostgreSQL refuses in text, or a name longer than the column) is answered by the
    serializer's field message, not by a lock-out query."""
    try:
        serializers.CharField(max_length=User._meta.get_field("username").max_length).run_validation(value)
    except serializers.ValidationError:
        return False
    return True


class TokenView(ObtainAuthToken):
    """Exchange a user name and password for an API token (throttled; lock-outs by django-axes)."""

    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=inline_serializer("TokenObtain", {
            "username": serializers.CharField(max_length=User._meta.get_field("username").max_length),
            "password": serializers.CharField(max_length=4096)}),
        responses=inline_serializer("Token", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        # A locked-out name and address are told so, before and whatever the password (it is not checked).
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if _plain_username(username) and AxesProxyHandler.is_locked(request._request, {"username": username}):
            minutes = round(settings.AXES_COOLOFF_TIME * 60)
            return Response({"detail": _("This account is locked after too many failed sign-ins. Try again in "
                                         "%(minutes)d minutes, or ask an administrator to unlock it.")
                             % {"minutes": minutes}}, status=429, headers={"Retry-After": str(minutes * 60)})
        return super().post(request, *args, **kwargs)


# --- Territories and assignment rules ------------------------------------------------------------

# A province, city or industry is compared with a customer's (those columns hold at most 60 characters).
NAME_LENGTH = 100


def place_name() -> serializers.CharField:
    return serializers.CharField(allow_blank=True, max_length=NAME_LENGTH)


class TerritorySerializer(ModelSerializer):
    provinces = serializers.ListField(child=place_name(), required=False)
    cities = serializers.ListField(child=place_name(), required=False)
    industries = serializers.ListField(child=place_name(), required=False)
    members = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    member_count = serializers.IntegerField(read_only=True)
    account_count = serializers.IntegerField(read_only=True, help_text="Named accounts of the territory.")

    class Meta:
        model = Territory
        fields = ["id", "name", "org_unit", "provinces", "cities", "industries", "members", "active",
                  "member_count", "account_count", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []
        extra_kwargs = {"name": {"validators": []}}


class TerritoryFilter(django_filters.FilterSet):
    member = IdFilter(field_name="members", help_text="Territories this person covers.")

    class Meta:
        model = Territory
        fields = ["org_unit", "active", "member"]


class TerritoryViewSet(IdempotentWrites, viewsets.ModelViewSet):
    """Sales territories: provinces, cities and industries, covered by members. Every signed-in member reads
    them; administrators, and managers for the units they manage, create, change and delete them (a territory
    in use is deactivated instead: 409)."""

    serializer_class = TerritorySerializer
    filterset_class = TerritoryFilter
    search_fields = ["name"]
    ordering_fields = ["name", "updated_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.territory_list(viewer=self.request.user).prefetch_related("members")

    def _out(self, territory: Territory, status_code: int = 200) -> Response:
        return Response(TerritorySerializer(self.get_queryset().get(pk=territory.pk)).data, status=status_code)

    def create(self, request, *args, **kwargs):
        data = validated(TerritorySerializer, request)
        return self._out(services.territory_save(by=request.user, data=data), 201)

    def partial_update(self, request, *args, **kwargs):
        territory = self.get_object()
        serializer = TerritorySerializer(data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return self._out(services.territory_save(by=request.user, data=serializer.validated_data,
                                                 territory=territory))

    def perform_destroy(self, instance):
        services.territory_delete(territory=instance, by=self.request.user)


class AssignmentRuleSerializer(ModelSerializer):
    provinces = serializers.ListField(child=place_name(), required=False)
    cities = serializers.ListField(child=place_name(), required=False)
    industries = serializers.ListField(child=place_name(), required=False)
    sources = serializers.ListField(child=serializers.CharField(max_length=NAME_LENGTH), required=False,
                                    help_text="Customer sources (api.md `source`); empty: any source.")
    strategy = enum_field(AssignmentStrategy, required=False)
    min_annual_revenue = money_field(required=False, allow_null=True)
    max_annual_revenue = money_field(required=False, allow_null=True)

    class Meta:
        model = AssignmentRule
        fields = ["id", "name", "order", "active", "provinces", "cities", "industries", "sources", "min_employees",
                  "max_employees", "min_annual_revenue", "max_annual_revenue", "strategy", "user", "org_unit",
                  "territory", "last_assigned", "created_at", "updated_at"]
        read_only_fields = ["last_assigned", "created_at", "updated_at"]


class AssignmentRuleViewSet(IdempotentWrites, viewsets.ModelViewSet):
    """Rules that pick the owner of a new customer, tried in `order`; the first active rule that matches wins.
    Every signed-in member reads them; only administrators create, change or delete them (403)."""

    serializer_class = AssignmentRuleSerializer
    filterset_fields = ["active", "strategy", "user", "org_unit", "territory"]
    search_fields = ["name"]
    ordering_fields = ["order", "name", "updated_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return AssignmentRule.objects.visible_to(self.request.user).order_by("order", "pk")

    def create(self, request, *args, **kwargs):
        data = validated(AssignmentRuleSerializer, request)
        rule = services.assignment_rule_save(by=request.user, data=data)
        return Response(AssignmentRuleSerializer(rule).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        rule = self.get_object()
        serializer = AssignmentRuleSerializer(data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        rule = services.assignment_rule_save(by=request.user, data=serializer.validated_data, rule=rule)
        return Response(AssignmentRuleSerializer(rule).data)

    def perform_destroy(self, instance):
        services.assignment_rule_delete(rule=instance, by=self.request.user)
