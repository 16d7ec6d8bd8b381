"""Squashed: opportunities, stages, activities and the assessment, and funnel's stage history, snapshots,
baselines and health, and forecasting's periods, rules and records; the eight default stages (written when the stage lived in funnel), the 20 default
questions, each stage's checklist and stuck limit, the funnel settings, the default forecast rule and
each stage's forecast category, and the schedules of the daily snapshot, its watchdog and the roll-up.

It replaces funnel's and forecasting's histories too, and creates their models: the three histories wait on
each other (the stage moved from funnel to here, forecasting's categories moved with it in between), so
separate squashes would each have to come before another. funnel's 0011 and forecasting's 0006 follow it,
for those apps' next migrations to follow.

A new database runs this instead of the migrations it replaces (crm/migrating.py says why)."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import forecasting.models
import opportunities.models
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
        ('forecasting', '0001_initial'),
        ('forecasting', '0002_default_rules'),
        ('forecasting', '0003_rollup_schedule'),
        ('forecasting', '0004_stage_in_opportunities'),
        ('forecasting', '0005_period_kind_year'),
        ('opportunities', '0001_initial'),
        ('opportunities', '0002_default_assessment'),
        ('opportunities', '0003_stage_from_funnel'),
        ('opportunities', '0004_opportunity_closed_on'),
        ('opportunities', '0005_stage_tasks_required'),
        ('opportunities', '0006_list_indexes'),
        ('opportunities', '0007_stage_probability_message'),
    ]

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        ('teams', '0004_incentive_payouts_schedule'),
        ('accounts', '0007_customer_name_id'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModelsAtOnce([
            migrations.CreateModel(
                name='ActionPlan',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('goal', models.TextField(blank=True, verbose_name='goal')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ],
                options={
                    'verbose_name': 'action plan',
                    'verbose_name_plural': 'action plans',
                    'ordering': ['created_at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='Activity',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('meeting', 'Meeting'), ('call', 'Call'), ('visit', 'Visit'), ('seminar', 'Seminar'), ('demo', 'Demonstration'), ('sample', 'Sample'), ('proposal', 'Proposal'), ('interaction', 'Interaction note'), ('task', 'Task')], default='meeting', max_length=20, verbose_name='kind')),
                    ('subject', models.CharField(max_length=200, verbose_name='subject')),
                    ('location', models.CharField(blank=True, max_length=200, verbose_name='place')),
                    ('due_at', models.DateTimeField(db_index=True, verbose_name='due')),
                    ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done')),
                    ('notes', models.TextField(blank=True, verbose_name='notes')),
                    ('outcome', models.TextField(blank=True, verbose_name='outcome')),
                    ('sequence', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='step')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'activity',
                    'verbose_name_plural': 'activities',
                    'ordering': ['due_at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='Assessment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='assessed at')),
                    ('score', models.PositiveSmallIntegerField(verbose_name='score')),
                    ('threshold', models.PositiveSmallIntegerField(verbose_name='threshold')),
                    ('high_value', models.BooleanField(verbose_name='high value')),
                    ('opportunity_score', models.PositiveSmallIntegerField(verbose_name='opportunity')),
                    ('competitiveness_score', models.PositiveSmallIntegerField(verbose_name='competitiveness')),
                    ('winnability_score', models.PositiveSmallIntegerField(verbose_name='winnability')),
                    ('worth_score', models.PositiveSmallIntegerField(verbose_name='worth')),
                ],
                options={
                    'verbose_name': 'assessment',
                    'verbose_name_plural': 'assessments',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='AssessmentAnswer',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=10, verbose_name='code')),
                    ('dimension', models.CharField(choices=[('opportunity', 'Is there an opportunity?'), ('competitiveness', 'Can we compete?'), ('winnability', 'Can we win?'), ('worth', 'Is it worth winning?')], max_length=20, verbose_name='dimension')),
                    ('text_zh', models.CharField(max_length=200, verbose_name='question (Chinese)')),
                    ('text_en', models.CharField(max_length=200, verbose_name='question (English)')),
                    ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                    ('answer', models.BooleanField(verbose_name='answer')),
                ],
                options={
                    'verbose_name': 'assessment answer',
                    'verbose_name_plural': 'assessment answers',
                    'ordering': ['order', 'id'],
                },
            ),
            migrations.CreateModel(
                name='AssessmentQuestion',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=10, unique=True, verbose_name='code')),
                    ('dimension', models.CharField(choices=[('opportunity', 'Is there an opportunity?'), ('competitiveness', 'Can we compete?'), ('winnability', 'Can we win?'), ('worth', 'Is it worth winning?')], max_length=20, verbose_name='dimension')),
                    ('text_zh', models.CharField(max_length=200, verbose_name='question (Chinese)')),
                    ('text_en', models.CharField(max_length=200, verbose_name='question (English)')),
                    ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                ],
                options={
                    'verbose_name': 'assessment question',
                    'verbose_name_plural': 'assessment questions',
                    'ordering': ['order', 'id'],
                },
            ),
            migrations.CreateModel(
                name='AssessmentSettings',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('threshold', models.PositiveSmallIntegerField(default=10, verbose_name='high value above')),
                ],
                options={
                    'verbose_name': 'assessment settings',
                    'verbose_name_plural': 'assessment settings',
                },
            ),
            migrations.CreateModel(
                name='HistoricalAssessmentQuestion',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('code', models.CharField(db_index=True, max_length=10, verbose_name='code')),
                    ('dimension', models.CharField(choices=[('opportunity', 'Is there an opportunity?'), ('competitiveness', 'Can we compete?'), ('winnability', 'Can we win?'), ('worth', 'Is it worth winning?')], max_length=20, verbose_name='dimension')),
                    ('text_zh', models.CharField(max_length=200, verbose_name='question (Chinese)')),
                    ('text_en', models.CharField(max_length=200, verbose_name='question (English)')),
                    ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical assessment question',
                    'verbose_name_plural': 'historical assessment questions',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalAssessmentSettings',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('threshold', models.PositiveSmallIntegerField(default=10, verbose_name='high value above')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical assessment settings',
                    'verbose_name_plural': 'historical assessment settings',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalOpportunity',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='amount')),
                    ('currency', models.CharField(default=opportunities.models.default_currency, max_length=3, verbose_name='currency')),
                    ('expected_close_date', models.DateField(verbose_name='expected close date')),
                    ('closed_on', models.DateField(blank=True, help_text='The day it was won or lost (set by the move to stage 08, cleared when reopened).', null=True, verbose_name='closed on')),
                    ('confirmed', models.BooleanField(default=False, verbose_name='confirmed')),
                    ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                    ('source', models.CharField(choices=[('campaign', 'Marketing campaign'), ('channel', 'Channel partner'), ('online', 'Online sales'), ('service', 'Repair and service'), ('purchased', 'Purchased list'), ('manual', 'Entered by hand')], default='manual', max_length=20, verbose_name='source')),
                    ('competitors', models.JSONField(blank=True, default=list, verbose_name='competitors')),
                    ('assessment_score', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='assessment score')),
                    ('high_value', models.BooleanField(default=False, verbose_name='high value')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical opportunity',
                    'verbose_name_plural': 'historical opportunities',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalProduct',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('code', models.CharField(db_index=True, max_length=40, verbose_name='code')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('unit', models.CharField(default='台', max_length=20, verbose_name='unit')),
                    ('list_price', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='list price')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical product',
                    'verbose_name_plural': 'historical products',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalStage',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('code', models.CharField(max_length=8, verbose_name='code')),
                    ('name_zh', models.CharField(max_length=60, verbose_name='name (Chinese)')),
                    ('name_en', models.CharField(max_length=60, verbose_name='name (English)')),
                    ('tasks_zh', models.TextField(blank=True, verbose_name='tasks (Chinese)')),
                    ('tasks_en', models.TextField(blank=True, verbose_name='tasks (English)')),
                    ('checklist_zh', models.TextField(blank=True, help_text='One task per line, shown on the opportunity while it is in this stage.', verbose_name='task checklist (Chinese)')),
                    ('checklist_en', models.TextField(blank=True, help_text='One task per line, shown on the opportunity while it is in this stage.', verbose_name='task checklist (English)')),
                    ('tasks_required', models.BooleanField(default=False, help_text='An opportunity moves forward out of this stage, or past it, only with every task of its checklist ticked off.', verbose_name='tasks required')),
                    ('requirements', models.JSONField(blank=True, default=list, help_text='What must be true before an opportunity moves forward into this stage.', verbose_name='entry requirements')),
                    ('stuck_after_days', models.PositiveSmallIntegerField(blank=True, help_text='An opportunity longer than this in the stage is flagged as stuck; empty: never.', null=True, verbose_name='stuck after (days)')),
                    ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                    ('probability', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(100, 'The win probability is a percentage from 0 to 100.')], verbose_name='win probability (%)')),
                    ('outcome', models.CharField(choices=[('open', 'Open'), ('won', 'Won'), ('lost', 'Lost')], default='open', max_length=8, verbose_name='outcome')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical stage',
                    'verbose_name_plural': 'historical stages',
                    'db_table': 'funnel_historicalstage',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='Opportunity',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='amount')),
                    ('currency', models.CharField(default=opportunities.models.default_currency, max_length=3, verbose_name='currency')),
                    ('expected_close_date', models.DateField(verbose_name='expected close date')),
                    ('closed_on', models.DateField(blank=True, help_text='The day it was won or lost (set by the move to stage 08, cleared when reopened).', null=True, verbose_name='closed on')),
                    ('confirmed', models.BooleanField(default=False, verbose_name='confirmed')),
                    ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                    ('source', models.CharField(choices=[('campaign', 'Marketing campaign'), ('channel', 'Channel partner'), ('online', 'Online sales'), ('service', 'Repair and service'), ('purchased', 'Purchased list'), ('manual', 'Entered by hand')], default='manual', max_length=20, verbose_name='source')),
                    ('competitors', models.JSONField(blank=True, default=list, verbose_name='competitors')),
                    ('assessment_score', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='assessment score')),
                    ('high_value', models.BooleanField(default=False, verbose_name='high value')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'opportunity',
                    'verbose_name_plural': 'opportunities',
                    'ordering': ['expected_close_date', 'id'],
                },
            ),
            migrations.CreateModel(
                name='OpportunityLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('configuration', models.CharField(blank=True, max_length=300, verbose_name='configuration')),
                    ('quantity', models.DecimalField(decimal_places=2, default=Decimal('1'), max_digits=12, verbose_name='quantity')),
                    ('unit_price', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='unit price')),
                    ('discount', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=5, verbose_name='discount (%)')),
                    ('amount', models.DecimalField(decimal_places=2, editable=False, max_digits=18, verbose_name='amount')),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ],
                options={
                    'verbose_name': 'opportunity line',
                    'verbose_name_plural': 'opportunity lines',
                    'ordering': ['position', 'id'],
                },
            ),
            migrations.CreateModel(
                name='OpportunityTeamMember',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('role', models.CharField(choices=[('sales', 'Sales'), ('presales', 'Presales'), ('solution', 'Solution architect'), ('service', 'Service'), ('partner_manager', 'Partner manager')], default='sales', max_length=20, verbose_name='role')),
                    ('is_primary', models.BooleanField(default=False, verbose_name='primary owner')),
                    ('added_at', models.DateTimeField(auto_now_add=True, verbose_name='added at')),
                ],
                options={
                    'verbose_name': 'sales team member',
                    'verbose_name_plural': 'sales team members',
                    'ordering': ['-is_primary', 'added_at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='OwnerChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('reason', models.TextField(blank=True, verbose_name='reason')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='changed at')),
                ],
                options={
                    'verbose_name': 'owner change',
                    'verbose_name_plural': 'owner changes',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='Product',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=40, unique=True, verbose_name='code')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('unit', models.CharField(default='台', max_length=20, verbose_name='unit')),
                    ('list_price', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='list price')),
                    ('description', models.TextField(blank=True, verbose_name='description')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'product',
                    'verbose_name_plural': 'products',
                    'ordering': ['code'],
                },
            ),
            migrations.CreateModel(
                name='Stage',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=8, verbose_name='code')),
                    ('name_zh', models.CharField(max_length=60, verbose_name='name (Chinese)')),
                    ('name_en', models.CharField(max_length=60, verbose_name='name (English)')),
                    ('tasks_zh', models.TextField(blank=True, verbose_name='tasks (Chinese)')),
                    ('tasks_en', models.TextField(blank=True, verbose_name='tasks (English)')),
                    ('checklist_zh', models.TextField(blank=True, help_text='One task per line, shown on the opportunity while it is in this stage.', verbose_name='task checklist (Chinese)')),
                    ('checklist_en', models.TextField(blank=True, help_text='One task per line, shown on the opportunity while it is in this stage.', verbose_name='task checklist (English)')),
                    ('tasks_required', models.BooleanField(default=False, help_text='An opportunity moves forward out of this stage, or past it, only with every task of its checklist ticked off.', verbose_name='tasks required')),
                    ('requirements', models.JSONField(blank=True, default=list, help_text='What must be true before an opportunity moves forward into this stage.', verbose_name='entry requirements')),
                    ('stuck_after_days', models.PositiveSmallIntegerField(blank=True, help_text='An opportunity longer than this in the stage is flagged as stuck; empty: never.', null=True, verbose_name='stuck after (days)')),
                    ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                    ('probability', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(100, 'The win probability is a percentage from 0 to 100.')], verbose_name='win probability (%)')),
                    ('outcome', models.CharField(choices=[('open', 'Open'), ('won', 'Won'), ('lost', 'Lost')], default='open', max_length=8, verbose_name='outcome')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                ],
                options={
                    'verbose_name': 'stage',
                    'verbose_name_plural': 'stages',
                    'db_table': 'funnel_stage',
                    'ordering': ['order', 'id'],
                },
            ),

            migrations.AddField(
                model_name='actionplan',
                name='created_by',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
            ),
            migrations.AddField(
                model_name='activity',
                name='contacts',
                field=models.ManyToManyField(blank=True, related_name='activities', to='accounts.contact', verbose_name='customer contacts'),
            ),
            migrations.AddField(
                model_name='activity',
                name='created_by',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
            ),
            migrations.AddField(
                model_name='activity',
                name='customer',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='accounts.customer', verbose_name='customer'),
            ),
            migrations.AddField(
                model_name='activity',
                name='owner',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to=settings.AUTH_USER_MODEL, verbose_name='owner'),
            ),
            migrations.AddField(
                model_name='activity',
                name='participants',
                field=models.ManyToManyField(blank=True, related_name='activities_joined', to=settings.AUTH_USER_MODEL, verbose_name='colleagues'),
            ),
            migrations.AddField(
                model_name='activity',
                name='plan',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='opportunities.actionplan', verbose_name='action plan'),
            ),
            migrations.AddField(
                model_name='assessment',
                name='author',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='assessed by'),
            ),
            migrations.AddField(
                model_name='assessmentanswer',
                name='assessment',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='opportunities.assessment', verbose_name='assessment'),
            ),
            migrations.AddField(
                model_name='assessmentanswer',
                name='question',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='opportunities.assessmentquestion', verbose_name='question'),
            ),
            migrations.AddField(
                model_name='historicalassessmentquestion',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalassessmentsettings',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalopportunity',
                name='created_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
            ),
            migrations.AddField(
                model_name='historicalopportunity',
                name='customer',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.customer', verbose_name='customer'),
            ),
            migrations.AddField(
                model_name='historicalopportunity',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalopportunity',
                name='primary_owner',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='primary owner'),
            ),
            migrations.AddField(
                model_name='historicalproduct',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalstage',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='opportunity',
                name='created_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
            ),
            migrations.AddField(
                model_name='opportunity',
                name='customer',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opportunities', to='accounts.customer', verbose_name='customer'),
            ),
            migrations.AddField(
                model_name='opportunity',
                name='primary_owner',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='owned_opportunities', to=settings.AUTH_USER_MODEL, verbose_name='primary owner'),
            ),
            migrations.AddField(
                model_name='assessment',
                name='opportunity',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessments', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='activity',
                name='opportunity',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='activities', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='actionplan',
                name='opportunity',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='action_plans', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='opportunityline',
                name='opportunity',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='opportunityteammember',
                name='added_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by'),
            ),
            migrations.AddField(
                model_name='opportunityteammember',
                name='opportunity',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='team', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='opportunityteammember',
                name='user',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opportunity_memberships', to=settings.AUTH_USER_MODEL, verbose_name='person'),
            ),
            migrations.AddField(
                model_name='ownerchange',
                name='changed_by',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by'),
            ),
            migrations.AddField(
                model_name='ownerchange',
                name='new_owner',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='to'),
            ),
            migrations.AddField(
                model_name='ownerchange',
                name='old_owner',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='from'),
            ),
            migrations.AddField(
                model_name='ownerchange',
                name='opportunity',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='owner_changes', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddConstraint(
                model_name='product',
                constraint=models.CheckConstraint(condition=models.Q(('list_price__isnull', True), ('list_price__gte', 0), _connector='OR'), name='product_list_price_not_negative'),
            ),
            migrations.AddField(
                model_name='opportunityline',
                name='product',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='opportunities.product', verbose_name='product'),
            ),
            migrations.AddConstraint(
                model_name='stage',
                constraint=models.UniqueConstraint(fields=('code', 'outcome'), name='stage_unique_code_outcome'),
            ),
            migrations.AddConstraint(
                model_name='stage',
                constraint=models.CheckConstraint(condition=models.Q(('probability__lte', 100)), name='stage_probability_percent', violation_error_message='The win probability is a percentage from 0 to 100.'),
            ),
            migrations.AddField(
                model_name='opportunity',
                name='stage',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opportunities', to='opportunities.stage', verbose_name='stage'),
            ),
            migrations.AddField(
                model_name='historicalopportunity',
                name='stage',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage', verbose_name='stage'),
            ),
            migrations.AddConstraint(
                model_name='assessmentanswer',
                constraint=models.UniqueConstraint(fields=('assessment', 'code'), name='assessmentanswer_once'),
            ),
            migrations.AddIndex(
                model_name='activity',
                index=models.Index(fields=['owner', 'due_at'], name='activity_owner_due'),
            ),
            migrations.AddConstraint(
                model_name='activity',
                constraint=models.UniqueConstraint(condition=models.Q(('plan__isnull', False)), fields=('plan', 'sequence'), name='activity_one_step_per_position'),
            ),
            migrations.AddIndex(
                model_name='opportunityteammember',
                index=models.Index(condition=models.Q(('is_primary', False)), fields=['user', 'opportunity'], name='opportunityteam_secondary'),
            ),
            migrations.AddConstraint(
                model_name='opportunityteammember',
                constraint=models.UniqueConstraint(fields=('opportunity', 'user'), name='opportunityteam_once_per_person'),
            ),
            migrations.AddConstraint(
                model_name='opportunityteammember',
                constraint=models.UniqueConstraint(condition=models.Q(('is_primary', True)), fields=('opportunity',), name='opportunityteam_one_primary_owner'),
            ),
            migrations.AddConstraint(
                model_name='opportunityline',
                constraint=models.CheckConstraint(condition=models.Q(('quantity__gt', 0)), name='opportunityline_quantity_positive'),
            ),
            migrations.AddConstraint(
                model_name='opportunityline',
                constraint=models.CheckConstraint(condition=models.Q(('unit_price__gte', 0)), name='opportunityline_price_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='opportunityline',
                constraint=models.CheckConstraint(condition=models.Q(('discount__gte', 0), ('discount__lte', 100)), name='opportunityline_discount_percent'),
            ),
            migrations.AddIndex(
                model_name='opportunity',
                index=models.Index(fields=['expected_close_date', 'id'], name='opportunity_close_date'),
            ),
            migrations.AddIndex(
                model_name='opportunity',
                index=models.Index(fields=['primary_owner', 'expected_close_date'], name='opportunity_owner_close'),
            ),
            migrations.AddIndex(
                model_name='opportunity',
                index=models.Index(fields=['-updated_at'], name='opportunity_updated'),
            ),
            migrations.AddIndex(
                model_name='opportunity',
                index=models.Index(fields=['-amount', 'id'], name='opportunity_amount'),
            ),
            migrations.AddIndex(
                model_name='opportunity',
                index=models.Index(fields=['closed_on'], name='opportunity_closed_on'),
            ),
            migrations.AddIndex(
                model_name='opportunity',
                index=models.Index(fields=['primary_owner', 'customer'], name='opportunity_owner_customer'),
            ),
            migrations.AddConstraint(
                model_name='opportunity',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='opportunity_amount_not_negative'),
            ),
        ]),
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
        ], app_label="funnel"),
        CreateModelsAtOnce([
            migrations.CreateModel(
                name='ChannelForecast',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('partner_name', models.CharField(max_length=200, verbose_name='partner')),
                    ('partner_code', models.CharField(blank=True, max_length=40, verbose_name='partner code')),
                    ('quantity', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='quantity')),
                    ('amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='amount')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'channel forecast',
                    'verbose_name_plural': 'channel forecasts',
                    'ordering': ['period', 'org_unit', 'partner_name', 'product'],
                },
            ),
            migrations.CreateModel(
                name='Forecast',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('level', models.CharField(blank=True, choices=[('account_manager', 'Account managers'), ('team', 'Team managers'), ('region', 'Region managers'), ('division', 'Business division heads')], max_length=20, verbose_name='level')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                    ('lock_version', models.PositiveIntegerField(default=1, verbose_name='lock version')),
                    ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned')], default='draft', max_length=10, verbose_name='status')),
                    ('own_total', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='own opportunities')),
                    ('subordinate_total', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name="subordinates' total")),
                    ('pipeline_total', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='pipeline')),
                    ('amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='forecast amount')),
                    ('commit_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='commit')),
                    ('best_case_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='best case')),
                    ('pipeline_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='pipeline category')),
                    ('subordinate_commit', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name="subordinates' commit")),
                    ('subordinate_best_case', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name="subordinates' best case")),
                    ('subordinate_pipeline', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name="subordinates' pipeline category")),
                    ('revised', models.BooleanField(default=False, verbose_name='revised')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                    ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='approved or returned at')),
                ],
                options={
                    'verbose_name': 'forecast record',
                    'verbose_name_plural': 'forecast records',
                    'ordering': ['period', 'owner', '-version'],
                },
            ),
            migrations.CreateModel(
                name='ForecastDeadline',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('level', models.CharField(choices=[('account_manager', 'Account managers'), ('team', 'Team managers'), ('region', 'Region managers'), ('division', 'Business division heads')], max_length=20, verbose_name='level')),
                    ('due', models.DateField(verbose_name='deadline')),
                ],
                options={
                    'verbose_name': 'submission deadline',
                    'verbose_name_plural': 'submission deadlines',
                    'ordering': ['due', 'id'],
                },
            ),
            migrations.CreateModel(
                name='ForecastEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('created', 'Created'), ('revised', 'Revised'), ('submitted', 'Submitted'), ('returned', 'Returned'), ('approved', 'Approved'), ('lines_changed', 'Lines changed')], max_length=20, verbose_name='what')),
                    ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when')),
                    ('reason', models.TextField(blank=True, verbose_name='why')),
                    ('amount_before', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='amount before')),
                    ('amount_after', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='amount after')),
                ],
                options={
                    'verbose_name': 'forecast event',
                    'verbose_name_plural': 'forecast events',
                    'ordering': ['at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='ForecastLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('opportunity_name', models.CharField(max_length=200, verbose_name='opportunity')),
                    ('customer_name', models.CharField(blank=True, max_length=200, verbose_name='customer')),
                    ('stage_code', models.CharField(blank=True, max_length=8, verbose_name='stage')),
                    ('expected_close_date', models.DateField(verbose_name='expected close date')),
                    ('opportunity_amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='opportunity amount')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='forecast amount')),
                    ('category', models.CharField(choices=[('commit', 'Commit'), ('best_case', 'Best case'), ('pipeline', 'Pipeline'), ('omitted', 'Omitted')], max_length=12, verbose_name='category')),
                ],
                options={
                    'verbose_name': 'forecast line',
                    'verbose_name_plural': 'forecast lines',
                    'ordering': ['expected_close_date', 'id'],
                },
            ),
            migrations.CreateModel(
                name='ForecastLineProduct',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('quantity', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='quantity')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='amount')),
                ],
                options={
                    'verbose_name': 'forecast line product',
                    'verbose_name_plural': 'forecast line products',
                    'ordering': ['id'],
                },
            ),
            migrations.CreateModel(
                name='ForecastPeriod',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=60, verbose_name='name')),
                    ('kind', models.CharField(choices=[('month', 'Month'), ('quarter', 'Quarter'), ('year', 'Year')], default='month', max_length=10, verbose_name='kind')),
                    ('start', models.DateField(verbose_name='start')),
                    ('end', models.DateField(verbose_name='end')),
                    ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=10, verbose_name='status')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'forecast period',
                    'verbose_name_plural': 'forecast periods',
                    'ordering': ['-start', 'kind'],
                },
            ),
            migrations.CreateModel(
                name='ForecastReminder',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('level', models.CharField(choices=[('account_manager', 'Account managers'), ('team', 'Team managers'), ('region', 'Region managers'), ('division', 'Business division heads')], max_length=20, verbose_name='level')),
                    ('due', models.DateField(verbose_name='deadline')),
                    ('sent_at', models.DateTimeField(auto_now_add=True, verbose_name='sent at')),
                ],
                options={
                    'verbose_name': 'deadline reminder',
                    'verbose_name_plural': 'deadline reminders',
                },
            ),
            migrations.CreateModel(
                name='ForecastRollup',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('submitted_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='submitted amount')),
                    ('pipeline_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='pipeline')),
                    ('opportunity_count', models.PositiveIntegerField(default=0, verbose_name='opportunities')),
                    ('people_count', models.PositiveIntegerField(default=0, verbose_name='people')),
                    ('submitted_count', models.PositiveIntegerField(default=0, verbose_name='people who submitted')),
                    ('computed_at', models.DateTimeField(verbose_name='computed at')),
                ],
                options={
                    'verbose_name': 'forecast roll-up',
                    'verbose_name_plural': 'forecast roll-ups',
                },
            ),
            migrations.CreateModel(
                name='ForecastRule',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('confirmed_only', models.BooleanField(default=True, verbose_name='only confirmed opportunities')),
                    ('levels', models.JSONField(blank=True, default=forecasting.models.default_levels, help_text='Any of: account_manager, team, region, division.', verbose_name='levels that submit')),
                    ('reminder_days', models.PositiveSmallIntegerField(default=3, help_text='People who have not submitted are reminded this many days before their deadline.', verbose_name='remind days before the deadline')),
                ],
                options={
                    'verbose_name': 'forecast rule',
                    'verbose_name_plural': 'forecast rules',
                },
            ),
            migrations.CreateModel(
                name='HistoricalChannelForecast',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('partner_name', models.CharField(max_length=200, verbose_name='partner')),
                    ('partner_code', models.CharField(blank=True, max_length=40, verbose_name='partner code')),
                    ('quantity', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='quantity')),
                    ('amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=18, verbose_name='amount')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical channel forecast',
                    'verbose_name_plural': 'historical channel forecasts',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalForecastPeriod',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(max_length=60, verbose_name='name')),
                    ('kind', models.CharField(choices=[('month', 'Month'), ('quarter', 'Quarter'), ('year', 'Year')], default='month', max_length=10, verbose_name='kind')),
                    ('start', models.DateField(verbose_name='start')),
                    ('end', models.DateField(verbose_name='end')),
                    ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=10, verbose_name='status')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical forecast period',
                    'verbose_name_plural': 'historical forecast periods',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalForecastRule',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('confirmed_only', models.BooleanField(default=True, verbose_name='only confirmed opportunities')),
                    ('levels', models.JSONField(blank=True, default=forecasting.models.default_levels, help_text='Any of: account_manager, team, region, division.', verbose_name='levels that submit')),
                    ('reminder_days', models.PositiveSmallIntegerField(default=3, help_text='People who have not submitted are reminded this many days before their deadline.', verbose_name='remind days before the deadline')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical forecast rule',
                    'verbose_name_plural': 'historical forecast rules',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalForecastRule_stages',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ],
                options={
                    'verbose_name': 'HistoricalForecastRule_stages',
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalStageCategory',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('category', models.CharField(choices=[('commit', 'Commit'), ('best_case', 'Best case'), ('pipeline', 'Pipeline'), ('omitted', 'Omitted')], max_length=12, verbose_name='category')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical default category of a stage',
                    'verbose_name_plural': 'historical default categories of stages',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='StageCategory',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('category', models.CharField(choices=[('commit', 'Commit'), ('best_case', 'Best case'), ('pipeline', 'Pipeline'), ('omitted', 'Omitted')], max_length=12, verbose_name='category')),
                ],
                options={
                    'verbose_name': 'default category of a stage',
                    'verbose_name_plural': 'default categories of stages',
                    'ordering': ['stage__order', 'stage_id'],
                },
            ),

            migrations.AddField(
                model_name='channelforecast',
                name='created_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by'),
            ),
            migrations.AddField(
                model_name='channelforecast',
                name='org_unit',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='channel_forecasts', to='teams.orgunit', verbose_name='business division'),
            ),
            migrations.AddField(
                model_name='channelforecast',
                name='product',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.product', verbose_name='product'),
            ),
            migrations.AddField(
                model_name='forecast',
                name='decided_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved or returned by'),
            ),
            migrations.AddField(
                model_name='forecast',
                name='org_unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='forecasts', to='teams.orgunit', verbose_name='org unit'),
            ),
            migrations.AddField(
                model_name='forecast',
                name='owner',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='forecasts', to=settings.AUTH_USER_MODEL, verbose_name='owner'),
            ),
            migrations.AddField(
                model_name='forecastevent',
                name='actor',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who'),
            ),
            migrations.AddField(
                model_name='forecastevent',
                name='forecast',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='forecasting.forecast', verbose_name='forecast record'),
            ),
            migrations.AddField(
                model_name='forecastline',
                name='forecast',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='forecasting.forecast', verbose_name='forecast record'),
            ),
            migrations.AddField(
                model_name='forecastline',
                name='opportunity',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='forecast_lines', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='forecastlineproduct',
                name='line',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='products', to='forecasting.forecastline', verbose_name='forecast line'),
            ),
            migrations.AddField(
                model_name='forecastlineproduct',
                name='product',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opportunities.product', verbose_name='product'),
            ),
            migrations.AddConstraint(
                model_name='forecastperiod',
                constraint=models.CheckConstraint(condition=models.Q(('end__gte', models.F('start'))), name='forecastperiod_end_after_start'),
            ),
            migrations.AddConstraint(
                model_name='forecastperiod',
                constraint=models.UniqueConstraint(fields=('kind', 'start'), name='forecastperiod_one_per_kind_and_start'),
            ),
            migrations.AddField(
                model_name='forecastdeadline',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='forecasting.forecastperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='forecast',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='forecasts', to='forecasting.forecastperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='channelforecast',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='channel_forecasts', to='forecasting.forecastperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='forecastreminder',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='forecasting.forecastperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='forecastreminder',
                name='user',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person'),
            ),
            migrations.AddField(
                model_name='forecastrollup',
                name='org_unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='teams.orgunit', verbose_name='org unit'),
            ),
            migrations.AddField(
                model_name='forecastrollup',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rollups', to='forecasting.forecastperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='forecastrollup',
                name='user',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person'),
            ),
            migrations.AddField(
                model_name='forecastrule',
                name='period',
                field=models.OneToOneField(blank=True, help_text='Empty: the default rule of every period without its own.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='rule', to='forecasting.forecastperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='forecastrule',
                name='stages',
                field=models.ManyToManyField(help_text='Opportunities in these stages enter forecasts.', related_name='+', to='opportunities.stage', verbose_name='stages that count'),
            ),
            migrations.AddField(
                model_name='historicalchannelforecast',
                name='created_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by'),
            ),
            migrations.AddField(
                model_name='historicalchannelforecast',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalchannelforecast',
                name='org_unit',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.orgunit', verbose_name='business division'),
            ),
            migrations.AddField(
                model_name='historicalchannelforecast',
                name='period',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='forecasting.forecastperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='historicalchannelforecast',
                name='product',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.product', verbose_name='product'),
            ),
            migrations.AddField(
                model_name='historicalforecastperiod',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalforecastrule',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalforecastrule',
                name='period',
                field=models.ForeignKey(blank=True, db_constraint=False, help_text='Empty: the default rule of every period without its own.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='forecasting.forecastperiod', verbose_name='period'),
            ),
            migrations.AddField(
                model_name='historicalforecastrule_stages',
                name='forecastrule',
                field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='forecasting.forecastrule'),
            ),
            migrations.AddField(
                model_name='historicalforecastrule_stages',
                name='history',
                field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='forecasting.historicalforecastrule'),
            ),
            migrations.AddField(
                model_name='historicalforecastrule_stages',
                name='stage',
                field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage'),
            ),
            migrations.AddField(
                model_name='historicalstagecategory',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalstagecategory',
                name='stage',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage', verbose_name='stage'),
            ),
            migrations.AddField(
                model_name='stagecategory',
                name='stage',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='forecast_category', to='opportunities.stage', verbose_name='stage'),
            ),
            migrations.AddConstraint(
                model_name='forecastline',
                constraint=models.UniqueConstraint(fields=('forecast', 'opportunity'), name='forecastline_once_per_record'),
            ),
            migrations.AddConstraint(
                model_name='forecastline',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='forecastline_amount_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='forecastdeadline',
                constraint=models.UniqueConstraint(fields=('period', 'level'), name='forecastdeadline_once_per_level'),
            ),
            migrations.AddIndex(
                model_name='forecast',
                index=models.Index(fields=['period', 'owner', 'status', 'version'], name='forecast_latest'),
            ),
            migrations.AddIndex(
                model_name='forecast',
                index=models.Index(fields=['period', 'status'], name='forecast_period_status'),
            ),
            migrations.AddConstraint(
                model_name='forecast',
                constraint=models.UniqueConstraint(fields=('period', 'owner', 'version'), name='forecast_one_per_version'),
            ),
            migrations.AddConstraint(
                model_name='forecast',
                constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='forecast_version_positive'),
            ),
            migrations.AddConstraint(
                model_name='channelforecast',
                constraint=models.UniqueConstraint(fields=('period', 'org_unit', 'partner_name', 'product'), name='channelforecast_once_per_partner_product'),
            ),
            migrations.AddConstraint(
                model_name='channelforecast',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0), ('quantity__gte', 0)), name='channelforecast_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='forecastreminder',
                constraint=models.UniqueConstraint(fields=('period', 'user', 'due'), name='forecastreminder_once'),
            ),
            migrations.AddConstraint(
                model_name='forecastrollup',
                constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('period', 'user'), name='forecastrollup_once_per_user'),
            ),
            migrations.AddConstraint(
                model_name='forecastrollup',
                constraint=models.UniqueConstraint(condition=models.Q(('org_unit__isnull', False)), fields=('period', 'org_unit'), name='forecastrollup_once_per_unit'),
            ),
            migrations.AddConstraint(
                model_name='forecastrollup',
                constraint=models.CheckConstraint(condition=models.Q(('user__isnull', True), ('org_unit__isnull', True), _connector='XOR'), name='forecastrollup_user_or_unit'),
            ),
            migrations.AddConstraint(
                model_name='forecastrule',
                constraint=models.UniqueConstraint(condition=models.Q(('period__isnull', True)), fields=('period',), name='forecastrule_one_default'),
            ),
        ], app_label="forecasting"),
        replaced_step('funnel.migrations.0002_default_stages', 'seed_stages', stage_moved=True),
        replaced_step('opportunities.migrations.0002_default_assessment', 'seed_assessment'),
        replaced_step('funnel.migrations.0004_default_funnel_config', 'seed_funnel_config', stage_moved=True),
        replaced_step('funnel.migrations.0004_default_funnel_config', 'schedule_daily_snapshot', 'unschedule'),
        replaced_step('funnel.migrations.0010_snapshot_watchdog_schedule', 'schedule_watchdog', 'unschedule'),
        replaced_step('forecasting.migrations.0002_default_rules', 'seed_rules', stage_moved=True),
        replaced_step('forecasting.migrations.0003_rollup_schedule', 'schedule', 'unschedule'),
    ]
