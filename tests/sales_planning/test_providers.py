"""What sales_planning registers with the apps below it when it is ready (sales_planning/apps.py)."""

from django.apps import apps

import forecasting.selectors
from sales_planning.selectors import quota_amount


def test_sales_planning_provides_the_quota_beside_the_forecast():
    assert forecasting.selectors._quota_provider is quota_amount


def test_ready_again_keeps_the_one_quota_provider():
    apps.get_app_config("sales_planning").ready()
    assert forecasting.selectors._quota_provider is quota_amount
