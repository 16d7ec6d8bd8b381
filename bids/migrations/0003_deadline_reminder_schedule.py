"""Celery beat sends the tender key date reminders every morning at 08:00, company time (bids.tasks), from the
database scheduler; administrators can change the time in the admin."""

from django.conf import settings
from django.db import migrations

TASK_NAME = "bids: tender key date reminders"
TASK = "bids.deadline_reminders_send"


def schedule(apps, schema_editor=None):
    """Every day at 08:00; an existing schedule is kept."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.create(name=TASK_NAME, task=TASK, crontab=crontab, enabled=True,
                                description="Remind the sales teams of the tenders' key dates a few days ahead.")


def unschedule(apps, schema_editor=None):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bids", "0002_deadline_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
