"""Writes of the integrations: calendar feed tokens, chat channels and accounts, and the delivery of
notifications to chat (written in the notifying transaction, sent by a Celery job after it commits)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.errors import DomainError, PermissionDenied
from crm.jobs import job_enqueue, job_start
from crm.models import Job
from crm.stored_text import Text, encode
from integrations import chat
from integrations.models import (
    CalendarCancellation,
    CalendarFeed,
    ChannelKind,
    ChatIdentity,
    Delivery,
    DeliveryStatus,
    NotificationChannel,
    NotificationRule,
    RuleTarget,
)
from integrations.sealing import seal, token_hash, unseal
from teams.models import Notification, OrgUnit, User, signed_in
from teams.services import notification_kinds

logger = logging.getLogger(__name__)

DELIVERY_TASK = "integrations.delivery_send"
# A deleted event stays in its people's feeds, cancelled, this long.
CANCELLED_KEPT_DAYS = 30
TEST_REPEAT_SECONDS = 5  # a second test of one channel by one person within this is the first one again
TEST_LABEL = gettext_lazy("Test message to the chat channel %(channel)s")


# --- Calendar feed ------------------------------------------------------------------------------

def _new_token() -> tuple[str, str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token), seal(token)


@transaction.atomic
def calendar_feed_token(*, user: User) -> str:
    """The person's calendar token, made on first use: only the person (signed in) gets it."""
    if not signed_in(user):
        raise PermissionDenied(_("Sign in to get your calendar address."))
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is not None:
        token = unseal(feed.token_sealed)
        if token:
            return token
        # Sealed under an earlier SECRET_KEY: unreadable, so a new one (the old address stops working anyway).
        return _calendar_feed_replace(feed)
    token, hashed, sealed = _new_token()
    try:
        with transaction.atomic():
            CalendarFeed.objects.create(user=user, token_hash=hashed, token_sealed=sealed)
    except IntegrityError:  # made meanwhile by another request of the same person
        return unseal(CalendarFeed.objects.get(user=user).token_sealed)
    return token


def _calendar_feed_replace(feed: CalendarFeed) -> str:
    token, hashed, sealed = _new_token()
    feed.token_hash, feed.token_sealed, feed.regenerated_at = hashed, sealed, timezone.now()
    feed.save(update_fields=["token_hash", "token_sealed", "regenerated_at"])
    return token


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> str:
    """A new calendar token for the person; the old address stops working at once (404)."""
    if not signed_in(user):
        raise PermissionDenied(_("Sign in to get your calendar address."))
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return calendar_feed_token(user=user)
    logger.info("calendar feed of user %s regenerated", user.pk)
    return _calendar_feed_replace(feed)


