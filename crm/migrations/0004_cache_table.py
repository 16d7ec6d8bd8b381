"""The database cache's table (settings.CACHES without CACHE_URL/REDIS_URL): every path that migrates
(make run, docker-compose's migrate service, CI) gets it; a Redis cache needs none and is left alone."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0003_request_tokens"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
