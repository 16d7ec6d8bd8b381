"""The job outbox: background jobs that survive a broker (Redis) that is away.

`job_enqueue` writes a Job row in the caller's transaction and, once that commits, hands it to the
broker (`job_send`). A broker that cannot be reached is logged, not raised: the request that asked for
the job succeeds, the row stays pending, and `jobs_sweep` (Celery beat every minute, and each worker
as it starts) queues it when the broker is back. The task's Celery id is the row's id; `JobTask`, the
base of every task, marks the row running, then done or failed, and does not run a done job again.
Without a broker (CELERY_BROKER_URL unset) Celery runs tasks eagerly: the job runs in-process at the
commit, as before.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from celery import Task
from celery.exceptions import NotRegistered, Retry
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from crm.stored_text import Text, encode

logger = logging.getLogger(__name__)

# A job still pending this long after it was written was not handed to the broker at the commit (the
# broker was away, the process died): the sweep queues it.
JOB_SWEEP_AFTER = timedelta(seconds=30)
# Rows the sweep hands over per run; the next run takes the rest.
JOB_SWEEP_BATCH = 500
# Finished ticks of Celery beat are kept this long (the sweep alone ticks 1,440 times a day), and so are
# the messages the embedded broker has delivered.
JOB_KEEP_TICKS = timedelta(days=7)


def job_enqueue(task: str, *args, **kwargs):
    """Write the job `task(*args, **kwargs)` (JSON arguments) in the current transaction and queue it once
    the transaction commits. Returns the Job row."""
    from crm.models import Job

    job = Job.objects.create(task=task, args=list(args), kwargs=kwargs)
    # robust: whatever the send meets, the request that asked for the job has committed and succeeds.
    transaction.on_commit(lambda: job_send(job), robust=True)
    return job


class JobCancelled(Exception):
    """Raised by `job_progress` in a cancellable job that someone cancelled: the task stops there."""


def job_start(task: str, *args, by, label, cancellable: bool = False, **kwargs):
    """A long action a person starts from a page: the job `task(*args, **kwargs)` as `job_enqueue` writes it,
    with who asked (`by`, who alone and administrators see its page), what it does (`label`, a `Text` or lazy
    text, rendered in the reader's language) and whether it stops when cancelled while running. Returns the
    Job row; the page redirects to `job.get_absolute_url()`."""
    job = job_enqueue(task, *args, **kwargs)
    job.requested_by_id = by.pk
    job.label = encode(label)
    job.cancellable = cancellable
    job.save(update_fields=["requested_by_id", "label", "cancellable"])
    return job


def current_job_id() -> uuid.UUID | None:
    """The id of the outbox job the running task belongs to (None outside a task or for a call without a row)."""
    from celery import current_task

    return _job_id(getattr(getattr(current_task, "request", None), "id", None)) if current_task else None


def job_progress(done: int, total: int | None = None) -> None:
    """The running task reports how far it is (rows done of `total`), on its own row; the job page shows it.
    Written on its own, not in the task's transaction, so call it between units of work, not inside one.
    In a cancellable job someone cancelled, raises `JobCancelled`."""
    from crm.models import Job, JobState

    job_id = current_job_id()
    if job_id is None:
        return
    values = {"progress_done": done} if total is None else {"progress_done": done, "progress_total": total}
    written = Job.objects.filter(pk=job_id).exclude(state=JobState.CANCELLED).update(**values)
    if not written and Job.objects.filter(pk=job_id, state=JobState.CANCELLED, cancellable=True).exists():
        raise JobCancelled


def job_result_url() -> str | None:
    """The result the current job already recorded (`job_set_result`), or None: a task checks it first, so
    that a second delivery of a job whose work committed does not do it twice."""
    from crm.models import Job

    job_id = current_job_id()
    if job_id is None:
        return None
    return Job.objects.filter(pk=job_id).values_list("result_url", flat=True).first() or None


def job_set_result(url: str = "", *, file_name: str = "", content: bytes | None = None) -> None:
    """The current job's result: the address of what it made (written in the same transaction as the work,
    so the two commit together), or a file it produced (saved to the media storage, downloaded from the
    job page)."""
    from django.core.files.base import ContentFile

    from crm.models import Job

    job_id = current_job_id()
    if job_id is None:
        return
    if content is not None:
        job = Job.objects.get(pk=job_id)
        job.result_file.save(file_name, ContentFile(content), save=False)
        Job.objects.filter(pk=job_id).update(result_file=job.result_file.name)
    else:
        Job.objects.filter(pk=job_id).update(result_url=url[:500])


def job_visible(*, user, job_id):
    """The job if `user` may see its page (who started it, or an administrator); None otherwise."""
    from crm.models import Job

    if not getattr(user, "is_authenticated", False):
        return None
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (getattr(user, "is_admin", False) or (job.requested_by_id and
                                                                  job.requested_by_id == user.pk)):
        return None
    return job


def job_may_cancel(job) -> bool:
    """A job can be cancelled until a worker starts it; a cancellable one while it runs too."""
    from crm.models import JobState

    return job.state in (JobState.PENDING, JobState.QUEUED) or (job.state == JobState.RUNNING and job.cancellable)


def job_cancel(*, job, by) -> bool:
    """Cancel a job (see `job_may_cancel`): one waiting does not run, one running stops at its next progress
    report. The caller checked `job_visible`. Returns False when it finished meanwhile."""
    from crm.models import Job, JobState

    states = [JobState.PENDING, JobState.QUEUED] + ([JobState.RUNNING] if job.cancellable else [])
    cancelled = Job.objects.filter(pk=job.pk, state__in=states).update(
        state=JobState.CANCELLED, finished_at=timezone.now())
    if cancelled:
        logger.info("job %s (%s) cancelled by user %s", job.pk, job.task, getattr(by, "pk", None))
    return bool(cancelled)


def job_stale_after() -> timedelta:
    """How long a job may stay queued or running before the sweep takes its message for lost: twice the
    broker's visibility timeout (after one, Redis itself hands an unacknowledged message out again)."""
    return timedelta(seconds=2 * settings.JOB_VISIBILITY_TIMEOUT)


