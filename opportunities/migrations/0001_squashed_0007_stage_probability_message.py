"""Squashed: opportunities, stages, activities and the assessment; the eight default stages (written
when the stage lived in funnel) and the 20 default questions.

It also replaces funnel 0001-0006, on which this app's history waited (the stage moved from funnel to here):
a squash inherits the dependencies of what it replaces, and without them the two squashes would wait on
each other. funnel's squash, which creates funnel's tables, comes after this one.

A new database runs this instead of the migrations it replaces (crm/migrating.py says why)."""

import django.core.validators
import django.db.models.deletion
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
        replaced_step('funnel.migrations.0002_default_stages', 'seed_stages', stage_moved=True),
        replaced_step('opportunities.migrations.0002_default_assessment', 'seed_assessment'),
    ]
