"""Squashed: The platform's tables (job outbox, request tokens, the database cache) and the job sweep's schedule.

A new database runs this instead of the migrations it replaces (crm/migrating.py says why)."""

import django.utils.timezone
import uuid
from django.db import migrations, models

from crm.migrating import CreateModelsAtOnce, replaced_step


class Migration(migrations.Migration):

    replaces = [
        ('crm', '0001_job_outbox'),
        ('crm', '0002_job_sweep_schedule'),
        ('crm', '0003_request_tokens'),
        ('crm', '0004_cache_table'),
        ('crm', '0005_job_schedule'),
        ('crm', '0006_job_requested_by'),
    ]

    dependencies = [
        ('django_celery_beat', '0019_alter_periodictasks_options'),
    ]

    operations = [
        CreateModelsAtOnce([
            migrations.CreateModel(
                name='FormToken',
                fields=[
                    ('token', models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name='token')),
                    ('user_id', models.BigIntegerField(null=True, verbose_name='user id')),
                    ('path', models.CharField(max_length=500, verbose_name='path')),
                    ('created_url', models.CharField(blank=True, max_length=500, verbose_name='address of what it created')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='used at')),
                ],
                options={
                    'verbose_name': 'form token',
                    'verbose_name_plural': 'form tokens',
                    'indexes': [models.Index(fields=['user_id', 'created_at'], name='formtoken_user_created')],
                },
            ),
            migrations.CreateModel(
                name='IdempotentRequest',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('user_id', models.BigIntegerField(verbose_name='user id')),
                    ('key', models.CharField(max_length=255, verbose_name='idempotency key')),
                    ('method', models.CharField(max_length=10, verbose_name='method')),
                    ('path', models.CharField(max_length=500, verbose_name='path')),
                    ('body_hash', models.CharField(max_length=64, verbose_name='request body hash')),
                    ('status_code', models.PositiveSmallIntegerField(null=True, verbose_name='response status')),
                    ('content_type', models.CharField(blank=True, max_length=100, verbose_name='response content type')),
                    ('response_body', models.BinaryField(default=b'', verbose_name='response body')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='sent at')),
                ],
                options={
                    'verbose_name': 'idempotent request',
                    'verbose_name_plural': 'idempotent requests',
                    'indexes': [models.Index(fields=['user_id', 'created_at'], name='idempotent_user_created')],
                    'constraints': [models.UniqueConstraint(fields=('user_id', 'key'), name='idempotent_request_unique_key')],
                },
            ),
            migrations.CreateModel(
                name='Job',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('task', models.CharField(max_length=200, verbose_name='task')),
                    ('args', models.JSONField(blank=True, default=list, verbose_name='arguments')),
                    ('kwargs', models.JSONField(blank=True, default=dict, verbose_name='keyword arguments')),
                    ('state', models.CharField(choices=[('pending', 'Pending'), ('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='pending', max_length=10, verbose_name='state')),
                    ('attempts', models.PositiveIntegerField(default=0, help_text='How many times a worker started it.', verbose_name='attempts')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                    ('queued_at', models.DateTimeField(blank=True, null=True, verbose_name='queued at')),
                    ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                    ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                    ('last_error', models.TextField(blank=True, verbose_name='last error')),
                    ('progress_done', models.PositiveIntegerField(blank=True, null=True, verbose_name='done')),
                    ('progress_total', models.PositiveIntegerField(blank=True, null=True, verbose_name='total')),
                    ('schedule', models.CharField(blank=True, max_length=200, verbose_name='schedule')),
                    ('requested_by_id', models.BigIntegerField(blank=True, null=True, verbose_name='requested by (user id)')),
                    ('label', models.TextField(blank=True, verbose_name='label')),
                    ('cancellable', models.BooleanField(default=False, verbose_name='can be cancelled while running')),
                    ('result_url', models.CharField(blank=True, max_length=500, verbose_name='result')),
                    ('result_file', models.FileField(blank=True, max_length=300, upload_to='jobs/%Y/%m/', verbose_name='result file')),
                ],
                options={
                    'verbose_name': 'background job',
                    'verbose_name_plural': 'background jobs',
                    'ordering': ['-created_at'],
                    'indexes': [models.Index(fields=['state', 'created_at'], name='crm_job_state_created'), models.Index(fields=['schedule', 'created_at'], name='crm_job_schedule_created'), models.Index(fields=['requested_by_id', 'created_at'], name='crm_job_requested_created')],
                },
            ),
        ]),
        replaced_step('crm.migrations.0002_job_sweep_schedule', 'schedule_sweep', 'unschedule'),
        replaced_step('crm.migrations.0004_cache_table', 'create_cache_table'),
    ]
