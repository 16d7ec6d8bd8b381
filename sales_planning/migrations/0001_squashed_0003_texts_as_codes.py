"""Squashed: quotas, territories' accounts, re-deployments and incentives, in the tables the teams app
created for them (`teams_...`).

A database of the old layout has those tables already (teams 0003) and none of this app's migrations: there
it runs the replaced migrations, which adopt the tables (real foreign keys, texts as codes).

A new database runs this instead of the migrations it replaces (crm/migrating.py says why)."""

import django.db.models.deletion
import simple_history.models
import uuid
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from crm.migrating import CreateModelsAtOnce


class Migration(migrations.Migration):

    replaces = [
        ('sales_planning', '0001_initial'),
        ('sales_planning', '0002_real_foreign_keys'),
        ('sales_planning', '0003_texts_as_codes'),
    ]

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('teams', '0006_move_sales_planning_and_team_selling_out'),
        ('accounts', '0005_import_progress_and_stuck_reset'),
        ('opportunities', '0005_stage_tasks_required'),
        ('funnel', '0010_snapshot_watchdog_schedule'),
        ('forecasting', '0005_period_kind_year'),
        ('bids', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModelsAtOnce([
            migrations.CreateModel(
                name='Bonus',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('quota_amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='quota')),
                    ('won_amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='won amount')),
                    ('attainment', models.DecimalField(decimal_places=2, max_digits=9, verbose_name='attainment (%)')),
                    ('tier_threshold', models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name='tier reached (%)')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='bonus')),
                    ('status', models.CharField(choices=[('calculated', 'Calculated'), ('approved', 'Approved'), ('paid', 'Paid'), ('superseded', 'Replaced by a newer version')], default='calculated', max_length=12, verbose_name='status')),
                    ('calculated_at', models.DateTimeField(verbose_name='calculated at')),
                    ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                    ('paid_at', models.DateTimeField(blank=True, null=True, verbose_name='paid at')),
                ],
                options={
                    'verbose_name': 'bonus',
                    'verbose_name_plural': 'bonuses',
                    'db_table': 'teams_bonus',
                    'ordering': ['plan', 'user__username'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalBonus',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('quota_amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='quota')),
                    ('won_amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='won amount')),
                    ('attainment', models.DecimalField(decimal_places=2, max_digits=9, verbose_name='attainment (%)')),
                    ('tier_threshold', models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name='tier reached (%)')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='bonus')),
                    ('status', models.CharField(choices=[('calculated', 'Calculated'), ('approved', 'Approved'), ('paid', 'Paid'), ('superseded', 'Replaced by a newer version')], default='calculated', max_length=12, verbose_name='status')),
                    ('calculated_at', models.DateTimeField(verbose_name='calculated at')),
                    ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                    ('paid_at', models.DateTimeField(blank=True, null=True, verbose_name='paid at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical bonus',
                    'verbose_name_plural': 'historical bonuses',
                    'db_table': 'teams_historicalbonus',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalQuotaAllocation',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('acknowledged_difference', models.DecimalField(blank=True, decimal_places=2, max_digits=19, null=True, verbose_name='acknowledged difference')),
                    ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='acknowledged at')),
                    ('note', models.TextField(blank=True, verbose_name='note')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical quota allocation',
                    'verbose_name_plural': 'historical quota allocations',
                    'db_table': 'teams_historicalquotaallocation',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalTerritoryAccount',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('added_at', models.DateTimeField(blank=True, editable=False, verbose_name='added at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical named account',
                    'verbose_name_plural': 'historical named accounts',
                    'db_table': 'teams_historicalterritoryaccount',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='IncentivePlan',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('family', models.UUIDField(db_index=True, default=uuid.uuid4, editable=False, verbose_name='plan')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                    ('name', models.CharField(max_length=150, verbose_name='name')),
                    ('eligible_roles', models.JSONField(blank=True, default=list, verbose_name='eligible roles')),
                    ('cap', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='cap per person')),
                    ('accelerator', models.DecimalField(decimal_places=2, default=Decimal('1.00'), max_digits=6, verbose_name='accelerator above 100%')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('published', 'Published'), ('superseded', 'Replaced by a newer version')], default='draft', max_length=12, verbose_name='status')),
                    ('change_reason', models.TextField(blank=True, verbose_name='reason for this version')),
                    ('expected_cost', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='expected cost')),
                    ('expected_cost_at', models.DateTimeField(blank=True, null=True, verbose_name='expected cost computed at')),
                    ('expected_cost_detail', models.JSONField(blank=True, default=list, verbose_name='expected cost per person')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                    ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                    ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                    ('review_comment', models.TextField(blank=True, verbose_name='review comment')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'incentive plan',
                    'verbose_name_plural': 'incentive plans',
                    'db_table': 'teams_incentiveplan',
                    'ordering': ['-period__year', 'name', '-version'],
                },
            ),
            migrations.CreateModel(
                name='IncentiveTier',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('threshold', models.DecimalField(decimal_places=2, max_digits=9, verbose_name='from attainment (%)')),
                    ('rate', models.DecimalField(blank=True, decimal_places=4, max_digits=7, null=True, verbose_name='rate on won amount (%)')),
                    ('fixed_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='fixed amount')),
                ],
                options={
                    'verbose_name': 'incentive tier',
                    'verbose_name_plural': 'incentive tiers',
                    'db_table': 'teams_incentivetier',
                    'ordering': ['threshold', 'id'],
                },
            ),
            migrations.CreateModel(
                name='Quota',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='amount')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned')], default='draft', max_length=10, verbose_name='status')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                    ('reason', models.TextField(blank=True, verbose_name='reason')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                    ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                    ('return_reason', models.TextField(blank=True, verbose_name='reason for return')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'sales quota',
                    'verbose_name_plural': 'sales quotas',
                    'db_table': 'teams_quota',
                    'ordering': ['period', 'org_unit__name', 'user__username', 'id'],
                },
            ),
            migrations.CreateModel(
                name='QuotaAllocation',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('acknowledged_difference', models.DecimalField(blank=True, decimal_places=2, max_digits=19, null=True, verbose_name='acknowledged difference')),
                    ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='acknowledged at')),
                    ('note', models.TextField(blank=True, verbose_name='note')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                ],
                options={
                    'verbose_name': 'quota allocation',
                    'verbose_name_plural': 'quota allocations',
                    'db_table': 'teams_quotaallocation',
                },
            ),
            migrations.CreateModel(
                name='QuotaPeriod',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('year', 'Year'), ('quarter', 'Quarter')], max_length=10, verbose_name='kind')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                    ('quarter', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='quarter')),
                    ('start', models.DateField(verbose_name='start')),
                    ('end', models.DateField(verbose_name='end')),
                ],
                options={
                    'verbose_name': 'quota period',
                    'verbose_name_plural': 'quota periods',
                    'db_table': 'teams_quotaperiod',
                    'ordering': ['-year', 'quarter', 'id'],
                },
            ),
            migrations.CreateModel(
                name='QuotaRevision',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('version', models.PositiveIntegerField(verbose_name='version')),
                    ('action', models.CharField(choices=[('set', 'Set'), ('revise', 'Revised'), ('submit', 'Submitted'), ('approve', 'Approved'), ('return', 'Returned')], max_length=10, verbose_name='action')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='amount')),
                    ('previous_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='previous amount')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned')], max_length=10, verbose_name='status')),
                    ('reason', models.TextField(blank=True, verbose_name='reason')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                ],
                options={
                    'verbose_name': 'quota revision',
                    'verbose_name_plural': 'quota revisions',
                    'db_table': 'teams_quotarevision',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='Redeployment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='done at')),
                    ('include_opportunities', models.BooleanField(default=False, verbose_name='with open opportunities')),
                    ('reason', models.TextField(verbose_name='reason')),
                    ('customer_count', models.PositiveIntegerField(default=0, verbose_name='customers')),
                    ('opportunity_count', models.PositiveIntegerField(default=0, verbose_name='opportunities')),
                ],
                options={
                    'verbose_name': 're-deployment',
                    'verbose_name_plural': 're-deployments',
                    'db_table': 'teams_redeployment',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='TerritoryAccount',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('added_at', models.DateTimeField(auto_now_add=True, verbose_name='added at')),
                ],
                options={
                    'verbose_name': 'named account',
                    'verbose_name_plural': 'named accounts',
                    'db_table': 'teams_territoryaccount',
                    'ordering': ['territory', 'customer_id'],
                },
            ),
            migrations.CreateModel(
                name='TerritoryPlan',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                    ('goals', models.TextField(blank=True, verbose_name='goals')),
                    ('coverage', models.TextField(blank=True, verbose_name='coverage')),
                    ('principles', models.TextField(blank=True, verbose_name='assignment principles')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned')], default='draft', max_length=10, verbose_name='status')),
                    ('revision_reason', models.TextField(blank=True, verbose_name='reason for this version')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                    ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                    ('review_comment', models.TextField(blank=True, verbose_name='review comment')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'territory plan',
                    'verbose_name_plural': 'territory plans',
                    'db_table': 'teams_territoryplan',
                    'ordering': ['-year', 'org_unit__name', 'territory__name', '-version'],
                },
            ),

            migrations.AddField(
                model_name='bonus',
                name='approved_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by'),
            ),
            migrations.AddField(
                model_name='bonus',
                name='paid_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='paid by'),
            ),
            migrations.AddField(
                model_name='bonus',
                name='user',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bonuses', to=settings.AUTH_USER_MODEL, verbose_name='person'),
            ),
            migrations.AddField(
                model_name='historicalbonus',
                name='approved_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by'),
            ),
            migrations.AddField(
                model_name='historicalbonus',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalbonus',
                name='paid_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='paid by'),
            ),
            migrations.AddField(
                model_name='historicalbonus',
                name='user',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person'),
            ),
            migrations.AddField(
                model_name='historicalquotaallocation',
                name='acknowledged_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='acknowledged by'),
            ),
            migrations.AddField(
                model_name='historicalquotaallocation',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalquotaallocation',
                name='org_unit',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.orgunit', verbose_name='org unit'),
            ),
            migrations.AddField(
                model_name='historicalquotaallocation',
                name='submitted_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by'),
            ),
            migrations.AddField(
                model_name='historicalterritoryaccount',
                name='added_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by'),
            ),
            migrations.AddField(
                model_name='historicalterritoryaccount',
                name='customer',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.customer', verbose_name='customer'),
            ),
            migrations.AddField(
                model_name='historicalterritoryaccount',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalterritoryaccount',
                name='territory',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.territory', verbose_name='territory'),
            ),
            migrations.AddField(
                model_name='incentiveplan',
                name='approved_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by'),
            ),
            migrations.AddField(
                model_name='incentiveplan',
                name='created_by',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
            ),
            migrations.AddField(
                model_name='incentiveplan',
                name='eligible_units',
                field=models.ManyToManyField(blank=True, db_table='teams_incentiveplan_eligible_units', related_name='+', to='teams.orgunit', verbose_name='eligible units'),
            ),
            migrations.AddField(
                model_name='incentiveplan',
                name='eligible_users',
                field=models.ManyToManyField(blank=True, db_table='teams_incentiveplan_eligible_users', related_name='eligible_incentive_plans', to=settings.AUTH_USER_MODEL, verbose_name='named people'),
            ),
            migrations.AddField(
                model_name='incentiveplan',
                name='org_unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='incentive_plans', to='teams.orgunit', verbose_name='belongs to'),
            ),
            migrations.AddField(
                model_name='incentiveplan',
                name='previous',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='next_versions', to='sales_planning.incentiveplan', verbose_name='previous version'),
            ),
            migrations.AddField(
                model_name='historicalbonus',
                name='plan',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sales_planning.incentiveplan', verbose_name='incentive plan'),
            ),
            migrations.AddField(
                model_name='bonus',
                name='plan',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bonuses', to='sales_planning.incentiveplan', verbose_name='incentive plan'),
            ),
            migrations.AddField(
                model_name='incentivetier',
                name='plan',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tiers', to='sales_planning.incentiveplan', verbose_name='incentive plan'),
            ),
            migrations.AddField(
                model_name='quota',
                name='allocated_from',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='allocated_quotas', to='teams.orgunit', verbose_name='allocated from'),
            ),
            migrations.AddField(
                model_name='quota',
                name='org_unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='quotas', to='teams.orgunit', verbose_name='org unit'),
            ),
            migrations.AddField(
                model_name='quota',
                name='reviewed_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by'),
            ),
            migrations.AddField(
                model_name='quota',
                name='set_by',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='set by'),
            ),
            migrations.AddField(
                model_name='quota',
                name='submitted_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by'),
            ),
            migrations.AddField(
                model_name='quota',
                name='user',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='quotas', to=settings.AUTH_USER_MODEL, verbose_name='person'),
            ),
            migrations.AddField(
                model_name='quotaallocation',
                name='acknowledged_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='acknowledged by'),
            ),
            migrations.AddField(
                model_name='quotaallocation',
                name='org_unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='quota_allocations', to='teams.orgunit', verbose_name='org unit'),
            ),
            migrations.AddField(
                model_name='quotaallocation',
                name='submitted_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by'),
            ),
            migrations.AddConstraint(
                model_name='quotaperiod',
                constraint=models.CheckConstraint(condition=models.Q(('end__gte', models.F('start'))), name='quotaperiod_end_after_start'),
            ),
            migrations.AddConstraint(
                model_name='quotaperiod',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'year'), ('quarter__isnull', True)), models.Q(('kind', 'quarter'), ('quarter__gte', 1), ('quarter__lte', 4)), _connector='OR'), name='quotaperiod_quarter_matches_kind'),
            ),
            migrations.AddConstraint(
                model_name='quotaperiod',
                constraint=models.UniqueConstraint(fields=('year', 'quarter'), name='quotaperiod_unique_quarter'),
            ),
            migrations.AddConstraint(
                model_name='quotaperiod',
                constraint=models.UniqueConstraint(condition=models.Q(('quarter__isnull', True)), fields=('year',), name='quotaperiod_unique_year'),
            ),
            migrations.AddField(
                model_name='quotaallocation',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='allocations', to='sales_planning.quotaperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='quota',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='quotas', to='sales_planning.quotaperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='incentiveplan',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='incentive_plans', to='sales_planning.quotaperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='historicalquotaallocation',
                name='period',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='sales_planning.quotaperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='quotarevision',
                name='by',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
            ),
            migrations.AddField(
                model_name='quotarevision',
                name='quota',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='sales_planning.quota', verbose_name='sales quota'),
            ),
            migrations.AddField(
                model_name='redeployment',
                name='by',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by'),
            ),
            migrations.AddField(
                model_name='redeployment',
                name='customers',
                field=models.ManyToManyField(blank=True, related_name='redeployments', to='accounts.customer', verbose_name='customers moved'),
            ),
            migrations.AddField(
                model_name='redeployment',
                name='from_territory',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.territory', verbose_name='from territory'),
            ),
            migrations.AddField(
                model_name='redeployment',
                name='from_user',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='from'),
            ),
            migrations.AddField(
                model_name='redeployment',
                name='opportunities',
                field=models.ManyToManyField(blank=True, related_name='redeployments', to='opportunities.opportunity', verbose_name='opportunities moved'),
            ),
            migrations.AddField(
                model_name='redeployment',
                name='to_territory',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.territory', verbose_name='to territory'),
            ),
            migrations.AddField(
                model_name='redeployment',
                name='to_user',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='to'),
            ),
            migrations.AddField(
                model_name='territoryaccount',
                name='added_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by'),
            ),
            migrations.AddField(
                model_name='territoryaccount',
                name='customer',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='named_account', to='accounts.customer', verbose_name='customer'),
            ),
            migrations.AddField(
                model_name='territoryaccount',
                name='territory',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='named_accounts', to='teams.territory', verbose_name='territory'),
            ),
            migrations.AddField(
                model_name='territoryplan',
                name='drafted_by',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='drafted by'),
            ),
            migrations.AddField(
                model_name='territoryplan',
                name='org_unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='territory_plans', to='teams.orgunit', verbose_name='org unit'),
            ),
            migrations.AddField(
                model_name='territoryplan',
                name='reviewed_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by'),
            ),
            migrations.AddField(
                model_name='territoryplan',
                name='territory',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='teams.territory', verbose_name='territory'),
            ),
            migrations.AddConstraint(
                model_name='bonus',
                constraint=models.UniqueConstraint(fields=('plan', 'user'), name='bonus_once_per_person_and_version'),
            ),
            migrations.AddConstraint(
                model_name='bonus',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='bonus_amount_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='incentivetier',
                constraint=models.UniqueConstraint(fields=('plan', 'threshold'), name='incentivetier_one_per_threshold'),
            ),
            migrations.AddConstraint(
                model_name='incentivetier',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('fixed_amount__isnull', True), ('rate__isnull', False)), models.Q(('fixed_amount__isnull', False), ('rate__isnull', True)), _connector='OR'), name='incentivetier_rate_xor_fixed'),
            ),
            migrations.AddConstraint(
                model_name='incentivetier',
                constraint=models.CheckConstraint(condition=models.Q(('threshold__gte', 0)), name='incentivetier_threshold_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='incentivetier',
                constraint=models.CheckConstraint(condition=models.Q(('rate__isnull', True), ('rate__gte', 0), _connector='OR'), name='incentivetier_rate_positive'),
            ),
            migrations.AddConstraint(
                model_name='incentivetier',
                constraint=models.CheckConstraint(condition=models.Q(('fixed_amount__isnull', True), ('fixed_amount__gte', 0), _connector='OR'), name='incentivetier_fixed_positive'),
            ),
            migrations.AddConstraint(
                model_name='quotaallocation',
                constraint=models.UniqueConstraint(fields=('period', 'org_unit'), name='quotaallocation_once_per_unit'),
            ),
            migrations.AddIndex(
                model_name='quota',
                index=models.Index(fields=['period', 'allocated_from'], name='quota_allocation'),
            ),
            migrations.AddConstraint(
                model_name='quota',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('org_unit__isnull', False), ('user__isnull', True)), models.Q(('org_unit__isnull', True), ('user__isnull', False)), _connector='OR'), name='quota_unit_xor_person'),
            ),
            migrations.AddConstraint(
                model_name='quota',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='quota_amount_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='quota',
                constraint=models.UniqueConstraint(condition=models.Q(('org_unit__isnull', False)), fields=('period', 'org_unit'), name='quota_one_per_unit_and_period'),
            ),
            migrations.AddConstraint(
                model_name='quota',
                constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('period', 'user'), name='quota_one_per_person_and_period'),
            ),
            migrations.AddConstraint(
                model_name='incentiveplan',
                constraint=models.UniqueConstraint(fields=('family', 'version'), name='incentiveplan_one_row_per_version'),
            ),
            migrations.AddConstraint(
                model_name='incentiveplan',
                constraint=models.CheckConstraint(condition=models.Q(('accelerator__gte', 1)), name='incentiveplan_accelerator_at_least_1'),
            ),
            migrations.AddConstraint(
                model_name='incentiveplan',
                constraint=models.CheckConstraint(condition=models.Q(('cap__isnull', True), ('cap__gte', 0), _connector='OR'), name='incentiveplan_cap_positive'),
            ),
            migrations.AddConstraint(
                model_name='territoryplan',
                constraint=models.UniqueConstraint(condition=models.Q(('territory__isnull', True)), fields=('org_unit', 'year', 'version'), name='territoryplan_unit_version'),
            ),
            migrations.AddConstraint(
                model_name='territoryplan',
                constraint=models.UniqueConstraint(condition=models.Q(('territory__isnull', False)), fields=('territory', 'year', 'version'), name='territoryplan_territory_version'),
            ),
            migrations.AddConstraint(
                model_name='territoryplan',
                constraint=models.CheckConstraint(condition=models.Q(('year__gte', 2000), ('year__lte', 2100)), name='territoryplan_year'),
            ),
        ], existing_table="teams_quotaperiod", replay=["0001_initial", "0002_real_foreign_keys", "0003_texts_as_codes"]),
    ]
