"""REST API of the sales organisation: users (read), users/me, org units (read), auth token."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from teams import selectors
from teams.models import OrgUnit, User


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name", "manager", "role", "org_unit", "email", "is_active"]
        read_only_fields = fields


class OrgUnitSerializer(serializers.ModelSerializer):
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


class TokenView(ObtainAuthToken):
    """Exchange a user name and password for an API token (throttled; lock-outs by django-axes)."""

    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=inline_serializer("TokenObtain", {"username": serializers.CharField(),
                                                   "password": serializers.CharField()}),
        responses=inline_serializer("Token", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
