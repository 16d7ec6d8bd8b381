"""Chat channels: each service's message shape and signature checked by a local receiver, rules choosing the
channel, retries and the delivery log when the service fails, and a request that notifies still succeeding."""

import base64
import hashlib
import hmac
import urllib.parse
from datetime import date, timedelta

import pytest
from django.urls import reverse

from crm.models import Job, JobState
from integrations import services
from integrations.models import ChannelKind, Delivery, DeliveryStatus, NotificationChannel, NotificationRule
from teams.models import OrgUnitKind
from teams.services import notify
from tests.factories import ManagerFactory, OrgUnitFactory, UserFactory, ensure_forecast_config

pytestmark = pytest.mark.django_db


def channel(kind, url, secret="", **extra):
    data = {"kind": kind, "name": f"{kind} 群", "url": url, **extra}
    if secret:
        data["secret"] = secret
    admin = UserFactory(username=f"admin-{kind}", role="admin")
    return services.channel_save(by=admin, data=data)


def rule(kind, target_channel=None, **extra):
    return NotificationRule.objects.create(kind=kind, channel=target_channel,
                                           target="channel" if target_channel else "recipient_team", **extra)


def notify_and_send(capture, recipient, kind="forecast_submitted", message="张伟提交了2026年第二季度的预测"):
    with capture(execute=True):
        notify(recipient=recipient, kind=kind, message=message, url="/forecasts/7/")


def test_wecom_markdown_with_a_mention(receiver, owner, django_capture_on_commit_callbacks):
    wecom = channel(ChannelKind.WECOM, receiver.url)
    rule("forecast_submitted", wecom)
    services.chat_identity_save(user=owner, data={"wecom_userid": "zhangwei"})
    notify_and_send(django_capture_on_commit_callbacks, owner)

    [request] = receiver.requests
    body = request.json
    assert request.path == "/robot/send?access_token=abc"
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert "张伟提交了2026年第二季度的预测" in content
    assert "<@zhangwei>" in content
    assert "https://crm.example.com/forecasts/7/" in content
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.SENT, 1, 200)


def test_dingtalk_markdown_signed_on_the_address(receiver, owner, django_capture_on_commit_callbacks):
    secret = "SECa1b2c3d4e5f6"
    ding = channel(ChannelKind.DINGTALK, receiver.url, secret)
    rule("forecast_submitted", ding)
    services.chat_identity_save(user=owner, data={"dingtalk_user_id": "dt-001", "dingtalk_mobile": "13800000000"})
    notify_and_send(django_capture_on_commit_callbacks, owner)

    [request] = receiver.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
    assert query["access_token"] == ["abc"]
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    assert len(timestamp) == 13  # milliseconds
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert sign == expected
    body = request.json
    assert body["msgtype"] == "markdown"
    assert set(body["markdown"]) == {"title", "text"}
    assert "张伟提交了2026年第二季度的预测" in body["markdown"]["text"]
    assert body["at"]["atUserIds"] == ["dt-001"] and body["at"]["atMobiles"] == ["13800000000"]
    assert "@dt-001" in body["markdown"]["text"]


