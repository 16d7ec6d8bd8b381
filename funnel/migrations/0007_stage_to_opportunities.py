"""The Stage model (and its history) now lives in opportunities (see opportunities 0003): the funnel's
foreign keys point to opportunities.Stage and the models leave funnel's state.

State only: no table, column or constraint changes (the stage's tables keep their names).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("funnel", "0006_backfill_stage_entries"),
        ("opportunities", "0003_stage_from_funnel"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='funnelsnapshot',
                    name='stage',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.stage', verbose_name='stage'),
                ),
                migrations.AlterField(
                    model_name='stagetaskdone',
                    name='stage',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.stage', verbose_name='stage'),
                ),
                migrations.AlterField(
                    model_name='historicalbaseline',
                    name='stage',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage', verbose_name='stage'),
                ),
                migrations.AlterField(
                    model_name='stagechange',
                    name='to_stage',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.stage', verbose_name='to stage'),
                ),
                migrations.AlterField(
                    model_name='stagechange',
                    name='from_stage',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.stage', verbose_name='from stage'),
                ),
                migrations.AlterField(
                    model_name='historicalstagetaskdone',
                    name='stage',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage', verbose_name='stage'),
                ),
                migrations.AlterField(
                    model_name='stageentry',
                    name='stage',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.stage', verbose_name='stage'),
                ),
                migrations.AlterField(
                    model_name='baseline',
                    name='stage',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='baselines', to='opportunities.stage', verbose_name='stage'),
                ),
                migrations.DeleteModel(
                    name='HistoricalStage',
                ),
                migrations.DeleteModel(
                    name='Stage',
                ),
            ],
        ),
    ]
