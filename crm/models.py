"""Platform tables shared by every business area (none of them imports a business area)."""

# --- Job outbox ------------------------------------------------------------------------------------
# (Keep each platform table in its own block: request tokens live in another.)

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    PENDING = "pending", _("Pending")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


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

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"], name="crm_job_state_created")]

    def __str__(self) -> str:
        return f"{self.task} ({self.get_state_display()})"