def test_feishu_text_signed_in_the_body(receiver, owner, django_capture_on_commit_callbacks):
    receiver.answer = {"code": 0, "msg": "success"}
    secret = "feishu-signing-key"
    bot = channel(ChannelKind.FEISHU, receiver.url, secret)
    rule("forecast_submitted", bot)
    services.chat_identity_save(user=owner, data={"feishu_open_id": "ou_7d8a6e6df7621556ce0d21922b676706ccs"})
    notify_and_send(django_capture_on_commit_callbacks, owner)

    body = receiver.requests[0].json
    assert body["msg_type"] == "text"
    assert "张伟提交了2026年第二季度的预测" in body["content"]["text"]
    assert '<at user_id="ou_7d8a6e6df7621556ce0d21922b676706ccs"></at>' in body["content"]["text"]
    timestamp = body["timestamp"]
    assert len(timestamp) == 10  # seconds
    expected = base64.b64encode(hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_feishu_refusal_in_a_200_is_not_delivered(receiver, owner, django_capture_on_commit_callbacks):
    receiver.answer = {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}
    rule("forecast_submitted", channel(ChannelKind.FEISHU, receiver.url, "k"))
    notify_and_send(django_capture_on_commit_callbacks, owner)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "sign match fail" in delivery.response_body


def test_generic_webhook_signature(receiver, owner, django_capture_on_commit_callbacks):
    receiver.answer = "accepted"
    secret = "shared-secret-1234"
    hook = channel(ChannelKind.WEBHOOK, receiver.url, secret)
    rule("*", hook)
    notify_and_send(django_capture_on_commit_callbacks, owner, kind="customer_assigned")

    [request] = receiver.requests
    timestamp = request.headers["X-CRM-Timestamp"]
    signed = hmac.new(secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-CRM-Signature"] == f"sha256={signed}"
    assert request.headers["Content-Type"].startswith("application/json")
    body = request.json
    assert (body["kind"], body["recipient"], body["link"]) == ("customer_assigned", "owner",
                                                               "https://crm.example.com/forecasts/7/")
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_webhook_without_a_secret_is_refused(admin_user):
    from crm.errors import DomainError

    with pytest.raises(DomainError):
        services.channel_save(by=admin_user, data={"kind": "webhook", "name": "ERP", "url": "http://127.0.0.1:9/"})


def test_rules_pick_the_recipients_team_channel_up_the_chart(receiver, django_capture_on_commit_callbacks):
    region = OrgUnitFactory(name="华东区", kind=OrgUnitKind.REGION)
    team = OrgUnitFactory(name="上海一组", kind=OrgUnitKind.TEAM, parent=region)
    other = OrgUnitFactory(name="广州组", kind=OrgUnitKind.TEAM)
    person = UserFactory(username="am-shanghai", org_unit=team)
    stranger = UserFactory(username="am-guangzhou", org_unit=other)
    region_channel = channel(ChannelKind.WECOM, receiver.url, org_unit=region)
    rule("bid_deadline")  # to the recipient's team channel
    notify_and_send(django_capture_on_commit_callbacks, person, kind="bid_deadline", message="投标截止还有3天")
    notify_and_send(django_capture_on_commit_callbacks, stranger, kind="bid_deadline", message="投标截止还有3天")
    notify_and_send(django_capture_on_commit_callbacks, person, kind="customer_assigned", message="无规则")
    # The Shanghai team has no channel: its region's gets it; Guangzhou has none up its chart; no rule, nothing.
    assert [d.channel_id for d in Delivery.objects.all()] == [region_channel.pk]
    assert len(receiver.requests) == 1


def test_a_tender_key_date_in_three_days_goes_to_the_owners_team_channel_once(
        receiver, owner, team, django_capture_on_commit_callbacks):
    """bids' daily reminder (kind bid_deadline) through a rule to the recipient's team channel, end to end: the
    owner's team robot gets one message naming the tender and linking to its record; the next run sends none."""
    import time_machine
    from django.utils import timezone

    from bids import tasks
    from tests.factories import BidProjectFactory, OpportunityFactory, TeamMemberFactory, stage

    team_channel = channel(ChannelKind.WEBHOOK, receiver.url, "shared-secret-1234", org_unit=team)
    rule("bid_deadline")  # to the recipient's team channel
    services.chat_identity_save(user=owner, data={"wecom_userid": "zhangwei"})
    # A presales colleague of another unit, whose unit has no channel: reminded in the CRM, not in this group.
    presales = UserFactory(username="presales-elsewhere", org_unit=OrgUnitFactory(name="解决方案部"))
    opportunity = OpportunityFactory(primary_owner=owner, name="华远数据中心扩容", stage=stage("05"))
    TeamMemberFactory(opportunity=opportunity, user=presales)
    now = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    bid = BidProjectFactory(opportunity=opportunity, submission_at=now.replace(hour=17) + timedelta(days=3))
    with time_machine.travel(now, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.bid_deadline_reminders() == 2
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.bid_deadline_reminders() == 0

    [request] = receiver.requests
    body = request.json
    assert (body["kind"], body["recipient"]) == ("bid_deadline", "owner")
    assert "华远数据中心扩容" in body["text"] and "投标截止" in body["text"]
    assert body["link"] == f"https://crm.example.com/bids/{bid.pk}/"
    assert body["mentions"] == {"wecom": "zhangwei"}
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status) == (team_channel, DeliveryStatus.SENT)
    assert presales.notifications.filter(kind="bid_deadline").count() == 1


def test_a_failing_service_is_retried_then_logged_failed(receiver, owner, django_capture_on_commit_callbacks):
    receiver.status, receiver.answer = 502, "bad gateway"
    rule("forecast_submitted", channel(ChannelKind.WECOM, receiver.url))
    notify_and_send(django_capture_on_commit_callbacks, owner)

    # The first attempt and CHAT_DELIVERY_RETRIES (2) more, then failed with the service's answer.
    assert len(receiver.requests) == 3
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.FAILED, 3, 502)
    assert delivery.response_body == "bad gateway"
    job = Job.objects.get(task="integrations.delivery_send")
    assert job.state == JobState.FAILED and "HTTP 502" in job.last_error


def test_a_service_that_recovers_is_sent_on_a_retry(receiver, owner, django_capture_on_commit_callbacks,
                                                    monkeypatch):
    from integrations import chat

    real_post, calls = chat.post, []

    def flaky(kind, request, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            return chat.ChatAnswer(False, None, "", "URLError: connection refused")
        return real_post(kind, request, **kwargs)

    monkeypatch.setattr(chat, "post", flaky)
    rule("forecast_submitted", channel(ChannelKind.WECOM, receiver.url))
    notify_and_send(django_capture_on_commit_callbacks, owner)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(receiver.requests) == 1


def test_submitting_a_forecast_succeeds_while_the_chat_service_is_down(receiver, api_as,
                                                                       django_capture_on_commit_callbacks):
    """The manager's channel is down: the forecast is submitted (200), the manager has the notification, the
    delivery is retried and logged failed."""
    from forecasting.models import PeriodKind
    from forecasting.services import period_create

    ensure_forecast_config()
    team = OrgUnitFactory(name="上海一组", kind=OrgUnitKind.TEAM)
    lead = ManagerFactory(username="lead", org_unit=team)
    person = UserFactory(username="am", manager=lead, org_unit=team)
    period = period_create(kind=PeriodKind.QUARTER, start=date(2026, 4, 1), by=None)
    receiver.status = 500
    channel(ChannelKind.DINGTALK, receiver.url, "SECxyz", org_unit=team)
    rule("forecast_submitted")

    client = api_as(person)
    record = client.post(reverse("v1:forecast-list"), {"period": period.pk}, format="json")
    assert record.status_code == 201, record.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("v1:forecast-submit", args=[record.json()["id"]]), {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert lead.notifications.filter(kind="forecast_submitted").count() == 1
    assert len(receiver.requests) == 3
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


def test_a_broken_listener_never_fails_the_notification(owner, monkeypatch):
    import integrations.services

    def broken(notifications):
        raise RuntimeError("chat configuration unreadable")

    monkeypatch.setattr(integrations.services, "notifications_dispatch", broken)
    notify(recipient=owner, kind="forecast_submitted", message="x")
    assert owner.notifications.count() == 1


def test_the_secret_is_encrypted_masked_and_write_only(api_as, admin_user, receiver):
    client = api_as(admin_user)
    response = client.post(reverse("v1:notification-channel-list"), {
        "kind": "dingtalk", "name": "华东区钉钉群", "url": receiver.url, "secret": "SECsupersecret9876"},
        format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert "secret" not in data and data["secret_masked"] == "••••9876"
    stored = NotificationChannel.objects.get(pk=data["id"])
    assert "SECsupersecret9876" not in stored.secret_sealed and stored.secret_sealed
    listed = client.get(reverse("v1:notification-channel-list")).json()["results"]
    assert "SECsupersecret9876" not in str(listed)
    history = stored.history.first()
    assert not hasattr(history, "secret_sealed") or "SECsupersecret9876" not in str(history.secret_sealed)
    # A PATCH without the secret keeps it; "" removes it.
    client.patch(reverse("v1:notification-channel-detail", args=[stored.pk]), {"active": False}, format="json")
    stored.refresh_from_db()
    assert stored.secret_last4 == "9876" and not stored.active
    client.patch(reverse("v1:notification-channel-detail", args=[stored.pk]), {"secret": ""}, format="json")
    stored.refresh_from_db()
    assert (stored.secret_sealed, stored.secret_masked) == ("", "")


def test_channel_api_is_for_administrators(api, api_as, owner, manager, admin_user, receiver):
    assert api.get(reverse("v1:notification-channel-list")).status_code == 401
    for person in (owner, manager):
        assert api_as(person).get(reverse("v1:notification-channel-list")).status_code == 403
        assert api_as(person).post(reverse("v1:notification-channel-list"), {
            "kind": "wecom", "name": "x", "url": receiver.url}, format="json").status_code == 403
    wecom = channel(ChannelKind.WECOM, receiver.url)
    assert api_as(owner).post(reverse("v1:notification-channel-test", args=[wecom.pk])).status_code == 403
    assert receiver.requests == []


def test_send_a_test_message_from_the_api(api_as, admin_user, receiver, django_capture_on_commit_callbacks):
    wecom = channel(ChannelKind.WECOM, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(admin_user).post(reverse("v1:notification-channel-test", args=[wecom.pk]))
    assert response.status_code == 202, response.content
    assert {"id", "status", "job", "attempts"} <= set(response.json())
    delivery = Delivery.objects.get(pk=response.json()["id"])
    assert delivery.is_test and delivery.status == DeliveryStatus.SENT
    assert "test" in receiver.requests[0].json["markdown"]["content"].lower() or "测试" in \
        receiver.requests[0].json["markdown"]["content"]
    log = api_as(admin_user).get(reverse("v1:notification-channel-deliveries", args=[wecom.pk])).json()
    assert [row["status"] for row in log["results"]] == ["sent"]


def test_a_test_message_to_a_dead_service_fails_at_once(api_as, admin_user, receiver,
                                                        django_capture_on_commit_callbacks):
    receiver.status = 404
    wecom = channel(ChannelKind.WECOM, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(admin_user).post(reverse("v1:notification-channel-test", args=[wecom.pk]))
    assert response.status_code == 202
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.FAILED, 1, 404)
    assert len(receiver.requests) == 1


def test_a_double_click_on_send_test_sends_one_message(client, admin_user, receiver,
                                                       django_capture_on_commit_callbacks):
    wecom = channel(ChannelKind.WECOM, receiver.url)
    client.force_login(admin_user)
    url = reverse("admin:integrations_notificationchannel_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"action": "send_test", "_selected_action": [wecom.pk]})
        second = client.post(url, {"action": "send_test", "_selected_action": [wecom.pk]})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Delivery.objects.count() == 1 and len(receiver.requests) == 1
    assert Job.objects.filter(task=services.DELIVERY_TASK).count() == 1


def test_chat_identity_is_checked(owner):
    from crm.errors import DomainError

    with pytest.raises(DomainError):
        services.chat_identity_save(user=owner, data={"wecom_userid": "zhang wei"})
    with pytest.raises(DomainError):
        services.chat_identity_save(user=owner, data={"dingtalk_mobile": "call me"})
    saved = services.chat_identity_save(user=owner, data={"dingtalk_mobile": "+86-13800000000"})
    assert saved.dingtalk_mobile == "+86-13800000000"


def test_two_workers_holding_one_delivery_send_it_once(receiver):
    # Two workers read the same pending delivery (a job delivered again, acks late): only one sends it.
    target = channel(ChannelKind.WEBHOOK, receiver.url, secret="s3cret")
    delivery = Delivery.objects.create(channel=target, is_test=True)
    first = Delivery.objects.select_related("channel").get(pk=delivery.pk)
    second = Delivery.objects.select_related("channel").get(pk=delivery.pk)  # read before the first one sent
    assert services._attempt(first, final=False) == services.DeliveryOutcome.SENT
    assert services._attempt(second, final=False) == services.DeliveryOutcome.SKIPPED
    assert len(receiver.requests) == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1


def test_control_characters_never_reach_the_database(owner, admin_user):
    from crm.errors import DomainError

    with pytest.raises(DomainError):
        services.chat_identity_save(user=owner, data={"wecom_userid": "zhang\x00wei"})
    for bad in ({"name": "群\x00"}, {"url": "http://"}, {"url": "https://robot example.com/send"}):
        with pytest.raises(DomainError):
            services.channel_save(by=admin_user, data={
                "kind": ChannelKind.WECOM, "name": "群", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
                **bad})


def test_why_a_delivery_failed_reads_in_the_readers_language(receiver):
    from django.utils import translation

    from crm.stored_text import render

    target = channel(ChannelKind.WEBHOOK, receiver.url, secret="s3cret")
    NotificationChannel.objects.filter(pk=target.pk).update(active=False)
    delivery = Delivery.objects.create(channel=target, notification=None, is_test=False)
    assert services.delivery_attempt(delivery_id=delivery.pk, final=False) == services.DeliveryOutcome.FAILED
    stored = Delivery.objects.get(pk=delivery.pk).error
    with translation.override("en"):
        assert render(stored) == "The channel is switched off."
    with translation.override("zh-hans"):
        assert render(stored) == "该频道已停用。"
    assert receiver.requests == []
