"""The shipped forecast rules: the default rule (open stages and won count, confirmed only, every
level up to the business division submits) and each stage's default forecast category:

| stages | category |
|---|---|
| 01-04 | pipeline |
| 05-06 | best case |
| 07, 08 won | commit |
| 08 lost | omitted |

Administrators edit both in the admin; an edit is kept when the migration runs again.
"""

from django.db import migrations

CATEGORIES = {
    ("01", "open"): "pipeline",
    ("02", "open"): "pipeline",
    ("03", "open"): "pipeline",
    ("04", "open"): "pipeline",
    ("05", "open"): "best_case",
    ("06", "open"): "best_case",
    ("07", "open"): "commit",
    ("08", "won"): "commit",
    ("08", "lost"): "omitted",
}


def seed_rules(apps, schema_editor=None):
    Stage = apps.get_model("funnel", "Stage")
    StageCategory = apps.get_model("forecasting", "StageCategory")
    ForecastRule = apps.get_model("forecasting", "ForecastRule")
    for stage in Stage.objects.all():
        category = CATEGORIES.get((stage.code, stage.outcome))
        if category is None:
            category = {"won": "commit", "lost": "omitted"}.get(stage.outcome, "pipeline")
        StageCategory.objects.get_or_create(stage=stage, defaults={"category": category})
    if not ForecastRule.objects.filter(period__isnull=True).exists():
        rule = ForecastRule.objects.create(
            period=None, confirmed_only=True, levels=["account_manager", "team", "region", "division"],
            reminder_days=3,
        )
        rule.stages.set(Stage.objects.filter(outcome__in=["open", "won"]))


class Migration(migrations.Migration):
    dependencies = [
        ("forecasting", "0001_initial"),
        ("funnel", "0002_default_stages"),
    ]

    operations = [migrations.RunPython(seed_rules, migrations.RunPython.noop)]
