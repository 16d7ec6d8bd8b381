"""The (owner, stage) index also carries the id: the ids of a person's opportunities (who sees which tender and
activity) come from the index alone, not from a heap page per opportunity."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("opportunities", "0009_closed_on_index_carries_stage_owner_amount"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="opportunity", name="opportunity_owner_stage"),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(fields=["primary_owner", "stage"], include=("amount", "high_value", "id"),
                               name="opportunity_owner_stage"),
        ),
    ]
