"""Notification rules: administrators choose among the kinds of notification the apps declare, in the admin
(through integrations.services.rule_save); a kind nobody leaves is refused instead of matching nothing."""

import pytest
from django.urls import reverse

from crm.errors import DomainError, PermissionDenied
from integrations import services
from integrations.models import ChannelKind, NotificationRule, RuleTarget
from teams.services import notification_kinds, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(admin_user):
    return services.channel_save(by=admin_user, data={"kind": ChannelKind.WECOM, "name": "华东群",
                                                      "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"})


def test_every_area_declares_the_notifications_it_leaves():
    kinds = notification_kinds()
    for kind in ("customer_assigned", "opportunity_stage", "forecast_submitted", "forecast_returned",
                 "bid_deadline", "quota_approved", "meeting_scheduled"):
        assert kind in kinds and str(kinds[kind])


def test_a_notification_of_a_kind_no_app_declares_is_a_programming_error(owner):
    with pytest.raises(ValueError, match="forecast_submited"):
        notify(recipient=owner, kind="forecast_submited", message="x")
    assert not owner.notifications.exists()


def test_rule_save_refuses_an_unknown_kind_and_accepts_every_kind(admin_user, owner, group):
    with pytest.raises(DomainError) as refused:
        services.rule_save(by=admin_user, data={"kind": "forecast_submited", "target": RuleTarget.CHANNEL,
                                                "channel": group})
    assert refused.value.field == "kind"
    with pytest.raises(DomainError) as no_channel:
        services.rule_save(by=admin_user, data={"kind": "forecast_submitted", "target": RuleTarget.CHANNEL})
    assert no_channel.value.field == "channel"
    with pytest.raises(PermissionDenied):
        services.rule_save(by=owner, data={"kind": "*", "target": RuleTarget.RECIPIENT_TEAM})
    team_rule = services.rule_save(by=admin_user, data={"kind": "*", "target": RuleTarget.RECIPIENT_TEAM,
                                                        "channel": group})
    assert team_rule.channel is None  # the recipient's team channel: no named channel kept
    assert team_rule.history.first().history_user == admin_user
    assert NotificationRule.objects.count() == 1


def test_the_admin_offers_the_kinds_by_name_and_saves_through_the_service(client, admin_user, group):
    client.force_login(admin_user)
    url = reverse("admin:integrations_notificationrule_add")
    page = client.get(url)  # in the administrator's language, Chinese
    assert "您的预测被退回 (forecast_returned)".encode() in page.content
    refused = client.post(url, {"kind": "forecast_submited", "target": "channel", "channel": group.pk,
                                "mention": "on", "active": "on"})
    assert refused.status_code == 200 and not NotificationRule.objects.exists()  # the form says why
    no_channel = client.post(url, {"kind": "forecast_returned", "target": "channel", "mention": "on", "active": "on"})
    assert no_channel.status_code == 200 and not NotificationRule.objects.exists()
    assert "channel" in no_channel.context["adminform"].form.errors  # rule_check's message, beside its field
    saved = client.post(url, {"kind": "forecast_returned", "target": "channel", "channel": group.pk,
                              "mention": "on", "active": "on"})
    assert saved.status_code == 302
    rule = NotificationRule.objects.get()
    assert (rule.kind, rule.channel, rule.history.first().history_user) == ("forecast_returned", group, admin_user)
    listing = client.get(reverse("admin:integrations_notificationrule_changelist"))
    assert "您的预测被退回".encode() in listing.content
