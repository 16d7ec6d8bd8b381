"""The calendar feed (RFC 5545, built with `icalendar`) of one person's agenda: the activities they own or
take part in, which include the team meetings (an activity with a type, an agenda and an end) and the
tenders' key dates (activities the tender record keeps in step), plus the delivery dates of the tenders of
the opportunities they are on (all-day events), from CALENDAR_PAST_DAYS ago to CALENDAR_FUTURE_DAYS ahead.

Every event has a UID that stays with its record (`activity-<id>@…`), a SEQUENCE and LAST-MODIFIED from the
record's update time, so a calendar that subscribed sees a moved meeting move; a deleted record stays in the
feed as STATUS:CANCELLED for CANCELLED_KEPT_DAYS (CalendarCancellation), then drops out. Times carry the
company's time zone (TZID of settings.TIME_ZONE, with its VTIMEZONE).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bids.models import BidProject, BidStatus
from integrations.models import CalendarCancellation
from integrations.services import CANCELLED_KEPT_DAYS
from opportunities.models import Activity, ActivityKind
from teams.models import User

CALENDAR_PAST_DAYS = 30
CALENDAR_FUTURE_DAYS = 90
# Host-independent: the same record keeps its UID whatever address the CRM is reached at.
UID_DOMAIN = "keyaccount-crm"
# An activity without an end lasts this long in a calendar.
LONG_KINDS = {ActivityKind.MEETING, ActivityKind.VISIT, ActivityKind.SEMINAR, ActivityKind.DEMO}
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
PRODID = "-//Key-account CRM//Calendar feed//EN"


def activity_uid(activity_id: int) -> str:
    return f"activity-{activity_id}@{UID_DOMAIN}"


def bid_delivery_uid(bid_id: int) -> str:
    return f"bid-{bid_id}-delivery@{UID_DOMAIN}"


def _sequence(when: datetime) -> int:
    """A SEQUENCE that grows with each change: seconds since 2020 of the record's update time."""
    return max(0, int((when - SEQUENCE_EPOCH).total_seconds()))


def activity_default_end(activity: Activity) -> datetime:
    return activity.due_at + timedelta(hours=1 if activity.kind in LONG_KINDS else 0.5)


def activity_end(activity: Activity) -> datetime:
    meeting = getattr(activity, "team_meeting", None)
    if meeting is not None and meeting.ends_at and meeting.ends_at > activity.due_at:
        return meeting.ends_at
    return activity_default_end(activity)


def feed_window() -> tuple[datetime, datetime]:
    now = timezone.now()
    return now - timedelta(days=CALENDAR_PAST_DAYS), now + timedelta(days=CALENDAR_FUTURE_DAYS)


def feed_activities(user: User) -> list[Activity]:
    """The person's own agenda in the feed's window: activities they own or take part in (among those they may
    see), with their meeting and tender date. Two queries."""
    start, end = feed_window()
    mine = Q(owner=user) | Q(pk__in=Activity.participants.through.objects.filter(user=user).values("activity_id"))
    return list(Activity.objects.visible_to(user).filter(mine, due_at__gte=start, due_at__lt=end)
                .select_related("customer", "opportunity", "team_meeting", "bid_agenda_entry")
                .order_by("due_at", "pk"))


def feed_bid_deliveries(user: User) -> list[BidProject]:
    """Delivery dates (date only) of the tenders of opportunities the person owns or is on the team of."""
    start, end = feed_window()
    on_team = Q(opportunity__primary_owner=user) | Q(opportunity__team__user=user)
    return list(BidProject.objects.visible_to(user).filter(on_team).filter(
        delivery_date__gte=timezone.localdate(start), delivery_date__lt=timezone.localdate(end))
        .select_related("opportunity").distinct().order_by("delivery_date", "pk"))


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else ""