def job_send(job) -> bool:
    """Hand a pending job to the broker (or run it now, without one). The row is claimed (pending to queued)
    before the message goes, so two senders (the commit and a sweep) send it once. False, logged, when the
    broker cannot be reached: the row goes back to pending for the sweep. A job of a task that no longer
    exists fails on its row. A failure of an eagerly run job is on its row."""
    from crm.celery import app
    from crm.models import Job, JobState

    claimed = Job.objects.filter(pk=job.pk, state=JobState.PENDING).update(
        state=JobState.QUEUED, queued_at=timezone.now())
    if not claimed:
        return True  # another sender has it, or it already ran
    try:
        task = _task(app, job.task)
    except NotRegistered as exc:
        logger.error("job %s names a task that does not exist: %s", job.pk, job.task)
        Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, finished_at=timezone.now(),
                                             last_error=f"NotRegistered: {exc}"[:2000])
        return True
    try:
        task.apply_async(args=job.args, kwargs=job.kwargs, task_id=str(job.pk), retry=False)
    except Exception as exc:
        if app.conf.task_always_eager:
            logger.exception("job %s (%s) failed", job.pk, job.task)
            return True
        Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(state=JobState.PENDING, queued_at=None)
        logger.warning("job %s (%s) not queued, the broker cannot be reached (%s); it stays pending and the "
                       "sweep queues it when the broker is back", job.pk, job.task, exc)
        return False
    return True


def _task(app, name: str) -> Task:
    if name not in app.tasks:
        app.loader.import_default_modules()
    if name not in app.tasks:
        raise NotRegistered(name)
    return app.tasks[name]


def jobs_sweep(*, older_than: timedelta = JOB_SWEEP_AFTER) -> int:
    """Queue the jobs pending for longer than `older_than`, oldest first; stops at the first the broker
    refuses (it is still away). A job queued or running for longer than `job_stale_after()` lost its
    message (Redis lost it, or a worker took it while the database was away): it is pending again and sent
    with the rest (its task is idempotent). Returns how many were queued."""
    from crm.models import Job, JobState

    now = timezone.now()
    stale = now - job_stale_after()
    lost = Job.objects.filter(Q(state=JobState.QUEUED, queued_at__lte=stale)
                              | Q(state=JobState.RUNNING, started_at__lte=stale))
    if (resent := lost.update(state=JobState.PENDING, queued_at=None)):
        logger.warning("job sweep: %d job(s) queued or running too long without an end; sending again", resent)
    cutoff = now - older_than
    queued = 0
    for job in Job.objects.filter(state=JobState.PENDING, created_at__lte=cutoff).order_by("created_at")[
            :JOB_SWEEP_BATCH]:
        if not job_send(job):
            break
        queued += 1
    if queued:
        logger.info("job sweep: %d pending job(s) queued", queued)
    return queued


