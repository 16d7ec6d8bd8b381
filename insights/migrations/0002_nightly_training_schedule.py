"""Celery beat trains the win probability model every night at 03:15 (company time zone), after the funnel's
snapshot (01:30) and the payouts (02:30)."""

from django.conf import settings
from django.db import migrations

TASK_NAME = "insights: nightly win probability training"
TASK = "insights.tasks.win_model_train"


def schedule(apps, schema_editor=None):
    """An existing schedule (an administrator may have moved it) is kept."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="15", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.create(name=TASK_NAME, task=TASK, crontab=crontab, enabled=True,
                                description="Learn the win probability from closed deals; score open ones.")


def unschedule(apps, schema_editor=None):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
