"""At 06:00 (company time zone) a watchdog takes the day's funnel snapshot again if the 01:30 job left none
(its worker died, the broker was away)."""

from django.conf import settings
from django.db import migrations

TASK_NAME = "funnel: daily snapshot watchdog"
TASK = "funnel.tasks.funnel_snapshot_watchdog"


def schedule_watchdog(apps, schema_editor=None):
    """Every morning at 06:00; an existing schedule is kept."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.create(name=TASK_NAME, task=TASK, crontab=crontab, enabled=True,
                                description="Take the day's funnel snapshot if the night's job left none.")


def unschedule(apps, schema_editor=None):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("funnel", "0009_funnel_settings_min_expected_count"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_watchdog, unschedule)]
