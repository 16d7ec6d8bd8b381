"""forecasting's foreign keys to the stage follow it from funnel to opportunities (see opportunities 0003).

State only: the tables, columns and constraints are unchanged (the stage's table is still funnel_stage; the
many-to-many table forecasting_forecastrule_stages keeps its name and its stage_id column).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("forecasting", "0003_rollup_schedule"),
        ("opportunities", "0003_stage_from_funnel"),
    ]
    # Before funnel 0007 removes funnel.Stage from the state, so that funnel's migrations never name
    # forecasting's.
    run_before = [("funnel", "0007_stage_to_opportunities")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='forecastrule',
                    name='stages',
                    field=models.ManyToManyField(help_text='Opportunities in these stages enter forecasts.', related_name='+', to='opportunities.stage', verbose_name='stages that count'),
                ),
                migrations.AlterField(
                    model_name='historicalforecastrule_stages',
                    name='stage',
                    field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage'),
                ),
                migrations.AlterField(
                    model_name='historicalstagecategory',
                    name='stage',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage', verbose_name='stage'),
                ),
                migrations.AlterField(
                    model_name='stagecategory',
                    name='stage',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='forecast_category', to='opportunities.stage', verbose_name='stage'),
                ),
            ],
        ),
    ]