def calendar_feed_reader(*, token: str) -> User | None:
    """The active person whose feed `token` opens, or None (unknown, replaced, or the person left)."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    now = timezone.now()
    # Written at most once an hour: a feed polled every few minutes does not write on every read.
    if feed.last_read_at is None or now - feed.last_read_at > timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    return feed.user


def calendar_events_cancel(*, uid: str, summary: str, starts_at, ends_at, user_ids: set[int]) -> None:
    """An event left these people's agendas because its record was deleted: their feeds show it cancelled for
    a while (CANCELLED_KEPT_DAYS; older rows are deleted here)."""
    CalendarCancellation.objects.filter(cancelled_at__lt=timezone.now() - timedelta(days=CANCELLED_KEPT_DAYS)).delete()
    CalendarCancellation.objects.bulk_create([
        CalendarCancellation(user_id=user_id, uid=uid[:120], summary=summary[:300], starts_at=starts_at,
                             ends_at=ends_at) for user_id in sorted(user_ids)])


# --- Chat accounts ----------------------------------------------------------------------------------

CHAT_IDENTITY_FIELDS = ("wecom_userid", "dingtalk_user_id", "dingtalk_mobile", "feishu_open_id")


@transaction.atomic
def chat_identity_save(*, user: User, data: Mapping[str, Any]) -> ChatIdentity:
    """A person links their own chat accounts (for mentions): ids without spaces, a mobile number of digits."""
    if not signed_in(user):
        raise PermissionDenied(_("Sign in to link your chat accounts."))
    identity, _created = ChatIdentity.objects.select_for_update().get_or_create(user=user)
    for name in CHAT_IDENTITY_FIELDS:
        if name not in data:
            continue
        value = str(data[name] or "").strip()
        limit = ChatIdentity._meta.get_field(name).max_length
        if len(value) > limit:
            raise DomainError(_("At most %(count)s characters.") % {"count": limit}, field=name)
        if any(char.isspace() or not char.isprintable() or char in "<>\"'" for char in value):
            raise DomainError(_("An account id has no spaces, quotes or angle brackets."), field=name)
        if name == "dingtalk_mobile" and value and not value.lstrip("+").replace("-", "").isdigit():
            raise DomainError(_("Enter the mobile number in digits."), field=name)
        setattr(identity, name, value)
    identity._history_user = user
    identity.save()
    return identity


# --- Chat channels -----------------------------------------------------------------------------------

CHANNEL_FIELDS = ("kind", "name", "url", "secret", "org_unit", "active")


def _check_admin(by: User) -> None:
    if not (signed_in(by) and by.is_admin):
        raise PermissionDenied(_("Only an administrator configures the chat channels."))


@transaction.atomic
def channel_save(*, by: User, data: Mapping[str, Any], channel: NotificationChannel | None = None
                 ) -> NotificationChannel:
    """Administrators add and change chat channels: a kind, a unique name, an http(s) address; the signing
    secret is write-only (kept encrypted, shown by its last four characters; "" removes it). DingTalk and
    Feishu robots with signing on need it; the generic webhook always does."""
    _check_admin(by)
    unknown = set(data) - set(CHANNEL_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s.")
                          % {"fields": ", ".join(sorted(unknown))})
    channel = (NotificationChannel.objects.select_for_update().get(pk=channel.pk) if channel is not None
               else NotificationChannel())
    if "kind" in data or channel.pk is None:
        if data.get("kind") not in ChannelKind.values:
            raise DomainError(_("Choose the kind of channel."), field="kind")
        channel.kind = data["kind"]
    if "name" in data or channel.pk is None:
        name = " ".join(str(data.get("name") or "").split())
        if not name.isprintable():
            raise DomainError(_("A name has no control characters."), field="name")
        if not name:
            raise DomainError(_("Give the channel a name."), field="name")
        if len(name) > 100:
            raise DomainError(_("A name is at most %(count)s characters.") % {"count": 100}, field="name")
        if NotificationChannel.objects.filter(name__iexact=name).exclude(pk=channel.pk).exists():
            raise DomainError(_("A channel with this name exists already."), field="name")
        channel.name = name
    if "url" in data or channel.pk is None:
        url = str(data.get("url") or "").strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            url = ""
        if not url or len(url) > 500:
            raise DomainError(_("Enter the robot's address, starting with http:// or https://."), field="url")
        channel.url = url
    if "secret" in data:
        secret = str(data["secret"] or "").strip()
        if len(secret) > 200:
            raise DomainError(_("At most %(count)s characters.") % {"count": 200}, field="secret")
        channel.secret_sealed, channel.secret_last4 = seal(secret), secret[-4:]
    if channel.kind == ChannelKind.WEBHOOK and not channel.secret_sealed:
        raise DomainError(_("A webhook needs a signing secret: the receiver checks each message with it."),
                          field="secret")
    if "org_unit" in data:
        channel.org_unit = data["org_unit"]
    if "active" in data:
        channel.active = bool(data["active"])
    channel._history_user = by
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError as exc:
        raise DomainError(_("A channel with this name exists already."), field="name") from exc
    return channel


@transaction.atomic
def channel_delete(*, channel: NotificationChannel, by: User) -> None:
    """Administrators remove a channel; its rules and delivery log go with it (the history keeps the channel)."""
    _check_admin(by)
    channel._history_user = by
    channel.delete()


@transaction.atomic
def channel_test(*, channel: NotificationChannel, by: User) -> Delivery:
    """An administrator sends a test message to a channel: a delivery of its own, sent by a job once this
    commits (one attempt, no retries: the answer is what the administrator wants to see). Returns the delivery,
    whose `job` is the job to follow."""
    _check_admin(by)
    # A double click (or a retried request) sends one message: the channel's row is locked, and a test the same
    # person asked for in the last seconds is the answer again, with its job.
    channel = NotificationChannel.objects.select_for_update().get(pk=channel.pk)
    recent = (Delivery.objects.filter(channel=channel, is_test=True, requested_by=by,
                                      created_at__gte=timezone.now() - timedelta(seconds=TEST_REPEAT_SECONDS))
              .order_by("-id").first())
    if recent is not None:
        recent.job = Job.objects.filter(task=DELIVERY_TASK, args=[recent.pk]).order_by("-id").first()
        if recent.job is not None:
            return recent
    delivery = Delivery.objects.create(channel=channel, is_test=True, requested_by=by, mention=False)
    delivery.job = job_start(DELIVERY_TASK, delivery.pk, by=by,
                             label=Text(TEST_LABEL, channel=channel.name))
    return delivery



def rule_check(*, data: Mapping[str, Any], rule: NotificationRule | None = None) -> dict[str, Any]:
    """Where a rule sends notifications, checked: a kind some app leaves (or "*" for every kind; a kind nobody
    leaves would match nothing, silently), a target, and the channel when the target is a named channel (none
    for the recipient's team channel). Returns the checked kind, target and channel; raises DomainError naming
    the field. The admin's form asks it too, to show the message beside the field."""
    rule = rule or NotificationRule()
    kind = str(data.get("kind", rule.kind) or "").strip()
    if kind != NotificationRule.ANY_KIND and kind not in notification_kinds():
        raise DomainError(_("Choose one of the kinds of notification, or * for every kind."), field="kind")
    target = data.get("target", rule.target)
    if target not in RuleTarget.values:
        raise DomainError(_("Choose where the notifications go."), field="target")
    channel = data.get("channel", rule.channel)
    if target == RuleTarget.CHANNEL and channel is None:
        raise DomainError(_("Choose the channel the notifications go to."), field="channel")
    return {"kind": kind, "target": target, "channel": channel if target == RuleTarget.CHANNEL else None}


@transaction.atomic
def rule_save(*, by: User, data: Mapping[str, Any], rule: NotificationRule | None = None) -> NotificationRule:
    """Administrators say which notifications go where (checked by rule_check)."""
    _check_admin(by)
    checked = rule_check(data=data, rule=rule)
    rule = rule or NotificationRule()
    rule.kind, rule.target, rule.channel = checked["kind"], checked["target"], checked["channel"]
    for name in ("mention", "active"):
        if name in data:
            setattr(rule, name, bool(data[name]))
    rule._history_user = by
    rule.save()
    return rule


# --- Delivering notifications -----------------------------------------------------------------------------

def _team_channels(org_unit_ids: set[int]) -> dict[int, int]:
    """For each org unit, the active channel of the nearest unit up the chart (itself first) that has one."""
    owned: dict[int, int] = {}
    for channel_id, unit_id in (NotificationChannel.objects.active().filter(org_unit__isnull=False)
                                .order_by("-id").values_list("id", "org_unit_id")):
        owned[unit_id] = channel_id  # the oldest channel of a unit wins
    if not owned:
        return {}
    parents = dict(OrgUnit.objects.values_list("id", "parent_id"))
    found: dict[int, int] = {}
    for unit_id in org_unit_ids:
        current, seen = unit_id, set()
        while current is not None and current not in seen:
            if current in owned:
                found[unit_id] = owned[current]
                break
            seen.add(current)
            current = parents.get(current)
    return found


def notifications_dispatch(notifications: list[Notification]) -> list[Delivery]:
    """The notifications just written go to the chat channels the active rules name for their kind: a named
    active channel, or the recipient's team channel. One delivery per notification and channel (two rules for
    the same channel make one message, with a mention if either asks for it); each is sent by a job once the
    notifying transaction commits, so a chat service that is down never fails or slows the request."""
    kinds = {notification.kind for notification in notifications}
    rules = list(NotificationRule.objects.filter(active=True, kind__in=kinds | {NotificationRule.ANY_KIND})
                 .select_related("channel"))
    if not rules:
        return []
    team_channels = {}
    if any(rule.target == RuleTarget.RECIPIENT_TEAM for rule in rules):
        team_channels = _team_channels({n.recipient.org_unit_id for n in notifications if n.recipient.org_unit_id})
    deliveries = []
    for notification in notifications:
        targets: dict[int, bool] = {}
        for rule in rules:
            if rule.kind not in (notification.kind, NotificationRule.ANY_KIND):
                continue
            if rule.target == RuleTarget.CHANNEL:
                channel_id = rule.channel_id if rule.channel.active else None
            else:
                channel_id = team_channels.get(notification.recipient.org_unit_id)
            if channel_id is not None:
                targets[channel_id] = targets.get(channel_id, False) or rule.mention
        deliveries += [Delivery(channel_id=channel_id, notification=notification, mention=mention)
                       for channel_id, mention in targets.items()]
    Delivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        job_enqueue(DELIVERY_TASK, delivery.pk)
    return deliveries


def _mentions(kind: str, identity: ChatIdentity | None) -> dict[str, str]:
    if identity is None:
        return {}
    values = {
        ChannelKind.WECOM: {"wecom": identity.wecom_userid},
        ChannelKind.DINGTALK: {"dingtalk_user_id": identity.dingtalk_user_id,
                               "dingtalk_mobile": identity.dingtalk_mobile},
        ChannelKind.FEISHU: {"feishu": identity.feishu_open_id},
        ChannelKind.WEBHOOK: {"wecom": identity.wecom_userid, "dingtalk_user_id": identity.dingtalk_user_id,
                              "feishu": identity.feishu_open_id},
    }[kind]
    return {key: value for key, value in values.items() if value}


def delivery_message(delivery: Delivery) -> chat.ChatMessage:
    """The chat message of a delivery, in the recipient's language (a test message in its requester's)."""
    notification = delivery.notification
    reader = notification.recipient if notification is not None else delivery.requested_by
    with translation.override(getattr(reader, "language", None) or settings.LANGUAGE_CODE):
        if delivery.is_test or notification is None:
            return chat.ChatMessage(
                title=_("Key-account CRM: test message"),
                text=_("This channel is connected: notifications sent to it will appear here."),
                link=settings.SITE_URL, kind="test", recipient=getattr(reader, "username", ""))
        identity = ChatIdentity.objects.filter(user=notification.recipient).first() if delivery.mention else None
        link = f"{settings.SITE_URL}{notification.url}" if settings.SITE_URL and notification.url else ""
        return chat.ChatMessage(
            title=_("Key-account CRM: for %(person)s") % {"person": notification.recipient},
            text=notification.text, link=link, mentions=_mentions(delivery.channel.kind, identity),
            kind=notification.kind, recipient=notification.recipient.username)


class DeliveryOutcome:
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


def delivery_attempt(*, delivery_id: int, final: bool) -> str:
    """Send one delivery once: a sent or failed delivery is left as it is (a job delivered twice sends nothing
    twice), an inactive channel fails it. Each attempt is counted and the service's answer logged; an answer
    that is not a success is `RETRY` unless this is the `final` attempt (then `FAILED`)."""
    delivery = (Delivery.objects.select_related("channel", "notification__recipient", "requested_by")
                .filter(pk=delivery_id).first())
    if delivery is None or delivery.status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        return DeliveryOutcome.SKIPPED
    return _attempt(delivery, final=final)


def _attempt(delivery: Delivery, *, final: bool) -> str:
    """One attempt at a delivery as it was read (`delivery_attempt`)."""
    now = timezone.now()
    # Claim this attempt: of two workers holding the same delivery (a redelivered job, acks late), the one whose
    # update finds the attempt count it read sends; the other sends nothing.
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING], attempts=delivery.attempts,
    ).update(attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return DeliveryOutcome.SKIPPED
    channel = delivery.channel
    if not channel.active and not delivery.is_test:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=encode(Text(gettext_lazy("The channel is switched off."))),
            last_attempt_at=now)
        return DeliveryOutcome.FAILED
    request = chat.build_request(channel.kind, channel.url, unseal(channel.secret_sealed), delivery_message(delivery))
    answer = chat.post(channel.kind, request)
    if answer.delivered:
        status, outcome = DeliveryStatus.SENT, DeliveryOutcome.SENT
    elif final:
        status, outcome = DeliveryStatus.FAILED, DeliveryOutcome.FAILED
    else:
        status, outcome = DeliveryStatus.RETRYING, DeliveryOutcome.RETRY
    Delivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.SENT).update(
        status=status, response_code=answer.status, response_body=answer.body,
        error=answer.error[:300], last_attempt_at=now, sent_at=now if answer.delivered else None)
    log = logger.info if answer.delivered else logger.warning
    log("chat delivery %s to channel %s: %s (HTTP %s)", delivery.pk, channel.pk, outcome, answer.status)
    return outcome


def delivery_retry_countdown(retries: int) -> int:
    """Seconds before the next attempt: the base doubled at each retry, at most an hour, with up to 20 % jitter
    (so deliveries that failed together do not retry together)."""
    base = settings.CHAT_RETRY_BASE_SECONDS * (2 ** retries)
    return min(3600, base + secrets.randbelow(max(1, base // 5) + 1))