def jobs_prune(*, older_than: timedelta = JOB_KEEP_TICKS) -> int:
    """Delete the finished ticks of Celery beat older than `older_than`, keeping each schedule's latest
    (the workbench's job panel shows it); jobs a person or a service started are kept. On the embedded
    broker, its delivered messages go too (kombu's SQLAlchemy transport keeps them, marked invisible).
    Returns how many jobs were deleted."""
    from django.db.models import Max

    from crm.celery import app
    from crm.models import Job, JobState

    cutoff = timezone.now() - older_than
    latest = Job.objects.exclude(schedule="").values("schedule").annotate(last=Max("created_at"))
    old = Job.objects.exclude(schedule="").filter(state__in=[JobState.DONE, JobState.FAILED], created_at__lt=cutoff)
    for row in latest:
        old = old.exclude(schedule=row["schedule"], created_at=row["last"])
    deleted, _by_model = old.delete()
    if str(app.conf.broker_url or "").startswith("sqla+") and not app.conf.task_always_eager:
        with app.connection_for_write() as broker:
            channel = broker.default_channel
            message = channel.message_cls
            with channel.session as session:
                session.query(message).filter(message.visible.is_(False), message.sent_at < cutoff).delete()
                session.commit()
    return deleted


def _job_id(task_id: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(task_id) if task_id else None
    except ValueError:
        return None


def _scheduled_job(request, name: str, args, kwargs):
    """A tick of Celery beat (django_celery_beat names its schedule in the message's headers) becomes a Job
    row with the tick's task id, so that each scheduled job's last run, duration and failure are rows like
    any job's (the workbench's job panel). None for a call that is neither beat's nor an outbox job's."""
    from crm.models import Job, JobState

    schedule = getattr(request, "periodic_task_name", None) or (request.headers or {}).get("periodic_task_name")
    job_id = _job_id(request.id)
    if not schedule or job_id is None:
        return None
    now = timezone.now()
    Job.objects.get_or_create(pk=job_id, defaults={
        "task": name, "args": list(args), "kwargs": dict(kwargs), "schedule": str(schedule)[:200],
        "state": JobState.QUEUED, "created_at": now, "queued_at": now})
    return job_id


@transaction.atomic
def schedule_run_now(*, periodic_task_id: int, by):
    """An administrator runs a scheduled job now (the workbench's job panel, after a failure say): a new job
    of the schedule's task and arguments, counted as a run of that schedule. Returns the Job row."""
    import json

    from django.core.exceptions import PermissionDenied
    from django_celery_beat.models import PeriodicTask

    if not getattr(by, "is_admin", False):
        raise PermissionDenied
    periodic = PeriodicTask.objects.get(pk=periodic_task_id)
    job = job_enqueue(periodic.task, *json.loads(periodic.args or "[]"), **json.loads(periodic.kwargs or "{}"))
    job.schedule = periodic.name[:200]
    job.requested_by_id = by.pk
    code = _schedule_label_code(periodic)
    job.label = encode(Text(code)) if code else periodic.name  # read in the reader's language on the job page
    job.save(update_fields=["schedule", "requested_by_id", "label"])
    return job


@transaction.atomic
def schedules_run_first() -> list:
    """Each enabled schedule that has never run is run once now, through the outbox (a first run of a fresh
    installation: the demo's funnel health, forecast roll-up and payouts have figures before their first night,
    and the workbench's job panel shows a last run rather than "not yet"). Runs nothing twice: a schedule with
    any job is skipped. Returns the Job rows."""
    import json

    from django_celery_beat.models import PeriodicTask

    from crm.models import Job

    ran = set(Job.objects.exclude(schedule="").values_list("schedule", flat=True).distinct())
    jobs = []
    for periodic in PeriodicTask.objects.filter(enabled=True).exclude(task__startswith="celery.").order_by("name"):
        if periodic.name[:200] in ran:
            continue
        job = job_enqueue(periodic.task, *json.loads(periodic.args or "[]"), **json.loads(periodic.kwargs or "{}"))
        job.schedule = periodic.name[:200]
        job.save(update_fields=["schedule"])
        jobs.append(job)
    return jobs


def scheduled_jobs(*, user) -> list | None:
    """Each Celery beat schedule with its latest run (a Job row or None), for administrators; None for anyone
    else. Two queries whatever the number of schedules."""
    from django.db.models import OuterRef, Subquery
    from django_celery_beat.models import PeriodicTask

    from crm.models import Job

    if not getattr(user, "is_admin", False):
        return None
    latest = Job.objects.filter(schedule=OuterRef("name")).order_by("-created_at").values("pk")[:1]
    periodic = list(PeriodicTask.objects.exclude(task__startswith="celery.").select_related(
        "interval", "crontab").annotate(last_job_id=Subquery(latest)).order_by("name"))
    jobs = Job.objects.in_bulk([task.last_job_id for task in periodic if task.last_job_id])
    for task in periodic:
        task.last_job = jobs.get(task.last_job_id)
        task.label = schedule_label(task)
        task.when = schedule_when(task)
    return periodic


def _schedule_label_code(periodic):
    """The lazy label its task carries (`schedule_label`, given where each app defines its scheduled tasks)."""
    from crm.celery import app

    try:
        return getattr(_task(app, periodic.task), "schedule_label", None)
    except NotRegistered:
        return None


def schedule_label(periodic) -> str:
    """A schedule's name in the reader's language: its task's `schedule_label`, else the name an administrator
    gave it."""
    label = _schedule_label_code(periodic)
    return str(label) if label else periodic.name


def schedule_when(periodic) -> str:
    """When a schedule runs, for people: "every day at 02:30" for a daily crontab, else django_celery_beat's
    own wording (an interval: "every hour"; any other crontab: its fields)."""
    from django.utils.translation import gettext

    crontab = periodic.crontab
    if crontab is not None:
        fields = (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year)
        if fields == ("*", "*", "*") and crontab.minute.isdigit() and crontab.hour.isdigit():
            return gettext("every day at %(time)s") % {"time": f"{int(crontab.hour):02d}:{int(crontab.minute):02d}"}
        return str(crontab)
    return str(periodic.interval) if periodic.interval is not None else "—"


class JobTask(Task):
    """The base of every Celery task: a task that runs an outbox job (its id is a Job row's) marks the row
    running, then done or failed; a job already done or failed is not run again (a second delivery). A
    retry puts it back to queued. A tick of Celery beat gets its row as it starts (`_scheduled_job`); other
    calls without a row just run."""

    def __call__(self, *args, **kwargs):
        from crm.models import Job, JobState

        job_id = _job_id(self.request.id)
        if job_id is not None and not Job.objects.filter(pk=job_id).exists():
            job_id = _scheduled_job(self.request, self.name, args, kwargs)
        if job_id is not None:
            now = timezone.now()
            started = Job.objects.filter(
                pk=job_id, state__in=[JobState.PENDING, JobState.QUEUED, JobState.RUNNING],
            ).update(state=JobState.RUNNING, attempts=F("attempts") + 1, started_at=now)
            if not started:
                if Job.objects.filter(pk=job_id).exists():
                    logger.info("job %s (%s) already finished; not run again", job_id, self.name)
                    return None
                job_id = None
        if job_id is None:
            return super().__call__(*args, **kwargs)
        try:
            result = super().__call__(*args, **kwargs)
        except JobCancelled:
            logger.info("job %s (%s) stopped: cancelled", job_id, self.name)
            return None
        except Retry:
            Job.objects.filter(pk=job_id).update(state=JobState.QUEUED)
            raise
        except Exception as exc:
            Job.objects.filter(pk=job_id).update(state=JobState.FAILED, finished_at=timezone.now(),
                                                 last_error=f"{exc.__class__.__name__}: {exc}"[:2000])
            raise
        Job.objects.filter(pk=job_id).exclude(state=JobState.CANCELLED).update(
            state=JobState.DONE, finished_at=timezone.now(), last_error="")
        return result