def _activity_event(activity: Activity, zone: ZoneInfo, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", activity_uid(activity.pk))
    event.add("dtstamp", stamp)
    event.add("dtstart", activity.due_at.astimezone(zone))
    event.add("dtend", activity_end(activity).astimezone(zone))
    meeting = getattr(activity, "team_meeting", None)
    updated = max(activity.updated_at, meeting.updated_at) if meeting is not None else activity.updated_at
    event.add("created", activity.created_at)
    event.add("last-modified", updated)
    event.add("sequence", _sequence(updated))
    label = meeting.get_meeting_type_display() if meeting is not None else activity.get_kind_display()
    entry = getattr(activity, "bid_agenda_entry", None)
    if entry is not None:
        label = _("Tender key date")
    event.add("summary", f"[{label}] {activity.subject}")
    event.add("categories", [str(label)])
    if activity.location:
        event.add("location", activity.location)
    lines = [f"{_('Customer')}: {activity.customer}"]
    if activity.opportunity is not None:
        lines.append(f"{_('Opportunity')}: {activity.opportunity}")
    if meeting is not None and meeting.agenda:
        lines += ["", f"{_('Agenda')}:", meeting.agenda]
    if activity.notes:
        lines += ["", activity.notes[:2000]]
    page = activity.opportunity.get_absolute_url() if activity.opportunity is not None else ""
    if _absolute(page):
        lines += ["", _absolute(page)]
        event.add("url", _absolute(page))
    event.add("description", "\n".join(lines))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE" if activity.kind in LONG_KINDS else "TRANSPARENT")
    return event


def _bid_delivery_event(bid: BidProject, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", bid_delivery_uid(bid.pk))
    event.add("dtstamp", stamp)
    # A date without a time: an all-day event (DTSTART;VALUE=DATE, DTEND the next day).
    event.add("dtstart", bid.delivery_date)
    event.add("dtend", bid.delivery_date + timedelta(days=1))
    event.add("created", bid.created_at)
    event.add("last-modified", bid.updated_at)
    event.add("sequence", _sequence(bid.updated_at))
    event.add("summary", f"[{_('Delivery date')}] {bid.opportunity}")
    event.add("categories", [_("Tender key date")])
    if bid.delivery_place:
        event.add("location", bid.delivery_place)
    page = _absolute(reverse("bids:bid-detail", args=[bid.pk]))
    if page:
        event.add("url", page)
    event.add("description", "\n".join(filter(None, [f"{_('Opportunity')}: {bid.opportunity}", page])))
    event.add("status", "CANCELLED" if bid.status == BidStatus.CANCELLED else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event


def _cancelled_event(row: CalendarCancellation, zone: ZoneInfo, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", row.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", row.starts_at.astimezone(zone))
    event.add("dtend", row.ends_at.astimezone(zone))
    event.add("last-modified", row.cancelled_at)
    event.add("sequence", _sequence(row.cancelled_at))
    event.add("summary", row.summary)
    event.add("status", "CANCELLED")
    event.add("transp", "TRANSPARENT")
    return event


def calendar_feed(user: User) -> bytes:
    """The person's agenda as an iCalendar file, in their language. Four queries whatever its size."""
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = timezone.now()
    start, end = feed_window()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        cal = icalendar.Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", _("CRM agenda: %(person)s") % {"person": user})
        cal.add("x-wr-timezone", settings.TIME_ZONE)
        # Calendar apps poll at their own pace; this asks for about every half hour.
        cal.add("refresh-interval", timedelta(minutes=30), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT30M")
        live_uids = set()
        for activity in feed_activities(user):
            cal.add_component(_activity_event(activity, zone, stamp))
            live_uids.add(activity_uid(activity.pk))
        for bid in feed_bid_deliveries(user):
            cal.add_component(_bid_delivery_event(bid, stamp))
        cancelled = (CalendarCancellation.objects.filter(
            user=user, cancelled_at__gte=stamp - timedelta(days=CANCELLED_KEPT_DAYS),
            starts_at__gte=start, starts_at__lt=end).order_by("uid", "-cancelled_at"))
        for row in cancelled:
            if row.uid not in live_uids:  # the newest cancellation of a UID only
                cal.add_component(_cancelled_event(row, zone, stamp))
                live_uids.add(row.uid)
        cal.add_missing_timezones()
    return cal.to_ical()
