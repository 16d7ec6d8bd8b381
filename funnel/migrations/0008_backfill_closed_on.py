"""Every won or lost opportunity gets the day it was closed (`Opportunity.closed_on`, which the move service
sets from now on and clears on a reopening): won amounts in a period (quota attainment, bonuses, the
forecast's actuals, "won in the last 90 days") are dated by it instead of the expected close date.

The day is the date (in the project's time zone) of the last recorded move into the stage it is in.
Where no move is recorded (an opportunity created, imported or loaded already closed), the expected
close date is taken, the date reports used until now, but never later than the last change to the
opportunity (a deal cannot have closed after its record was last touched). Open opportunities keep none.
"""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

BATCH = 2000


def backfill(apps, schema_editor):
    Opportunity = apps.get_model("opportunities", "Opportunity")
    StageChange = apps.get_model("funnel", "StageChange")
    alias = schema_editor.connection.alias
    last_close = (StageChange.objects.using(alias).filter(opportunity=OuterRef("pk"), to_stage=OuterRef("stage"))
                  .order_by().values("opportunity").annotate(at=Max("changed_at")).values("at")[:1])
    closed = (Opportunity.objects.using(alias).filter(closed_on__isnull=True).exclude(stage__outcome="open")
              .annotate(closed_at=Subquery(last_close)).order_by("pk")
              .only("pk", "expected_close_date", "updated_at"))
    batch = []
    for opportunity in closed.iterator(chunk_size=BATCH):
        if opportunity.closed_at is not None:
            opportunity.closed_on = timezone.localdate(opportunity.closed_at)
        else:
            opportunity.closed_on = min(opportunity.expected_close_date, timezone.localdate(opportunity.updated_at))
        batch.append(opportunity)
        if len(batch) >= BATCH:
            Opportunity.objects.using(alias).bulk_update(batch, ["closed_on"])
            batch = []
    Opportunity.objects.using(alias).bulk_update(batch, ["closed_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("funnel", "0007_stage_to_opportunities"),
        ("opportunities", "0004_opportunity_closed_on"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
