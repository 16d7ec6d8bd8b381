"""The calendar feed: it parses with icalendar, holds the person's own agenda (activities, team meetings, tender
key dates) and none of another team's, keeps UIDs stable with a growing SEQUENCE, shows deleted events as
cancelled, and its token stops working once regenerated."""

from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from integrations import services
from opportunities.models import Activity
from team_selling.models import TeamMeeting
from tests.factories import ActivityFactory, BidProjectFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def feed_of(client, user):
    token = services.calendar_feed_token(user=user)
    response = client.get(reverse("integrations:calendar-feed", args=[token]))
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def events(cal):
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


def at(days, hours=0):
    return timezone.now().replace(microsecond=0) + timedelta(days=days, hours=hours)


@pytest.fixture
def agenda(owner, teammate, outsider):
    """owner's agenda: an activity, a meeting they attend on a teammate's opportunity, a tender key date and a
    delivery date; beside it what must not show: a teammate's own call, an outsider's meeting, old and far ones."""
    from bids.services import bid_sync_agenda

    mine = OpportunityFactory(primary_owner=owner, name="宝钢数控改造")
    theirs = OpportunityFactory(primary_owner=teammate, name="上汽机器人")
    a = {}
    a["visit"] = ActivityFactory(opportunity=mine, subject="拜访宝钢设备部", due_at=at(2), location="宝山")
    meeting = ActivityFactory(opportunity=theirs, subject="技术交流会", due_at=at(5))
    meeting.participants.add(owner)
    TeamMeeting.objects.create(opportunity=theirs, activity=meeting, meeting_type="technical_exchange",
                               agenda="方案评审", ends_at=meeting.due_at + timedelta(hours=3))
    a["meeting"] = meeting
    a["past"] = ActivityFactory(opportunity=mine, subject="上月回访", due_at=at(-20))
    a["too_old"] = ActivityFactory(opportunity=mine, subject="很久以前", due_at=at(-45))
    a["too_far"] = ActivityFactory(opportunity=mine, subject="明年的事", due_at=at(120))
    a["teammate_own"] = ActivityFactory(opportunity=theirs, subject="同事自己的电话", kind="call", due_at=at(1))
    a["outsider"] = ActivityFactory(opportunity=OpportunityFactory(primary_owner=outsider), subject="别的团队会议",
                                    due_at=at(3))
    bid = BidProjectFactory(opportunity=mine, submission_at=at(10), delivery_date=(at(40)).date(),
                            delivery_place="上海宝山")
    bid_sync_agenda(bid=bid, by=owner)
    a["bid"] = bid
    a["key_date"] = bid.agenda_entries.get().activity
    return a


def test_the_feed_has_my_agenda_and_nothing_else(client, owner, agenda):
    cal = feed_of(client, owner)
    found = events(cal)
    expected = {f"activity-{agenda[name].pk}@keyaccount-crm" for name in ("visit", "meeting", "past", "key_date")}
    expected.add(f"bid-{agenda['bid'].pk}-delivery@keyaccount-crm")
    assert set(found) == expected
    summaries = " ".join(str(event["SUMMARY"]) for event in found.values())
    for absent in ("同事自己的电话", "别的团队会议", "很久以前", "明年的事"):
        assert absent not in summaries

    visit = found[f"activity-{agenda['visit'].pk}@keyaccount-crm"]
    assert "拜访宝钢设备部" in str(visit["SUMMARY"]) and str(visit["LOCATION"]) == "宝山"
    assert visit["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert visit.decoded("DTSTART") == agenda["visit"].due_at
    assert visit.decoded("DTEND") - visit.decoded("DTSTART") == timedelta(hours=1)
    assert str(visit["STATUS"]) == "CONFIRMED"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]

    meeting = found[f"activity-{agenda['meeting'].pk}@keyaccount-crm"]
    assert meeting.decoded("DTEND") - meeting.decoded("DTSTART") == timedelta(hours=3)
    assert "方案评审" in str(meeting["DESCRIPTION"])

    delivery = found[f"bid-{agenda['bid'].pk}-delivery@keyaccount-crm"]
    assert delivery.decoded("DTSTART") == agenda["bid"].delivery_date  # a date: an all-day event
    assert delivery["DTSTART"].params.get("VALUE") == "DATE"
    assert delivery.decoded("DTEND") == agenda["bid"].delivery_date + timedelta(days=1)


def test_another_teams_person_sees_none_of_it(client, outsider, agenda):
    found = events(feed_of(client, outsider))
    assert set(found) == {f"activity-{agenda['outsider'].pk}@keyaccount-crm"}


