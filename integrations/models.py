"""Integrations with the tools people live in: a private calendar feed of each person's agenda, and chat
channels (WeCom, DingTalk, Feishu robots, a signed webhook) that notifications are delivered to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from teams.models import OrgUnit, signed_in

# --- Calendar feed ------------------------------------------------------------------------------


class CalendarFeed(models.Model):
    """A person's private calendar feed: the URL carries a long random token (not the session). The token is
    kept encrypted (so the person can see their URL again) and looked up by its SHA-256; regenerating it
    replaces both, and the old URL answers 404."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                                related_name="calendar_feed")
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    token_sealed = models.TextField(_("token (encrypted)"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    regenerated_at = models.DateTimeField(_("regenerated at"), null=True, blank=True)
    last_read_at = models.DateTimeField(_("last read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class CalendarCancellation(models.Model):
    """An event that left a person's agenda because its record was deleted (an activity, a meeting, a tender
    date): the feed keeps it as STATUS:CANCELLED for CALENDAR_CANCELLED_DAYS, so calendars that imported it
    cancel it rather than keep a meeting that will not happen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="+")
    uid = models.CharField(_("event UID"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    cancelled_at = models.DateTimeField(_("cancelled at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("cancelled calendar event")
        verbose_name_plural = _("cancelled calendar events")
        indexes = [models.Index(fields=["user", "cancelled_at"], name="calcancel_user_when")]

    def __str__(self) -> str:
        return self.summary


# --- Chat channels --------------------------------------------------------------------------------


class ChannelKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk custom robot")
    FEISHU = "feishu", _("Feishu custom bot")
    WEBHOOK = "webhook", _("Signed webhook")


class NotificationChannelQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationChannelQuerySet:
        """Channels are company configuration, seen and changed by administrators only."""
        if not (signed_in(user) and user.is_admin):
            return self.none()
        return self.all()

    def active(self) -> NotificationChannelQuerySet:
        return self.filter(active=True)


class NotificationChannel(models.Model):
    """An outgoing chat channel: a group robot's address and its signing secret (kept encrypted, shown masked).
    A channel of an org unit receives what rules send to "the recipient's team channel"."""

    kind = models.CharField(_("kind"), max_length=12, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(_("address"), max_length=500, help_text=_(
        "The robot's webhook address as the chat service gives it (with its key or access token)."))
    secret_sealed = models.TextField(_("signing secret (encrypted)"), blank=True, editable=False)
    secret_last4 = models.CharField(_("signing secret"), max_length=4, blank=True, editable=False)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="chat_channels",
                                 help_text=_("The team whose channel this is (for rules sending to a team)."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "secret_sealed"])

    objects = NotificationChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def secret_masked(self) -> str:
        """The secret as it is shown back: its last four characters only."""
        return f"••••{self.secret_last4}" if self.secret_last4 else ""

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_sealed)


class RuleTarget(models.TextChoices):
    CHANNEL = "channel", _("A named channel")
    RECIPIENT_TEAM = "recipient_team", _("The recipient's team channel")


class NotificationRule(models.Model):
    """Which notifications go where: notifications of `kind` (or of every kind, with "*") go to a named channel,
    or to the channel of the recipient's team (the nearest unit up the org chart that has one)."""

    ANY_KIND = "*"

    kind = models.CharField(_("notification kind"), max_length=40, help_text=_(
        "E.g. forecast_submitted, bid_deadline, customer_assigned; * for every kind."))
    target = models.CharField(_("send to"), max_length=16, choices=RuleTarget.choices, default=RuleTarget.CHANNEL)
    channel = models.ForeignKey(NotificationChannel, verbose_name=_("channel"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="rules")
    mention = models.BooleanField(_("mention the recipient"), default=True, help_text=_(
        "Mention the recipient by their chat account, when they have linked one."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("notification rule")
        verbose_name_plural = _("notification rules")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target="channel") | Q(channel__isnull=False), name="notificationrule_channel_named"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.channel or self.get_target_display()}"


class ChatIdentity(models.Model):
    """A person's own accounts in the chat services, used to mention them in a group."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                                related_name="chat_identity")
    wecom_userid = models.CharField(_("WeCom user ID"), max_length=64, blank=True)
    dingtalk_user_id = models.CharField(_("DingTalk user ID"), max_length=64, blank=True)
    dingtalk_mobile = models.CharField(_("DingTalk mobile number"), max_length=20, blank=True)
    feishu_open_id = models.CharField(_("Feishu open_id"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("chat account")
        verbose_name_plural = _("chat accounts")

    def __str__(self) -> str:
        return str(self.user)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RETRYING = "retrying", _("Retrying")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """The delivery log: one message to one channel (a notification, or a channel's test message), its attempts
    and the chat service's last answer."""

    channel = models.ForeignKey(NotificationChannel, verbose_name=_("channel"), on_delete=models.CASCADE,
                                related_name="deliveries")
    notification = models.ForeignKey("teams.Notification", verbose_name=_("notification"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    is_test = models.BooleanField(_("test message"), default=False)
    mention = models.BooleanField(_("mention the recipient"), default=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_body = models.CharField(_("response"), max_length=1000, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("delivery log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} · {self.get_status_display()}"
