"""Nothing to do: funnel's history (0001-0010) is squashed into opportunities' squashed migration, which creates
funnel's models. This migration gives funnel's next migrations a place in the graph to follow."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("funnel", "0010_snapshot_watchdog_schedule"),
    ]

    operations = []
