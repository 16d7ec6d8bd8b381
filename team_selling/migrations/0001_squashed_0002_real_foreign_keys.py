"""Squashed: team plans, contact strategies, team meetings and key interactions, in the tables the teams
app created for them (`teams_...`).

A database of the old layout has those tables already (teams 0005): there it runs the replaced migrations.

A new database runs this instead of the migrations it replaces (crm/migrating.py says why)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from crm.migrating import CreateModelsAtOnce


class Migration(migrations.Migration):

    replaces = [
        ('team_selling', '0001_initial'),
        ('team_selling', '0002_real_foreign_keys'),
    ]

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('teams', '0006_move_sales_planning_and_team_selling_out'),
        ('accounts', '0005_import_progress_and_stuck_reset'),
        ('opportunities', '0002_default_assessment'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModelsAtOnce([
            migrations.CreateModel(
                name='HistoricalContactStrategy',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('current_attitude', models.CharField(choices=[('champion', 'Champion: sells for us inside'), ('supporter', 'Supporter'), ('neutral', 'Neutral'), ('unknown', 'Not known yet'), ('skeptic', 'Sceptical'), ('opponent', 'Opposes us')], default='unknown', max_length=12, verbose_name='relationship now')),
                    ('target_attitude', models.CharField(choices=[('champion', 'Champion: sells for us inside'), ('supporter', 'Supporter'), ('neutral', 'Neutral'), ('unknown', 'Not known yet'), ('skeptic', 'Sceptical'), ('opponent', 'Opposes us')], default='supporter', max_length=12, verbose_name='target relationship')),
                    ('actions', models.TextField(blank=True, verbose_name='planned actions')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical contact strategy',
                    'verbose_name_plural': 'historical contact strategies',
                    'db_table': 'teams_historicalcontactstrategy',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalKeyInteraction',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('significance', models.TextField(verbose_name='why it matters')),
                    ('marked_at', models.DateTimeField(blank=True, editable=False, verbose_name='marked at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical key interaction',
                    'verbose_name_plural': 'historical key interactions',
                    'db_table': 'teams_historicalkeyinteraction',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalTeamMeeting',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('meeting_type', models.CharField(choices=[('meeting', 'Customer meeting'), ('seminar', 'Seminar'), ('technical_exchange', 'Technical exchange'), ('executive_visit', 'Executive visit'), ('site_visit', 'Site or reference visit'), ('demo', 'Demonstration')], default='meeting', max_length=20, verbose_name='type')),
                    ('agenda', models.TextField(blank=True, verbose_name='agenda')),
                    ('ends_at', models.DateTimeField(blank=True, null=True, verbose_name='ends')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical team meeting',
                    'verbose_name_plural': 'historical team meetings',
                    'db_table': 'teams_historicalteammeeting',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalTeamPlan',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('cooperation_strategy', models.TextField(blank=True, verbose_name='cooperation strategy')),
                    ('competitive_assessment', models.TextField(blank=True, verbose_name='competitive assessment')),
                    ('needs_analysis', models.TextField(blank=True, verbose_name='needs analysis')),
                    ('solution', models.TextField(blank=True, verbose_name='solution and configuration')),
                    ('max_discount', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='largest discount (%)')),
                    ('price_floor', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='price floor')),
                    ('pricing_notes', models.TextField(blank=True, verbose_name='pricing notes')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical team selling plan',
                    'verbose_name_plural': 'historical team selling plans',
                    'db_table': 'teams_historicalteamplan',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='KeyInteraction',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('significance', models.TextField(verbose_name='why it matters')),
                    ('marked_at', models.DateTimeField(auto_now_add=True, verbose_name='marked at')),
                ],
                options={
                    'verbose_name': 'key interaction',
                    'verbose_name_plural': 'key interactions',
                    'db_table': 'teams_keyinteraction',
                    'ordering': ['-marked_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='TeamMeeting',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('meeting_type', models.CharField(choices=[('meeting', 'Customer meeting'), ('seminar', 'Seminar'), ('technical_exchange', 'Technical exchange'), ('executive_visit', 'Executive visit'), ('site_visit', 'Site or reference visit'), ('demo', 'Demonstration')], default='meeting', max_length=20, verbose_name='type')),
                    ('agenda', models.TextField(blank=True, verbose_name='agenda')),
                    ('ends_at', models.DateTimeField(blank=True, null=True, verbose_name='ends')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'team meeting',
                    'verbose_name_plural': 'team meetings',
                    'db_table': 'teams_teammeeting',
                    'ordering': ['opportunity_id', 'id'],
                },
            ),
            migrations.CreateModel(
                name='TeamPlan',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('cooperation_strategy', models.TextField(blank=True, verbose_name='cooperation strategy')),
                    ('competitive_assessment', models.TextField(blank=True, verbose_name='competitive assessment')),
                    ('needs_analysis', models.TextField(blank=True, verbose_name='needs analysis')),
                    ('solution', models.TextField(blank=True, verbose_name='solution and configuration')),
                    ('max_discount', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='largest discount (%)')),
                    ('price_floor', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='price floor')),
                    ('pricing_notes', models.TextField(blank=True, verbose_name='pricing notes')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'team selling plan',
                    'verbose_name_plural': 'team selling plans',
                    'db_table': 'teams_teamplan',
                    'ordering': ['-updated_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='ContactStrategy',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('current_attitude', models.CharField(choices=[('champion', 'Champion: sells for us inside'), ('supporter', 'Supporter'), ('neutral', 'Neutral'), ('unknown', 'Not known yet'), ('skeptic', 'Sceptical'), ('opponent', 'Opposes us')], default='unknown', max_length=12, verbose_name='relationship now')),
                    ('target_attitude', models.CharField(choices=[('champion', 'Champion: sells for us inside'), ('supporter', 'Supporter'), ('neutral', 'Neutral'), ('unknown', 'Not known yet'), ('skeptic', 'Sceptical'), ('opponent', 'Opposes us')], default='supporter', max_length=12, verbose_name='target relationship')),
                    ('actions', models.TextField(blank=True, verbose_name='planned actions')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='team_strategies', to='accounts.contact', verbose_name='contact')),
                ],
                options={
                    'verbose_name': 'contact strategy',
                    'verbose_name_plural': 'contact strategies',
                    'db_table': 'teams_contactstrategy',
                    'ordering': ['plan', 'id'],
                },
            ),

            migrations.AddField(
                model_name='contactstrategy',
                name='covered_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='covered by'),
            ),
            migrations.AddField(
                model_name='contactstrategy',
                name='updated_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by'),
            ),
            migrations.AddField(
                model_name='historicalcontactstrategy',
                name='contact',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.contact', verbose_name='contact'),
            ),
            migrations.AddField(
                model_name='historicalcontactstrategy',
                name='covered_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='covered by'),
            ),
            migrations.AddField(
                model_name='historicalcontactstrategy',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalcontactstrategy',
                name='updated_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by'),
            ),
            migrations.AddField(
                model_name='historicalkeyinteraction',
                name='activity',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.activity', verbose_name='activity'),
            ),
            migrations.AddField(
                model_name='historicalkeyinteraction',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalkeyinteraction',
                name='marked_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='marked by'),
            ),
            migrations.AddField(
                model_name='historicalkeyinteraction',
                name='opportunity',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='historicalteammeeting',
                name='activity',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.activity', verbose_name='activity'),
            ),
            migrations.AddField(
                model_name='historicalteammeeting',
                name='created_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='scheduled by'),
            ),
            migrations.AddField(
                model_name='historicalteammeeting',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalteammeeting',
                name='opportunity',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='historicalteamplan',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalteamplan',
                name='opportunity',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='historicalteamplan',
                name='pricing_authority',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decides prices'),
            ),
            migrations.AddField(
                model_name='historicalteamplan',
                name='updated_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by'),
            ),
            migrations.AddField(
                model_name='keyinteraction',
                name='activity',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='key_interaction', to='opportunities.activity', verbose_name='activity'),
            ),
            migrations.AddField(
                model_name='keyinteraction',
                name='marked_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='marked by'),
            ),
            migrations.AddField(
                model_name='keyinteraction',
                name='opportunity',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='key_interactions', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='teammeeting',
                name='activity',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='team_meeting', to='opportunities.activity', verbose_name='activity'),
            ),
            migrations.AddField(
                model_name='teammeeting',
                name='created_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='scheduled by'),
            ),
            migrations.AddField(
                model_name='teammeeting',
                name='opportunity',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='team_meetings', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='teamplan',
                name='opportunity',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='team_plan', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='teamplan',
                name='pricing_authority',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decides prices'),
            ),
            migrations.AddField(
                model_name='teamplan',
                name='updated_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by'),
            ),
            migrations.AddField(
                model_name='historicalcontactstrategy',
                name='plan',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='team_selling.teamplan', verbose_name='team selling plan'),
            ),
            migrations.AddField(
                model_name='contactstrategy',
                name='plan',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contact_strategies', to='team_selling.teamplan', verbose_name='team selling plan'),
            ),
            migrations.AddConstraint(
                model_name='teamplan',
                constraint=models.CheckConstraint(condition=models.Q(('max_discount__isnull', True), models.Q(('max_discount__gte', 0), ('max_discount__lte', 100)), _connector='OR'), name='teamplan_discount_percent'),
            ),
            migrations.AddConstraint(
                model_name='teamplan',
                constraint=models.CheckConstraint(condition=models.Q(('price_floor__isnull', True), ('price_floor__gte', 0), _connector='OR'), name='teamplan_price_floor_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='contactstrategy',
                constraint=models.UniqueConstraint(fields=('plan', 'contact'), name='contactstrategy_once_per_contact'),
            ),
        ], existing_table="teams_teamplan", replay=["0001_initial", "0002_real_foreign_keys"]),
    ]
