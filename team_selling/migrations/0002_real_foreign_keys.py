"""Team-selling rows point at their opportunity, contact and activity with real foreign keys.

Before, they held plain integer ids, so deleting a contact or an activity left rows pointing at nothing.
Rows that already do are deleted here, and each kind is reported.
"""

import django.db.models.deletion
from django.db import migrations, models


def to_foreign_key(model_name: str, name: str, field) -> list:
    """Turn the plain integer column `<name>_id` into the foreign key `name` on the very same column: first the
    column gets its constraint under its old field name, then only the field's name changes (no data moves)."""
    _name, path, args, kwargs = field.deconstruct()
    on_the_old_column = field.__class__(*args, **{**kwargs, "db_column": f"{name}_id"})
    return [
        migrations.AlterField(model_name=model_name, name=f"{name}_id", field=on_the_old_column),
        migrations.RenameField(model_name=model_name, old_name=f"{name}_id", new_name=name),
        migrations.AlterField(model_name=model_name, name=name, field=field),
    ]


def history_key(to: str, verbose_name: str):
    """The field a historical model has for a foreign key: no constraint, kept when the row it names goes."""
    return models.ForeignKey(blank=True, null=True, db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                             related_name="+", to=to, verbose_name=verbose_name)


def delete_orphans(apps, schema_editor):
    opportunity = apps.get_model("opportunities", "Opportunity")
    activity = apps.get_model("opportunities", "Activity")
    contact = apps.get_model("accounts", "Contact")
    checks = [
        ("TeamPlan", {"opportunity_id__in": opportunity.objects.values("pk")}),
        ("ContactStrategy", {"contact_id__in": contact.objects.values("pk")}),
        ("TeamMeeting", {"opportunity_id__in": opportunity.objects.values("pk"),
                         "activity_id__in": activity.objects.values("pk")}),
        ("KeyInteraction", {"opportunity_id__in": opportunity.objects.values("pk"),
                            "activity_id__in": activity.objects.values("pk")}),
    ]
    for model_name, existing in checks:
        model = apps.get_model("team_selling", model_name)
        orphans = model.objects.exclude(pk__in=model.objects.filter(**existing).values("pk"))
        if orphans.exists():
            _total, per_model = orphans.delete()
            removed = ", ".join(f"{count} {label.split('.')[-1]}" for label, count in per_model.items() if count)
            print(f"\n  team_selling: {model_name} rows pointing at deleted rows removed: {removed}")  # noqa: T201
    _constraints_now(schema_editor)


def _constraints_now(schema_editor) -> None:
    """PostgreSQL checks deferred foreign keys at commit; rows just deleted leave trigger events pending, and
    it refuses to ALTER those tables until they ran. Run them now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_import_progress_and_stuck_reset"),
        ("opportunities", "0002_default_assessment"),
        ("team_selling", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(delete_orphans, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="contactstrategy", name="contactstrategy_once_per_contact"),
        *to_foreign_key("teamplan", "opportunity", models.OneToOneField(
            on_delete=django.db.models.deletion.CASCADE, related_name="team_plan", to="opportunities.opportunity",
            verbose_name="opportunity")),
        *to_foreign_key("contactstrategy", "contact", models.ForeignKey(
            on_delete=django.db.models.deletion.CASCADE, related_name="team_strategies", to="accounts.contact",
            verbose_name="contact")),
        *to_foreign_key("teammeeting", "opportunity", models.ForeignKey(
            on_delete=django.db.models.deletion.CASCADE, related_name="team_meetings", to="opportunities.opportunity",
            verbose_name="opportunity")),
        *to_foreign_key("teammeeting", "activity", models.OneToOneField(
            on_delete=django.db.models.deletion.CASCADE, related_name="team_meeting", to="opportunities.activity",
            verbose_name="activity")),
        *to_foreign_key("keyinteraction", "opportunity", models.ForeignKey(
            on_delete=django.db.models.deletion.CASCADE, related_name="key_interactions",
            to="opportunities.opportunity", verbose_name="opportunity")),
        *to_foreign_key("keyinteraction", "activity", models.OneToOneField(
            on_delete=django.db.models.deletion.CASCADE, related_name="key_interaction", to="opportunities.activity",
            verbose_name="activity")),
        *to_foreign_key("historicalteamplan", "opportunity", history_key("opportunities.opportunity", "opportunity")),
        *to_foreign_key("historicalcontactstrategy", "contact", history_key("accounts.contact", "contact")),
        *to_foreign_key("historicalteammeeting", "opportunity", history_key("opportunities.opportunity", "opportunity")),
        *to_foreign_key("historicalteammeeting", "activity", history_key("opportunities.activity", "activity")),
        *to_foreign_key("historicalkeyinteraction", "opportunity",
                        history_key("opportunities.opportunity", "opportunity")),
        *to_foreign_key("historicalkeyinteraction", "activity", history_key("opportunities.activity", "activity")),
        migrations.AddConstraint(
            model_name="contactstrategy",
            constraint=models.UniqueConstraint(fields=("plan", "contact"), name="contactstrategy_once_per_contact"),
        ),
    ]
