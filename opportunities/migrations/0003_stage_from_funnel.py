"""The Stage model (and its history) moves from the funnel app to opportunities: a stage is
opportunities data (every opportunity points to one), the funnel keeps the history of moves.

Nothing changes in the database: the tables keep their names (funnel_stage, funnel_historicalstage,
set on the models), so this migration and funnel 0007 / forecasting 0004 only change Django's state:
- the models are created in opportunities' state (matching the existing tables exactly),
- the foreign keys of opportunities' own models now point to opportunities.Stage,
- the content types (and so their permissions and admin log entries) are relabelled funnel -> opportunities,
  keeping their ids; on a fresh database there is nothing to relabel yet.
funnel 0007 then repoints the funnel's foreign keys and removes the models from funnel's state.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ["stage", "historicalstage"]


def _relabel(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED_MODELS:
        old = content_types.filter(app_label=source, model=model).first()
        if old is None:
            continue  # a fresh database: post_migrate creates the content type under its new label
        # A row already made under the new label (post_migrate of a partial migrate by this code) is a
        # duplicate without history: the old row, with its id and permissions, takes its place.
        content_types.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    CurrentContentType.objects.clear_cache()


def content_types_to_opportunities(apps, schema_editor):
    _relabel(apps, schema_editor, "funnel", "opportunities")


def content_types_to_funnel(apps, schema_editor):
    _relabel(apps, schema_editor, "opportunities", "funnel")


class Migration(migrations.Migration):

    dependencies = [
        ("opportunities", "0002_default_assessment"),
        # The stage's tables were created and filled by the funnel's migrations up to here.
        ("funnel", "0006_backfill_stage_entries"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
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
                        ('requirements', models.JSONField(blank=True, default=list, help_text='What must be true before an opportunity moves forward into this stage.', verbose_name='entry requirements')),
                        ('stuck_after_days', models.PositiveSmallIntegerField(blank=True, help_text='An opportunity longer than this in the stage is flagged as stuck; empty: never.', null=True, verbose_name='stuck after (days)')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('probability', models.PositiveSmallIntegerField(verbose_name='win probability (%)')),
                        ('outcome', models.CharField(choices=[('open', 'Open'), ('won', 'Won'), ('lost', 'Lost')], default='open', max_length=8, verbose_name='outcome')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
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
                        ('requirements', models.JSONField(blank=True, default=list, help_text='What must be true before an opportunity moves forward into this stage.', verbose_name='entry requirements')),
                        ('stuck_after_days', models.PositiveSmallIntegerField(blank=True, help_text='An opportunity longer than this in the stage is flagged as stuck; empty: never.', null=True, verbose_name='stuck after (days)')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('probability', models.PositiveSmallIntegerField(verbose_name='win probability (%)')),
                        ('outcome', models.CharField(choices=[('open', 'Open'), ('won', 'Won'), ('lost', 'Lost')], default='open', max_length=8, verbose_name='outcome')),
                        ('active', models.BooleanField(default=True, verbose_name='active')),
                    ],
                    options={
                        'verbose_name': 'stage',
                        'verbose_name_plural': 'stages',
                        'db_table': 'funnel_stage',
                        'ordering': ['order', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('code', 'outcome'), name='stage_unique_code_outcome'), models.CheckConstraint(condition=models.Q(('probability__lte', 100)), name='stage_probability_percent')],
                    },
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='historicalopportunity',
                    name='stage',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='opportunities.stage', verbose_name='stage'),
                ),
                migrations.AlterField(
                    model_name='opportunity',
                    name='stage',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opportunities', to='opportunities.stage', verbose_name='stage'),
                ),
            ],
        ),
        migrations.RunPython(content_types_to_opportunities, content_types_to_funnel),
    ]
