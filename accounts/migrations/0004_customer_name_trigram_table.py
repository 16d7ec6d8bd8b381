"""The narrow trigram table: each customer's id and normalised name, with the GIN trigram index
(PostgreSQL) moved here from the wide customer table. Existing customers are copied in."""

import django.db.models.deletion
from django.db import migrations, models


def backfill_and_index(apps, schema_editor):
    Customer = apps.get_model("accounts", "Customer")
    CustomerName = apps.get_model("accounts", "CustomerName")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "INSERT INTO accounts_customername (customer_id, normalized_name) "
            "SELECT id, normalized_name FROM accounts_customer ON CONFLICT (customer_id) DO NOTHING"
        )
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # fastupdate off: an import inserts thousands of names while it searches; in the pending
        # list (the default) every search would scan all of them (10,000-row import: 2x slower).
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS customername_trgm ON accounts_customername "
            "USING gin (normalized_name gin_trgm_ops) WITH (fastupdate = off)"
        )
        # The search no longer reads the wide table's index; dropping it saves its upkeep on every write.
        schema_editor.execute("DROP INDEX IF EXISTS customer_name_trgm")
        return
    rows = Customer.objects.values_list("id", "normalized_name").iterator(chunk_size=5000)
    batch = []
    for pk, name in rows:
        batch.append(CustomerName(customer_id=pk, normalized_name=name))
        if len(batch) >= 5000:
            CustomerName.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    CustomerName.objects.bulk_create(batch, ignore_conflicts=True)


def restore_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_name_trgm ON accounts_customer USING gin (normalized_name gin_trgm_ops)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_classification_defaults"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerName",
            fields=[
                ("customer", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                  related_name="+", serialize=False, to="accounts.customer")),
                ("normalized_name", models.CharField(max_length=200)),
            ],
            options={
                "verbose_name": "customer name (matching)",
                "verbose_name_plural": "customer names (matching)",
            },
        ),
        migrations.RunPython(backfill_and_index, restore_index),
    ]
