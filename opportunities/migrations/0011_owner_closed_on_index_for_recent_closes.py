"""A person's or a team's closes in a period (the funnel page's won and lost of the last 90 days) come from an
(owner, closed_on) index carrying stage and amount, not from the company's closes filtered down to theirs."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("opportunities", "0010_owner_stage_index_carries_id"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(fields=["primary_owner", "closed_on"], include=("stage", "amount"),
                               name="opportunity_owner_closed_on"),
        ),
    ]
