"""Squashed: Tender projects and their key dates, and the deadline reminders' schedule.

A new database runs this instead of the migrations it replaces (crm/migrating.py says why)."""

import django.db.models.deletion
import django.db.models.expressions
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from crm.migrating import CreateModelsAtOnce, replaced_step


class Migration(migrations.Migration):

    replaces = [
        ('bids', '0001_initial'),
        ('bids', '0002_deadline_reminders'),
        ('bids', '0003_deadline_reminder_schedule'),
    ]

    dependencies = [
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        ('opportunities', '0002_default_assessment'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModelsAtOnce([
            migrations.CreateModel(
                name='BidAgendaEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('milestone', models.CharField(choices=[('registration', 'Registration deadline'), ('clarification', 'Clarification'), ('submission', 'Bid submission deadline'), ('opening', 'Bid opening'), ('award', 'Award announcement')], max_length=16, verbose_name='key date')),
                ],
                options={
                    'verbose_name': 'tender date on the agenda',
                    'verbose_name_plural': 'tender dates on the agenda',
                },
            ),
            migrations.CreateModel(
                name='BidAgent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('scheme', models.TextField(blank=True, verbose_name="agent's scheme")),
                    ('quote', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name="agent's quote")),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ],
                options={
                    'verbose_name': 'participating agent',
                    'verbose_name_plural': 'participating agents',
                    'ordering': ['position', 'id'],
                },
            ),
            migrations.CreateModel(
                name='BidCompetitor',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('known_price', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='known price')),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ],
                options={
                    'verbose_name': 'competitor in a tender',
                    'verbose_name_plural': 'competitors in tenders',
                    'ordering': ['position', 'id'],
                },
            ),
            migrations.CreateModel(
                name='BidDeadlineReminder',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('milestone', models.CharField(choices=[('registration', 'Registration deadline'), ('clarification', 'Clarification'), ('submission', 'Bid submission deadline'), ('opening', 'Bid opening'), ('award', 'Award announcement')], max_length=16, verbose_name='key date')),
                    ('due_on', models.DateField(verbose_name='day of the key date')),
                    ('sent_at', models.DateTimeField(auto_now_add=True, verbose_name='sent at')),
                ],
                options={
                    'verbose_name': 'tender deadline reminder',
                    'verbose_name_plural': 'tender deadline reminders',
                },
            ),
            migrations.CreateModel(
                name='BidLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                    ('configuration', models.CharField(max_length=300, verbose_name='configuration')),
                    ('quantity', models.DecimalField(decimal_places=2, default=Decimal('1'), max_digits=12, verbose_name='quantity')),
                    ('target_price', models.DecimalField(decimal_places=2, max_digits=18, verbose_name="customer's target price")),
                    ('quote', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='our quote')),
                    ('target_amount', models.DecimalField(decimal_places=2, editable=False, max_digits=18, verbose_name='target amount')),
                    ('quote_amount', models.DecimalField(decimal_places=2, editable=False, max_digits=18, verbose_name='quote amount')),
                ],
                options={
                    'verbose_name': 'bid line',
                    'verbose_name_plural': 'bid lines',
                    'ordering': ['position', 'id'],
                },
            ),
            migrations.CreateModel(
                name='BidProject',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('sales_method', models.CharField(choices=[('tender', 'Tender'), ('special_price', 'Special-price approval'), ('distribution', 'Distribution')], default='tender', max_length=16, verbose_name='sales method')),
                    ('tender_type', models.CharField(blank=True, choices=[('open_single_quote', 'Open tender, single quote'), ('open_second_quote', 'Open tender, second quote allowed'), ('negotiated', 'Negotiated tender'), ('framework', 'Unified framework signing')], max_length=20, verbose_name='tender type')),
                    ('lots', models.BooleanField(default=False, verbose_name='split into lots')),
                    ('single_quote', models.BooleanField(default=False, verbose_name='single quote only')),
                    ('scheme', models.CharField(choices=[('direct', 'Company bids directly'), ('one_agent_one_scheme', 'One agent bids one scheme'), ('joint_multi_scheme', 'Company and agents bid several schemes'), ('multi_agent_multi_scheme', 'Several agents bid several schemes')], default='direct', max_length=30, verbose_name='bid scheme')),
                    ('delivery_date', models.DateField(blank=True, null=True, verbose_name='delivery date')),
                    ('delivery_place', models.CharField(blank=True, max_length=200, verbose_name='delivery place')),
                    ('eval_price', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='price weight')),
                    ('eval_service', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='service weight')),
                    ('eval_technology', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='technology weight')),
                    ('eval_commercial', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='commercial weight')),
                    ('impact', models.CharField(blank=True, choices=[('extreme', 'Extremely high: losing it loses an important customer and much market share'), ('very_high', 'Very high'), ('medium', 'Medium'), ('ordinary', 'Ordinary')], max_length=12, verbose_name="impact on the customer's region")),
                    ('background', models.TextField(blank=True, verbose_name='project background')),
                    ('relationship', models.CharField(choices=[('over_80', 'Very solid, absolute control (> 80%)'), ('over_60', 'Fairly solid, considerable control (> 60%)'), ('under_30', 'Average, little certainty (< 30%)'), ('unknown', 'Cannot judge yet')], default='unknown', max_length=12, verbose_name='customer relationship degree')),
                    ('registration_at', models.DateTimeField(blank=True, null=True, verbose_name='registration deadline')),
                    ('clarification_at', models.DateTimeField(blank=True, null=True, verbose_name='clarification')),
                    ('submission_at', models.DateTimeField(blank=True, null=True, verbose_name='bid submission deadline')),
                    ('opening_at', models.DateTimeField(blank=True, null=True, verbose_name='bid opening')),
                    ('award_at', models.DateTimeField(blank=True, null=True, verbose_name='award announcement')),
                    ('status', models.CharField(choices=[('preparing', 'Preparing'), ('submitted', 'Submitted'), ('won', 'Won'), ('lost', 'Lost'), ('cancelled', 'Cancelled')], default='preparing', max_length=12, verbose_name='status')),
                    ('target_total', models.DecimalField(decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=18, verbose_name="customer's target total")),
                    ('quote_total', models.DecimalField(decimal_places=2, default=Decimal('0.00'), editable=False, max_digits=18, verbose_name='our quote total')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                    ('winning_brand', models.CharField(blank=True, max_length=100, verbose_name='winning brand')),
                    ('winning_price', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='winning price')),
                    ('outcome_reason', models.TextField(blank=True, verbose_name='outcome note')),
                    ('outcome_at', models.DateTimeField(blank=True, null=True, verbose_name='outcome recorded at')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'tender record',
                    'verbose_name_plural': 'tender records',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='CompetitorBrand',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('strengths', models.TextField(blank=True, verbose_name='strengths')),
                    ('weaknesses', models.TextField(blank=True, verbose_name='weaknesses')),
                    ('threat_level', models.CharField(blank=True, choices=[('high', 'High'), ('medium', 'Medium'), ('low', 'Low')], max_length=8, verbose_name='threat level')),
                    ('notes', models.TextField(blank=True, verbose_name='notes')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'competing brand',
                    'verbose_name_plural': 'competing brands',
                    'ordering': ['name', 'id'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalBidAgent',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('scheme', models.TextField(blank=True, verbose_name="agent's scheme")),
                    ('quote', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name="agent's quote")),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical participating agent',
                    'verbose_name_plural': 'historical participating agents',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalBidCompetitor',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('known_price', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='known price')),
                    ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical competitor in a tender',
                    'verbose_name_plural': 'historical competitors in tenders',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalBidLine',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                    ('configuration', models.CharField(max_length=300, verbose_name='configuration')),
                    ('quantity', models.DecimalField(decimal_places=2, default=Decimal('1'), max_digits=12, verbose_name='quantity')),
                    ('target_price', models.DecimalField(decimal_places=2, max_digits=18, verbose_name="customer's target price")),
                    ('quote', models.DecimalField(decimal_places=2, max_digits=18, verbose_name='our quote')),
                    ('target_amount', models.DecimalField(decimal_places=2, editable=False, max_digits=18, verbose_name='target amount')),
                    ('quote_amount', models.DecimalField(decimal_places=2, editable=False, max_digits=18, verbose_name='quote amount')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical bid line',
                    'verbose_name_plural': 'historical bid lines',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalBidProject',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('sales_method', models.CharField(choices=[('tender', 'Tender'), ('special_price', 'Special-price approval'), ('distribution', 'Distribution')], default='tender', max_length=16, verbose_name='sales method')),
                    ('tender_type', models.CharField(blank=True, choices=[('open_single_quote', 'Open tender, single quote'), ('open_second_quote', 'Open tender, second quote allowed'), ('negotiated', 'Negotiated tender'), ('framework', 'Unified framework signing')], max_length=20, verbose_name='tender type')),
                    ('lots', models.BooleanField(default=False, verbose_name='split into lots')),
                    ('single_quote', models.BooleanField(default=False, verbose_name='single quote only')),
                    ('scheme', models.CharField(choices=[('direct', 'Company bids directly'), ('one_agent_one_scheme', 'One agent bids one scheme'), ('joint_multi_scheme', 'Company and agents bid several schemes'), ('multi_agent_multi_scheme', 'Several agents bid several schemes')], default='direct', max_length=30, verbose_name='bid scheme')),
                    ('delivery_date', models.DateField(blank=True, null=True, verbose_name='delivery date')),
                    ('delivery_place', models.CharField(blank=True, max_length=200, verbose_name='delivery place')),
                    ('eval_price', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='price weight')),
                    ('eval_service', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='service weight')),
                    ('eval_technology', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='technology weight')),
                    ('eval_commercial', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='commercial weight')),
                    ('impact', models.CharField(blank=True, choices=[('extreme', 'Extremely high: losing it loses an important customer and much market share'), ('very_high', 'Very high'), ('medium', 'Medium'), ('ordinary', 'Ordinary')], max_length=12, verbose_name="impact on the customer's region")),
                    ('background', models.TextField(blank=True, verbose_name='project background')),
                    ('relationship', models.CharField(choices=[('over_80', 'Very solid, absolute control (> 80%)'), ('over_60', 'Fairly solid, considerable control (> 60%)'), ('under_30', 'Average, little certainty (< 30%)'), ('unknown', 'Cannot judge yet')], default='unknown', max_length=12, verbose_name='customer relationship degree')),
                    ('registration_at', models.DateTimeField(blank=True, null=True, verbose_name='registration deadline')),
                    ('clarification_at', models.DateTimeField(blank=True, null=True, verbose_name='clarification')),
                    ('submission_at', models.DateTimeField(blank=True, null=True, verbose_name='bid submission deadline')),
                    ('opening_at', models.DateTimeField(blank=True, null=True, verbose_name='bid opening')),
                    ('award_at', models.DateTimeField(blank=True, null=True, verbose_name='award announcement')),
                    ('status', models.CharField(choices=[('preparing', 'Preparing'), ('submitted', 'Submitted'), ('won', 'Won'), ('lost', 'Lost'), ('cancelled', 'Cancelled')], default='preparing', max_length=12, verbose_name='status')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                    ('winning_brand', models.CharField(blank=True, max_length=100, verbose_name='winning brand')),
                    ('winning_price', models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True, verbose_name='winning price')),
                    ('outcome_reason', models.TextField(blank=True, verbose_name='outcome note')),
                    ('outcome_at', models.DateTimeField(blank=True, null=True, verbose_name='outcome recorded at')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical tender record',
                    'verbose_name_plural': 'historical tender records',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalCompetitorBrand',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('strengths', models.TextField(blank=True, verbose_name='strengths')),
                    ('weaknesses', models.TextField(blank=True, verbose_name='weaknesses')),
                    ('threat_level', models.CharField(blank=True, choices=[('high', 'High'), ('medium', 'Medium'), ('low', 'Low')], max_length=8, verbose_name='threat level')),
                    ('notes', models.TextField(blank=True, verbose_name='notes')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical competing brand',
                    'verbose_name_plural': 'historical competing brands',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalPartner',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('credit_code', models.CharField(blank=True, max_length=18, verbose_name='unified social credit code')),
                    ('kind', models.CharField(choices=[('agent', 'Agent'), ('channel', 'Channel partner')], default='agent', max_length=12, verbose_name='kind')),
                    ('region', models.CharField(blank=True, max_length=60, verbose_name='region')),
                    ('status', models.CharField(choices=[('active', 'Active'), ('suspended', 'Suspended')], default='active', max_length=12, verbose_name='status')),
                    ('credit_rating', models.CharField(blank=True, choices=[('excellent', 'A · Excellent'), ('good', 'B · Good'), ('fair', 'C · Fair'), ('poor', 'D · Poor')], max_length=12, verbose_name='credit standing')),
                    ('credit_rated_on', models.DateField(blank=True, null=True, verbose_name='rated on')),
                    ('credit_source', models.CharField(blank=True, max_length=200, verbose_name='rating source')),
                    ('notes', models.TextField(blank=True, verbose_name='notes')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical partner',
                    'verbose_name_plural': 'historical partners',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalPartnerContact',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('title', models.CharField(blank=True, max_length=100, verbose_name='title')),
                    ('phone', models.CharField(blank=True, max_length=40, verbose_name='phone')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ],
                options={
                    'verbose_name': 'historical partner contact',
                    'verbose_name_plural': 'historical partner contacts',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='Partner',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=200, verbose_name='name')),
                    ('credit_code', models.CharField(blank=True, max_length=18, verbose_name='unified social credit code')),
                    ('kind', models.CharField(choices=[('agent', 'Agent'), ('channel', 'Channel partner')], default='agent', max_length=12, verbose_name='kind')),
                    ('region', models.CharField(blank=True, max_length=60, verbose_name='region')),
                    ('status', models.CharField(choices=[('active', 'Active'), ('suspended', 'Suspended')], default='active', max_length=12, verbose_name='status')),
                    ('credit_rating', models.CharField(blank=True, choices=[('excellent', 'A · Excellent'), ('good', 'B · Good'), ('fair', 'C · Fair'), ('poor', 'D · Poor')], max_length=12, verbose_name='credit standing')),
                    ('credit_rated_on', models.DateField(blank=True, null=True, verbose_name='rated on')),
                    ('credit_source', models.CharField(blank=True, max_length=200, verbose_name='rating source')),
                    ('notes', models.TextField(blank=True, verbose_name='notes')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ],
                options={
                    'verbose_name': 'partner',
                    'verbose_name_plural': 'partners',
                    'ordering': ['name', 'id'],
                },
            ),
            migrations.CreateModel(
                name='PartnerContact',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('title', models.CharField(blank=True, max_length=100, verbose_name='title')),
                    ('phone', models.CharField(blank=True, max_length=40, verbose_name='phone')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                ],
                options={
                    'verbose_name': 'partner contact',
                    'verbose_name_plural': 'partner contacts',
                    'ordering': ['name', 'id'],
                },
            ),
            migrations.CreateModel(
                name='PartnerCreditRating',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('rating', models.CharField(choices=[('excellent', 'A · Excellent'), ('good', 'B · Good'), ('fair', 'C · Fair'), ('poor', 'D · Poor')], max_length=12, verbose_name='credit standing')),
                    ('rated_on', models.DateField(verbose_name='rated on')),
                    ('source', models.CharField(max_length=200, verbose_name='source')),
                    ('note', models.TextField(blank=True, verbose_name='note')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ],
                options={
                    'verbose_name': 'credit rating',
                    'verbose_name_plural': 'credit ratings',
                    'ordering': ['-rated_on', '-id'],
                },
            ),

            migrations.AddField(
                model_name='bidagendaentry',
                name='activity',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='bid_agenda_entry', to='opportunities.activity', verbose_name='activity'),
            ),

            migrations.AddField(
                model_name='biddeadlinereminder',
                name='recipient',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient'),
            ),
            migrations.AddField(
                model_name='bidline',
                name='product',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='bid_lines', to='opportunities.product', verbose_name='product'),
            ),
            migrations.AddField(
                model_name='bidproject',
                name='created_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
            ),
            migrations.AddField(
                model_name='bidproject',
                name='opportunity',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='bid', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='bidproject',
                name='outcome_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='outcome recorded by'),
            ),
            migrations.AddField(
                model_name='bidline',
                name='bid',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='bids.bidproject', verbose_name='tender record'),
            ),
            migrations.AddField(
                model_name='biddeadlinereminder',
                name='bid',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadline_reminders', to='bids.bidproject', verbose_name='tender record'),
            ),
            migrations.AddField(
                model_name='bidcompetitor',
                name='bid',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bid_competitors', to='bids.bidproject', verbose_name='tender record'),
            ),
            migrations.AddField(
                model_name='bidagent',
                name='bid',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bid_agents', to='bids.bidproject', verbose_name='tender record'),
            ),
            migrations.AddField(
                model_name='bidagendaentry',
                name='bid',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agenda_entries', to='bids.bidproject', verbose_name='tender record'),
            ),
            migrations.AddConstraint(
                model_name='competitorbrand',
                constraint=models.UniqueConstraint(fields=('name',), name='competitorbrand_unique_name'),
            ),
            migrations.AddField(
                model_name='bidproject',
                name='competitors',
                field=models.ManyToManyField(blank=True, related_name='bids', through='bids.BidCompetitor', to='bids.competitorbrand', verbose_name='competing brands'),
            ),
            migrations.AddField(
                model_name='bidcompetitor',
                name='brand',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bid_competitors', to='bids.competitorbrand', verbose_name='competing brand'),
            ),
            migrations.AddField(
                model_name='historicalbidagent',
                name='bid',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='bids.bidproject', verbose_name='tender record'),
            ),
            migrations.AddField(
                model_name='historicalbidagent',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalbidcompetitor',
                name='bid',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='bids.bidproject', verbose_name='tender record'),
            ),
            migrations.AddField(
                model_name='historicalbidcompetitor',
                name='brand',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='bids.competitorbrand', verbose_name='competing brand'),
            ),
            migrations.AddField(
                model_name='historicalbidcompetitor',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalbidline',
                name='bid',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='bids.bidproject', verbose_name='tender record'),
            ),
            migrations.AddField(
                model_name='historicalbidline',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalbidline',
                name='product',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.product', verbose_name='product'),
            ),
            migrations.AddField(
                model_name='historicalbidproject',
                name='created_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
            ),
            migrations.AddField(
                model_name='historicalbidproject',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalbidproject',
                name='opportunity',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.opportunity', verbose_name='opportunity'),
            ),
            migrations.AddField(
                model_name='historicalbidproject',
                name='outcome_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='outcome recorded by'),
            ),
            migrations.AddField(
                model_name='historicalcompetitorbrand',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalpartner',
                name='created_by',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
            ),
            migrations.AddField(
                model_name='historicalpartner',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='historicalpartnercontact',
                name='history_user',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='partner',
                name='created_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
            ),
            migrations.AddField(
                model_name='historicalpartnercontact',
                name='partner',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='bids.partner', verbose_name='partner'),
            ),
            migrations.AddField(
                model_name='historicalbidagent',
                name='partner',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='bids.partner', verbose_name='agent'),
            ),
            migrations.AddField(
                model_name='bidproject',
                name='agents',
                field=models.ManyToManyField(blank=True, related_name='bids', through='bids.BidAgent', to='bids.partner', verbose_name='participating agents'),
            ),
            migrations.AddField(
                model_name='bidagent',
                name='partner',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bid_agents', to='bids.partner', verbose_name='agent'),
            ),
            migrations.AddField(
                model_name='partnercontact',
                name='partner',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='bids.partner', verbose_name='partner'),
            ),
            migrations.AddField(
                model_name='partnercreditrating',
                name='partner',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='credit_ratings', to='bids.partner', verbose_name='partner'),
            ),
            migrations.AddField(
                model_name='partnercreditrating',
                name='recorded_by',
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
            ),
            migrations.AddConstraint(
                model_name='bidline',
                constraint=models.CheckConstraint(condition=models.Q(('quantity__gt', 0)), name='bidline_quantity_positive'),
            ),
            migrations.AddConstraint(
                model_name='bidline',
                constraint=models.CheckConstraint(condition=models.Q(('target_price__gte', 0)), name='bidline_target_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='bidline',
                constraint=models.CheckConstraint(condition=models.Q(('quote__gte', 0)), name='bidline_quote_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='biddeadlinereminder',
                constraint=models.UniqueConstraint(fields=('bid', 'milestone', 'due_on', 'recipient'), name='biddeadlinereminder_once'),
            ),
            migrations.AddConstraint(
                model_name='bidagendaentry',
                constraint=models.UniqueConstraint(fields=('bid', 'milestone'), name='bidagenda_once_per_date'),
            ),
            migrations.AddConstraint(
                model_name='bidcompetitor',
                constraint=models.UniqueConstraint(fields=('bid', 'brand'), name='bidcompetitor_once_per_bid'),
            ),
            migrations.AddConstraint(
                model_name='bidcompetitor',
                constraint=models.CheckConstraint(condition=models.Q(('known_price__isnull', True), ('known_price__gte', 0), _connector='OR'), name='bidcompetitor_price_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='partner',
                constraint=models.UniqueConstraint(fields=('name',), name='partner_unique_name'),
            ),
            migrations.AddConstraint(
                model_name='partner',
                constraint=models.UniqueConstraint(condition=models.Q(('credit_code', ''), _negated=True), fields=('credit_code',), name='partner_unique_credit_code'),
            ),
            migrations.AddIndex(
                model_name='bidproject',
                index=models.Index(fields=['status', 'submission_at'], name='bidproject_status_submission'),
            ),
            migrations.AddIndex(
                model_name='bidproject',
                index=models.Index(fields=['opening_at'], name='bidproject_opening'),
            ),
            migrations.AddConstraint(
                model_name='bidproject',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('eval_commercial__isnull', True), ('eval_price__isnull', True), ('eval_service__isnull', True), ('eval_technology__isnull', True)), models.Q(('eval_commercial__isnull', False), ('eval_commercial__lte', 100), ('eval_price__isnull', False), ('eval_price__lte', 100), ('eval_service__isnull', False), ('eval_service__lte', 100), ('eval_technology__isnull', False), ('eval_technology__lte', 100)), _connector='OR'), name='bidproject_evaluation_all_or_none'),
            ),
            migrations.AddConstraint(
                model_name='bidproject',
                constraint=models.CheckConstraint(condition=models.Q(('eval_price__isnull', True), ('eval_price', django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(models.Value(100), '-', models.F('eval_service')), '-', models.F('eval_technology')), '-', models.F('eval_commercial'))), _connector='OR'), name='bidproject_evaluation_sums_to_100'),
            ),
            migrations.AddConstraint(
                model_name='bidproject',
                constraint=models.CheckConstraint(condition=models.Q(('winning_price__isnull', True), ('winning_price__gte', 0), _connector='OR'), name='bidproject_winning_price_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='bidagent',
                constraint=models.UniqueConstraint(fields=('bid', 'partner'), name='bidagent_once_per_bid'),
            ),
            migrations.AddConstraint(
                model_name='bidagent',
                constraint=models.CheckConstraint(condition=models.Q(('quote__isnull', True), ('quote__gte', 0), _connector='OR'), name='bidagent_quote_not_negative'),
            ),
            migrations.AddIndex(
                model_name='partnercreditrating',
                index=models.Index(fields=['partner', '-rated_on'], name='partnerrating_latest'),
            ),
        ]),
        replaced_step('bids.migrations.0003_deadline_reminder_schedule', 'schedule', 'unschedule'),
    ]
