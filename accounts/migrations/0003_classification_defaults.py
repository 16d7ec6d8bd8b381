"""Default classification rules and tier thresholds (administrators change them in the admin)."""

from decimal import Decimal

from django.db import migrations

RULES = [
    ("员工 1000 人以上 / 1,000+ employees", "employees", Decimal("1000"), [], 30),
    ("员工 200 人以上 / 200+ employees", "employees", Decimal("200"), [], 15),
    ("年收入 10 亿以上 / revenue 1 bn+", "annual_revenue", Decimal("1000000000"), [], 40),
    ("年收入 1 亿以上 / revenue 100 m+", "annual_revenue", Decimal("100000000"), [], 20),
    ("重点行业 / focus industries", "industry", None,
     ["制造业", "能源", "金融", "政府", "医疗", "教育", "交通"], 15),
    ("集团客户 / group with subsidiaries", "subsidiaries", Decimal("1"), [], 10),
]
THRESHOLDS = [("key", 60), ("high_potential", 35), ("ordinary", 10), ("low", 0)]


def seed(apps, schema_editor):
    rule_model = apps.get_model("accounts", "ClassificationRule")
    threshold_model = apps.get_model("accounts", "TierThreshold")
    for name, criterion, threshold, values, points in RULES:
        rule_model.objects.get_or_create(
            name=name, defaults={"criterion": criterion, "threshold": threshold, "values": values, "points": points}
        )
    for tier, min_score in THRESHOLDS:
        threshold_model.objects.get_or_create(tier=tier, defaults={"min_score": min_score})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_trigram_index")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
