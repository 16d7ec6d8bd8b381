"""The background job: roll-up with aggregate queries (idempotent) and deadline reminders (once each)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django_celery_beat.models import PeriodicTask

from forecasting import services, tasks
from forecasting.models import ForecastReminder, ForecastRollup
from teams.models import Notification, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(world):
    for user in (world.am1, world.am2, world.teamlead):
        services.forecast_submit(forecast=services.forecast_create(period=world.period, by=user), by=user)
    return world


def snapshot(period):
    return sorted(
        (row.user_id or 0, row.org_unit_id or 0, row.submitted_amount, row.pipeline_amount, row.opportunity_count,
         row.people_count, row.submitted_count)
        for row in ForecastRollup.objects.filter(period=period)
    )


def test_rollup_totals_per_person_and_unit(reported):
    world = reported
    services.forecast_rollup(period=world.period)
    by_user = {row.user_id: row for row in ForecastRollup.objects.filter(period=world.period, user__isnull=False)}
    by_unit = {row.org_unit_id: row for row in ForecastRollup.objects.filter(period=world.period,
                                                                             org_unit__isnull=False)}
    am1 = by_user[world.am1.pk]
    assert (am1.submitted_amount, am1.pipeline_amount, am1.opportunity_count) == (Decimal("170000.00"),
                                                                                  Decimal("200000.00"), 4)
    team = by_user[world.teamlead.pk]
    # 170,000 + 150,000 + own 25,000
    assert (team.submitted_amount, team.pipeline_amount, team.people_count, team.submitted_count) == (
        Decimal("345000.00"), Decimal("375000.00"), 3, 3)
    region = by_user[world.regional.pk]
    assert (region.submitted_amount, region.pipeline_amount, region.people_count, region.submitted_count) == (
        Decimal("0.00"), Decimal("385000.00"), 5, 3)
    assert by_user[world.divhead.pk].pipeline_amount == Decimal("475000.00")
    assert by_unit[world.team.pk].submitted_amount == Decimal("345000.00")
    assert by_unit[world.team.pk].pipeline_amount == Decimal("375000.00")
    assert by_unit[world.region.pk].pipeline_amount == Decimal("385000.00")
    assert by_unit[world.division.pk].pipeline_amount == Decimal("475000.00")
    assert by_unit[world.division.pk].opportunity_count == 9  # o1-o4, o7-o11 (o5 lost, o6 in Q3)


def test_rollup_is_idempotent(reported):
    world = reported
    first = services.forecast_rollup(period=world.period)
    before = snapshot(world.period)
    second = services.forecast_rollup(period=world.period)
    assert first == second
    assert snapshot(world.period) == before
    assert ForecastRollup.objects.filter(period=world.period).count() == first


def test_rollup_uses_a_constant_number_of_queries(reported, django_assert_max_num_queries):
    from tests.factories import UserFactory

    for number in range(30):
        UserFactory(username=f"extra{number}", manager=reported.teamlead, org_unit=reported.team)
    with django_assert_max_num_queries(14):
        services.forecast_rollup(period=reported.period)


def test_reminders_once_per_person_and_deadline(world):
    services.forecast_submit(forecast=services.forecast_create(period=world.period, by=world.am1), by=world.am1)
    # Account managers' deadline is 2026-04-05; the rule reminds 3 days before.
    assert services.forecast_send_reminders(period=world.period, today=date(2026, 4, 1)) == 0
    sent = services.forecast_send_reminders(period=world.period, today=date(2026, 4, 2))
    reminded = set(ForecastReminder.objects.values_list("user__username", flat=True))
    assert {"am2", "am3"} <= reminded and "am1" not in reminded  # am1 submitted
    assert not reminded & {"teamlead", "regional", "divhead", "head"}
    assert sent == len(reminded)
    note = Notification.objects.get(recipient=world.am2)
    assert note.kind == "forecast_deadline" and "2026-04-05" in note.message
    # Running again sends nothing more; the team managers' turn comes two days later.
    assert services.forecast_send_reminders(period=world.period, today=date(2026, 4, 3)) == 0
    services.forecast_send_reminders(period=world.period, today=date(2026, 4, 4))
    assert set(ForecastReminder.objects.filter(level="team").values_list("user__username", flat=True)) >= {
        "teamlead", "teamlead2"}
    assert Notification.objects.filter(recipient=world.am2).count() == 1
    assert not Notification.objects.filter(recipient=world.head).exists()  # above the levels that submit


def test_no_reminders_for_a_closed_period(world):
    world.period.status = "closed"
    world.period.save()
    assert services.forecast_send_reminders(period=world.period, today=date(2026, 4, 10)) == 0


def test_task_runs_rollup_and_reminders_and_is_safe_twice(reported):
    with time_machine.travel("2026-04-03 09:00 +0800", tick=False):
        first = tasks.forecast_jobs()
        notifications = Notification.objects.count()
        second = tasks.forecast_jobs()
    assert first["periods"] == 2  # Q2 and Q1 are both open
    assert first["rollup_rows"] == second["rollup_rows"] > 0
    assert second["reminders"] == 0
    assert Notification.objects.count() == notifications
    assert tasks.forecast_rollup_period(reported.period.pk) > 0
    assert tasks.forecast_rollup_period(999999) == 0


def test_beat_schedule_is_registered():
    task = PeriodicTask.objects.get(task="forecasting.tasks.forecast_jobs")
    assert task.enabled and task.interval.every == 1 and task.interval.period == "hours"


def test_inactive_people_get_no_reminder(world):
    User.objects.filter(pk=world.am2.pk).update(is_active=False)
    services.forecast_send_reminders(period=world.period, today=date(2026, 4, 2))
    assert not ForecastReminder.objects.filter(user=world.am2).exists()


def test_an_administrator_rolls_up_by_hand_as_a_job_with_its_page(client, reported, admin_user,
                                                                  django_capture_on_commit_callbacks):
    from django.urls import reverse

    from crm.models import Job, JobState

    world = reported
    client.force_login(admin_user)
    team_page = f"{reverse('forecasting:team-forecast')}?period={world.period.pk}"
    assert 'data-testid="fc-rollup-run"' in client.get(team_page).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("forecasting:rollup-run"), {"period": world.period.pk})
    job = Job.objects.get(task="forecasting.tasks.forecast_rollup_period")
    assert response.status_code == 302 and response.url == reverse("job-detail", args=[job.pk])
    assert not ForecastRollup.objects.exists()
    assert "every 1s" in client.get(response.url).content.decode()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    rows = snapshot(world.period)
    assert job.state == JobState.DONE and rows and job.progress_done == job.progress_total == len(rows)
    assert job.result_url == team_page
    # A second delivery replaces the rows with the same ones.
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    tasks.forecast_rollup_period.apply(args=job.args, task_id=str(job.pk))
    assert snapshot(world.period) == rows
    assert 'data-testid="job-done"' in client.get(response.url).content.decode()
    # Anyone else: no button, refused, and the job's page is not theirs.
    client.force_login(world.teamlead)
    page = client.get(f"{reverse('forecasting:team-forecast')}?period={world.period.pk}").content.decode()
    assert 'data-testid="fc-rollup-run"' not in page
    client.post(reverse("forecasting:rollup-run"), {"period": world.period.pk})
    assert Job.objects.count() == 1
    assert client.get(response.url).status_code == 404
