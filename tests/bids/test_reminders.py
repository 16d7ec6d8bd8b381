"""The daily reminder of the tenders' key dates (bids.services.bid_deadline_reminders_send): the dates exactly
BID_DEADLINE_REMINDER_DAYS days ahead, to the primary owner and the sales team, once."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from bids import services, tasks
from bids.models import BidDeadlineReminder
from teams.models import Notification
from tests.factories import BidProjectFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 5, 4)


def at(day: int, hour: int = 17, minute: int = 0) -> datetime:
    return datetime.combine(date(2026, 5, day), time(hour, minute), tzinfo=SHANGHAI)


def sent_to(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind="bid_deadline").order_by("id"))


def test_a_key_date_three_days_ahead_reminds_the_owner_and_the_sales_team(opportunity, owner, presales, teammate,
                                                                          manager):
    bid = BidProjectFactory(opportunity=opportunity, submission_at=at(7), opening_at=at(8, 9))

    assert services.bid_deadline_reminders_send(today=TODAY) == 2

    [note] = sent_to(owner)
    assert note.url == f"/bids/{bid.pk}/"
    with translation.override("zh-hans"):
        assert note.text == ("还有3天：上海华远精密机械有限公司的大客户项目「华远数据中心扩容」投标截止，"
                             "2026年5月7日 17:00。")
    with translation.override("en"):
        assert note.text.startswith(
            "In 3 days: Bid submission deadline of the tender 华远数据中心扩容 (上海华远精密机械有限公司), 05/07/2026")
    assert len(sent_to(presales)) == 1
    # Not on the sales team: the owner's peer and manager are not reminded (the manager sees it on the workbench).
    assert sent_to(teammate) == [] and sent_to(manager) == []
    # The opening, four days ahead, is tomorrow's reminder.
    assert set(BidDeadlineReminder.objects.values_list("milestone", flat=True)) == {"submission"}


@pytest.mark.parametrize(("when", "reminded"), [
    (at(7, 0, 0), True), (at(7, 23, 59), True), (at(6, 23, 59), False), (at(8, 0, 0), False), (at(5), False),
])
def test_only_the_key_dates_on_exactly_that_day_in_company_time(opportunity, owner, when, reminded):
    BidProjectFactory(opportunity=opportunity, registration_at=when)
    assert services.bid_deadline_reminders_send(today=TODAY) == int(reminded)
    assert len(sent_to(owner)) == int(reminded)


def test_running_twice_the_same_day_reminds_once(opportunity, owner, presales):
    BidProjectFactory(opportunity=opportunity, clarification_at=at(7, 10), opening_at=at(7, 15))
    assert services.bid_deadline_reminders_send(today=TODAY) == 4  # two dates, two people
    assert services.bid_deadline_reminders_send(today=TODAY) == 0
    assert len(sent_to(owner)) == len(sent_to(presales)) == 2
    assert BidDeadlineReminder.objects.count() == 4


def test_someone_elses_tender_does_not_notify_you(opportunity, owner, outsider):
    theirs = OpportunityFactory(primary_owner=outsider, name="海河港务集团采购")
    BidProjectFactory(opportunity=theirs, submission_at=at(7))
    assert services.bid_deadline_reminders_send(today=TODAY) == 1
    assert sent_to(owner) == []
    [note] = sent_to(outsider)
    with translation.override("zh-hans"):
        assert "海河港务集团采购" in note.text


def test_closed_tenders_and_people_who_left_get_no_reminder(opportunity, owner, presales):
    BidProjectFactory(opportunity=OpportunityFactory(primary_owner=owner), submission_at=at(7), status="cancelled")
    BidProjectFactory(opportunity=opportunity, submission_at=at(7))
    presales.is_active = False
    presales.save(update_fields=["is_active"])
    assert services.bid_deadline_reminders_send(today=TODAY) == 1
    assert len(sent_to(owner)) == 1 and sent_to(presales) == []


def test_a_key_date_moved_to_another_day_is_reminded_again(opportunity, owner):
    bid = BidProjectFactory(opportunity=opportunity, submission_at=at(7))
    services.bid_deadline_reminders_send(today=TODAY)
    bid.submission_at = at(9)
    bid.save(update_fields=["submission_at"])
    assert services.bid_deadline_reminders_send(today=date(2026, 5, 6)) == 1
    assert len(sent_to(owner)) == 2


def test_the_number_of_days_is_a_setting(settings, opportunity, owner):
    BidProjectFactory(opportunity=opportunity, submission_at=at(5), opening_at=at(7))
    settings.BID_DEADLINE_REMINDER_DAYS = 1
    assert services.bid_deadline_reminders_send(today=TODAY) == 1
    [note] = sent_to(owner)
    with translation.override("zh-hans"):
        assert note.text.startswith("明天：上海华远精密机械有限公司的大客户项目「华远数据中心扩容」投标截止")
    settings.BID_DEADLINE_REMINDER_DAYS = 0
    assert services.bid_deadline_reminders_send(today=date(2026, 5, 7)) == 1
    with translation.override("en"):
        assert sent_to(owner)[-1].text.startswith("Today: Bid opening of the tender")


def test_a_reminder_sent_meanwhile_by_another_run_is_not_sent_again(opportunity, owner, presales, monkeypatch):
    """Between this run's read of the reminders sent and its insert, another worker reminded the owner: the
    constraint, not the read, decides."""
    bid = BidProjectFactory(opportunity=opportunity, submission_at=at(7))
    recipients = services._reminder_recipients

    def other_run_first(opportunity):
        BidDeadlineReminder.objects.create(bid=bid, milestone="submission", due_on=date(2026, 5, 7), recipient=owner)
        return recipients(opportunity)

    monkeypatch.setattr(services, "_reminder_recipients", other_run_first)
    assert services.bid_deadline_reminders_send(today=TODAY) == 1
    assert sent_to(owner) == [] and len(sent_to(presales)) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        BidDeadlineReminder.objects.create(bid=bid, milestone="submission", due_on=date(2026, 5, 7), recipient=presales)


def test_the_daily_task_runs_the_service_and_is_scheduled_at_eight(opportunity, owner, settings):
    import time_machine
    from django_celery_beat.models import PeriodicTask

    from crm.jobs import schedule_label

    BidProjectFactory(opportunity=opportunity, submission_at=at(7))
    with time_machine.travel(at(4, 8, 0), tick=False):
        assert tasks.bid_deadline_reminders() == 1
        assert tasks.bid_deadline_reminders() == 0
    periodic = PeriodicTask.objects.get(task="bids.deadline_reminders_send")
    assert periodic.enabled
    assert (periodic.crontab.hour, periodic.crontab.minute, str(periodic.crontab.timezone)) == (
        "8", "0", settings.TIME_ZONE)
    with translation.override("en"):
        assert schedule_label(periodic) == "Tender key date reminders"


def test_nobody_is_reminded_on_a_day_without_key_dates(opportunity, owner):
    UserFactory(username="bystander")
    BidProjectFactory(opportunity=opportunity, submission_at=None)
    assert services.bid_deadline_reminders_send(today=TODAY) == 0
    assert not Notification.objects.exists()
