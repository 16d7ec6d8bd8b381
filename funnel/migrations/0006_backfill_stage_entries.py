"""Every opportunity gets its StageEntry: when it entered its current stage, the latest recorded move into
that stage, else its creation. From now on the opportunities' creation service and the funnel's move service
write it, and the nightly job back-fills any missing one; stuck opportunities are then a range scan per stage
on the entries' (stage, entered_at) index instead of a join over every opportunity.

One INSERT … SELECT (no rows through Python): seconds even at 300,000 opportunities.
"""

from django.db import migrations

BACKFILL = """
INSERT INTO funnel_stageentry (opportunity_id, stage_id, entered_at)
SELECT o.id, o.stage_id,
       COALESCE((SELECT MAX(c.changed_at) FROM funnel_stagechange c
                 WHERE c.opportunity_id = o.id AND c.to_stage_id = o.stage_id), o.created_at)
FROM opportunities_opportunity o
WHERE NOT EXISTS (SELECT 1 FROM funnel_stageentry e WHERE e.opportunity_id = o.id)
"""

# An entry left behind by a stage changed outside the move service: restart it the same way.
REPAIR = """
UPDATE funnel_stageentry
SET stage_id = (SELECT o.stage_id FROM opportunities_opportunity o WHERE o.id = funnel_stageentry.opportunity_id),
    entered_at = (SELECT COALESCE((SELECT MAX(c.changed_at) FROM funnel_stagechange c
                                   WHERE c.opportunity_id = o.id AND c.to_stage_id = o.stage_id), o.created_at)
                  FROM opportunities_opportunity o WHERE o.id = funnel_stageentry.opportunity_id)
WHERE EXISTS (SELECT 1 FROM opportunities_opportunity o
              WHERE o.id = funnel_stageentry.opportunity_id AND o.stage_id <> funnel_stageentry.stage_id)
"""


class Migration(migrations.Migration):

    dependencies = [
        ("funnel", "0005_stage_entry_index_and_tasks_done"),
        ("opportunities", "0002_default_assessment"),
    ]

    operations = [
        migrations.RunSQL(REPAIR, migrations.RunSQL.noop),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
