"""Squashed: stage history, snapshots, baselines and health; each stage's checklist and stuck limit, the funnel
settings, and the schedules of the daily snapshot and its watchdog.

A new database runs this instead of the migrations it replaces (crm/migrating.py says why)."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from crm.migrating import CreateModelsAtOnce, replaced_step


class Migration(migrations.Migration):

    replaces = [
        ('funnel', '0001_initial'),
        ('funnel', '0002_default_stages'),
        ('funnel', '0003_funnel_machinery'),
        ('funnel', '0004_default_funnel_config'),
        ('funnel', '0005_stage_entry_index_and_tasks_done'),
        ('funnel', '0006_backfill_stage_entries'),
        ('funnel', '0007_stage_to_opportunities'),
        ('funnel', '0008_backfill_closed_on'),
        ('funnel', '0009_funnel_settings_min_expected_count'),
        ('funnel', '0010_snapshot_watchdog_schedule'),
    ]

    dependencies = [
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        ('teams', '0004_incentive_payouts_schedule'),
        ('opportunities', '0004_opportunity_closed_on'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModelsAtOnce([
            migrations.CreateModel(
                name='Baseline',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('source', models.CharField(choices=[('history', 'History'), ('manual', 'Manual')], max_length=10, verbose_name='source')),
                    ('expected_count', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='expected count')),
                    ('expected_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='expected amount')),
                    ('lookback', models.CharField(blank=True, max_length=200, verbose_name='look-back used')),
                    ('sample_days', models.PositiveSmallIntegerField(default=0, verbose_name='days sampled')),
                    ('computed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='computed at')),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ],
                options={
                    'verbose_name': 'baseline',
                    'verbose_name_plural': 'baselines',
                    'ordering': ['stage__order', 'source', 'id'],
                },
            ),
            migrations.CreateModel(
                name='FunnelSettings',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('lookback', models.CharField(choices=[('quarters', 'Same day of the last quarters'), ('days', 'Last days')], default='quarters', max_length=10, verbose_name='look-back')),
                    ('lookback_quarters', models.PositiveSmallIntegerField(default=4, help_text='Snapshots 91, 182, 273… days before, where present; else the last days below.', verbose_name='quarters to look back')),
                    ('lookback_days', models.PositiveSmallIntegerField(default=90, help_text="The window used with 'last days', and where no quarterly snapshot exists yet.", verbose_name='days to look back')),
                    ('min_expected_count', models.DecimalField(decimal_places=2, default=Decimal('1'), help_text='A stage whose history expects fewer opportunities than this on average has no history baseline, by count or by amount: it was mostly empty then, and a ratio against so little says nothing. Manual baselines always apply.', max_digits=6, verbose_name='fewest expected opportunities')),
                    ('good_from_percent', models.DecimalField(decimal_places=2, default=Decimal('70'), max_digits=6, verbose_name='good from (%)')),
                    ('excellent_above_percent', models.DecimalField(decimal_places=2, default=Decimal('100'), max_digits=6, verbose_name='excellent above (%)')),
                ],
                options={
                    'verbose_name': 'funnel settings',
                    'verbose_name_plural': 'funnel settings',
                },
            ),
            migrations.CreateModel(
                name='FunnelSnapshot',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('date', models.DateField(verbose_name='date')),
                    ('count', models.PositiveIntegerField(default=0, verbose_name='count')),
                    ('amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='amount')),
                    ('weighted_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='weighted amount')),
                    ('stuck', models.PositiveIntegerField(default=0, verbose_name='stuck')),
                    ('expected_count', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='expected count')),
                    ('expected_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='expected amount')),
                ],
                options={
                    'verbose_name': 'funnel snapshot',
                    'verbose_name_plural': 'funnel snapshots',
                    'ordering': ['date', 'id'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalBaseline',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('source', models.CharField(choices=[('history', 'History'), ('manual', 'Manual')], max_length=10, verbose_name='source')),
                    ('expected_count', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='expected count')),
                    ('expected_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='expected amount')),
                    ('lookback', models.CharField(blank=True, max_length=200, verbose_name='look-back used')),
                    ('sample_days', models.PositiveSmallIntegerField(default=0, verbose_name='days sampled')),
                    ('computed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='computed at')),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical baseline',
                    'verbose_name_plural': 'historical baselines',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalFunnelSettings',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('lookback', models.CharField(choices=[('quarters', 'Same day of the last quarters'), ('days', 'Last days')], default='quarters', max_length=10, verbose_name='look-back')),
                    ('lookback_quarters', models.PositiveSmallIntegerField(default=4, help_text='Snapshots 91, 182, 273… days before, where present; else the last days below.', verbose_name='quarters to look back')),
                    ('lookback_days', models.PositiveSmallIntegerField(default=90, help_text="The window used with 'last days', and where no quarterly snapshot exists yet.", verbose_name='days to look back')),
                    ('min_expected_count', models.DecimalField(decimal_places=2, default=Decimal('1'), help_text='A stage whose history expects fewer opportunities than this on average has no history baseline, by count or by amount: it was mostly empty then, and a ratio against so little says nothing. Manual baselines always apply.', max_digits=6, verbose_name='fewest expected opportunities')),
                    ('good_from_percent', models.DecimalField(decimal_places=2, default=Decimal('70'), max_digits=6, verbose_name='good from (%)')),
                    ('excellent_above_percent', models.DecimalField(decimal_places=2, default=Decimal('100'), max_digits=6, verbose_name='excellent above (%)')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical funnel settings',
                    'verbose_name_plural': 'historical funnel settings',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalStageTaskDone',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('position', models.PositiveSmallIntegerField(verbose_name='position in the checklist')),
                    ('task', models.CharField(max_length=300, verbose_name='task')),
                    ('done_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='done at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical stage task done',
                    'verbose_name_plural': 'historical stage tasks done',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='SnapshotRun',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('date', models.DateField(unique=True, verbose_name='date')),
                    ('started_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started at')),
                    ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                    ('taken_at', models.DateTimeField(blank=True, help_text='When the opportunities were read; the funnel page of a large unit shows the figures as of then.', null=True, verbose_name='figures as of')),
                    ('rows', models.PositiveIntegerField(default=0, verbose_name='rows')),
                ],
                options={
                    'verbose_name': 'snapshot run',
                    'verbose_name_plural': 'snapshot runs',
                    'ordering': ['-date'],
                },
            ),
            migrations.CreateModel(
                name='StageChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('from_code', models.CharField(blank=True, max_length=8, verbose_name='from (code)')),
                    ('from_name_zh', models.CharField(blank=True, max_length=60, verbose_name='from (Chinese)')),
                    ('from_name_en', models.CharField(blank=True, max_length=60, verbose_name='from (English)')),
                    ('from_outcome', models.CharField(blank=True, max_length=8, verbose_name='from (outcome)')),
                    ('from_probability', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='probability before (%)')),
                    ('to_code', models.CharField(max_length=8, verbose_name='to (code)')),
                    ('to_name_zh', models.CharField(max_length=60, verbose_name='to (Chinese)')),
                    ('to_name_en', models.CharField(max_length=60, verbose_name='to (English)')),
                    ('to_outcome', models.CharField(max_length=8, verbose_name='to (outcome)')),
                    ('to_probability', models.PositiveSmallIntegerField(verbose_name='probability after (%)')),
                    ('direction', models.CharField(blank=True, max_length=10, verbose_name='direction')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='amount')),
                    ('weighted_before', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='weighted amount before')),
                    ('weighted_after', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='weighted amount after')),
                    ('loss_reason', models.CharField(blank=True, max_length=500, verbose_name='loss reason')),
                    ('competitor', models.CharField(blank=True, max_length=100, verbose_name='lost to (competitor)')),
                    ('note', models.TextField(blank=True, verbose_name='note')),
                    ('changed_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='changed at')),
                ],
                options={
                    'verbose_name': 'stage change',
                    'verbose_name_plural': 'stage changes',
                    'ordering': ['-changed_at', '-id'],
                },
            ),

            migrations.CreateModel(
                name='StageEntry',
                fields=[
                    ('opportunity', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='stage_entry', serialize=False, to='opportunities.opportunity', verbose_name='opportunity')),
                    ('entered_at', models.DateTimeField(verbose_name='entered at')),
                ],
                options={
                    'verbose_name': 'stage entry',
                    'verbose_name_plural': 'stage entries',
                },
            ),
            migrations.CreateModel(
                name='StageTaskDone',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.PositiveSmallIntegerField(verbose_name='position in the checklist')),
                    ('task', models.CharField(max_length=300, verbose_name='task')),
                    ('done_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='done at')),
                ],
                options={
                    'verbose_name': 'stage task done',
                    'verbose_name_plural': 'stage tasks done',
                    'ordering': ['stage', 'position'],
                },
            ),

            migrations.AddField(
                model_name='baseline',
                name='org_unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='teams.orgunit', verbose_name='org unit'),
            ),
            migrations.AddField(
                model_name='baseline',
                name='set_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='set by'),
            ),
            migrations.AddField(
                model_name='baseline',
                name='stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='baselines', to='opportunities.stage', verbose_name='stage'),
            ),
            migrations.AddField(
                model_name='baseline',
                name='user',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person'),
            ),
            migrations.AddConstraint(
                model_name='funnelsettings',
                constraint=models.CheckConstraint(condition=models.Q(('good_from_percent__lte', models.F('excellent_above_percent'))), name='funnelsettings_thresholds_in_order'),
            ),
            migrations.AddConstraint(
                model_name='funnelsettings',
                constraint=models.CheckConstraint(condition=models.Q(('lookback_quarters__gte', 1), ('lookback_days__gte', 1)), name='funnelsettings_lookback_positive'),
            ),
            migrations.AddConstraint(
                model_name='funnelsettings',
                constraint=models.CheckConstraint(condition=models.Q(('min_expected_count__gte', 0)), name='funnelsettings_min_expected_count'),
            ),
            migrations.AddField(
                model_name='funnelsnapshot',
                name='org_unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='teams.orgunit', verbose_name='org unit'),
            ),
            migrations.AddField(
                model_name='funnelsnapshot',
                name='stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.stage', verbose_name='stage'),
            ),
            migrations.AddField(
                model_name='funnelsnapshot',
                name='user',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person'),
            ),
            migrations.AddField(
                model_name='historicalbaseline',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalbaseline',
                name='org_unit',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.orgunit', verbose_name='org unit'),
            ),
            migrations.AddField(
                model_name='historicalbaseline',
                name='set_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='set by'),
            ),
            migrations.AddField(
                model_name='historicalbaseline',
                name='stage',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage', verbose_name='stage'),
            ),
            migrations.AddField(
                model_name='historicalbaseline',
                name='user',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person'),
            ),
            migrations.AddField(
                model_name='historicalfunnelsettings',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalstagetaskdone',
                name='done_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by'),
            ),
            migrations.AddField(
                model_name='historicalstagetaskdone',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalstagetaskdone',
                name='opportunity',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='historicalstagetaskdone',
                name='stage',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage', verbose_name='stage'),
            ),
            migrations.AddField(
                model_name='stagechange',
                name='changed_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by'),
            ),
            migrations.AddField(
                model_name='stagechange',
                name='from_stage',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.stage', verbose_name='from stage'),
            ),
            migrations.AddField(
                model_name='stagechange',
                name='opportunity',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stage_changes', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='stagechange',
                name='to_stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.stage', verbose_name='to stage'),
            ),
            migrations.AddField(
                model_name='stageentry',
                name='stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.stage', verbose_name='stage'),
            ),
            migrations.AddField(
                model_name='stagetaskdone',
                name='done_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by'),
            ),
            migrations.AddField(
                model_name='stagetaskdone',
                name='opportunity',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stage_tasks_done', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='stagetaskdone',
                name='stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.stage', verbose_name='stage'),
            ),
            migrations.AddConstraint(
                model_name='baseline',
                constraint=models.CheckConstraint(condition=models.Q(('user__isnull', True), ('org_unit__isnull', True), _connector='XOR'), name='baseline_one_holder'),
            ),
            migrations.AddConstraint(
                model_name='baseline',
                constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('user', 'stage', 'source'), name='baseline_once_per_person'),
            ),
            migrations.AddConstraint(
                model_name='baseline',
                constraint=models.UniqueConstraint(condition=models.Q(('org_unit__isnull', False)), fields=('org_unit', 'stage', 'source'), name='baseline_once_per_unit'),
            ),
            migrations.AddConstraint(
                model_name='baseline',
                constraint=models.CheckConstraint(condition=models.Q(('expected_count__isnull', True), ('expected_count__gte', 0), _connector='OR'), name='baseline_count_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='baseline',
                constraint=models.CheckConstraint(condition=models.Q(('expected_amount__isnull', True), ('expected_amount__gte', 0), _connector='OR'), name='baseline_amount_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='baseline',
                constraint=models.CheckConstraint(condition=models.Q(('expected_count__isnull', False), ('expected_amount__isnull', False), _connector='OR'), name='baseline_has_a_value'),
            ),
            migrations.AddIndex(
                model_name='funnelsnapshot',
                index=models.Index(fields=['user', 'date'], name='funnelsnapshot_person'),
            ),
            migrations.AddIndex(
                model_name='funnelsnapshot',
                index=models.Index(fields=['org_unit', 'date'], name='funnelsnapshot_unit'),
            ),
            migrations.AddConstraint(
                model_name='funnelsnapshot',
                constraint=models.CheckConstraint(condition=models.Q(('user__isnull', True), ('org_unit__isnull', True), _connector='XOR'), name='funnelsnapshot_one_holder'),
            ),
            migrations.AddConstraint(
                model_name='funnelsnapshot',
                constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('date', 'user', 'stage'), name='funnelsnapshot_once_per_person'),
            ),
            migrations.AddConstraint(
                model_name='funnelsnapshot',
                constraint=models.UniqueConstraint(condition=models.Q(('org_unit__isnull', False)), fields=('date', 'org_unit', 'stage'), name='funnelsnapshot_once_per_unit'),
            ),
            migrations.AddIndex(
                model_name='stagechange',
                index=models.Index(fields=['opportunity', 'changed_at'], name='stagechange_opportunity'),
            ),
            migrations.AddIndex(
                model_name='stageentry',
                index=models.Index(fields=['stage', 'entered_at'], name='stageentry_stage_entered'),
            ),
            migrations.AddIndex(
                model_name='stageentry',
                index=models.Index(fields=['entered_at', 'opportunity'], name='stageentry_entered'),
            ),
            migrations.AddConstraint(
                model_name='stagetaskdone',
                constraint=models.UniqueConstraint(fields=('opportunity', 'stage', 'position'), name='stagetaskdone_once'),
            ),
        ]),
        replaced_step('funnel.migrations.0004_default_funnel_config', 'seed_funnel_config', stage_moved=True),
        replaced_step('funnel.migrations.0004_default_funnel_config', 'schedule_daily_snapshot', 'unschedule'),
        replaced_step('funnel.migrations.0010_snapshot_watchdog_schedule', 'schedule_watchdog', 'unschedule'),
    ]
