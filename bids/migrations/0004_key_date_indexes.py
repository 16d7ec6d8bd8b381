"""One index per key date of a tender: the dates of the next days (the workbench's card, the daily reminder) are
an OR of five ranges, which PostgreSQL answers from the indexes instead of reading every tender."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("bids", "0001_squashed_0003_deadline_reminder_schedule"),
    ]

    operations = [
        migrations.AddIndex(model_name="bidproject",
                            index=models.Index(fields=["registration_at"], name="bidproject_registration")),
        migrations.AddIndex(model_name="bidproject",
                            index=models.Index(fields=["clarification_at"], name="bidproject_clarification")),
        migrations.AddIndex(model_name="bidproject",
                            index=models.Index(fields=["submission_at"], name="bidproject_submission")),
        migrations.AddIndex(model_name="bidproject", index=models.Index(fields=["award_at"], name="bidproject_award")),
    ]
