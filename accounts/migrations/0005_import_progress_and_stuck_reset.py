"""When an import last made progress, and the Celery beat schedule that fails imports whose
worker died (accounts.tasks.import_batches_reset_stuck, every 5 minutes)."""

from django.db import migrations, models

TASK_NAME = "accounts: fail imports whose worker died"
TASK = "accounts.import_batches_reset_stuck"


def schedule(apps, schema_editor=None):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    every, _created = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.create(name=TASK_NAME, task=TASK, interval=every, enabled=True,
                                description="Running imports without progress for 15 minutes are marked failed.")


def unschedule(apps, schema_editor=None):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_customer_name_trigram_table"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="progress_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last progress at"),
        ),
        migrations.RunPython(schedule, unschedule),
    ]