def test_a_moved_event_keeps_its_uid_with_a_higher_sequence(client, owner, agenda):
    from opportunities.services import activity_update

    uid = f"activity-{agenda['visit'].pk}@keyaccount-crm"
    before = events(feed_of(client, owner))[uid]
    agenda["visit"].updated_at = agenda["visit"].updated_at - timedelta(minutes=5)
    Activity.objects.filter(pk=agenda["visit"].pk).update(updated_at=agenda["visit"].updated_at)
    before = events(feed_of(client, owner))[uid]
    activity_update(activity=agenda["visit"], by=owner, data={"due_at": at(3)})
    after = events(feed_of(client, owner))[uid]
    assert after.decoded("DTSTART") != before.decoded("DTSTART")
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_a_deleted_activity_shows_cancelled(client, owner, teammate, agenda):
    from opportunities.services import activity_delete

    meeting = agenda["meeting"]
    uid = f"activity-{meeting.pk}@keyaccount-crm"
    activity_delete(activity=meeting, by=teammate)
    for person in (owner, teammate):  # an attendee and the owner
        cancelled = events(feed_of(client, person))[uid]
        assert str(cancelled["STATUS"]) == "CANCELLED"
        assert str(cancelled["SUMMARY"]) == "技术交流会"


def test_a_regenerated_token_is_refused(client, api_as, owner, agenda):
    api = api_as(owner)
    first = api.get(reverse("v1:calendar-feed")).json()["url"]
    assert api.get(reverse("v1:calendar-feed")).json()["url"] == first  # the same address until regenerated
    assert client.get(first).status_code == 200
    second = api.post(reverse("v1:calendar-feed")).json()["url"]
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.get(reverse("integrations:calendar-feed", args=["x" * 43])).status_code == 404


def test_the_token_is_long_random_and_not_stored_in_clear(owner):
    from integrations.models import CalendarFeed

    token = services.calendar_feed_token(user=owner)
    assert len(token) >= 43
    feed = CalendarFeed.objects.get(user=owner)
    assert token not in feed.token_sealed and token != feed.token_hash


def test_the_feed_api_needs_a_sign_in(api):
    assert api.get(reverse("v1:calendar-feed")).status_code == 401
    assert api.post(reverse("v1:calendar-feed")).status_code == 401


def test_an_inactive_persons_feed_is_gone(client, owner):
    token = services.calendar_feed_token(user=owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert client.get(reverse("integrations:calendar-feed", args=[token])).status_code == 404


def test_feed_reads_are_throttled(client, owner, settings):
    settings.CALENDAR_FEED_RATE_PER_MINUTE = 2
    from django.core.cache import cache

    cache.clear()
    url = reverse("integrations:calendar-feed", args=[services.calendar_feed_token(user=owner)])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()


def test_the_feed_costs_the_same_queries_whatever_its_size(client, owner):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("integrations:calendar-feed", args=[services.calendar_feed_token(user=owner)])
    client.get(url)  # the first read of the hour notes the time; the ones measured below do not write
    mine = OpportunityFactory(primary_owner=owner)
    counts = []
    for size in (2, 8):
        while Activity.objects.filter(owner=owner).count() < size:
            ActivityFactory(opportunity=mine, due_at=at(Activity.objects.count() + 1))
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_settings_page_shows_the_address_and_makes_a_new_one(client, owner):
    client.force_login(owner)
    page = client.get(reverse("my-settings"))
    assert page.status_code == 200
    token = services.calendar_feed_token(user=owner)
    html = page.content.decode()
    assert f"/calendar/{token}.ics" in html and 'data-testid="calendar-card"' in html
    assert 'data-testid="chat-card"' in html
    response = client.post(reverse("integrations:calendar-regenerate"), {"form_token": "t" * 24})
    assert response.status_code == 302
    new = services.calendar_feed_token(user=owner)
    assert new != token
    # The same form sent again (a double click) does not replace the new address.
    client.post(reverse("integrations:calendar-regenerate"), {"form_token": "t" * 24})
    assert services.calendar_feed_token(user=owner) == new


def test_chat_accounts_form_saves_and_refuses_bad_input(client, owner):
    client.force_login(owner)
    client.post(reverse("integrations:chat-accounts"), {"wecom_userid": "zhangwei", "feishu_open_id": "ou_1"})
    assert owner.chat_identity.wecom_userid == "zhangwei"
    response = client.post(reverse("integrations:chat-accounts"), {"wecom_userid": "<script>"}, follow=True)
    assert response.status_code == 200
    owner.chat_identity.refresh_from_db()
    assert owner.chat_identity.wecom_userid == "zhangwei"
    assert "angle brackets" in response.content.decode() or "尖括号" in response.content.decode()


def test_the_settings_page_needs_a_sign_in(client):
    response = client.get(reverse("my-settings"))
    assert response.status_code == 302 and "/login/" in response["Location"]
