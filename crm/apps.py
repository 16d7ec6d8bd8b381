from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """The platform under every business area: request safety (one-time form tokens, idempotent API
    writes) and the job outbox. It imports no business area."""

    # The module also holds AxesConfig (and imports axes' own): this is the one "crm" in INSTALLED_APPS means,
    # or Django falls back to a plain AppConfig and ready() (the history's bounded change reasons) never runs.
    default = True
    name = "crm"
    label = "crm"
    verbose_name = _("Platform")

    def workbench_panel(self, user):
        """Administrators: each scheduled job's last run, how long it took, whether it failed, a run-now button."""
        from crm.jobs import scheduled_jobs

        schedules = scheduled_jobs(user=user)
        if schedules is None:
            return None
        return {"template": "crm/_scheduled_jobs.html", "wide": True, "schedules": schedules}

    def ready(self) -> None:
        from crm import history

        history.connect()


class AxesConfig(AxesAppConfig):
    """django-axes (sign-in lock-outs) under a name the admin shows in the reader's language."""

    default = False
    verbose_name = _("Sign-in protection")
