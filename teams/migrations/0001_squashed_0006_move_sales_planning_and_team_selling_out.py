"""Squashed: People, org units, territories, assignment rules and notifications, and the payouts' schedule.

Sales planning and team selling, which this app's history created and then moved out, are created by their
own apps' squashed migrations.

A new database runs this instead of the migrations it replaces (crm/migrating.py says why)."""

import django.contrib.auth.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
import teams.models
from django.conf import settings
from django.db import migrations, models

from crm.migrating import CreateModelsAtOnce, replaced_step


class Migration(migrations.Migration):

    replaces = [
        ('teams', '0001_initial'),
        ('teams', '0002_historicalterritory_territory_and_more'),
        ('teams', '0003_sales_planning'),
        ('teams', '0004_incentive_payouts_schedule'),
        ('teams', '0005_team_selling'),
        ('teams', '0006_move_sales_planning_and_team_selling_out'),
    ]

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('django_celery_beat', '0018_improve_crontab_helptext'),
    ]

    operations = [
        CreateModelsAtOnce([
            migrations.CreateModel(
                name='User',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('password', models.CharField(max_length=128, verbose_name='password')),
                    ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                    ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                    ('username', models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                    ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                    ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                    ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                    ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                    ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                    ('display_name', models.CharField(blank=True, max_length=100, verbose_name='display name')),
                    ('role', models.CharField(choices=[('account_manager', 'Account manager'), ('manager', 'Sales manager'), ('admin', 'Administrator')], default='account_manager', max_length=20, verbose_name='role')),
                    ('language', models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], default='zh-hans', max_length=10, verbose_name='language')),
                    ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                    ('manager', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='direct_reports', to=settings.AUTH_USER_MODEL, verbose_name='reports to')),
                    ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
                ],
                options={
                    'verbose_name': 'user',
                    'verbose_name_plural': 'users',
                    'ordering': ['username'],
                },
                managers=[
                    ('objects', teams.models.CrmUserManager()),
                ],
            ),
            migrations.CreateModel(
                name='OrgUnit',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('kind', models.CharField(choices=[('company', 'Company'), ('division', 'Business division'), ('region', 'Region'), ('team', 'Team')], max_length=16, verbose_name='kind')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('manager', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='managed_units', to=settings.AUTH_USER_MODEL, verbose_name='manager')),
                    ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='teams.orgunit', verbose_name='parent unit')),
                ],
                options={
                    'verbose_name': 'org unit',
                    'verbose_name_plural': 'org units',
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalUser',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                    ('username', models.CharField(db_index=True, error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                    ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                    ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                    ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                    ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                    ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                    ('display_name', models.CharField(blank=True, max_length=100, verbose_name='display name')),
                    ('role', models.CharField(choices=[('account_manager', 'Account manager'), ('manager', 'Sales manager'), ('admin', 'Administrator')], default='account_manager', max_length=20, verbose_name='role')),
                    ('language', models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], default='zh-hans', max_length=10, verbose_name='language')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('manager', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reports to')),
                    ('org_unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.orgunit', verbose_name='org unit')),
                ],
                options={
                    'verbose_name': 'historical user',
                    'verbose_name_plural': 'historical users',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalTerritory',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(db_index=True, max_length=100, verbose_name='name')),
                    ('provinces', models.JSONField(blank=True, default=list, verbose_name='provinces')),
                    ('cities', models.JSONField(blank=True, default=list, verbose_name='cities')),
                    ('industries', models.JSONField(blank=True, default=list, verbose_name='industries')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('org_unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.orgunit', verbose_name='org unit')),
                ],
                options={
                    'verbose_name': 'historical territory',
                    'verbose_name_plural': 'historical territories',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalOrgUnit',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('kind', models.CharField(choices=[('company', 'Company'), ('division', 'Business division'), ('region', 'Region'), ('team', 'Team')], max_length=16, verbose_name='kind')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('manager', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='manager')),
                    ('parent', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.orgunit', verbose_name='parent unit')),
                ],
                options={
                    'verbose_name': 'historical org unit',
                    'verbose_name_plural': 'historical org units',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.AddField(
                model_name='user',
                name='org_unit',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='members', to='teams.orgunit', verbose_name='org unit'),
            ),
            migrations.CreateModel(
                name='Territory',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                    ('provinces', models.JSONField(blank=True, default=list, verbose_name='provinces')),
                    ('cities', models.JSONField(blank=True, default=list, verbose_name='cities')),
                    ('industries', models.JSONField(blank=True, default=list, verbose_name='industries')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('members', models.ManyToManyField(blank=True, related_name='territories', to=settings.AUTH_USER_MODEL, verbose_name='members')),
                    ('org_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='territories', to='teams.orgunit', verbose_name='org unit')),
                ],
                options={
                    'verbose_name': 'territory',
                    'verbose_name_plural': 'territories',
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalTerritory_members',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='teams.historicalterritory')),
                    ('user', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('territory', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.territory')),
                ],
                options={
                    'verbose_name': 'HistoricalTerritory_members',
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalAssignmentRule',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('order', models.PositiveIntegerField(db_index=True, default=100, verbose_name='order')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('provinces', models.JSONField(blank=True, default=list, verbose_name='provinces')),
                    ('cities', models.JSONField(blank=True, default=list, verbose_name='cities')),
                    ('industries', models.JSONField(blank=True, default=list, verbose_name='industries')),
                    ('sources', models.JSONField(blank=True, default=list, verbose_name='sources')),
                    ('min_employees', models.PositiveIntegerField(blank=True, null=True, verbose_name='minimum employees')),
                    ('max_employees', models.PositiveIntegerField(blank=True, null=True, verbose_name='maximum employees')),
                    ('min_annual_revenue', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='minimum annual revenue')),
                    ('max_annual_revenue', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='maximum annual revenue')),
                    ('strategy', models.CharField(choices=[('user', 'A named person'), ('round_robin', 'Round-robin within a team or territory'), ('fewest_customers', 'Fewest customers within a team or territory')], default='user', max_length=20, verbose_name='strategy')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ('org_unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.orgunit', verbose_name='team')),
                    ('territory', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.territory', verbose_name='territory')),
                ],
                options={
                    'verbose_name': 'historical assignment rule',
                    'verbose_name_plural': 'historical assignment rules',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='AssignmentRule',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('order', models.PositiveIntegerField(db_index=True, default=100, verbose_name='order')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('provinces', models.JSONField(blank=True, default=list, verbose_name='provinces')),
                    ('cities', models.JSONField(blank=True, default=list, verbose_name='cities')),
                    ('industries', models.JSONField(blank=True, default=list, verbose_name='industries')),
                    ('sources', models.JSONField(blank=True, default=list, verbose_name='sources')),
                    ('min_employees', models.PositiveIntegerField(blank=True, null=True, verbose_name='minimum employees')),
                    ('max_employees', models.PositiveIntegerField(blank=True, null=True, verbose_name='maximum employees')),
                    ('min_annual_revenue', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='minimum annual revenue')),
                    ('max_annual_revenue', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='maximum annual revenue')),
                    ('strategy', models.CharField(choices=[('user', 'A named person'), ('round_robin', 'Round-robin within a team or territory'), ('fewest_customers', 'Fewest customers within a team or territory')], default='user', max_length=20, verbose_name='strategy')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('last_assigned', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ('org_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.orgunit', verbose_name='team')),
                    ('territory', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='teams.territory', verbose_name='territory')),
                ],
                options={
                    'verbose_name': 'assignment rule',
                    'verbose_name_plural': 'assignment rules',
                    'ordering': ['order', 'id'],
                },
            ),
            migrations.CreateModel(
                name='Notification',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(max_length=40, verbose_name='kind')),
                    ('message', models.CharField(max_length=300, verbose_name='message')),
                    ('url', models.CharField(blank=True, max_length=300, verbose_name='link')),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                    ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                    ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                ],
                options={
                    'verbose_name': 'notification',
                    'verbose_name_plural': 'notifications',
                    'ordering': ['-created_at', '-id'],
                    'indexes': [models.Index(fields=['recipient', 'read_at'], name='notification_inbox')],
                },
            ),
            migrations.AddConstraint(
                model_name='orgunit',
                constraint=models.CheckConstraint(condition=models.Q(('parent', models.F('id')), _negated=True), name='orgunit_not_own_parent'),
            ),
            migrations.AddConstraint(
                model_name='orgunit',
                constraint=models.UniqueConstraint(fields=('parent', 'name'), name='orgunit_unique_name_per_parent'),
            ),
            migrations.AddConstraint(
                model_name='user',
                constraint=models.CheckConstraint(condition=models.Q(('manager', models.F('id')), _negated=True), name='user_not_own_manager'),
            ),
        ]),
        replaced_step('teams.migrations.0004_incentive_payouts_schedule', 'schedule', 'unschedule'),
    ]
