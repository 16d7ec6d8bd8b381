"""Squashed: Win-probability models and predictions, and the nightly training's schedule.

A new database runs this instead of the migrations it replaces (crm/migrating.py says why)."""

import django.db.models.deletion
from django.db import migrations, models

from crm.migrating import CreateModelsAtOnce, replaced_step


class Migration(migrations.Migration):

    replaces = [
        ('insights', '0001_initial'),
        ('insights', '0002_nightly_training_schedule'),
    ]

    dependencies = [
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        ('opportunities', '0007_stage_probability_message'),
    ]

    operations = [
        CreateModelsAtOnce([
            migrations.CreateModel(
                name='WinModel',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('day', models.DateField(unique=True, verbose_name='day')),
                    ('trained_at', models.DateTimeField(verbose_name='trained at')),
                    ('kind', models.CharField(blank=True, choices=[('naive_bayes', 'Naive Bayes'), ('logistic', 'Logistic regression')], max_length=20, verbose_name='model')),
                    ('source', models.CharField(choices=[('model', 'Learned from past deals'), ('stage', 'Stage probability')], max_length=8, verbose_name='probabilities shown')),
                    ('fallback_reason', models.CharField(blank=True, choices=[('', 'None'), ('too_few', 'Too few closed deals to learn from'), ('worse', 'Not better than the stage probabilities on the held-out deals')], max_length=10, verbose_name='why the stage probabilities are shown')),
                    ('trained_on', models.PositiveIntegerField(default=0, verbose_name='closed deals learned from')),
                    ('won', models.PositiveIntegerField(default=0, verbose_name='won')),
                    ('lost', models.PositiveIntegerField(default=0, verbose_name='lost')),
                    ('examples', models.PositiveIntegerField(default=0, verbose_name='examples (deal × stage passed)')),
                    ('holdout_start', models.DateField(blank=True, null=True, verbose_name='held-out deals closed from')),
                    ('holdout_end', models.DateField(blank=True, null=True, verbose_name='held-out deals closed until')),
                    ('holdout_deals', models.PositiveIntegerField(default=0, verbose_name='held-out deals')),
                    ('brier_model', models.FloatField(blank=True, null=True, verbose_name='Brier score of the model')),
                    ('brier_stage', models.FloatField(blank=True, null=True, verbose_name='Brier score of the stage probabilities')),
                    ('other_kind', models.CharField(blank=True, choices=[('naive_bayes', 'Naive Bayes'), ('logistic', 'Logistic regression')], max_length=20, verbose_name='other model')),
                    ('brier_other', models.FloatField(blank=True, null=True, verbose_name='Brier score of the other model')),
                    ('calibration', models.JSONField(blank=True, default=list, verbose_name='calibration by decile')),
                    ('calibration_stage', models.JSONField(blank=True, default=list, verbose_name='stage calibration by decile')),
                    ('scored', models.PositiveIntegerField(default=0, verbose_name='open opportunities scored')),
                    ('seconds', models.FloatField(default=0, verbose_name='duration (s)')),
                ],
                options={
                    'verbose_name': 'win probability model',
                    'verbose_name_plural': 'win probability models',
                    'ordering': ['-day'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('source__in', ['model', 'stage'])), name='winmodel_source_known')],
                },
            ),
            migrations.CreateModel(
                name='Prediction',
                fields=[
                    ('opportunity', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='prediction', serialize=False, to='opportunities.opportunity', verbose_name='opportunity')),
                    ('probability', models.DecimalField(decimal_places=4, max_digits=5, verbose_name='win probability')),
                    ('stage_probability', models.DecimalField(decimal_places=4, max_digits=5, verbose_name='stage probability')),
                    ('source', models.CharField(choices=[('model', 'Learned from past deals'), ('stage', 'Stage probability')], max_length=8, verbose_name='source')),
                    ('factors', models.JSONField(blank=True, default=list, verbose_name='factors')),
                    ('model', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='predictions', to='insights.winmodel', verbose_name='model')),
                ],
                options={
                    'verbose_name': 'win probability prediction',
                    'verbose_name_plural': 'win probability predictions',
                    'indexes': [models.Index(fields=['probability'], name='prediction_probability')],
                    'constraints': [models.CheckConstraint(condition=models.Q(('probability__gte', 0), ('probability__lte', 1)), name='prediction_probability_fraction')],
                },
            ),
        ]),
        replaced_step('insights.migrations.0002_nightly_training_schedule', 'schedule', 'unschedule'),
    ]
