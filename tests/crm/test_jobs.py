"""The job outbox (crm.jobs): a job is a row of the caller's transaction, queued at the commit, queued
again by the sweep while the broker is away, marked by the task as it runs, never run twice once done."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import timedelta

import pytest
from celery import shared_task
from django.utils import timezone
from kombu.exceptions import OperationalError

from crm import jobs
from crm.celery import app, sweep_jobs_on_start
from crm.models import Job, JobState

RUNS: list[str] = []


@shared_task(name="tests.crm.record", bind=True, autoretry_for=(LookupError,), max_retries=1, retry_backoff=False,
          default_retry_delay=0)
def record(self, word: str) -> str:
    """A job that writes down each run; "boom" fails, "retry" fails once with a retried error."""
    RUNS.append(word)
    if word == "boom":
        raise ValueError("boom")
    if word == "retry" and RUNS.count("retry") == 1:
        raise LookupError("once")
    return word.upper()


@pytest.fixture(autouse=True)
def _runs():
    RUNS.clear()


@pytest.fixture
def broker_away(monkeypatch):
    """A real broker (not eager) that cannot be reached: publishing fails as kombu fails when Redis is down."""
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(record, "apply_async", refuse)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def test_the_job_is_written_in_the_transaction_and_runs_at_the_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.job_enqueue("tests.crm.record", "hello")
    assert Job.objects.get().state == JobState.PENDING and RUNS == []  # nothing before the commit
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert RUNS == ["hello"]
    assert (job.state, job.attempts, job.last_error) == (JobState.DONE, 1, "")
    assert job.started_at and job.finished_at


def test_a_broker_away_leaves_the_job_pending_and_logs_it(db, broker_away, caplog,
                                                          django_capture_on_commit_callbacks):
    with caplog.at_level(logging.WARNING, logger="crm.jobs"), django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue("tests.crm.record", "later")  # no exception reaches the caller
    job.refresh_from_db()
    assert job.state == JobState.PENDING and RUNS == []
    assert "the broker cannot be reached" in caplog.text
    assert jobs.jobs_sweep(older_than=timedelta(0)) == 0  # still away: nothing queued, nothing raised
    assert Job.objects.get().state == JobState.PENDING


def test_the_sweep_queues_what_waited_longer_than_its_delay(db):
    old = Job.objects.create(task="tests.crm.record", args=["old"],
                             created_at=timezone.now() - jobs.JOB_SWEEP_AFTER - timedelta(seconds=1))
    young = Job.objects.create(task="tests.crm.record", args=["young"])  # its commit hook is still to come
    assert jobs.jobs_sweep() == 1
    old.refresh_from_db(), young.refresh_from_db()
    assert (old.state, young.state, RUNS) == (JobState.DONE, JobState.PENDING, ["old"])


def test_a_worker_that_starts_sweeps(db):
    Job.objects.create(task="tests.crm.record", args=["waiting"], created_at=timezone.now() - timedelta(hours=1))
    sweep_jobs_on_start()
    assert RUNS == ["waiting"] and Job.objects.get().state == JobState.DONE


def test_a_job_already_done_does_not_run_again(db):
    job = Job.objects.create(task="tests.crm.record", args=["once"])
    record.apply(args=["once"], task_id=str(job.pk))
    record.apply(args=["once"], task_id=str(job.pk))  # a second delivery
    job.refresh_from_db()
    assert (RUNS, job.state, job.attempts) == (["once"], JobState.DONE, 1)


def test_a_job_redelivered_while_running_runs_again(db):
    """A worker killed mid-job leaves the row running; the redelivered message runs it (tasks are idempotent)."""
    job = Job.objects.create(task="tests.crm.record", args=["again"], state=JobState.RUNNING, attempts=1)
    record.apply(args=["again"], task_id=str(job.pk))
    job.refresh_from_db()
    assert (RUNS, job.state, job.attempts) == (["again"], JobState.DONE, 2)


def test_a_failing_job_is_marked_failed_and_an_eager_run_does_not_break_the_caller(
        db, caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue("tests.crm.record", "boom")
    job.refresh_from_db()
    assert (job.state, job.last_error) == (JobState.FAILED, "ValueError: boom")
    assert jobs.jobs_sweep(older_than=timedelta(0)) == 0  # a failed job is not swept again


def test_a_retried_job_ends_done(db):
    job = Job.objects.create(task="tests.crm.record", args=["retry"])
    record.apply(args=["retry"], task_id=str(job.pk), throw=False)
    job.refresh_from_db()
    assert (RUNS, job.state) == (["retry", "retry"], JobState.DONE)


def test_a_task_without_a_row_just_runs(db):
    assert record.apply(args=["beat"]).get() == "BEAT"
    assert not Job.objects.exists()


def test_two_senders_of_one_job_send_it_once(db, monkeypatch):
    """The commit's send and a sweep (or two sweeps) racing: the row is claimed before it is sent, so the
    broker gets one message (two would run the job twice at once on two workers)."""
    sent = []
    monkeypatch.setattr(record, "apply_async", lambda *args, **kwargs: sent.append(kwargs["task_id"]))
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        job = Job.objects.create(task="tests.crm.record", args=["one"])
        assert jobs.job_send(job) and jobs.job_send(job)
    finally:
        app.conf.task_always_eager = eager
    assert sent == [str(job.pk)]
    assert Job.objects.get().state == JobState.QUEUED


def test_a_job_whose_message_was_lost_is_sent_again(db):
    """Queued (or running) for longer than twice the broker's visibility timeout: Redis lost the message, or a
    worker acknowledged it while the database was away. The sweep sends it again."""
    long_ago = timezone.now() - jobs.job_stale_after() - timedelta(minutes=1)
    lost = Job.objects.create(task="tests.crm.record", args=["lost"], state=JobState.QUEUED, queued_at=long_ago,
                              created_at=long_ago)
    recent = Job.objects.create(task="tests.crm.record", args=["recent"], state=JobState.QUEUED,
                                queued_at=timezone.now(), created_at=long_ago)
    assert jobs.jobs_sweep() == 1
    lost.refresh_from_db(), recent.refresh_from_db()
    assert (RUNS, lost.state, recent.state) == (["lost"], JobState.DONE, JobState.QUEUED)


def test_a_job_of_an_unknown_task_fails_and_the_sweep_goes_on(db):
    long_ago = timezone.now() - timedelta(hours=1)
    renamed = Job.objects.create(task="tests.crm.renamed_away", created_at=long_ago - timedelta(minutes=1))
    Job.objects.create(task="tests.crm.record", args=["next"], created_at=long_ago)
    jobs.jobs_sweep()
    renamed.refresh_from_db()
    assert renamed.state == JobState.FAILED and "NotRegistered" in renamed.last_error
    assert RUNS == ["next"]


# --- Celery beat's ticks: a row each, for the workbench's job panel; re-run; pruning -------------------------

def _tick(word: str, schedule: str = "tests: record every minute") -> str:
    """What the worker does with a message Celery beat sent (django_celery_beat names its schedule in it)."""
    task_id = str(uuid.uuid4())
    record.apply(args=[word], task_id=task_id, headers={"periodic_task_name": schedule}, throw=True)
    return task_id


def test_a_tick_of_beat_becomes_a_job_row_with_its_schedule_duration_and_failure(db):
    done_id = _tick("hello")
    with pytest.raises(ValueError, match="boom"):
        _tick("boom")
    done, failed = Job.objects.get(pk=done_id), Job.objects.exclude(pk=done_id).get()
    assert (done.task, done.schedule, done.state, done.args, done.attempts) == (
        "tests.crm.record", "tests: record every minute", JobState.DONE, ["hello"], 1)
    assert done.duration is not None and done.duration >= timedelta(0)
    assert (failed.state, failed.last_error) == (JobState.FAILED, "ValueError: boom")
    record.apply(args=["plain"])  # a call that is no tick and no outbox job writes no row
    assert Job.objects.count() == 2 and RUNS == ["hello", "boom", "plain"]


def test_an_administrator_runs_a_schedule_now_as_a_new_job_of_that_schedule(db, admin_user, owner,
                                                                           django_capture_on_commit_callbacks):
    from django.core.exceptions import PermissionDenied
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=1, period="days")
    periodic = PeriodicTask.objects.create(name="tests: nightly record", task="tests.crm.record", interval=every,
                                           args='["nightly"]')
    with pytest.raises(PermissionDenied):
        jobs.schedule_run_now(periodic_task_id=periodic.pk, by=owner)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.schedule_run_now(periodic_task_id=periodic.pk, by=admin_user)
    job.refresh_from_db()
    assert (job.task, job.args, job.schedule, job.state) == ("tests.crm.record", ["nightly"], periodic.name,
                                                             JobState.DONE)
    assert RUNS == ["nightly"]
    listed = {task.name: task for task in jobs.scheduled_jobs(user=admin_user)}
    assert listed[periodic.name].last_job == job
    assert listed["platform: queue pending background jobs"].last_job is None  # never ran in this test
    assert jobs.scheduled_jobs(user=owner) is None


def test_a_fresh_installation_runs_each_schedule_once_and_never_again(db, django_capture_on_commit_callbacks):
    # `make run` seeds with --run-schedules: the demo's nightly figures exist before the first night.
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=1, period="days")
    never = PeriodicTask.objects.create(name="tests: never ran", task="tests.crm.record", interval=every,
                                        args='["first"]')
    PeriodicTask.objects.create(name="tests: switched off", task="tests.crm.record", interval=every, enabled=False)
    _tick("earlier", schedule="tests: ran before")
    PeriodicTask.objects.create(name="tests: ran before", task="tests.crm.record", interval=every)
    with django_capture_on_commit_callbacks(execute=False):
        first = jobs.schedules_run_first()
    names = {job.schedule for job in first}
    assert never.name in names and "tests: switched off" not in names and "tests: ran before" not in names
    assert all(job.state == JobState.PENDING for job in first)  # in the outbox: the worker runs them
    assert Job.objects.get(schedule=never.name).args == ["first"]
    with django_capture_on_commit_callbacks(execute=False):
        assert jobs.schedules_run_first() == []


def test_week_old_ticks_are_pruned_but_each_schedule_keeps_its_latest_and_started_jobs_stay(db):
    old = timezone.now() - jobs.JOB_KEEP_TICKS - timedelta(hours=1)
    for word in ("a", "b"):
        _tick(word)
    _tick("c", schedule="tests: nightly")
    Job.objects.create(task="tests.crm.record", args=["person"], state=JobState.DONE)
    Job.objects.update(created_at=old)
    _tick("d")  # this week's tick of the first schedule
    assert jobs.jobs_prune() == 2  # "a" and "b": older than a week, and their schedule ran since
    assert sorted(word for (word,) in Job.objects.values_list("args", flat=True)) == ["c", "d", "person"]


def test_the_workbench_shows_administrators_the_scheduled_jobs_and_runs_one_again(
        client, admin_user, owner, django_capture_on_commit_callbacks):
    from django.urls import reverse
    from django_celery_beat.models import PeriodicTask

    with pytest.raises(ValueError):
        _tick("boom", schedule="platform: queue pending background jobs")
    client.force_login(owner)
    assert 'data-testid="scheduled-jobs"' not in client.get(reverse("home")).content.decode()
    sweep = PeriodicTask.objects.get(name="platform: queue pending background jobs")
    assert client.post(reverse("scheduled-job-run", args=[sweep.pk])).status_code == 404

    client.force_login(admin_user)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="scheduled-jobs"' in html
    assert html.count('data-testid="scheduled-job"') == PeriodicTask.objects.exclude(task__startswith="celery.").count()
    assert "ValueError: boom" in html and "再次运行" in html  # the failure, and the button to run it again
    # Each schedule by its task's name in the reader's language, and when it runs in words.
    assert "派发等待中的后台任务" in html and "每天 01:30" in html and "platform: queue pending" not in html.split(
        'data-testid="scheduled-jobs"')[1].replace('title="platform: queue pending background jobs"', "")
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    before = Job.objects.filter(schedule=sweep.name).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scheduled-job-run", args=[sweep.pk]), {"form_token": token})
    latest = Job.objects.filter(schedule=sweep.name).order_by("-created_at").first()
    assert response["Location"] == reverse("job-detail", args=[latest.pk])  # its job page follows it
    assert (latest.task, latest.state, latest.requested_by_id) == ("crm.jobs_sweep", JobState.DONE, admin_user.pk)
    assert "派发等待中的后台任务" in client.get(response["Location"]).content.decode()  # named in the reader's language
    # The same button pressed twice (a double click) leads to that job; it does not run the schedule again.
    again = client.post(reverse("scheduled-job-run", args=[sweep.pk]), {"form_token": token})
    assert again["Location"] == response["Location"]
    assert Job.objects.filter(schedule=sweep.name).count() == before + 1


@shared_task(name="tests.crm.count_rows")
def count_rows(total: int) -> int:
    """A cancellable job that reports its progress row by row and cancels itself half-way (someone pressed
    cancel meanwhile)."""
    for done in range(total):
        if done == total // 2:
            Job.objects.filter(pk=jobs.current_job_id()).update(state=JobState.CANCELLED)
        jobs.job_progress(done, total)
        RUNS.append(str(done))
    return total


def test_the_job_page_is_its_requesters_and_administrators_and_polls_until_done(client, db, owner, teammate,
                                                                                admin_user):
    from django.urls import reverse

    job = jobs.job_start("tests.crm.record", "page", by=owner, label="Something long")
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=timezone.now() - timedelta(seconds=10),
                                         progress_done=40, progress_total=100)
    client.force_login(owner)
    html = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "Something long" in html and "40%" in html and 'hx-trigger="every 1s"' in html
    assert 'data-testid="job-speed"' in html and 'data-testid="job-time-left"' in html
    assert 'data-testid="job-cancel"' not in html  # running, and this job cannot stop half-way
    assert 'data-testid="job-one-step"' not in html
    # A job written in one transaction (a re-deployment) has no rows to count: the page says it is all at once.
    Job.objects.filter(pk=job.pk).update(progress_done=None, progress_total=None)
    html = client.get(reverse("job-progress", args=[job.pk])).content.decode()
    assert 'data-testid="job-one-step"' in html and 'data-testid="job-percent"' not in html and 'value=' not in html
    client.force_login(admin_user)
    assert client.get(reverse("job-progress", args=[job.pk])).status_code == 200
    client.force_login(teammate)
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("job-cancel", args=[job.pk])).status_code == 404
    assert client.get(reverse("job-detail", args=[uuid.uuid4()])).status_code == 404
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, last_error="ValueError: no such plan")
    client.force_login(owner)
    html = client.get(reverse("job-progress", args=[job.pk])).content.decode()
    assert "every 1s" not in html and "no such plan" in html


def test_a_waiting_job_cancelled_does_not_run_and_a_cancellable_one_stops_at_its_next_progress(client, db, owner):
    from django.urls import reverse

    waiting = jobs.job_start("tests.crm.record", "never", by=owner, label="Waiting")
    client.force_login(owner)
    assert 'data-testid="job-cancel"' in client.get(reverse("job-detail", args=[waiting.pk])).content.decode()
    client.post(reverse("job-cancel", args=[waiting.pk]))
    record.apply(args=["never"], task_id=str(waiting.pk))
    waiting.refresh_from_db()
    assert waiting.state == JobState.CANCELLED and RUNS == []
    running = jobs.job_start("tests.crm.count_rows", 10, by=owner, label="Rows", cancellable=True)
    count_rows.apply(args=[10], task_id=str(running.pk))
    running.refresh_from_db()
    assert running.state == JobState.CANCELLED and RUNS == ["0", "1", "2", "3", "4"]
    assert 'data-testid="job-cancelled"' in client.get(reverse("job-detail", args=[running.pk])).content.decode()
