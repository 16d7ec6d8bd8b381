"""A person's open opportunities per stage (count, amount, how many of high value) read from an index alone: the
workbench's opportunity and funnel cards and the funnel page group them by stage on every view."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("opportunities", "0001_squashed_0007_stage_probability_message"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(fields=["primary_owner", "stage"], include=("amount", "high_value"),
                               name="opportunity_owner_stage"),
        ),
    ]
