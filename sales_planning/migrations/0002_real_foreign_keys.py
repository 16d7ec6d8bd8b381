"""Named accounts and re-deployments point at their customers and opportunities with real foreign keys.

Before, `TerritoryAccount.customer_id` was a plain integer and a re-deployment kept JSON lists of ids, so a
deleted or merged customer left rows pointing at nothing. Rows that already do are deleted here (named
accounts) or dropped from the lists (re-deployments keep their counts), and each is reported.
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
    customer = apps.get_model("accounts", "Customer")
    territory_account = apps.get_model("sales_planning", "TerritoryAccount")
    orphans = territory_account.objects.exclude(customer_id__in=customer.objects.values("pk"))
    count = orphans.count()
    if count:
        print(f"\n  sales_planning: {count} named account(s) of deleted customers removed")  # noqa: T201
        orphans.delete()
        if schema_editor.connection.vendor == "postgresql":
            # Run the deferred foreign-key checks of the deleted rows now: PostgreSQL refuses to ALTER a table
            # with pending trigger events, and the next operation alters this one.
            schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def copy_moved_ids(apps, schema_editor):
    customer = apps.get_model("accounts", "Customer")
    opportunity = apps.get_model("opportunities", "Opportunity")
    redeployment = apps.get_model("sales_planning", "Redeployment")
    dropped = 0
    for record in redeployment.objects.iterator():
        customer_ids = {int(pk) for pk in record.customer_ids or []}
        opportunity_ids = {int(pk) for pk in record.opportunity_ids or []}
        customers = list(customer.objects.filter(pk__in=customer_ids).values_list("pk", flat=True))
        opportunities = list(opportunity.objects.filter(pk__in=opportunity_ids).values_list("pk", flat=True))
        record.customers.set(customers)
        record.opportunities.set(opportunities)
        dropped += len(customer_ids) - len(customers) + len(opportunity_ids) - len(opportunities)
    if dropped:
        print(f"\n  sales_planning: {dropped} id(s) of deleted customers or opportunities left out "  # noqa: T201
              "of re-deployments (their counts stay)")


def copy_moved_ids_back(apps, schema_editor):
    redeployment = apps.get_model("sales_planning", "Redeployment")
    for record in redeployment.objects.iterator():
        record.customer_ids = sorted(record.customers.values_list("pk", flat=True))
        record.opportunity_ids = sorted(record.opportunities.values_list("pk", flat=True))
        record.save(update_fields=["customer_ids", "opportunity_ids"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_import_progress_and_stuck_reset"),
        ("opportunities", "0002_default_assessment"),
        ("sales_planning", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(delete_orphans, migrations.RunPython.noop),
        *to_foreign_key("territoryaccount", "customer", models.OneToOneField(
            on_delete=django.db.models.deletion.CASCADE, related_name="named_account", to="accounts.customer",
            verbose_name="customer")),
        *to_foreign_key("historicalterritoryaccount", "customer", history_key("accounts.customer", "customer")),
        migrations.AddField(
            model_name="redeployment",
            name="customers",
            field=models.ManyToManyField(blank=True, related_name="redeployments", to="accounts.customer",
                                         verbose_name="customers moved"),
        ),
        migrations.AddField(
            model_name="redeployment",
            name="opportunities",
            field=models.ManyToManyField(blank=True, related_name="redeployments", to="opportunities.opportunity",
                                         verbose_name="opportunities moved"),
        ),
        migrations.RunPython(copy_moved_ids, copy_moved_ids_back),
        migrations.RemoveField(model_name="redeployment", name="customer_ids"),
        migrations.RemoveField(model_name="redeployment", name="opportunity_ids"),
    ]
