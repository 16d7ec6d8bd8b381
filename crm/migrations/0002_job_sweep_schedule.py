"""Celery beat queues the jobs left pending while the broker was away, every minute (crm.jobs)."""

from django.db import migrations

TASK_NAME = "platform: queue pending background jobs"
TASK = "crm.jobs_sweep"


def schedule_sweep(apps, schema_editor=None):
    """Every minute; an existing schedule is kept."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    every, _created = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.create(name=TASK_NAME, task=TASK, interval=every, enabled=True,
                                description="Queue the background jobs still pending (the broker was away).")


def unschedule(apps, schema_editor=None):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0001_job_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_sweep, unschedule)]
