"""Platform tables shared by every business area (none of them imports a business area)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- Job outbox ------------------------------------------------------------------------------------
# (Keep each platform table in its own block: request tokens live in another.)


class JobState(models.TextChoices):
    PENDING = "pending", _("Pending")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Job(models.Model):
    """A background job, written in the transaction of whatever asks for it (a transactional outbox: the row
    is the job). Its id is the Celery task id. `crm.jobs` hands it to the broker once the transaction commits
    and again from the sweep while it stays pending (the broker was away); the task marks it running, then
    done or failed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0,
                                           help_text=_("How many times a worker started it."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    progress_done = models.PositiveIntegerField(_("done"), null=True, blank=True)
    progress_total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    # The name of the Celery beat schedule (django_celery_beat's PeriodicTask) whose tick, or whose re-run
    # from the workbench, this job is; empty for a job a person or a service started.
    schedule = models.CharField(_("schedule"), max_length=200, blank=True)
    # A job a person started from a page (`crm.jobs.job_start`): who (a plain user id, crm being below the
    # teams app), what it does (a stored text, rendered in the reader's language), whether it stops when
    # cancelled while running, and where its result is (a page, or a file it wrote).
    requested_by_id = models.BigIntegerField(_("requested by (user id)"), null=True, blank=True)
    label = models.TextField(_("label"), blank=True)
    cancellable = models.BooleanField(_("can be cancelled while running"), default=False)
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True, max_length=300)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="crm_job_state_created"),
            models.Index(fields=["schedule", "created_at"], name="crm_job_schedule_created"),
            models.Index(fields=["requested_by_id", "created_at"], name="crm_job_requested_created"),
        ]

    def __str__(self) -> str:
        return f"{self.task} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("job-detail", args=[self.pk])

    @property
    def duration(self):
        """How long the last run took (None while it has not finished)."""
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def label_text(self) -> str:
        """What the job does, in the reader's language (its task name when it has no label)."""
        from crm.stored_text import render

        return render(self.label) if self.label else self.task

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.finished else 0
        return min(100, round(100 * (self.progress_done or 0) / self.progress_total))

    @property
    def rows_per_second(self) -> float | None:
        """Rows done per second since the job started (None before the first progress)."""
        if not (self.started_at and self.progress_done):
            return None
        seconds = ((self.finished_at or timezone.now()) - self.started_at).total_seconds()
        return self.progress_done / seconds if seconds > 0 else None

    @property
    def seconds_left(self) -> int | None:
        """The time the rows still to go take at the speed so far (None while unknown or when finished)."""
        rate = self.rows_per_second
        if self.state != JobState.RUNNING or not rate or not self.progress_total:
            return None
        return round(max(0, self.progress_total - (self.progress_done or 0)) / rate)

    @property
    def minutes_left(self) -> int | None:
        seconds = self.seconds_left
        return None if seconds is None else round(seconds / 60)

# --- Request safety: one-time form tokens and idempotent API writes (crm.form_tokens, crm.idempotency) ---
# The person is kept as a plain id: these rows are short-lived records of requests, below the teams app.


class FormToken(models.Model):
    """The one use of a create form's token: claimed by the first submission, which keeps the address
    of what it created so that a second submission of the same form is sent there."""

    token = models.CharField(_("token"), max_length=64, primary_key=True)
    user_id = models.BigIntegerField(_("user id"), null=True)
    path = models.CharField(_("path"), max_length=500)
    created_url = models.CharField(_("address of what it created"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("used at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form token")
        verbose_name_plural = _("form tokens")
        indexes = [models.Index(fields=["user_id", "created_at"], name="formtoken_user_created")]

    def __str__(self) -> str:
        return self.token


class IdempotentRequest(models.Model):
    """An API write sent with an `Idempotency-Key`: the request it answered (method, path, body's hash)
    and the response given, returned again when the same key comes back with the same request."""

    user_id = models.BigIntegerField(_("user id"))
    key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    body_hash = models.CharField(_("request body hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True)
    content_type = models.CharField(_("response content type"), max_length=100, blank=True)
    response_body = models.BinaryField(_("response body"), default=b"")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [models.UniqueConstraint(fields=["user_id", "key"], name="idempotent_request_unique_key")]
        indexes = [models.Index(fields=["user_id", "created_at"], name="idempotent_user_created")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
