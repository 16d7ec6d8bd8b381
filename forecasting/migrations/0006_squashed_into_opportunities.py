"""Nothing to do: forecasting's history (0001-0005) is squashed into opportunities' squashed migration, which creates
forecasting's models. This migration gives forecasting's next migrations a place in the graph to follow."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("forecasting", "0005_period_kind_year"),
    ]

    operations = []
