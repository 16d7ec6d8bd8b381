"""Squashed: forecasts, rules and roll-ups; the default rule, each stage's forecast category and the
roll-up's schedule.

A new database runs this instead of the migrations it replaces (crm/migrating.py says why)."""

import django.db.models.deletion
import forecasting.models
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from crm.migrating import CreateModelsAtOnce, replaced_step


class Migration(migrations.Migration):

    replaces = [
        ('forecasting', '0001_initial'),
        ('forecasting', '0002_default_rules'),
        ('forecasting', '0003_rollup_schedule'),
        ('forecasting', '0004_stage_in_opportunities'),
        ('forecasting', '0005_period_kind_year'),
    ]

    dependencies = [
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        ('teams', '0001_initial'),
        ('opportunities', '0003_stage_from_funnel'),
        ('funnel', '0002_default_stages'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
        ]),
        replaced_step('forecasting.migrations.0002_default_rules', 'seed_rules', stage_moved=True),
        replaced_step('forecasting.migrations.0003_rollup_schedule', 'schedule', 'unschedule'),
    ]
