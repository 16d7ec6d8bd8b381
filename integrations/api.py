"""REST API of the integrations: the caller's calendar feed address, and the chat channels (administrators)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api import ModelSerializer, enum_field, validated
from crm.idempotency import IdempotentWrites
from crm.stored_text import render
from integrations import services
from integrations.models import ChannelKind, Delivery, DeliveryStatus, NotificationChannel
from teams.models import OrgUnit

FeedUrlSerializer = inline_serializer("CalendarFeedUrl", {"url": serializers.URLField(
    help_text="The private iCalendar address of the caller's agenda; readable without signing in.")})


def _feed_url(request, token: str) -> dict:
    return {"url": request.build_absolute_uri(reverse("integrations:calendar-feed", args=[token]))}


class CalendarFeedView(IdempotentWrites, APIView):
    """The caller's private calendar feed (iCalendar): GET gives its address (made on first use); POST makes a
    new address, and the old one stops working (404)."""

    @extend_schema(responses=FeedUrlSerializer)
    def get(self, request):
        return Response(_feed_url(request, services.calendar_feed_token(user=request.user)))

    @extend_schema(request=None, responses=FeedUrlSerializer)
    def post(self, request):
        return Response(_feed_url(request, services.calendar_feed_regenerate(user=request.user)))


class IsAdministrator(permissions.BasePermission):
    message = gettext_lazy("Only an administrator configures the chat channels.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_admin)


class NotificationChannelSerializer(ModelSerializer):
    kind = enum_field(ChannelKind)
    url = serializers.URLField(max_length=500, help_text="The robot's webhook address (http or https).")
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200,
                                   help_text="The signing secret; write-only, kept encrypted. \"\" removes it.")
    secret_masked = serializers.CharField(read_only=True, help_text="The secret's last four characters.")
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True,
                                                  help_text="The team whose channel this is.")

    class Meta:
        model = NotificationChannel
        fields = ["id", "kind", "name", "url", "active", "org_unit", "secret", "secret_masked", "created_at",
                  "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        validators: list = []
        extra_kwargs = {"name": {"validators": []}}


class DeliverySerializer(ModelSerializer):
    status = enum_field(DeliveryStatus, read_only=True)
    error = serializers.SerializerMethodField(help_text="Why it was not delivered, in the caller's language.")

    def get_error(self, delivery) -> str:
        return render(delivery.error)

    class Meta:
        model = Delivery
        fields = ["id", "channel", "notification", "is_test", "status", "attempts", "response_code",
                  "response_body", "error", "created_at", "last_attempt_at", "sent_at"]
        read_only_fields = fields


class ChannelTestSerializer(DeliverySerializer):
    job = serializers.UUIDField(read_only=True, source="job.pk", help_text="The job that sends it (/jobs/<id>/).")

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "job"]
        read_only_fields = fields


class NotificationChannelViewSet(IdempotentWrites, viewsets.ModelViewSet):
    """Outgoing chat channels (WeCom, DingTalk, Feishu robots, a signed webhook), for administrators only (403
    for anyone else). `POST {id}/test/` sends a test message by a job and answers at once (202) with its
    delivery; the delivery log of a channel is `GET {id}/deliveries/`."""

    serializer_class = NotificationChannelSerializer
    permission_classes = [permissions.IsAuthenticated, IsAdministrator]
    filterset_fields = ["kind", "active", "org_unit"]
    search_fields = ["name"]
    ordering_fields = ["name", "kind", "updated_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return NotificationChannel.objects.visible_to(self.request.user).order_by("name", "pk")

    def create(self, request, *args, **kwargs):
        data = validated(NotificationChannelSerializer, request)
        channel = services.channel_save(by=request.user, data=data)
        return Response(NotificationChannelSerializer(channel).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        channel = self.get_object()
        data = validated(NotificationChannelSerializer, request, partial=True)
        channel = services.channel_save(by=request.user, data=data, channel=channel)
        return Response(NotificationChannelSerializer(channel).data)

    def perform_destroy(self, instance):
        services.channel_delete(channel=instance, by=self.request.user)

    @extend_schema(request=None, responses={202: ChannelTestSerializer})
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        delivery = services.channel_test(channel=self.get_object(), by=request.user)
        return Response(ChannelTestSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        deliveries = self.get_object().deliveries.order_by("-created_at", "-pk")
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
